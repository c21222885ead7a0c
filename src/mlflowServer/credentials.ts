/**
 * Credentials for a tracking server, as MLflow's own client reads them: a bearer token
 * (MLFLOW_TRACKING_TOKEN) or basic auth (MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD).
 * They go into the Authorization header only: never into the store, logs or the audit trail.
 */
export type Credentials = { kind: 'token'; token: string } | { kind: 'basic'; username: string; password: string };

/**
 * The credentials in the environment as MLflow's client picks them (mlflow/utils/rest_utils.py):
 * user name and password when both are set, else the token; so basic wins when both kinds are set.
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): Credentials | undefined {
  if (env.MLFLOW_TRACKING_USERNAME && env.MLFLOW_TRACKING_PASSWORD) {
    return { kind: 'basic', username: env.MLFLOW_TRACKING_USERNAME, password: env.MLFLOW_TRACKING_PASSWORD };
  }
  if (env.MLFLOW_TRACKING_TOKEN) return { kind: 'token', token: env.MLFLOW_TRACKING_TOKEN };
  return undefined;
}

export function authorizationHeader(credentials: Credentials | undefined): string | undefined {
  if (!credentials) return undefined;
  if (credentials.kind === 'token') return `Bearer ${credentials.token}`;
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/**
 * Where credentials are set: the environment (CLI), or a command that keeps them in VS Code's
 * secret storage, named by its title.
 */
export type CredentialSource = { kind: 'env' } | { kind: 'command'; title: string };

const ENV_SOURCE: CredentialSource = { kind: 'env' };

/** What to tell someone whose request got 401 or 403: which credential to set, and where. */
export function credentialHint(status: number, credentials: Credentials | undefined, source: CredentialSource = ENV_SOURCE): string {
  const set = source.kind === 'env' ? 'set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN)' : `run "${source.title}" for this server`;
  if (status === 403) {
    return credentials
      ? `The ${credentials.kind === 'token' ? 'token' : `user "${credentials.username}"`} may not do this: ask the server's admin for permission on the experiment or model.`
      : `The server needs credentials: ${set}.`;
  }
  if (!credentials) return `The server needs credentials: ${set}.`;
  if (source.kind === 'command') return `The ${credentials.kind === 'token' ? 'token' : `user name "${credentials.username}" and password`} kept for this server ${credentials.kind === 'token' ? 'was' : 'were'} not accepted: ${set} again.`;
  return credentials.kind === 'token'
    ? 'MLFLOW_TRACKING_TOKEN was not accepted: check or renew it.'
    : `MLFLOW_TRACKING_USERNAME "${credentials.username}" and MLFLOW_TRACKING_PASSWORD were not accepted: check them.`;
}
