import * as vscode from 'vscode';
import { type AutoPushState, AutoPusher } from '../../mlflowServer/autoPush.ts';
import { normalizeTrackingUri } from '../../mlflowServer/client.ts';
import { describePush } from '../../mlflowServer/describe.ts';
import { pushToMlflow } from '../../mlflowServer/push.ts';
import type { Services } from '../services.ts';
import { clientOptionsFor, setCredentialsCommand } from './auth.ts';

const SETTING = 'mlLifecycle.mlflowServer.autoPush';
/** Store writes come in bursts while runs log; the queue is read once things settle. */
const SETTLE_MS = 2000;

/**
 * Auto-push (mlLifecycle.mlflowServer.autoPush, off when empty): a pusher for the configured
 * server, poked on store changes, and a status bar item with what is pending. Only in a trusted
 * workspace with a writable store (the push records what it sent there).
 */
export function registerAutoPush(services: Services): vscode.Disposable[] {
  const item = vscode.window.createStatusBarItem('mlLifecycle.autoPush', vscode.StatusBarAlignment.Left, 49);
  item.name = 'ML Lifecycle: Auto-push to MLflow';
  item.command = 'mlLifecycle.autoPushMenu';
  let pusher: AutoPusher | undefined;
  let last: AutoPushState | undefined;
  let settle: NodeJS.Timeout | undefined;

  const show = (state: AutoPushState) => {
    last = state;
    const waiting = state.pending;
    if (waiting === 0 && !state.pushing && !state.error && state.stuck === 0) {
      item.hide();
      return;
    }
    const icon = state.pushing ? '$(sync~spin)' : state.error ? '$(cloud-offline)' : '$(cloud-upload)';
    item.text = `${icon} ${waiting} to push`;
    const retry = state.retryAt ? ` Next try at ${new Date(state.retryAt).toLocaleTimeString()}.` : '';
    item.tooltip = [
      `Auto-push to ${state.uri}: ${waiting} ended run${waiting === 1 ? '' : 's'} waiting${state.pushing ? ', pushing now' : ''}.`,
      state.error ? `Last try failed: ${state.error}${retry}` : '',
      state.stuck ? `${state.stuck} run${state.stuck === 1 ? '' : 's'} could not be sent whole; the log says why.` : '',
      'Click to push now or show the log.',
    ]
      .filter(Boolean)
      .join('\n');
    item.accessibilityInformation = { label: `${waiting} runs to push to ${state.uri}${state.error ? ', last try failed' : ''}` };
    item.show();
  };

  const start = () => {
    pusher?.dispose();
    pusher = undefined;
    last = undefined;
    item.hide();
    const configured = vscode.workspace.getConfiguration().get<string>(SETTING, '').trim();
    if (!configured) return;
    let uri: string;
    try {
      uri = normalizeTrackingUri(configured);
    } catch (error) {
      services.log.warn(`${SETTING}: ${(error as Error).message}`);
      void vscode.window.showWarningMessage(vscode.l10n.t('Auto-push is off: the setting {0} is not a tracking server address. {1}', SETTING, (error as Error).message));
      return;
    }
    pusher = new AutoPusher({
      uri,
      store: () => {
        const store = services.stores.current();
        return store && !store.readonly && vscode.workspace.isTrusted ? store : undefined;
      },
      push: async (store, target, runIds) => {
        services.log.info(`Auto-push: sending ${runIds.length} run${runIds.length === 1 ? '' : 's'} to ${target}`);
        return pushToMlflow(store, target, {
          ...(await clientOptionsFor(services, target)),
          runIds,
          onRetry: ({ what, attempt, delayMs, reason }) => services.log.warn(`Auto-push ${what}: ${reason}; retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s`),
        });
      },
      onPushed: (summary) => {
        services.log.info(describePush(summary).join('\n'));
        services.stores.notifyChanged();
      },
      onState: (state) => {
        if (state.error && state.error !== last?.error) services.log.warn(`Auto-push to ${state.uri} failed: ${state.error}`);
        show(state);
      },
    });
    pusher.poke();
  };

  const poke = () => {
    if (settle) clearTimeout(settle);
    settle = setTimeout(() => pusher?.poke(), SETTLE_MS);
  };

  const menu = async () => {
    const choice = await vscode.window.showQuickPick(
      [
        { label: '$(cloud-upload) Push Now', action: 'push' as const },
        { label: '$(output) Show Log', action: 'log' as const },
        { label: '$(key) Set Credentials…', action: 'credentials' as const },
        { label: '$(circle-slash) Turn Off Auto-push', action: 'off' as const },
      ],
      { title: last ? vscode.l10n.t('Auto-push to {0}: {1} to push', last.uri, last.pending) : vscode.l10n.t('Auto-push') },
    );
    if (!choice) return;
    if (choice.action === 'log') services.log.show();
    if (choice.action === 'push') await pusher?.pushNow();
    if (choice.action === 'credentials' && last) await setCredentialsCommand(services, last.uri);
    if (choice.action === 'off') await vscode.workspace.getConfiguration().update(SETTING, '', vscode.ConfigurationTarget.Workspace);
  };

  start();
  return [
    item,
    services.stores.onDidChange(poke),
    vscode.workspace.onDidGrantWorkspaceTrust(() => pusher?.poke()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SETTING)) start();
    }),
    vscode.commands.registerCommand('mlLifecycle.autoPushMenu', () => services.run('Auto-push', menu)),
    vscode.commands.registerCommand('mlLifecycle.setMlflowServerCredentials', (uri?: unknown) =>
      services.run('Set MLflow Server Credentials', () => setCredentialsCommand(services, typeof uri === 'string' ? uri : undefined)),
    ),
    {
      dispose: () => {
        if (settle) clearTimeout(settle);
        pusher?.dispose();
      },
    },
  ];
}
