import * as vscode from 'vscode';
import type { Credentials } from '../../mlflowServer/credentials.ts';
import { normalizeTrackingUri } from '../../mlflowServer/client.ts';
import { describePush } from '../../mlflowServer/describe.ts';
import { uriProblem } from '../../mlflowServer/serverList.ts';
import { pushToMlflow } from '../../mlflowServer/push.ts';
import { tlsFromEnv } from '../../mlflowServer/tlsTransport.ts';
import type { Services } from '../services.ts';

/** Recent tracking URIs (no credentials) for the input's default. */
const RECENT_KEY = 'mlLifecycle.mlflowServer.recentUris';
/** The command that keeps a server's credentials in SecretStorage; 401/403 messages in VS Code name it. */
export const SET_CREDENTIALS_TITLE = 'ML Lifecycle: Set MLflow Server Credentials…';
const secretKey = (uri: string) => `mlLifecycle.mlflowServer.credentials:${uri}`;

export function registerMlflowServer(services: Services): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('mlLifecycle.pushToMlflowServer', () => services.run('Push to MLflow Server', () => pushCommand(services))),
    vscode.commands.registerCommand('mlLifecycle.forgetMlflowServerCredentials', () => services.run('Forget MLflow Server Credentials', () => forgetCommand(services))),
  ];
}

async function askUri(services: Services): Promise<string | undefined> {
  const recent = services.context.workspaceState.get<string[]>(RECENT_KEY, []);
  const typed = await vscode.window.showInputBox({
    title: vscode.l10n.t('Push to MLflow Server'),
    prompt: vscode.l10n.t('The tracking server’s address. Only what is new since the last push to it is sent.'),
    placeHolder: vscode.l10n.t('http://mlflow.example.com:5000'),
    value: recent[0] ?? '',
    ignoreFocusOut: true,
    validateInput: uriProblem,
  });
  return typed ? normalizeTrackingUri(typed) : undefined;
}

/** Credentials for a server from SecretStorage; asked for (and kept there) when the user says the server needs them. */
export async function credentialsFor(services: Services, uri: string, ask: boolean): Promise<Credentials | undefined> {
  const stored = await services.context.secrets.get(secretKey(uri));
  if (stored && !ask) return JSON.parse(stored) as Credentials;
  if (!ask) return undefined;
  const kind = await vscode.window.showQuickPick(
    [
      { label: 'Token', description: 'bearer token, like MLFLOW_TRACKING_TOKEN', auth: 'token' as const },
      { label: 'User name and password', description: 'basic auth, like MLFLOW_TRACKING_USERNAME/PASSWORD', auth: 'basic' as const },
    ],
    { title: vscode.l10n.t('Credentials for {0}', uri), placeHolder: vscode.l10n.t('Kept in VS Code’s secret storage, never in settings or the store') },
  );
  if (!kind) return undefined;
  let credentials: Credentials | undefined;
  if (kind.auth === 'token') {
    const token = await vscode.window.showInputBox({ title: vscode.l10n.t('Token for {0}', uri), password: true, ignoreFocusOut: true });
    if (token) credentials = { kind: 'token', token };
  } else {
    const username = await vscode.window.showInputBox({ title: vscode.l10n.t('User name for {0}', uri), ignoreFocusOut: true });
    const password = username ? await vscode.window.showInputBox({ title: vscode.l10n.t('Password of {0} on {1}', username, uri), password: true, ignoreFocusOut: true }) : undefined;
    if (username && password) credentials = { kind: 'basic', username, password };
  }
  if (credentials) await services.context.secrets.store(secretKey(uri), JSON.stringify(credentials));
  return credentials;
}

async function pushCommand(services: Services): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Pushing to an MLflow server is off in an untrusted workspace. Trust the workspace first (Manage Workspace Trust), then try again.'));
    return;
  }
  const uri = await askUri(services);
  if (!uri) return;
  const recent = services.context.workspaceState.get<string[]>(RECENT_KEY, []);
  await services.context.workspaceState.update(RECENT_KEY, [uri, ...recent.filter((r) => r !== uri)].slice(0, 5));
  const store = services.stores.forWriting();
  let credentials = await credentialsFor(services, uri, false);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const summary = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Pushing to {0}', uri), cancellable: true },
        async (progress, token) => {
          let reported = 0;
          const tls = tlsFromEnv(process.env);
          return pushToMlflow(store, uri, {
            ...(credentials ? { credentials } : {}),
            ...(tls ? { tls } : {}),
            credentialSource: { kind: 'command', title: SET_CREDENTIALS_TITLE },
            isCancelled: () => token.isCancellationRequested,
            onRetry: ({ what, attempt: n, delayMs, reason }) => services.log.warn(`${what}: ${reason}; retry ${n} in ${(delayMs / 1000).toFixed(1)} s`),
            onProgress: ({ done, total, message }) => {
              const percent = total ? (done / total) * 100 : 0;
              progress.report({ message, increment: Math.max(0, percent - reported) });
              reported = percent;
            },
          });
        },
      );
      services.stores.notifyChanged();
      const lines = describePush(summary);
      services.log.info(lines.join('\n'));
      const show = summary.warnings.length
        ? vscode.window.showWarningMessage(vscode.l10n.t('{0} Some things were not sent; the log says why.', lines[0]!), 'Show Log')
        : vscode.window.showInformationMessage(lines[0]!);
      void show.then((choice) => {
        if (choice === 'Show Log') services.log.show();
      });
      return;
    } catch (error) {
      const status = (error as { status?: number }).status;
      if ((status === 401 || status === 403) && attempt === 0) {
        const choice = await vscode.window.showWarningMessage((error as Error).message, 'Enter Credentials');
        if (choice !== 'Enter Credentials') return;
        credentials = await credentialsFor(services, uri, true);
        if (!credentials) return;
        continue;
      }
      throw error;
    }
  }
}

async function forgetCommand(services: Services): Promise<void> {
  const recent = services.context.workspaceState.get<string[]>(RECENT_KEY, []);
  const uri = recent.length ? await vscode.window.showQuickPick(recent, { title: vscode.l10n.t('Forget the credentials kept for which server?') }) : await askUri(services);
  if (!uri) return;
  await services.context.secrets.delete(secretKey(uri));
  void vscode.window.showInformationMessage(vscode.l10n.t('Credentials for {0} removed from secret storage.', uri));
}
