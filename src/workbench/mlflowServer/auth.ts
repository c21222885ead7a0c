import * as vscode from 'vscode';
import type { ClientOptions } from '../../mlflowServer/client.ts';
import { tlsFromEnv } from '../../mlflowServer/tlsTransport.ts';
import type { Services } from '../services.ts';
import { SET_CREDENTIALS_TITLE, credentialsFor } from './index.ts';

/**
 * The servers this workspace knows: the team's list (mlLifecycle.mlflowServer.servers, kept by the
 * Experiments view) and those this store has pushed to.
 */
export function knownServers(services: Services): string[] {
  const team = vscode.workspace.getConfiguration('mlLifecycle.mlflowServer').get<string[]>('servers', []);
  const store = services.stores.current();
  const pushed = store ? (store.db.prepare('SELECT uri FROM mlflow_remotes ORDER BY last_pushed_at DESC').all() as { uri: string }[]).map((r) => r.uri) : [];
  return [...new Set([...team, ...pushed].map((u) => u.replace(/\/+$/, '')))];
}

/** What a client for `uri` needs from VS Code: its credentials from SecretStorage, TLS as MLflow reads it from the environment. */
export async function clientOptionsFor(services: Services, uri: string): Promise<Pick<ClientOptions, 'credentials' | 'credentialSource' | 'tls'>> {
  const credentials = await credentialsFor(services, uri, false);
  const tls = tlsFromEnv(process.env);
  return { ...(credentials ? { credentials } : {}), ...(tls ? { tls } : {}), credentialSource: { kind: 'command', title: SET_CREDENTIALS_TITLE } };
}

/** Set MLflow Server Credentials…: for a known server or a typed one; kept in SecretStorage only. */
export async function setCredentialsCommand(services: Services, uri?: string): Promise<void> {
  const servers = knownServers(services);
  const chosen =
    uri ??
    (servers.length
      ? await vscode.window.showQuickPick(servers, { title: vscode.l10n.t('Set credentials for which MLflow server?'), placeHolder: vscode.l10n.t('Kept in VS Code’s secret storage, never in settings or the store') })
      : await vscode.window.showInputBox({ title: vscode.l10n.t('Set credentials for which MLflow server?'), placeHolder: vscode.l10n.t('http://mlflow.example.com:5000'), ignoreFocusOut: true }));
  if (!chosen) return;
  const credentials = await credentialsFor(services, chosen, true);
  if (credentials) void vscode.window.showInformationMessage(vscode.l10n.t('Credentials for {0} kept in secret storage.', chosen));
}
