import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { StoreError, openStore, type Store } from '../store/database.ts';
import { workspaceStorePath } from '../store/location.ts';
import { refreshDirtyBlocks } from '../store/metricBlocks.ts';
import { assignDefaultPrimaryMetrics } from '../tracking/defaultPrimaryMetric.ts';

const POLL_MS = 750;
/** Longest the summaries may hold the extension host at a time. */
const CATCH_UP_SLICE_MS = 40;
const CATCH_UP_LOCK_WAIT_MS = 200;

/**
 * The workspace's store, opened on first need and watched for changes from any process.
 * Reading never creates the file; the first write does.
 */
export class StoreService implements vscode.Disposable {
  private store: Store | undefined;
  private lastError: StoreError | undefined;
  private lastDataVersion = -1;
  private lastFileStamp = '';
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly timer: NodeJS.Timeout;
  private catchUpTimer: NodeJS.Timeout | undefined;
  /** Ends the status bar progress of a backlog of summaries being built across slices. */
  private endCatchUp: (() => void) | undefined;
  /** Fires (debounced by the poll interval) when the store changes on disk, from any process. */
  readonly onDidChange = this.changed.event;

  private readonly log: vscode.LogOutputChannel;

  constructor(log: vscode.LogOutputChannel) {
    this.log = log;
    this.timer = setInterval(() => this.poll(), POLL_MS);
    // Opened read-only until the workspace is trusted: reopen to write.
    this.trustGranted = vscode.workspace.onDidGrantWorkspaceTrust(() => this.reset());
  }

  private readonly trustGranted: vscode.Disposable;

