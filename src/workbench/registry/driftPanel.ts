import * as path from 'node:path';
import * as vscode from 'vscode';
import { driftViewType, type DriftToWebview, driftFromWebview, driftSavedState } from '../../contract/drift.ts';
import { DriftCancelled, type DriftReport, checkDrift } from '../../monitoring/drift.ts';
import { getDriftReport, saveDriftReport } from '../../monitoring/driftReports.ts';
import { TableError } from '../../shared/table/tableReader.ts';
import { type ModelVersion, getVersion, listAllVersions } from '../../registry/models.ts';
import { formatMetric, truncateLabel } from '../../shared/format.ts';
import type { Services } from '../services.ts';
import { onValidMessage, panelHtml, panelOptions } from '../webview/panel.ts';
import { PanelHost } from '../webview/panelHost.ts';
import { settings, versionFor, versionLabel, workspaceFolder } from './pick.ts';

const TABLE_FILTERS = { 'Data snapshots (CSV, TSV, JSON lines)': ['csv', 'tsv', 'tab', 'jsonl', 'ndjson', 'json'], 'All files': ['*'] };

/** Drift report panels, one per stored report. */
export class DriftPanels implements vscode.Disposable {
  private readonly open = new Map<number, DriftView>();
  private readonly services: Services;

  constructor(services: Services) {
    this.services = services;
  }

  show(reportId: number): void {
    const existing = this.open.get(reportId);
    if (existing) {
      existing.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(driftViewType, `Data Drift #${reportId}`, vscode.ViewColumn.Active, panelOptions(this.services.context.extensionUri));
    this.attach(panel, reportId);
  }

  /** Restores a panel after a reload, from the state its webview saved. */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    const parsed = driftSavedState.safeParse(state);
    if (!parsed.success) {
      this.services.log.warn('Data drift: a restored panel had no readable report id; it was closed.');
      panel.dispose();
      return;
    }
    this.attach(panel, parsed.data.reportId);
  }

  private attach(panel: vscode.WebviewPanel, reportId: number): void {
    this.open.set(reportId, new DriftView(this.services, panel, reportId, () => this.open.delete(reportId)));
  }

  dispose(): void {
    for (const view of [...this.open.values()]) view.close();
  }
}

/** One stored drift report, sent when its webview asks. */
class DriftView extends PanelHost {
  private readonly closed: () => void;

  constructor(services: Services, panel: vscode.WebviewPanel, reportId: number, closed: () => void) {
    super(panel);
    this.closed = closed;
    panel.webview.options = panelOptions(services.context.extensionUri);
    panel.webview.html = panelHtml(panel.webview, services.context.extensionUri, 'drift', `Data Drift #${reportId}`);
    const post = (update: DriftToWebview) => void panel.webview.postMessage(update);
    this.track(
      onValidMessage(panel.webview, driftFromWebview, services.log, () => {
        const store = services.stores.current();
        const stored = store && getDriftReport(store, reportId);
        if (!stored) {
          post({ type: 'missing', reportId });
          return;
        }
        const version = stored.versionId === null ? undefined : getVersion(store, stored.versionId);
        panel.title = `Data Drift #${reportId}: ${stored.verdict}`;
        post({ type: 'report', reportId, subject: version ? versionLabel(version) : null, report: stored.report });
      }),
    );
  }

  reveal(): void {
    this.panel.reveal();
  }

  close(): void {
    this.panel.dispose();
  }

  protected onDispose(): void {
    this.closed();
  }
}

async function pickVersionOrNone(services: Services): Promise<{ version: ModelVersion | undefined } | undefined> {
  const store = services.stores.current();
  const versions = store ? listAllVersions(store) : [];
  if (versions.length === 0) return { version: undefined };
  const picked = await vscode.window.showQuickPick(
    [
      { label: '$(circle-slash) No model version', description: 'keep the report on its own', version: undefined as ModelVersion | undefined },
      ...versions.map((version) => ({ label: `${truncateLabel(version.modelName, 60)} v${version.version}`, description: version.aliases.map((a) => `@${a}`).join(' '), version })),
    ],
    { title: vscode.l10n.t('Check Data Drift: attach the report to a model version?'), placeHolder: vscode.l10n.t('The model card and Models view show the latest report of a version') },
  );
  return picked && { version: picked.version };
}

