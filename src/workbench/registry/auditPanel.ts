import * as vscode from 'vscode';
import { auditViewType, type AuditFilter, type AuditToWebview, auditFromWebview, auditSavedState } from '../../contract/audit.ts';
import { describeAudit } from '../../registry/auditDescribe.ts';
import { auditNames } from '../../registry/auditNames.ts';
import { auditCsv, auditMarkdown } from '../../registry/auditExport.ts';
import { listAudit } from '../../store/audit.ts';
import type { Services } from '../services.ts';
import { onValidMessage, panelHtml, panelOptions } from '../webview/panel.ts';
import { PanelHost } from '../webview/panelHost.ts';
import { workspaceFolder } from './pick.ts';
import { formatCount } from '../../shared/format.ts';

/** Entries sent to the panel at most; exports take everything that matches. */
const SHOWN = 1000;
const EXPORTED = 1_000_000;

function describeFilter(filter: AuditFilter): string {
  const parts = [filter.entity ? `entity ${filter.entity}` : 'all entities'];
  if (filter.text.trim()) parts.push(`matching "${filter.text.trim()}"`);
  return parts.join(', ');
}

/** The read-only audit trail panel: one at a time, refreshed when the store changes. */
export class AuditPanel implements vscode.Disposable {
  private view: AuditView | undefined;
  private readonly services: Services;

  constructor(services: Services) {
    this.services = services;
  }

  show(): void {
    if (this.view) {
      this.view.reveal();
      return;
    }
    this.attach(vscode.window.createWebviewPanel(auditViewType, 'Audit Trail', vscode.ViewColumn.Active, panelOptions(this.services.context.extensionUri)));
  }

  /** After a reload: the webview keeps its filter in its own state and asks with it; an unreadable one is dropped. */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    if (this.view) {
      panel.dispose();
      return;
    }
    const parsed = auditSavedState.safeParse(state);
    if (!parsed.success && state !== undefined) this.services.log.warn('Audit trail: the restored panel had no readable filter; it shows every entry.');
    this.attach(panel, parsed.success ? parsed.data.filter : undefined);
  }

  private attach(panel: vscode.WebviewPanel, filter?: AuditFilter): void {
    this.view = new AuditView(this.services, panel, filter, () => (this.view = undefined));
  }

  dispose(): void {
    this.view?.close();
  }
}

/** One open audit panel: answers its queries and exports, and re-sends when the store changes while it shows. */
class AuditView extends PanelHost {
  private filter: AuditFilter = { entity: null, text: '' };
  private readonly services: Services;
  private readonly closed: () => void;

  constructor(services: Services, panel: vscode.WebviewPanel, filter: AuditFilter | undefined, closed: () => void) {
    super(panel);
    this.services = services;
    this.closed = closed;
    if (filter) this.filter = filter;
    panel.webview.options = panelOptions(services.context.extensionUri);
    panel.webview.html = panelHtml(panel.webview, services.context.extensionUri, 'audit', 'Audit Trail');
    this.track(
      onValidMessage(panel.webview, auditFromWebview, services.log, async (message) => {
        switch (message.type) {
          case 'query':
            this.filter = message.filter;
            this.send();
            return;
          case 'export':
            await this.export(message.format, message.filter);
            return;
        }
      }),
    );
    this.refreshWhenVisible(services.stores.onDidChange, () => this.send());
  }

  reveal(): void {
    this.panel.reveal();
  }

  close(): void {
    this.panel.dispose();
  }

  private send(): void {
    const store = this.services.stores.current();
    const entries = store ? listAudit(store.db, { entity: this.filter.entity ?? undefined, text: this.filter.text.trim() || undefined, limit: SHOWN + 1 }) : [];
    const shown = entries.slice(0, SHOWN);
    const names = store ? auditNames(store, shown) : undefined;
    const rows = names ? shown.map((record) => ({ ...record, ...describeAudit(record, names) })) : [];
    const update: AuditToWebview = { type: 'entries', filter: this.filter, entries: rows, truncated: entries.length > SHOWN, limit: SHOWN };
    void this.panel.webview.postMessage(update);
  }

  private async export(format: 'csv' | 'markdown', filter: AuditFilter): Promise<void> {
    const store = this.services.stores.current();
    if (!store) return;
    const records = listAudit(store.db, { entity: filter.entity ?? undefined, text: filter.text.trim() || undefined, limit: EXPORTED });
    const extension = format === 'csv' ? 'csv' : 'md';
    const folder = workspaceFolder();
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export the audit trail ({0})', describeFilter(filter)),
      defaultUri: folder ? vscode.Uri.joinPath(folder, `audit-trail.${extension}`) : undefined,
      filters: format === 'csv' ? { CSV: ['csv'] } : { Markdown: ['md'] },
      saveLabel: 'Export',
    });
    if (!target) return;
    const names = auditNames(store, records);
    const text = format === 'csv' ? auditCsv(records, names) : auditMarkdown(records, names, describeFilter(filter));
    await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
    this.services.log.info(`Exported ${records.length} audit entries to ${target.fsPath}`);
    void this.panel.webview.postMessage({ type: 'exported', file: target.fsPath } satisfies AuditToWebview);
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Exported {0} audit entries to {1}.', formatCount(records.length), target.fsPath), 'Open');
    if (choice) await vscode.window.showTextDocument(target);
  }

  protected onDispose(): void {
    this.closed();
  }
}
