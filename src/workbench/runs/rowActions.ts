import * as vscode from 'vscode';
import { MAX_ITEMS } from '../../compare/model.ts';
import type { RowAction, RunsLayout, RunsFromWebview, RunsToWebview } from '../../contract/runs.ts';
import { removeRunTag, setRunNote, setRunTag } from '../../runpage/edits.ts';
import { STARRED_TAG } from '../../search/attributes.ts';
import { rowsAsCsv, rowsAsMarkdown } from '../../search/rowsExport.ts';
import { tableColumns, tableRows, withMetricValue } from '../../search/table.ts';
import { truncateLabel } from '../../shared/format.ts';
import type { Store } from '../../store/database.ts';
import { getRun, restore, trash } from '../../tracking/experiments.ts';
import { runNode } from '../../tracking/treeModel.ts';
import type { Services } from '../services.ts';
import { staleBefore } from '../staleness.ts';

/** What the actions need of the Runs panel. */
export interface RowsHost {
  isOpen(): boolean;
  layout(): RunsLayout | undefined;
  post(update: RunsToWebview): void;
}

/** The `data-vscode-context` of a row, passed to webview/context menu commands. */
interface RowContext {
  runId?: unknown;
}

type RowRequest = Extract<RunsFromWebview, { type: 'select' | 'act' | 'star' | 'setTag' | 'setNote' }>;

/**
 * Acting on the selected rows of the Runs table (compare, register, trash, copy, star, tag and
 * note edits), its commands, and keeping the selection in step with the Experiments view.
 */
export class RowActions implements vscode.Disposable {
  private selected: number[] = [];
  private readonly services: Services;
  private readonly host: RowsHost;
  private readonly disposables: vscode.Disposable[];

  constructor(services: Services, host: RowsHost) {
    this.services = services;
    this.host = host;
    const command = (action: RowAction) => (context?: RowContext) => services.run(ACTION_TITLES[action], () => this.act(action, this.target(context)));
    this.disposables = [
      vscode.commands.registerCommand('mlLifecycle.runsTable.compare', command('compare')),
      vscode.commands.registerCommand('mlLifecycle.runsTable.register', command('register')),
      vscode.commands.registerCommand('mlLifecycle.runsTable.trash', command('trash')),
      vscode.commands.registerCommand('mlLifecycle.runsTable.copyCsv', command('copyCsv')),
      vscode.commands.registerCommand('mlLifecycle.runsTable.copyMarkdown', command('copyMarkdown')),
      vscode.commands.registerCommand('mlLifecycle.runsTable.editNote', command('editNote')),
      vscode.commands.registerCommand('mlLifecycle.runsTable.star', (context?: RowContext) => services.run('Star runs', () => this.star(this.target(context), true))),
      vscode.commands.registerCommand('mlLifecycle.runsTable.unstar', (context?: RowContext) => services.run('Unstar runs', () => this.star(this.target(context), false))),
      services.experimentsView.onDidChangeSelection((event) => this.followTree(event.selection)),
    ];
  }

  /** Handles the row requests of the webview; false for other messages. */
  handle(message: RunsFromWebview): boolean {
    const request = message as RowRequest;
    switch (request.type) {
      case 'select':
        this.selected = request.runIds;
        void this.revealInTree(request.runIds[0]);
        return true;
      case 'act':
        void this.services.run(ACTION_TITLES[request.action], () => this.act(request.action, request.runIds));
        return true;
      case 'star':
        void this.services.run(request.starred ? 'Star runs' : 'Unstar runs', () => this.star(request.runIds, request.starred));
        return true;
      case 'setTag':
        void this.services.run('Set tag', () =>
          this.write((store) => (request.value === '' ? removeRunTag(store, request.runId, request.key) : setRunTag(store, request.runId, request.key, request.value))),
        );
        return true;
      case 'setNote':
        void this.services.run('Save note', () => this.write((store) => setRunNote(store, request.runId, request.note)));
        return true;
      default:
        return false;
    }
  }

  /** A context-menu row outside the selection is acted on alone; otherwise the selection. */
  private target(context: RowContext | undefined): number[] {
    const clicked = typeof context?.runId === 'number' ? context.runId : undefined;
    if (clicked !== undefined && !this.selected.includes(clicked)) return [clicked];
    return this.selected;
  }

  private write(change: (store: Store) => void): void {
    change(this.services.stores.forWriting());
    this.services.stores.notifyChanged();
  }

