import * as vscode from 'vscode';
import { runsViewType, type RunsLayout, type RunsToWebview, defaultLayout, runsFromWebview } from '../../contract/runs.ts';
import { type TableResult, runTableQuery, tableColumns, tableRows, withMetricValue } from '../../search/table.ts';
import { listExperiments } from '../../tracking/experiments.ts';
import { throttle } from '../../shared/throttle.ts';
import { hideRuns, showRuns } from '../mlflowServer/shownRuns.ts';
import type { Services } from '../services.ts';
import { staleBefore } from '../staleness.ts';
import { onValidMessage, panelHtml, panelOptions } from '../webview/panel.ts';
import { RowActions } from './rowActions.ts';

const LAYOUT_KEY = 'mlLifecycle.runsTable.layout';
/** Rows sent per request at most: a screen or two. */
const MAX_WINDOW = 500;
/** Live refreshes while runs log: at most one query per this many ms. */
const LIVE_INTERVAL_MS = 1000;

export interface RunsScope {
  experimentIds: number[] | null;
  /** A run to scroll to and select. */
  revealRunId?: number;
}

/** The Runs table: one panel; search, sort and grouping run in SQL here, the webview shows a window. */
export class RunsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private layout: RunsLayout | undefined;
  private result: TableResult = { ids: [], error: null, groups: [] };
  private generation = 0;
  private reveal: number | undefined;
  private readonly services: Services;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly rowActions: RowActions;
  private readonly liveQuery = throttle(() => this.query(true), LIVE_INTERVAL_MS);

  constructor(services: Services) {
    this.services = services;
    this.rowActions = new RowActions(services, {
      isOpen: () => this.panel !== undefined,
      layout: () => this.layout,
      post: (update) => this.post(update),
    });
    this.subscriptions.push(services.stores.onDidChange(() => this.liveQuery()), this.rowActions, { dispose: () => this.liveQuery.cancel() });
  }

  show(scope?: RunsScope): void {
    if (scope) {
      const saved = this.savedLayout();
      this.layout = { ...saved, experimentIds: scope.experimentIds, filter: scope.revealRunId === undefined ? saved.filter : '' };
      this.reveal = scope.revealRunId;
    }
    if (this.panel) {
      this.panel.reveal();
      if (scope) this.sendColumns();
      return;
    }
    this.attach(vscode.window.createWebviewPanel(runsViewType, 'Runs', vscode.ViewColumn.Active, panelOptions(this.services.context.extensionUri)));
  }

  restore(panel: vscode.WebviewPanel): void {
    if (this.panel) {
      panel.dispose();
      return;
    }
    this.attach(panel);
  }

  private savedLayout(): RunsLayout {
    return this.services.context.workspaceState.get<RunsLayout>(LAYOUT_KEY) ?? defaultLayout();
  }

  private attach(panel: vscode.WebviewPanel): void {
    const { services } = this;
    this.panel = panel;
    panel.webview.options = panelOptions(services.context.extensionUri);
    panel.webview.html = panelHtml(panel.webview, services.context.extensionUri, 'runs', 'Runs');
    const messages = onValidMessage(panel.webview, runsFromWebview, services.log, (message) => {
      switch (message.type) {
        case 'ready':
          this.layout ??= message.layout ?? this.savedLayout();
          this.sendColumns();
          return;
        case 'query':
          this.layout = message.layout;
          void services.context.workspaceState.update(LAYOUT_KEY, message.layout);
          this.query();
          return;
        case 'rows':
          this.sendRows(message.generation, message.start, message.end);
          return;
        case 'compareGroups':
          void vscode.commands.executeCommand('mlLifecycle.compareGroups');
          return;
        default:
          this.rowActions.handle(message);
      }
    });
    const closing = panel.onDidDispose(() => {
      messages.dispose();
      hideRuns(this);
      closing.dispose();
      this.panel = undefined;
    });
  }

  /** The runs shown and the columns they are grouped by, when the table is grouped (for Compare Groups). */
  grouping(): { ids: number[]; groupBy: string[] } | undefined {
    return this.panel && this.layout?.groupBy.length ? { ids: this.result.ids, groupBy: this.layout.groupBy } : undefined;
  }

  private sendColumns(): void {
    const store = this.services.stores.current();
    const layout = this.layout ?? defaultLayout();
    const columns = store ? tableColumns(store, layout.experimentIds ?? undefined) : [];
    const experiments = store ? listExperiments(store).map((e) => ({ id: e.id, name: e.name })) : [];
    this.post({ type: 'columns', columns, layout, experiments });
  }

  /** `live`: the store changed, so the page keeps its scroll position and selection. */
  private query(live = false): void {
    const layout = this.layout;
    if (!this.panel || !layout) return;
    const store = this.services.stores.current();
    const started = performance.now();
    const metricColumns = layout.columns.filter((c) => c.startsWith('metrics.')).map((c) => withMetricValue(c, layout.metricValue));
    this.result = store
      ? runTableQuery(
          store,
          {
            filter: layout.filter,
            experimentIds: layout.experimentIds,
            sort: layout.sort.map((key) => ({ column: withMetricValue(key.column, layout.metricValue), descending: key.descending })),
            groupBy: layout.groupBy,
            metricColumns,
          },
          staleBefore(),
        )
      : { ids: [], error: null, groups: [] };
    const reveal = this.reveal === undefined ? -1 : this.result.ids.indexOf(this.reveal);
    this.reveal = undefined;
    this.post({
      type: 'result',
      generation: ++this.generation,
      total: this.result.ids.length,
      error: this.result.error,
      groups: this.result.groups,
      groupMetrics: metricColumns,
      elapsedMs: Math.round(performance.now() - started),
      reveal: reveal < 0 ? null : reveal,
      ids: this.result.ids,
      live,
    });
  }

  private sendRows(generation: number, start: number, end: number): void {
    const store = this.services.stores.current();
    const layout = this.layout;
    if (!store || !layout || generation !== this.generation) return;
    const ids = this.result.ids.slice(start, Math.min(end, start + MAX_WINDOW));
    showRuns(this, ids, false);
    const columns = layout.columns.map((c) => withMetricValue(c, layout.metricValue));
    this.post({ type: 'rows', generation, start, rows: tableRows(store, ids, columns, staleBefore()) });
  }

  private post(update: RunsToWebview): void {
    void this.panel?.webview.postMessage(update);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
