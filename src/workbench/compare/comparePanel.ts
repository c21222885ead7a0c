import * as vscode from 'vscode';
import { paramsTable, summaryTable, toCsv, toMarkdown } from '../../compare/export.ts';
import { m4Series } from '../../compare/m4.ts';
import { type CompareModel, MAX_ITEMS, type MissingItem, type Subject, loadComparison, subjectKey } from '../../compare/model.ts';
import { productionSeries } from '../../compare/production.ts';
import { packSeriesSet } from '../../compare/seriesWire.ts';
import { compareFromWebview, type CompareFromWebview, type CompareToWebview, compareViewType } from '../../contract/compare.ts';
import { truncateLabel } from '../../shared/format.ts';
import { hideRuns, showRuns } from '../mlflowServer/shownRuns.ts';
import type { Services } from '../services.ts';
import { staleBefore } from '../staleness.ts';
import { onValidMessage, panelHtml, panelOptions } from '../webview/panel.ts';
import { PanelHost } from '../webview/panelHost.ts';
import { seriesBuckets } from './seriesBuckets.ts';
import { pickRuns, pickVersions } from './pickers.ts';

/**
 * One Compare panel: owns its subject (runs or model versions), answers the webview's series
 * requests and follows the store, posting a new model only when something it shows changed.
 */
export class ComparePanel extends PanelHost {
  private static readonly open = new Set<ComparePanel>();

  /** Reveals the open panel that shows exactly these runs (or versions); otherwise opens another panel beside the others. */
  static show(services: Services, subject: Subject, notes: string[] = []): void {
    const key = subjectKey(subject);
    const existing = [...ComparePanel.open].find((p) => p.key === key);
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(compareViewType, 'Compare', vscode.ViewColumn.Active, panelOptions(services.context.extensionUri));
    new ComparePanel(services, panel, subject, notes);
  }

  private readonly services: Services;
  private subject: Subject;
  private model: CompareModel | undefined;
  private notes: string[];

  constructor(services: Services, panel: vscode.WebviewPanel, subject: Subject, notes: string[] = []) {
    super(panel);
    this.services = services;
    this.subject = subject;
    this.notes = notes;
    ComparePanel.open.add(this);
    panel.webview.options = panelOptions(services.context.extensionUri);
    panel.webview.html = panelHtml(panel.webview, services.context.extensionUri, 'compare', 'Compare');
    this.track(onValidMessage(panel.webview, compareFromWebview, services.log, (message) => this.handle(message)));
    this.refreshWhenVisible(services.stores.onDidChange, () => this.refresh());
    this.refresh();
  }

  /** What this panel shows, whatever the order it was picked in: panels are told apart by it. */
  get key(): string {
    return subjectKey(this.subject);
  }

  setSubject(subject: Subject, notes: string[]): void {
    this.subject = subject;
    this.notes = notes;
    this.refresh();
  }

  /** Re-reads the comparison and posts it if anything shown changed. */
  private refresh(force = false): void {
    const store = this.services.stores.current();
    if (!store) {
      this.model = undefined;
      this.post({ type: 'model', model: emptyModel(this.subject), notes: ['The ML Lifecycle store is not open yet: nothing has been logged in this workspace.'] }, force);
      return;
    }
    let comparison;
    try {
      comparison = loadComparison(store, this.subject, staleBefore());
    } catch (error) {
      this.services.log.error(`Compare: could not read the store: ${(error as Error).message}`);
      return;
    }
    if (comparison.missing.length) {
      this.notes = [...this.notes, ...comparison.missing.map((m) => missingNote(m, this.subject, this.model))].slice(-10);
      this.subject = comparison.model.subject;
    }
    this.model = comparison.model;
    showRuns(this, this.subject.kind === 'runs' ? this.subject.runIds : []);
    this.panel.title = truncateLabel(comparison.model.title, 60);
    this.post({ type: 'model', model: comparison.model, notes: this.notes }, force);
  }

  private post(message: CompareToWebview, force = false): void {
    this.postToWebview(message, force);
  }

