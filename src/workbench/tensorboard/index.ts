import * as vscode from 'vscode';
import { MERGED_SPLITS, discoverRuns } from '../../tensorboard/discovery.ts';
import { importTensorBoard } from '../../tensorboard/importTensorBoard.ts';
import { type TensorBoardSummary, describeSummary, headline } from '../../tensorboard/summary.ts';
import { findWorkspaceLogdirs, importedLogdirs, logdirsHolding, wasImported } from '../../tensorboard/workspace.ts';
import type { Services } from '../services.ts';
import { importProgress, offerWorkspaceImport, registerWorkspaceSync, reportImport, workspaceRoot } from '../workspaceSourceSync.ts';

const SECTION = 'mlLifecycle.tensorboard';
/** Auto-sync waits this long after a change, and syncs at most this often while training writes. */
const SYNC_INTERVAL_MS = 2000;
/** One more sync this long after the last change, so runs that stopped writing show as finished. */
const SETTLE_MS = 35_000;

export function registerTensorBoard(services: Services): vscode.Disposable[] {
  return registerWorkspaceSync(SECTION, 'mlLifecycle.importTensorBoard', new TensorBoardSync(services));
}

function settings() {
  return vscode.workspace.getConfiguration(SECTION);
}

function label(logdirs: readonly string[]): string {
  return logdirs.map((dir) => `${vscode.workspace.asRelativePath(dir)}/`).join(', ');
}

/** Imports logdirs on request, offers to import the workspace's, and follows growing event files when asked. */
class TensorBoardSync implements vscode.Disposable {
  private readonly services: Services;
  private watcher: vscode.Disposable | undefined;
  private timer: NodeJS.Timeout | undefined;
  private settleTimer: NodeJS.Timeout | undefined;
  private readonly changed = new Set<string>();
  /** The logdirs of the last sync: the settle sync reads them once more. */
  private lastSynced = new Set<string>();
  private running: Promise<unknown> = Promise.resolve();

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

