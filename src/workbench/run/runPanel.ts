import * as path from 'node:path';
import * as vscode from 'vscode';
import { m4Series } from '../../compare/m4.ts';
import { type ArtifactRow, type RunFromWebview, runFromWebview, type RunToWebview, runViewType } from '../../contract/run.ts';
import { workspaceRootOf } from '../../registry/artifacts.ts';
import { type ArtifactFile, listRunArtifacts } from '../../runpage/artifacts.ts';
import { removeRunTag, setRunNote, setRunTag } from '../../runpage/edits.ts';
import { loadRunPage } from '../../runpage/model.ts';
import { readPreview } from '../../runpage/preview.ts';
import { truncateLabel } from '../../shared/format.ts';
import { hashPath } from '../../shared/hashPath.ts';
import { renameRun } from '../../tracking/experiments.ts';
import { hideRuns, showRuns } from '../mlflowServer/shownRuns.ts';
import type { Services } from '../services.ts';
import { staleBefore } from '../staleness.ts';
import { onValidMessage, panelHtml, panelOptions } from '../webview/panel.ts';
import { PanelHost } from '../webview/panelHost.ts';

/** Files up to this size get a sha256 when selected, if the logger did not record one. */
const HASH_ON_SELECT_BYTES = 256 * 1024 * 1024;

/**
 * The page of one run: one panel per run (a second open reveals it), following the store while
 * the run trains. Artifacts are read only when the page asks, and only files it listed.
 */
export class RunPanel extends PanelHost {
  private static readonly open = new Map<number, RunPanel>();