  private async act(action: RowAction, runIds: readonly number[]): Promise<void> {
    if (!this.host.isOpen()) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open the Runs table (ML Lifecycle: Open Runs Table) and select runs first.'));
      return;
    }
    if (runIds.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select one or more runs in the Runs table first (click, Shift+click or Ctrl+A).'));
      return;
    }
    switch (action) {
      case 'compare':
        return this.compare(runIds);
      case 'register':
      case 'editNote':
        return this.oneRun(action, runIds);
      case 'trash':
        return this.trash(runIds);
      case 'copyCsv':
      case 'copyMarkdown':
        return this.copy(runIds, action === 'copyCsv' ? 'CSV' : 'Markdown');
    }
  }

  private async compare(runIds: readonly number[]): Promise<void> {
    let ids = [...runIds];
    if (ids.length > MAX_ITEMS) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Compare draws at most {0} runs: it shows the first {1} of the {2} selected, in the table\'s current sort order.', MAX_ITEMS, MAX_ITEMS, ids.length));
      ids = ids.slice(0, MAX_ITEMS);
    }
    // The Compare command reads the run id of each Experiments-view node it is given.
    await vscode.commands.executeCommand('mlLifecycle.compareRuns', undefined, ids.map((id) => ({ kind: 'run', run: { id } })));
  }

  private async oneRun(action: 'register' | 'editNote', runIds: readonly number[]): Promise<void> {
    if (runIds.length > 1) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} of one run at a time: select a single run ({1} are selected).', action === 'register' ? 'Register a model version' : 'Edit the note', runIds.length));
      return;
    }
    const runId = runIds[0]!;
    if (action === 'register') {
      await vscode.commands.executeCommand('mlLifecycle.registerModelVersion', { kind: 'run', run: { id: runId } });
      return;
    }
    const store = this.services.stores.current();
    const run = store && getRun(store, runId);
    if (!run) throw new Error('That run no longer exists. Refresh the Runs table.');
    this.host.post({ type: 'note', runId, runName: run.name, note: run.notes ?? '' });
  }

  private async trash(runIds: readonly number[]): Promise<void> {
    const store = this.services.stores.current();
    const first = store && getRun(store, runIds[0]!);
    const label = runIds.length === 1 && first ? `run "${truncateLabel(first.name, 60)}"` : `${runIds.length} runs`;
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Move {0} to the trash?', label),
      { modal: true, detail: vscode.l10n.t('Runs keep their params and metrics in the trash. Undo right after, restore them from the Trash item of the Experiments view, or empty the trash to remove them for good.') },
      'Move to Trash',
    );
    if (choice !== 'Move to Trash') return;
    const items = runIds.map((id) => ({ kind: 'run' as const, id }));
    this.write((writable) => trash(writable, items, 'Runs table'));
    this.services.log.info(`Runs table: moved ${label} to the trash`);
    const undo = await vscode.window.showInformationMessage(vscode.l10n.t('Moved {0} to the trash.', label), 'Undo');
    if (undo) await this.services.run('Restore', () => this.write((writable) => restore(writable, items)));
  }

  private async copy(runIds: readonly number[], format: 'CSV' | 'Markdown'): Promise<void> {
    const store = this.services.stores.current();
    const layout = this.host.layout();
    if (!store || !layout) return;
    const catalog = new Map(tableColumns(store, layout.experimentIds ?? undefined).map((c) => [c.id, c]));
    const columns = layout.columns.map((id) => catalog.get(id) ?? { id, label: id, group: 'Attributes' as const, type: 'text' as const });
    const values = layout.columns.map((c) => withMetricValue(c, layout.metricValue));
    const rows = tableRows(store, runIds, values, staleBefore());
    const text = format === 'CSV' ? rowsAsCsv(columns, rows) : rowsAsMarkdown(columns, rows);
    await vscode.env.clipboard.writeText(text);
    this.services.log.info(`Runs table: copied ${rows.length} runs × ${columns.length} columns as ${format}`);
    void vscode.window.setStatusBarMessage(`Copied ${rows.length} run${rows.length === 1 ? '' : 's'} as ${format}`, 5000);
  }

  private star(runIds: readonly number[], starred: boolean): void {
    if (runIds.length === 0) return;
    this.write((store) => {
      for (const id of runIds) {
        if (starred) setRunTag(store, id, STARRED_TAG, 'true');
        else removeRunTag(store, id, STARRED_TAG);
      }
    });
  }

  /** Table -> tree: selects the run in the Experiments view (when it is visible), without focus. */
  private async revealInTree(runId: number | undefined): Promise<void> {
    const store = this.services.stores.current();
    const view = this.services.experimentsView;
    if (runId === undefined || !store || !view.visible) return;
    if (view.selection.some((node) => node.kind === 'run' && node.run.id === runId)) return;
    const node = runNode(store, runId, staleBefore());
    if (!node) return;
    try {
      await view.reveal(node, { select: true, focus: false, expand: false });
    } catch (error) {
      // A run beyond the loaded page of its experiment cannot be revealed; the table keeps it selected.
      this.services.log.debug(`Runs table: run ${runId} is not shown in the Experiments view (${(error as Error).message})`);
    }
  }

  /** Tree -> table: the runs selected in the Experiments view are selected in the table. */
  private followTree(nodes: readonly { kind: string; run?: { id: number } }[]): void {
    const ids = nodes.flatMap((node) => (node.kind === 'run' && node.run ? [node.run.id] : []));
    if (!this.host.isOpen() || ids.length === 0 || ids.every((id) => this.selected.includes(id))) return;
    this.selected = ids;
    this.host.post({ type: 'select', runIds: ids });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

const ACTION_TITLES: Record<RowAction, string> = {
  compare: 'Compare runs',
  register: 'Register model version',
  trash: 'Move runs to the trash',
  copyCsv: 'Copy runs as CSV',
  copyMarkdown: 'Copy runs as Markdown',
  editNote: 'Edit note',
};