  get path(): string | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') return undefined;
    const setting = vscode.workspace.getConfiguration('mlLifecycle', folder.uri).get<string>('storePath');
    return workspaceStorePath(folder.uri.fsPath, setting);
  }

  get error(): StoreError | undefined {
    return this.lastError;
  }

  /** The open store, or undefined when there is none yet (or it cannot be opened: see `error`). */
  current(): Store | undefined {
    if (this.store) return this.store;
    const storePath = this.path;
    if (!storePath || !fs.existsSync(storePath)) return undefined;
    return this.open(storePath, false);
  }

  /** The store for a change: created when missing. Throws a StoreError the caller shows. */
  forWriting(): Store {
    const storePath = this.path;
    if (!storePath) throw new Error('Open a folder first: the ML Lifecycle store lives in the workspace folder.');
    if (!vscode.workspace.isTrusted) {
      throw new Error('This workspace is not trusted, so ML Lifecycle only reads its store and nothing was changed. Trust the workspace (Workspaces: Manage Workspace Trust) to edit.');
    }
    const store = this.store ?? this.open(storePath, true);
    if (!store) throw this.lastError!;
    if (store.readonly) throw new StoreError('read-only', store.path, `The store ${store.path} is read-only, so nothing was changed. Make it writable and run "ML Lifecycle: Refresh".`);
    return store;
  }

  /** Closes and forgets the store, so the next use reopens it (after a settings change or a fix). */
  reset(): void {
    this.stopCatchUp();
    this.store?.close();
    this.store = undefined;
    this.lastError = undefined;
    this.lastDataVersion = -1;
    void vscode.commands.executeCommand('setContext', 'mlLifecycle.storeError', false);
    this.changed.fire();
  }

  private open(storePath: string, create: boolean): Store | undefined {
    try {
      // An untrusted workspace is only read: no migration, no WAL switch, no summaries written.
      const trusted = vscode.workspace.isTrusted;
      this.store = openStore(storePath, { create, readonly: !trusted, lockWaitMs: 0 });
      this.lastError = undefined;
      void vscode.commands.executeCommand('setContext', 'mlLifecycle.storeError', false);
      this.log.info(`Opened store ${storePath}${this.store.readonly ? (trusted ? ' (read-only)' : ' (read-only: the workspace is not trusted)') : ''}`);
      if (this.store.readonly && trusted) {
        void vscode.window.showWarningMessage(vscode.l10n.t('ML Lifecycle: the store {0} is read-only. You can browse it, but changes will be refused.', storePath));
      }
      return this.store;
    } catch (error) {
      const problem = error instanceof StoreError ? error : new StoreError('corrupt', storePath, `The store ${storePath} could not be opened: ${(error as Error).message}`);
      if (this.lastError?.message !== problem.message) {
        this.log.error(problem.message);
        void vscode.commands.executeCommand('setContext', 'mlLifecycle.storeError', true);
        void vscode.window.showErrorMessage(vscode.l10n.t('ML Lifecycle: {0}', problem.message), 'Show Log').then((choice) => {
          if (choice) this.log.show();
        });
      }
      this.lastError = problem;
      return undefined;
    }
  }

  private poll(): void {
    if (this.store) {
      let version: number;
      try {
        version = this.store.db.pragma('data_version', { simple: true }) as number;
      } catch (error) {
        this.log.warn(`Could not poll the store: ${(error as Error).message}`);
        return;
      }
      if (version !== this.lastDataVersion) {
        const first = this.lastDataVersion === -1;
        this.lastDataVersion = version;
        this.catchUpBlocks();
        const assigned = this.assignDefaultPrimaryMetrics();
        if (!first || assigned) this.changed.fire();
      }
      return;
    }
    // No store open yet: watch for the file to appear (a logger created it) or to be fixed.
    const storePath = this.path;
    if (!storePath) return;
    let stamp: string;
    try {
      const stat = fs.statSync(storePath);
      stamp = `${stat.size}:${stat.mtimeMs}`;
    } catch {
      stamp = 'missing';
    }
    if (stamp !== this.lastFileStamp) {
      const first = this.lastFileStamp === '';
      this.lastFileStamp = stamp;
      if (!first && stamp !== 'missing') {
        this.lastError = undefined;
        this.changed.fire();
      }
    }
  }

  /**
   * Builds the chart summaries of points written since the last look (by a logger or an import), a
   * slice at a time so a big backlog never holds the editor. Views refresh when a backlog is done.
   */
  catchUpBlocks(): void {
    if (!this.store || this.store.readonly || this.catchUpTimer) return;
    let complete: boolean;
    try {
      complete = refreshDirtyBlocks(this.store.db, { budgetMs: CATCH_UP_SLICE_MS, lockWaitMs: CATCH_UP_LOCK_WAIT_MS });
    } catch (error) {
      // A logger holds the write lock: the next poll catches up.
      this.log.debug(`Metric summaries wait for the next poll: ${(error as Error).message}`);
      return;
    }
    if (complete) {
      if (this.endCatchUp) {
        this.endCatchUp();
        this.endCatchUp = undefined;
        this.changed.fire();
      }
      return;
    }
    if (!this.endCatchUp) {
      const done = new Promise<void>((resolve) => (this.endCatchUp = resolve));
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('ML Lifecycle: summarizing metrics for charts') }, () => done);
    }
    this.catchUpTimer = setTimeout(() => {
      this.catchUpTimer = undefined;
      this.catchUpBlocks();
    }, 0);
  }

  /** New experiments get their first logged metric as primary metric (trusted, writable stores only). Returns whether any did. */
  private assignDefaultPrimaryMetrics(): boolean {
    if (!this.store || this.store.readonly || !vscode.workspace.isTrusted) return false;
    try {
      const assigned = assignDefaultPrimaryMetrics(this.store);
      for (const a of assigned) {
        this.log.info(
          `Experiment "${a.experimentName}": primary metric ${a.metric} (${a.direction === 'min' ? 'lower' : 'higher'} is better, guessed from its name), the first metric logged. Change it with "ML Lifecycle: Set Primary Metric…".`,
        );
      }
      return assigned.length > 0;
    } catch (error) {
      // A logger holds the write lock: the next change tries again.
      this.log.debug(`Default primary metrics wait for the next poll: ${(error as Error).message}`);
      return false;
    }
  }

  private stopCatchUp(): void {
    clearTimeout(this.catchUpTimer);
    this.catchUpTimer = undefined;
    this.endCatchUp?.();
    this.endCatchUp = undefined;
  }

  /** Writes made through this connection do not move data_version; tell listeners directly. */
  notifyChanged(): void {
    this.changed.fire();
  }

  dispose(): void {
    clearInterval(this.timer);
    this.trustGranted.dispose();
    this.stopCatchUp();
    this.store?.close();
    this.changed.dispose();
  }
}
