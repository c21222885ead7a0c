import * as vscode from 'vscode';
import { importMlflow, wasImported } from '../../mlflow/importMlflow.ts';
import { type MlflowSource, MLFLOW_DB, MLRUNS_DIR, findWorkspaceSources, resolveSources } from '../../mlflow/source.ts';
import { type ImportSummary, describeSummary, headline } from '../../mlflow/summary.ts';
import type { Services } from '../services.ts';
import { importProgress, offerWorkspaceImport, registerWorkspaceSync, reportImport, workspaceRoot } from '../workspaceSourceSync.ts';

const SECTION = 'mlLifecycle.mlflow';
/** Auto-sync waits this long after a change, and syncs at most this often while MLflow keeps writing. */
const SYNC_INTERVAL_MS = 2000;

export function registerMlflow(services: Services): vscode.Disposable[] {
  return registerWorkspaceSync(SECTION, 'mlLifecycle.importMlflow', new MlflowSync(services));
}

function settings() {
  return vscode.workspace.getConfiguration(SECTION);
}

function label(sources: readonly MlflowSource[]): string {
  return sources.map((s) => (s.kind === 'folder' ? `${vscode.workspace.asRelativePath(s.path)}/` : vscode.workspace.asRelativePath(s.path))).join(' and ');
}

/** Imports on request, offers to import workspace MLflow data, and keeps it in sync when asked. */
class MlflowSync implements vscode.Disposable {
  private readonly services: Services;
  private watcher: vscode.Disposable | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private busy = false;
  private changedWhileBusy = false;

  constructor(services: Services) {
    this.services = services;
    this.start();
  }

  /** On activation and when trust is granted: the offer, then the watcher. */
  start(): void {
    if (!vscode.workspace.isTrusted) return;
    void this.offer();
    this.watch();
  }

  /** The command: pick a workspace source, a folder or a database, then import it with progress. */
  async importChosen(): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Importing from MLflow is off in an untrusted workspace. Trust the workspace first (Manage Workspace Trust), then try again.'));
      return;
    }
    const root = workspaceRoot();
    const found = root ? findWorkspaceSources(root) : [];
    type Pick = vscode.QuickPickItem & { sources?: MlflowSource[]; browse?: 'folder' | 'file' };
    const items: Pick[] = [
      ...(found.length > 1 ? [{ label: `$(database) ${label(found)}`, description: 'everything MLflow keeps in this workspace', sources: found }] : []),
      ...found.map((source) => ({ label: `$(${source.kind === 'folder' ? 'folder' : 'database'}) ${label([source])}`, description: 'in this workspace', sources: [source] })),
      { label: '$(folder-opened) Choose an mlruns folder…', browse: 'folder' },
      { label: '$(file) Choose an MLflow database (.db)…', browse: 'file' },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Import from MLflow'), placeHolder: vscode.l10n.t('MLflow data to import (its files are only read)') });
    if (!picked) return;
    let sources = picked.sources;
    if (!sources) {
      const uris = await vscode.window.showOpenDialog({
        title: picked.browse === 'folder' ? vscode.l10n.t('Import an MLflow mlruns folder') : vscode.l10n.t('Import an MLflow database'),
        openLabel: 'Import',
        canSelectFiles: picked.browse === 'file',
        canSelectFolders: picked.browse === 'folder',
        canSelectMany: false,
        ...(root ? { defaultUri: vscode.Uri.file(root) } : {}),
        ...(picked.browse === 'file' ? { filters: { 'MLflow database': ['db', 'sqlite', 'sqlite3'], 'All files': ['*'] } } : {}),
      });
      if (!uris?.[0]) return;
      const chosen = uris[0].fsPath;
      sources = await this.services.run('Import from MLflow', () => resolveSources(chosen));
      if (!sources) return;
    }
    await this.import(sources, true);
  }

  private offer(): Promise<void> {
    return offerWorkspaceImport(
      SECTION,
      (root) => findWorkspaceSources(root).filter((source) => !this.stored(source.path)),
      (pending) => vscode.l10n.t('This workspace has MLflow data ({0}). Import its experiments, runs and models into ML Lifecycle? MLflow\'s files are only read.', label(pending)),
      (pending, interactive) => this.import(pending, interactive),
    );
  }

  private stored(source: string): boolean {
    const store = this.services.stores.current();
    return store !== undefined && wasImported(store, source);
  }

  /** Starts or stops watching mlruns/ and mlflow.db, per mlLifecycle.mlflow.autoSync. */
  watch(): void {
    this.watcher?.dispose();
    this.watcher = undefined;
    const root = workspaceRoot();
    if (!root || !vscode.workspace.isTrusted || !settings().get<boolean>('autoSync', false)) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, `{${MLRUNS_DIR}/**,${MLFLOW_DB},${MLFLOW_DB}-wal,${MLFLOW_DB}-journal}`));
    const changed = () => this.scheduleSync();
    this.watcher = vscode.Disposable.from(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed));
    this.services.log.info(`MLflow auto-sync is on: watching ${MLRUNS_DIR}/ and ${MLFLOW_DB} in ${root}`);
    this.scheduleSync();
  }

  /** Throttled: one sync per interval however often MLflow writes, and one more after a busy sync. */
  private scheduleSync(): void {
    if (this.busy) {
      this.changedWhileBusy = true;
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const root = workspaceRoot();
      if (!root || !vscode.workspace.isTrusted || !this.watcher) return;
      const sources = findWorkspaceSources(root);
      if (sources.length) void this.import(sources, false);
    }, SYNC_INTERVAL_MS);
  }

  /** One import at a time. `interactive` shows a cancellable notification and the result. */
  private import(sources: readonly MlflowSource[], interactive: boolean): Promise<unknown> {
    this.running = this.running.then(async () => {
      this.busy = true;
      try {
        await this.services.run('Import from MLflow', () => this.importNow(sources, interactive));
      } finally {
        this.busy = false;
        if (this.changedWhileBusy) {
          this.changedWhileBusy = false;
          this.scheduleSync();
        }
      }
    });
    return this.running;
  }

  private async importNow(sources: readonly MlflowSource[], interactive: boolean): Promise<void> {
    const store = this.services.stores.forWriting();
    const summaries = await vscode.window.withProgress(
      {
        location: interactive ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window,
        title: interactive ? vscode.l10n.t('Importing from MLflow ({0})', label(sources)) : vscode.l10n.t('Syncing MLflow'),
        cancellable: interactive,
      },
      (progress, token) => importMlflow(store, sources, { isCancelled: () => token.isCancellationRequested, onProgress: importProgress(progress, this.services.stores) }),
    );
    this.services.stores.notifyChanged();
    // The new points' chart summaries build in the background; Compare builds what it shows first.
    this.services.stores.catchUpBlocks();
    for (const summary of summaries) this.report(summary, interactive);
  }

  private report(summary: ImportSummary, interactive: boolean): void {
    const changed = summary.experiments + summary.runs + summary.runsUpdated + summary.metricPoints + summary.versions + summary.trashed > 0;
    const text = headline(summary);
    const warning = summary.skippedCount ? vscode.l10n.t('{0} The log lists what was skipped and why.', text) : undefined;
    reportImport(this.services.log, { lines: describeSummary(summary), headline: text, changed, warning }, interactive);
  }

  dispose(): void {
    this.watcher?.dispose();
    if (this.timer) clearTimeout(this.timer);
  }
}
