import * as vscode from 'vscode';
import { type BrowseSummary, browseServer } from '../../mlflowServer/browse.ts';
import { normalizeTrackingUri } from '../../mlflowServer/client.ts';
import type { Credentials } from '../../mlflowServer/credentials.ts';
import { type CachedRemoteRun, fetchHistories, refreshRemoteRuns, remoteRunsByServer } from '../../mlflowServer/history.ts';
import { forgetServer, serverLabel } from '../../mlflowServer/remoteCache.ts';
import { readServerList, uriProblem } from '../../mlflowServer/serverList.ts';
import { recordAudit } from '../../store/audit.ts';
import { type Store, writeTransaction } from '../../store/database.ts';
import { cachedServers } from '../../tracking/remoteRows.ts';
import type { ExperimentsNode } from '../../tracking/treeModel.ts';
import type { Services } from '../services.ts';
import { credentialsFor } from './index.ts';
import { onShownRunsChanged, shownRuns } from './shownRuns.ts';
import { formatCount } from '../../shared/format.ts';

/**
 * The team servers the Experiments view browses: the mlLifecycle.mlflowServer.servers setting
 * (URIs only; credentials stay in SecretStorage), the Add/Refresh/Remove commands, and the
 * poller that keeps remote runs shown in panels fresh.
 */
const SETTING = 'mlflowServer.servers';

export function registerMlflowServers(services: Services): vscode.Disposable[] {
  const poller = new RemotePoller(services);
  let reported = '';
  const reportProblems = () => {
    const { problems } = configuredServers();
    const text = problems.join('\n');
    if (text && text !== reported) services.log.warn(text);
    reported = text;
  };
  reportProblems();
  return [
    poller,
    vscode.commands.registerCommand('mlLifecycle.addMlflowServer', () => services.run('Add MLflow Server', () => addServer(services))),
    vscode.commands.registerCommand('mlLifecycle.refreshMlflowServer', (node?: ExperimentsNode) =>
      services.run('Refresh MLflow Server', () => refreshServer(services, node)),
    ),
    vscode.commands.registerCommand('mlLifecycle.removeMlflowServer', (node?: ExperimentsNode) => services.run('Remove MLflow Server', () => removeServer(services, node))),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`mlLifecycle.${SETTING}`)) reportProblems();
      if (event.affectsConfiguration('mlLifecycle.mlflowServer.pollSeconds')) poller.schedule();
    }),
  ];
}

function configuredServers(): { uris: string[]; problems: string[] } {
  return readServerList(vscode.workspace.getConfiguration('mlLifecycle').get<unknown>(SETTING, []));
}

function untrusted(): boolean {
  if (vscode.workspace.isTrusted) return false;
  void vscode.window.showWarningMessage(vscode.l10n.t('Browsing an MLflow server writes its runs into the store, which is off in an untrusted workspace. Trust the workspace first (Manage Workspace Trust).'));
  return true;
}

/** Lists the server into the store with a cancellable progress notification; asks for credentials once on 401/403. */
async function browseWithProgress(services: Services, store: Store, uri: string, retry?: { attempts: number }): Promise<BrowseSummary | undefined> {
  let credentials: Credentials | undefined = await credentialsFor(services, uri, false);
  for (let attempt = 0; ; attempt++) {
    try {
      const summary = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Fetching runs from {0}', serverLabel(uri)), cancellable: true },
        (progress, token) => {
          let reported = 0;
          return browseServer(store, uri, {
            ...(credentials ? { credentials } : {}),
            ...(retry ? { retry } : {}),
            isCancelled: () => token.isCancellationRequested,
            onRetry: ({ what, attempt: n, delayMs, reason }) => services.log.warn(`${uri}: ${what}: ${reason}; retry ${n} in ${(delayMs / 1000).toFixed(1)} s`),
            onProgress: ({ done, total, message }) => {
              const percent = total ? (done / total) * 100 : 0;
              progress.report({ message, increment: Math.max(0, percent - reported) });
              reported = percent;
            },
          });
        },
      );
      services.stores.notifyChanged();
      return summary;
    } catch (error) {
      services.stores.notifyChanged();
      const status = (error as { status?: number }).status;
      if ((status === 401 || status === 403) && attempt === 0) {
        const choice = await vscode.window.showWarningMessage((error as Error).message, 'Enter Credentials');
        if (choice !== 'Enter Credentials') return undefined;
        credentials = await credentialsFor(services, uri, true);
        if (!credentials) return undefined;
        continue;
      }
      throw error;
    }
  }
}