  /** The command: pick a workspace logdir or a folder, choose how train/validation import, then import with progress. */
  async importChosen(): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Importing TensorBoard logs is off in an untrusted workspace. Trust the workspace first (Manage Workspace Trust), then try again.'));
      return;
    }
    const root = workspaceRoot();
    const found = root ? findWorkspaceLogdirs(root) : [];
    type Pick = vscode.QuickPickItem & { logdir?: string };
    const items: Pick[] = [
      ...found.map((logdir) => ({ label: `$(folder) ${label([logdir])}`, description: 'in this workspace', logdir })),
      { label: '$(folder-opened) Choose a logdir…', description: 'the folder you pass to tensorboard --logdir' },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Import TensorBoard Logs'), placeHolder: vscode.l10n.t('The logdir to import (event files are only read)') });
    if (!picked) return;
    let logdir = picked.logdir;
    if (!logdir) {
      const uris = await vscode.window.showOpenDialog({
        title: vscode.l10n.t('Import a TensorBoard logdir'),
        openLabel: 'Import',
        canSelectFolders: true,
        canSelectFiles: false,
        canSelectMany: false,
        ...(root ? { defaultUri: vscode.Uri.file(root) } : {}),
      });
      if (!uris?.[0]) return;
      logdir = uris[0].fsPath;
    }
    const chosen = logdir;
    const runs = await this.services.run('Import TensorBoard logs', () => discoverRuns(chosen));
    if (!runs) return;
    if (runs.some((run) => MERGED_SPLITS.some((split) => run.name === split || run.name.endsWith(`/${split}`)))) {
      const merge = await this.askMerge();
      if (merge === undefined) return;
      if (merge !== settings().get<boolean>('mergeTrainValidation', false)) await settings().update('mergeTrainValidation', merge, vscode.ConfigurationTarget.Workspace);
    }
    await this.import([chosen], true);
  }

  /** train/ and validation/ as one run or two; the answer is kept in the workspace settings for later syncs. */
  private async askMerge(): Promise<boolean | undefined> {
    const merged = settings().get<boolean>('mergeTrainValidation', false);
    const items = [
      { label: 'One run per training', description: 'keys train/… and validation/…', merge: true },
      { label: 'Separate runs', description: 'as TensorBoard lists them', merge: false },
    ];
    if (!merged) items.reverse();
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Import TensorBoard Logs'), placeHolder: vscode.l10n.t('This logdir has train/ and validation/ folders. Import them as…') });
    return picked?.merge;
  }

  private offer(): Promise<void> {
    return offerWorkspaceImport(
      SECTION,
      (root) => findWorkspaceLogdirs(root).filter((logdir) => !this.stored(logdir)),
      (pending) => vscode.l10n.t('This workspace has TensorBoard logs ({0}). Import their runs, scalars, text and hparams into ML Lifecycle? Event files are only read.', label(pending)),
      (pending, interactive) => this.import(pending, interactive),
    );
  }

  private stored(logdir: string): boolean {
    const store = this.services.stores.current();
    return store !== undefined && wasImported(store, logdir);
  }

  /** Starts or stops watching event files, per mlLifecycle.tensorboard.autoSync. */
  watch(): void {
    this.watcher?.dispose();
    this.watcher = undefined;
    const root = workspaceRoot();
    if (!root || !vscode.workspace.isTrusted || !settings().get<boolean>('autoSync', false)) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, '**/*tfevents*'));
    const changed = (uri: vscode.Uri) => this.scheduleSync(uri.fsPath);
    this.watcher = vscode.Disposable.from(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed));
    this.services.log.info(`TensorBoard auto-sync is on: watching event files in ${root}`);
    for (const logdir of this.knownLogdirs(root)) this.scheduleSync(logdir);
  }

  /** The workspace's logdirs and those imported before. */
  private knownLogdirs(root: string): string[] {
    const store = this.services.stores.current();
    return [...new Set([...findWorkspaceLogdirs(root), ...(store ? importedLogdirs(store, root) : [])])];
  }

  /** Throttled: one sync per interval however often training writes, and one more once writing stops. */
  private scheduleSync(file: string): void {
    this.changed.add(file);
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      this.syncChanged([...this.lastSynced]);
    }, SETTLE_MS);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const files = [...this.changed];
      this.changed.clear();
      this.syncChanged(files);
    }, SYNC_INTERVAL_MS);
  }

  /** Imports each known logdir that holds one of `files`. */
  private syncChanged(files: readonly string[]): void {
    const root = workspaceRoot();
    if (!root || !vscode.workspace.isTrusted || !this.watcher) return;
    const logdirs = logdirsHolding(files, this.knownLogdirs(root));
    if (logdirs.length === 0) return;
    this.lastSynced = new Set(logdirs);
    void this.import(logdirs, false);
  }

  /** One import at a time. `interactive` shows a cancellable notification and the result. */
  private import(logdirs: readonly string[], interactive: boolean): Promise<unknown> {
    this.running = this.running.then(() => this.services.run('Import TensorBoard logs', () => this.importNow(logdirs, interactive)));
    return this.running;
  }

  private async importNow(logdirs: readonly string[], interactive: boolean): Promise<void> {
    const store = this.services.stores.forWriting();
    const mergeSplits = settings().get<boolean>('mergeTrainValidation', false);
    const summaries = await vscode.window.withProgress(
      {
        location: interactive ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window,
        title: interactive ? vscode.l10n.t('Importing TensorBoard logs ({0})', label(logdirs)) : vscode.l10n.t('Syncing TensorBoard logs'),
        cancellable: interactive,
      },
      async (progress, token) => {
        const summaries: TensorBoardSummary[] = [];
        for (const logdir of logdirs) {
          if (token.isCancellationRequested) break;
          summaries.push(
            await importTensorBoard(store, logdir, {
              mergeSplits,
              isCancelled: () => token.isCancellationRequested,
              onProgress: importProgress(progress, this.services.stores, logdirs.length),
            }),
          );
        }
        return summaries;
      },
    );
    this.services.stores.notifyChanged();
    // The new points' chart summaries build in the background; Compare builds what it shows first.
    this.services.stores.catchUpBlocks();
    for (const summary of summaries) this.report(summary, interactive);
  }

  private report(summary: TensorBoardSummary, interactive: boolean): void {
    const changed = summary.runs + summary.runsUpdated + summary.metricPoints > 0;
    const text = headline(summary);
    const warning = summary.unreadableCount ? vscode.l10n.t('{0} The log names each file and offset.', text) : undefined;
    reportImport(this.services.log, { lines: describeSummary(summary), headline: text, changed, warning }, interactive);
  }

  dispose(): void {
    this.watcher?.dispose();
    if (this.timer) clearTimeout(this.timer);
    if (this.settleTimer) clearTimeout(this.settleTimer);
  }
}
