import { credentialsFromEnv } from '../../mlflowServer/credentials.ts';
import { MlflowServerError } from '../../mlflowServer/client.ts';
import { tlsFromEnv } from '../../mlflowServer/tlsTransport.ts';
import { describePush } from '../../mlflowServer/describe.ts';
import { pushToMlflow } from '../../mlflowServer/push.ts';
import { StoreError, openStore } from '../../store/database.ts';
import { discoverStorePath } from '../../store/location.ts';
import { type CliCommand, CliError, optionValues } from '../command.ts';

/** How often progress lines are printed. */
const PROGRESS_MS = 1000;

export const pushMlflowCommand: CliCommand = {
  words: ['push', 'mlflow'],
  summary:
    'Push experiments, runs, metrics, artifacts and models to an MLflow tracking server (only what is new; resumes after a crash). Credentials: MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN (as MLflow reads them); HTTPS: MLFLOW_TRACKING_SERVER_CERT_PATH or MLFLOW_TRACKING_INSECURE_TLS.',
  usage: '<tracking-uri> [--experiment NAME]... [--json]',
  async run(invocation) {
    const uri = invocation.args[0];
    if (!uri) throw new CliError('Give the tracking server\'s URI, e.g. ml-lifecycle push mlflow http://mlflow.example.com:5000');
    const experiments = optionValues(invocation, 'experiment');
    const storePath = discoverStorePath(invocation.cwd, invocation.env);
    let store;
    try {
      store = openStore(storePath);
    } catch (error) {
      throw error instanceof StoreError ? new CliError(error.message) : error;
    }
    try {
      let last = 0;
      const credentials = credentialsFromEnv(invocation.env);
      let tls;
      try {
        tls = tlsFromEnv(invocation.env);
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      const summary = await pushToMlflow(store, uri, {
        experiments,
        ...(credentials ? { credentials } : {}),
        ...(tls ? { tls } : {}),
        isCancelled: invocation.cancelled,
        onRetry: ({ what, attempt, delayMs, reason }) => invocation.progress(`${what}: ${reason}; retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s`),
        onProgress: ({ done, total, message }) => {
          const now = Date.now();
          if (now - last < PROGRESS_MS) return;
          last = now;
          invocation.progress(`Pushing: ${total ? `${Math.floor((100 * done) / total)} % ` : ''}${message}`);
        },
      });
      if (invocation.json) invocation.print(JSON.stringify({ store: storePath, ...summary }, null, 2));
      else invocation.print(describePush(summary).join('\n'));
    } catch (error) {
      if (error instanceof MlflowServerError || error instanceof StoreError) throw new CliError(error.message);
      if (error instanceof Error && error.message.startsWith('No experiment named')) throw new CliError(error.message);
      throw error;
    } finally {
      store.close();
    }
  },
};