function describeBrowse(summary: BrowseSummary): string {
  const what = `${formatCount(summary.experiments)} experiments and ${formatCount(summary.runs)} runs from ${summary.uri} in ${(summary.ms / 1000).toFixed(1)} s`;
  return summary.cancelled ? `Fetch cancelled after ${what}; the cache keeps what was fetched.` : `Fetched ${what} (read-only).`;
}

async function addServer(services: Services): Promise<void> {
  if (untrusted()) return;
  const typed = await vscode.window.showInputBox({
    title: vscode.l10n.t('Add MLflow Server'),
    prompt: vscode.l10n.t('The tracking server’s address. Its experiments and runs appear, read-only, in the Experiments view.'),
    placeHolder: vscode.l10n.t('http://mlflow.example.com:5000'),
    ignoreFocusOut: true,
    validateInput: uriProblem,
  });
  if (!typed) return;
  const uri = normalizeTrackingUri(typed);
  const store = services.stores.forWriting();
  // Checking the address: a few quick tries, not the push's patient retries.
  const summary = await browseWithProgress(services, store, uri, { attempts: 2 });
  if (!summary) return;
  const configured = configuredServers().uris;
  if (!configured.includes(uri)) {
    const config = vscode.workspace.getConfiguration('mlLifecycle');
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    const current = config.inspect<unknown>(SETTING);
    const existing = target === vscode.ConfigurationTarget.Workspace ? current?.workspaceValue : current?.globalValue;
    await config.update(SETTING, [...(Array.isArray(existing) ? (existing as unknown[]) : []), uri], target);
  }
  services.log.info(describeBrowse(summary));
  void vscode.window.showInformationMessage(describeBrowse(summary));
}

async function pickServer(services: Services, node: ExperimentsNode | undefined, title: string): Promise<string | undefined> {
  if (node?.kind === 'server') return node.uri;
  const store = services.stores.current();
  const uris = [...new Set([...configuredServers().uris, ...(store ? cachedServers(store.db).keys() : [])])];
  if (uris.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No MLflow server is added yet. Use "Add MLflow Server…" first.'));
    return undefined;
  }
  return uris.length === 1 ? uris[0] : vscode.window.showQuickPick(uris, { title });
}

async function refreshServer(services: Services, node: ExperimentsNode | undefined): Promise<void> {
  if (untrusted()) return;
  const uri = await pickServer(services, node, 'Refresh which MLflow server?');
  if (!uri) return;
  const summary = await browseWithProgress(services, services.stores.forWriting(), uri);
  if (summary) {
    services.log.info(describeBrowse(summary));
    vscode.window.setStatusBarMessage(describeBrowse(summary), 5000);
  }
}

async function removeServer(services: Services, node: ExperimentsNode | undefined): Promise<void> {
  const uri = await pickServer(services, node, 'Remove which MLflow server?');
  if (!uri) return;
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Remove {0} from the Experiments view?', uri),
    { modal: true, detail: vscode.l10n.t('Its cached experiments and runs leave this workspace’s store. Nothing on the server changes; add it again to fetch them anew.') },
    'Remove',
  );
  if (choice !== 'Remove') return;
  const config = vscode.workspace.getConfiguration('mlLifecycle');
  const current = config.inspect<unknown>(SETTING);
  const without = (value: unknown) => readServerList(value).uris.filter((u) => u !== uri);
  if (Array.isArray(current?.workspaceValue)) await config.update(SETTING, without(current.workspaceValue), vscode.ConfigurationTarget.Workspace);
  if (Array.isArray(current?.globalValue)) await config.update(SETTING, without(current.globalValue), vscode.ConfigurationTarget.Global);
  const store = services.stores.current();
  if (store && !store.readonly && cachedServers(store.db).has(uri)) {
    const runs = writeTransaction(store, () => {
      const removed = forgetServer(store.db, uri);
      recordAudit(store.db, { entity: 'store', entityId: uri, action: 'remove-mlflow-server', details: { runs: removed } });
      return removed;
    });
    services.stores.notifyChanged();
    services.log.info(`Removed ${uri}: ${runs} cached runs left the store; nothing changed on the server.`);
  }
}