function summary(report: DriftReport): string {
  const drifted = report.columns.filter((c) => c.level === 'drift');
  const drifting = report.columns.filter((c) => c.level === 'warning');
  const names = (columns: typeof drifted) => columns.slice(0, 3).map((c) => `"${truncateLabel(c.name, 40)}" (PSI ${formatMetric(c.psi)})`).join(', ') + (columns.length > 3 ? '…' : '');
  if (drifted.length) return `Data drift: ${drifted.length} of ${report.columns.length} columns drifted: ${names(drifted)}. Consider retraining on recent data.`;
  if (drifting.length) return `Some drift: ${drifting.length} of ${report.columns.length} columns are drifting: ${names(drifting)}. Keep an eye on them.`;
  return `No drift: all ${report.columns.length} columns are stable (worst PSI ${formatMetric(report.worstPsi)}).`;
}

/** mlLifecycle.checkDrift: pick two snapshots (and a version), check with progress and cancellation, store and show the report. */
export async function checkDriftCommand(services: Services, panels: DriftPanels, node: unknown): Promise<void> {
  const store = services.stores.current();
  const fromNode = (node as { kind?: unknown } | undefined)?.kind === 'version' && store ? await versionFor(store, node, 'Check Data Drift') : undefined;
  const [reference] =
    (await vscode.window.showOpenDialog({ title: vscode.l10n.t('Check Data Drift (1 of 2): the reference snapshot, e.g. the training data'), canSelectMany: false, defaultUri: workspaceFolder(), filters: TABLE_FILTERS, openLabel: 'Use as Reference' })) ?? [];
  if (!reference) return;
  const [current] =
    (await vscode.window.showOpenDialog({ title: vscode.l10n.t('Check Data Drift (2 of 2): the current snapshot, e.g. recent production inputs'), canSelectMany: false, defaultUri: vscode.Uri.file(path.dirname(reference.fsPath)), filters: TABLE_FILTERS, openLabel: 'Use as Current' })) ?? [];
  if (!current) return;
  const attach = fromNode ? { version: fromNode } : await pickVersionOrNone(services);
  if (!attach) return;
  const config = settings();
  const thresholds = {
    psiWarning: config.get<number>('drift.psiWarning', 0.1),
    psiAlert: config.get<number>('drift.psiAlert', 0.25),
    pValue: config.get<number>('drift.pValue', 0.05),
  };
  let report: DriftReport;
  try {
    report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking data drift'), cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        let shown = 0;
        try {
          return await checkDrift(reference.fsPath, current.fsPath, {
            thresholds,
            signal: controller.signal,
            onProgress: (fraction, message) => {
              const percent = Math.floor(fraction * 100);
              if (percent > shown) {
                progress.report({ message: `${message} (${percent}%)`, increment: percent - shown });
                shown = percent;
              }
            },
          });
        } finally {
          subscription.dispose();
        }
      },
    );
  } catch (error) {
    if (error instanceof DriftCancelled) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Drift check cancelled; nothing was stored.'));
      return;
    }
    if (error instanceof TableError) {
      void vscode.window.showErrorMessage(error.message);
      return;
    }
    throw error;
  }
  const reportId = saveDriftReport(services.stores.forWriting(), report, attach.version?.id ?? null);
  services.stores.notifyChanged();
  services.log.info(`Drift report ${reportId}: ${report.verdict}, worst PSI ${formatMetric(report.worstPsi)} (${reference.fsPath} vs ${current.fsPath})`);
  panels.show(reportId);
  const text = `${attach.version ? `${versionLabel(attach.version)}: ` : ''}${summary(report)}`;
  if (report.verdict === 'stable') void vscode.window.showInformationMessage(text);
  else void vscode.window.showWarningMessage(text);
}