  private async handle(message: CompareFromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.refresh(true);
        return;
      case 'series':
        this.answerSeries(message);
        return;
      case 'add':
        await this.add();
        return;
      case 'remove':
        this.setSubject(
          this.subject.kind === 'runs'
            ? { kind: 'runs', runIds: this.subject.runIds.filter((id) => id !== message.id) }
            : { kind: 'production', versionIds: this.subject.versionIds.filter((id) => id !== message.id) },
          this.notes,
        );
        return;
      case 'copy':
        await this.copy(message);
        return;
    }
  }

  private answerSeries(request: Extract<CompareFromWebview, { type: 'series' }>): void {
    const store = this.services.stores.current();
    const chart = this.model?.charts.find((c) => c.key === request.key);
    if (!store || !chart) {
      this.post({ type: 'seriesFailed', requestId: request.requestId, key: request.key, message: 'This metric is no longer in the comparison.' });
      return;
    }
    const buckets = seriesBuckets(request.pixels);
    const options = { buckets, range: request.range ?? undefined };
    try {
      const set = this.subject.kind === 'runs' ? m4Series(store, chart.ids, chart.key, options) : productionSeries(store, chart.ids, chart.key, options);
      this.post({ type: 'series', requestId: request.requestId, set: packSeriesSet(set) });
    } catch (error) {
      this.services.log.error(`Compare: could not read ${request.key}: ${(error as Error).message}`);
      this.post({ type: 'seriesFailed', requestId: request.requestId, key: request.key, message: (error as Error).message });
    }
  }

  private async add(): Promise<void> {
    const store = this.services.stores.current();
    if (!store) return;
    if (this.subject.kind === 'runs') {
      const picked = await pickRuns(store, { exclude: this.subject.runIds, title: 'Add runs to the comparison' });
      if (!picked?.length) return;
      const runIds = [...this.subject.runIds, ...picked];
      const notes = runIds.length > MAX_ITEMS ? [...this.notes, `Only ${MAX_ITEMS} runs fit in one comparison; ${runIds.length - MAX_ITEMS} were not added.`] : this.notes;
      this.setSubject({ kind: 'runs', runIds: runIds.slice(0, MAX_ITEMS) }, notes);
    } else {
      const picked = await pickVersions(store, { exclude: this.subject.versionIds, title: 'Add model versions' });
      if (!picked?.length) return;
      this.setSubject({ kind: 'production', versionIds: [...this.subject.versionIds, ...picked].slice(0, MAX_ITEMS) }, this.notes);
    }
  }

  private async copy(request: Extract<CompareFromWebview, { type: 'copy' }>): Promise<void> {
    if (!this.model) return;
    const table = request.table === 'summary' ? summaryTable(this.model, request.value) : paramsTable(this.model, request.onlyDifferences);
    await vscode.env.clipboard.writeText(request.format === 'csv' ? toCsv(table) : toMarkdown(table));
    vscode.window.setStatusBarMessage(`Copied the ${request.table} table (${table.rows.length} rows) as ${request.format === 'csv' ? 'CSV' : 'Markdown'}`, 4000);
  }

  protected onDispose(): void {
    ComparePanel.open.delete(this);
    hideRuns(this);
  }
}

function missingNote(missing: MissingItem, subject: Subject, previous: CompareModel | undefined): string {
  const noun = subject.kind === 'runs' ? 'run' : 'model version';
  const name = missing.name ?? previous?.items.find((i) => i.id === missing.id)?.name;
  const label = name === undefined ? `${noun} #${missing.id}` : `${noun} "${truncateLabel(name, 80)}"`;
  return missing.trashed ? `The ${label} was moved to the trash, so it left the comparison.` : `The ${label} no longer exists, so it left the comparison.`;
}

function emptyModel(subject: Subject): CompareModel {
  return {
    subject,
    title: 'Compare',
    items: [],
    charts: [],
    sharedMetrics: 0,
    xModes: subject.kind === 'runs' ? ['step', 'relative', 'wall'] : ['wall'],
    summary: [],
    params: null,
    parallel: null,
    live: false,
  };
}