/**
 * Fetches the histories of remote runs a panel starts showing, then polls the RUNNING ones every
 * mlLifecycle.mlflowServer.pollSeconds while they are shown. One fetch at a time.
 */
class RemotePoller implements vscode.Disposable {
  private readonly services: Services;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private again = false;
  private readonly subscription: { dispose(): void };
  /** Servers whose last request failed: logged once until one succeeds. */
  private readonly failing = new Set<string>();

  constructor(services: Services) {
    this.services = services;
    this.subscription = onShownRunsChanged(() => void this.tick(false));
  }

  schedule(): void {
    clearTimeout(this.timer);
    const seconds = vscode.workspace.getConfiguration('mlLifecycle').get<number>('mlflowServer.pollSeconds', 10);
    if (seconds > 0) this.timer = setTimeout(() => void this.tick(true), seconds * 1000);
  }

  private async tick(poll: boolean): Promise<void> {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      const store = vscode.workspace.isTrusted ? this.services.stores.current() : undefined;
      if (!store || store.readonly) return;
      const { all, charted } = shownRuns();
      for (const [uri, runs] of remoteRunsByServer(store, all)) await this.update(store, uri, runs, charted, poll);
    } finally {
      this.busy = false;
      if (this.again) {
        this.again = false;
        void this.tick(false);
      } else this.schedule();
    }
  }

  /** On a poll, RUNNING runs are re-read; charted runs get what is missing of their histories. */
  private async update(store: Store, uri: string, runs: readonly CachedRemoteRun[], charted: ReadonlySet<number>, poll: boolean): Promise<void> {
    const credentials = await credentialsFor(this.services, uri, false);
    const options = { ...(credentials ? { credentials } : {}), retry: { attempts: 2 } };
    try {
      const running = runs.filter((r) => r.status === 'RUNNING');
      if (poll && running.length) await refreshRemoteRuns(store, uri, running, options);
      const toChart = runs.filter((r) => charted.has(r.id) && (poll || !hasHistory(store, r.id)));
      if (toChart.length) {
        const first = toChart.filter((r) => !hasHistory(store, r.id));
        const fetch = (isCancelled?: () => boolean, onProgress?: (p: { done: number; total: number; message: string }) => void) =>
          fetchHistories(store, uri, toChart, { ...options, ...(isCancelled ? { isCancelled } : {}), ...(onProgress ? { onProgress } : {}) });
        const summary = first.length
          ? await vscode.window.withProgress(
              { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Fetching metric histories from {0}', serverLabel(uri)), cancellable: true },
              (progress, token) => fetch(() => token.isCancellationRequested, ({ done, total, message }) => progress.report({ message: `${done}/${total} ${message}` })),
            )
          : await fetch();
        if (summary.points) this.services.log.info(`${uri}: ${formatCount(summary.points)} new metric points in ${(summary.ms / 1000).toFixed(1)} s`);
      }
      this.failing.delete(uri);
      if ((poll && running.length) || toChart.length) this.services.stores.notifyChanged();
    } catch (error) {
      if (!this.failing.has(uri)) {
        this.failing.add(uri);
        this.services.log.error(`${uri}: could not fetch remote runs: ${(error as Error).message}`);
        if (!poll) void vscode.window.showWarningMessage(vscode.l10n.t('Could not fetch runs from {0}: {1}', uri, (error as Error).message));
      }
      this.services.stores.notifyChanged();
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
  }
}

/** Whether a run's histories were fetched once (or it has no metric to fetch). */
function hasHistory(store: Store, runId: number): boolean {
  const db = store.db;
  return db.prepare('SELECT 1 FROM mlflow_metric_files WHERE run_id = ? LIMIT 1').get(runId) !== undefined || db.prepare('SELECT 1 FROM metrics WHERE run_id = ? LIMIT 1').get(runId) === undefined;
}