  static show(services: Services, runId: number, preserveFocus = false): void {
    const existing = RunPanel.open.get(runId);
    if (existing) {
      existing.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(runViewType, 'Run', { viewColumn: vscode.ViewColumn.Active, preserveFocus }, panelOptions(services.context.extensionUri));
    new RunPanel(services, panel, runId);
  }

  private readonly services: Services;
  private readonly runId: number;
  private posted = { model: '', artifacts: '' };
  private artifacts = new Map<string, ArtifactFile>();
  private roots = new Set<string>();
  private previewing: AbortController | undefined;
  /** The constructor's listing, reused for the page's first request unless the store changed since. */
  private firstListing: ReturnType<typeof listRunArtifacts> | undefined;

  constructor(services: Services, panel: vscode.WebviewPanel, runId: number) {
    super(panel);
    this.services = services;
    this.runId = runId;
    const previous = RunPanel.open.get(runId);
    if (previous) previous.panel.dispose();
    RunPanel.open.set(runId, this);
    showRuns(this, [runId]);
    panel.webview.options = panelOptions(services.context.extensionUri);
    // Image folders are allowed before the page loads: changing the options later reloads the
    // webview, and messages sent while it reloads can go to the page being replaced.
    const store = services.stores.current();
    if (store) {
      this.firstListing = listRunArtifacts(store, runId);
      this.allowImages(store.path, this.firstListing.files);
    }
    panel.webview.html = panelHtml(panel.webview, services.context.extensionUri, 'run', 'Run');
    this.track(onValidMessage(panel.webview, runFromWebview, services.log, (message) => this.handle(message)));
    this.track(services.stores.onDidChange(() => (this.firstListing = undefined)));
    this.refreshWhenVisible(services.stores.onDidChange, () => this.refresh());
  }

  private refresh(force = false): void {
    const store = this.services.stores.current();
    let page;
    try {
      page = store ? loadRunPage(store, this.runId, staleBefore()) : undefined;
    } catch (error) {
      this.services.log.error(`Run page: could not read run ${this.runId}: ${(error as Error).message}`);
      return;
    }
    const gone = page === undefined ? 'This run no longer exists: it was removed from the store for good.' : page.run.deletedAt !== null ? 'This run is in the trash. Restore it from the Trash item of the Experiments view.' : null;
    const editable = vscode.workspace.isTrusted && store !== undefined && !store.readonly && gone === null;
    this.panel.title = page ? truncateLabel(page.run.name, 40) : 'Run';
    this.post({ type: 'model', page: page ?? null, gone, editable }, force);
    if (store && page) this.refreshArtifacts(force);
  }

  private refreshArtifacts(force: boolean): void {
    const store = this.services.stores.current();
    if (!store) return;
    const listing = this.firstListing ?? listRunArtifacts(store, this.runId);
    this.firstListing = undefined;
    this.artifacts = new Map(listing.files.map((file) => [file.display, file]));
    this.allowImages(store.path, listing.files);
    const files: ArtifactRow[] = listing.files.map(({ absolute: _absolute, ...row }) => row);
    this.post({ type: 'artifacts', files, truncated: listing.truncated, mlflowFolder: listing.mlflowFolder }, force);
  }

  /** Lets the webview load the listed images: their folders become resource roots. */
  private allowImages(storePath: string, files: readonly ArtifactFile[]): void {
    const before = this.roots.size;
    this.roots.add(workspaceRootOf(storePath));
    for (const file of files) if (/\.(png|jpe?g|gif|svg|webp)$/i.test(file.absolute)) this.roots.add(path.dirname(file.absolute));
    if (this.roots.size === before) return;
    const base = panelOptions(this.services.context.extensionUri);
    this.panel.webview.options = { ...base, localResourceRoots: [...(base.localResourceRoots ?? []), ...[...this.roots].map((root) => vscode.Uri.file(root))] };
  }

  private post(message: RunToWebview, force = false): void {
    if (message.type === 'model' || message.type === 'artifacts') {
      const text = JSON.stringify(message);
      if (!force && text === this.posted[message.type]) return;
      this.posted[message.type] = text;
    }
    void this.panel.webview.postMessage(message);
  }

  private async handle(message: RunFromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.refresh(true);
        return;
      case 'rename':
        if (message.name.trim()) this.edit(`Rename run`, (store) => renameRun(store, this.runId, message.name));
        return;
      case 'setTag':
        this.edit('Set tag', (store) => setRunTag(store, this.runId, message.key, message.value));
        return;
      case 'removeTag':
        this.edit('Remove tag', (store) => removeRunTag(store, this.runId, message.key));
        return;
      case 'setNote':
        this.edit('Save note', (store) => setRunNote(store, this.runId, message.note));
        return;
      case 'openRun':
        RunPanel.show(this.services, message.id);
        return;
      case 'series':
        this.answerSeries(message);
        return;
      case 'preview':
        await this.preview(message.display);
        return;
      case 'openArtifact': {
        const file = this.artifacts.get(message.display);
        if (file) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file.absolute));
        return;
      }
      case 'revealArtifact': {
        const file = this.artifacts.get(message.display);
        if (file) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(file.absolute));
        return;
      }
      case 'compareWith':
        await vscode.commands.executeCommand('mlLifecycle.compareRunsWith', this.runId);
        return;
      case 'openFraming':
        await vscode.commands.executeCommand('mlLifecycle.openFramingWizard');
        return;
    }
  }

  /** Makes a change the page asked for; refused in an untrusted workspace. */
  private edit(action: string, change: (store: ReturnType<Services['stores']['forWriting']>) => void): void {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(vscode.l10n.t('{0}: this workspace is not trusted, so ML Lifecycle does not change its store. Trust the workspace first.', action));
      return;
    }
    void this.services.run(action, () => {
      change(this.services.stores.forWriting());
      this.services.stores.notifyChanged();
    });
  }

  private answerSeries(request: Extract<RunFromWebview, { type: 'series' }>): void {
    const store = this.services.stores.current();
    if (!store) return;
    try {
      const perPixel = vscode.workspace.getConfiguration('mlLifecycle').get<number>('compare.maxPointsPerPixel', 1);
      const buckets = Math.max(1, Math.round(request.pixels * Math.min(4, Math.max(0.25, perPixel))));
      const set = m4Series(store, [this.runId], request.key, { buckets, range: request.range ?? undefined });
      this.post({ type: 'series', requestId: request.requestId, set });
    } catch (error) {
      this.services.log.error(`Run page: could not read ${request.key}: ${(error as Error).message}`);
      this.post({ type: 'seriesFailed', requestId: request.requestId, key: request.key, message: (error as Error).message });
    }
  }

  private async preview(display: string): Promise<void> {
    const file = this.artifacts.get(display);
    if (!file) return;
    this.previewing?.abort();
    const controller = new AbortController();
    this.previewing = controller;
    try {
      const preview = await readPreview(file.absolute, controller.signal);
      if (controller.signal.aborted) return;
      const imageUri = preview.kind === 'image' ? this.panel.webview.asWebviewUri(vscode.Uri.file(file.absolute)).toString() : null;
      this.post({ type: 'preview', display, preview, imageUri });
      if (file.sha256 === null && file.exists && file.size !== null && file.size <= HASH_ON_SELECT_BYTES) {
        const { sha256 } = await hashPath(file.absolute, { signal: controller.signal });
        file.sha256 = sha256;
        this.post({ type: 'hash', display, sha256 });
      }
    } catch (error) {
      if ((error as Error).name === 'AbortError') return;
      this.post({ type: 'preview', display, preview: { kind: 'error', message: (error as Error).message }, imageUri: null });
    }
  }

  protected onDispose(): void {
    this.previewing?.abort();
    if (RunPanel.open.get(this.runId) === this) RunPanel.open.delete(this.runId);
    hideRuns(this);
  }
}
