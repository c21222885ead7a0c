import * as vscode from 'vscode';
import { type GroupsModel, type GroupsSubject, groupSeries, loadGroups } from '../../compare/groupsModel.ts';
import { GROUPS_VIEW_TYPE, GroupsFromWebviewSchema, type GroupsFromWebview, GroupsStateSchema, type GroupsToWebview } from '../../contract/compare.ts';
import { truncateLabel } from '../../shared/format.ts';
import type { Services } from '../services.ts';
import { onValidMessage, panelHtml, panelOptions, restoreWith } from '../webview/panel.ts';
import { PanelHost } from '../webview/panelHost.ts';
import { seriesBuckets } from './seriesBuckets.ts';

/**
 * The Compare Groups panel: one line per group of runs (the mean of its members at each step) with
 * a band, read on the webview's request. One panel; a new Compare Groups replaces what it shows.
 */
export class GroupsPanel extends PanelHost {
  private static current: GroupsPanel | undefined;

  static show(services: Services, subject: GroupsSubject, notes: string[] = []): void {
    if (GroupsPanel.current) {
      GroupsPanel.current.setSubject(subject, notes);
      GroupsPanel.current.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(GROUPS_VIEW_TYPE, 'Compare Groups', vscode.ViewColumn.Active, panelOptions(services.context.extensionUri));
    new GroupsPanel(services, panel, subject, notes);
  }

  static register(services: Services): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(
      GROUPS_VIEW_TYPE,
      restoreWith((panel, state) => {
        const parsed = GroupsStateSchema.safeParse(state);
        if (!parsed.success) services.log.warn('Compare Groups: the restored panel had no readable state; it opens empty.');
        new GroupsPanel(services, panel, parsed.success ? parsed.data.subject : { by: [], groups: [] });
      }),
    );
  }

  private readonly services: Services;
  private subject: GroupsSubject;
  private notes: string[];
  private model: GroupsModel | undefined;

  private constructor(services: Services, panel: vscode.WebviewPanel, subject: GroupsSubject, notes: string[] = []) {
    super(panel);
    this.services = services;
    this.subject = subject;
    this.notes = notes;
    GroupsPanel.current?.dispose();
    GroupsPanel.current = this;
    panel.webview.options = panelOptions(services.context.extensionUri);
    panel.webview.html = panelHtml(panel.webview, services.context.extensionUri, 'compareGroups', 'Compare Groups');
    this.track(onValidMessage(panel.webview, GroupsFromWebviewSchema, services.log, (message) => this.handle(message)));
    this.refreshWhenVisible(services.stores.onDidChange, () => this.refresh());
    this.refresh();
  }

  private setSubject(subject: GroupsSubject, notes: string[]): void {
    this.subject = subject;
    this.notes = notes;
    this.refresh();
  }

  private refresh(force = false): void {
    const store = this.services.stores.current();
    if (!store) {
      this.post({ type: 'model', model: { subject: this.subject, title: 'Compare Groups', charts: [], runNames: {} }, notes: ['The ML Lifecycle store is not open yet.'] }, force);
      return;
    }
    try {
      this.model = loadGroups(store, this.subject);
    } catch (error) {
      this.services.log.error(`Compare Groups: could not read the store: ${(error as Error).message}`);
      return;
    }
    this.panel.title = truncateLabel(this.model.title, 60);
    this.post({ type: 'model', model: this.model, notes: this.notes }, force);
  }

  private post(message: GroupsToWebview, force = false): void {
    this.postToWebview(message, force);
  }

  private handle(message: GroupsFromWebview): void {
    if (message.type === 'ready') {
      this.refresh(true);
      return;
    }
    const store = this.services.stores.current();
    if (!store || !this.model?.charts.some((c) => c.key === message.key)) {
      this.post({ type: 'seriesFailed', requestId: message.requestId, key: message.key, message: 'This metric is no longer in the comparison.' });
      return;
    }
    const buckets = seriesBuckets(message.pixels);
    try {
      const series = groupSeries(store, this.model.subject, message.key, { buckets, range: message.range ?? undefined, members: message.members });
      this.post({ type: 'series', requestId: message.requestId, series });
    } catch (error) {
      this.services.log.error(`Compare Groups: could not read ${message.key}: ${(error as Error).message}`);
      this.post({ type: 'seriesFailed', requestId: message.requestId, key: message.key, message: (error as Error).message });
    }
  }

  /** A restored panel replaces the current one, so closing the host closes its panel too. */
  protected onDispose(): void {
    if (GroupsPanel.current === this) GroupsPanel.current = undefined;
    this.panel.dispose();
  }
}
