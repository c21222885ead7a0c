import * as vscode from 'vscode';
import { type ArtifactState, workspaceRootOf } from '../../registry/artifacts.ts';
import { modelCardData, modelCardFileName, renderModelCard } from '../../registry/modelCard.ts';
import { listAllVersions } from '../../registry/models.ts';
import { versionsWithProblems } from '../../registry/status.ts';
import { artifactWarning } from '../../registry/treeModel.ts';
import { versionTargets } from '../../registry/targets.ts';
import { logProductionMetrics, parseMetricValue, productionMetricKeys, validateMetricKey } from '../../monitoring/productionMetrics.ts';
import { truncateLabel } from '../../shared/format.ts';
import type { Services } from '../services.ts';
import type { ArtifactVerifier } from './artifactVerifier.ts';
import { settings, versionFor, versionLabel, workspaceFolder } from './pick.ts';

/** mlLifecycle.logProductionMetric: one measurement typed by hand, now. */
export async function logProductionMetricCommand(services: Services, node: unknown): Promise<void> {
  const store = services.stores.current();
  if (!store) return;
  const version = await versionFor(store, node, 'Log Production Metric');
  if (!version) return;
  const targets = versionTargets(store, version);
  const known = productionMetricKeys(store, version.id);
  const suggestions = [targets.metric?.replace(/^(val|valid|validation|test|eval)[_.\-/]/i, ''), targets.latencyBudgetMs !== null ? 'latency_p95_ms' : undefined].filter(
    (key): key is string => !!key && !known.includes(key),
  );
  const NEW = '$(add) Other metric…';
  const picked = await vscode.window.showQuickPick(
    [
      ...known.map((key) => ({ label: key, description: 'logged before' })),
      ...suggestions.map((key) => ({ label: key, description: key.includes('latency') ? 'checked against the latency budget' : 'checked against the success threshold' })),
      { label: NEW, description: 'any name' },
    ],
    { title: vscode.l10n.t('Log a production metric of {0}', versionLabel(version)) },
  );
  if (!picked) return;
  let key = picked.label;
  if (key === NEW) {
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Production metric name'),
      prompt: vscode.l10n.t('e.g. auc, precision_at_10, latency_p95_ms'),
      validateInput: (value) => {
        try {
          validateMetricKey(value);
          return undefined;
        } catch (error) {
          return (error as Error).message;
        }
      },
    });
    if (typed === undefined) return;
    key = validateMetricKey(typed);
  }
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('{0} of {1}', key, versionLabel(version)),
    prompt: vscode.l10n.t('The measured value (nan, inf and -inf are accepted)'),
    validateInput: (value) => {
      try {
        parseMetricValue(value, key);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
  });
  if (text === undefined) return;
  logProductionMetrics(services.stores.forWriting(), version.id, [{ key, value: parseMetricValue(text, key), timestamp: Date.now() }]);
  services.stores.notifyChanged();
}

/** mlLifecycle.exportModelCard: writes the card where the user says, then opens it. */
export async function exportModelCardCommand(services: Services, node: unknown): Promise<void> {
  const store = services.stores.current();
  if (!store) return;
  const version = await versionFor(store, node, 'Export Model Card');
  if (!version) return;
  const markdown = renderModelCard(modelCardData(store, version));
  const folder = workspaceFolder();
  const target = await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Model card of {0}', versionLabel(version)),
    defaultUri: folder ? vscode.Uri.joinPath(folder, modelCardFileName(version.modelName, version.version)) : undefined,
    filters: { Markdown: ['md'] },
    saveLabel: 'Export',
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, Buffer.from(markdown, 'utf8'));
  services.log.info(`Exported the model card of ${version.modelName} v${version.version} to ${target.fsPath}`);
  await vscode.window.showTextDocument(target, { preview: false });
}

/** mlLifecycle.verifyArtifacts: hashes every local artifact again and says what changed. */
export async function verifyArtifactsCommand(services: Services, verifier: ArtifactVerifier): Promise<void> {
  const store = services.stores.current();
  const versions = store ? listAllVersions(store) : [];
  if (!store || versions.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No model versions are registered yet.'));
    return;
  }
  const root = workspaceRootOf(store.path);
  const states = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Verifying model artifacts'), cancellable: true },
    (progress, token) =>
      verifier.verifyAll(
        versions,
        root,
        (done, version) => progress.report({ message: `${versionLabel(version)} (${done + 1} of ${versions.length})`, increment: 100 / versions.length }),
        token,
      ),
  );
  const problems: string[] = [];
  let unchanged = 0;
  let unverifiable = 0;
  for (const version of versions) {
    const state: ArtifactState | undefined = states.get(version.id);
    if (!state) continue;
    if (state.status === 'ok') unchanged++;
    else if (state.status === 'unverifiable') unverifiable++;
    else problems.push(`${versionLabel(version)}: ${artifactWarning(state)}`);
  }
  for (const line of problems) services.log.warn(line);
  const checked = states.size < versions.length ? ` (stopped after ${states.size} of ${versions.length})` : '';
  const skipped = unverifiable ? `; ${unverifiable} not verifiable (remote or without a hash)` : '';
  if (problems.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('All {0} checked artifacts are unchanged since registration{1}{2}.', unchanged, skipped, checked));
    return;
  }
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} model artifact{1} changed or missing{2}: {3}{4}', problems.length, problems.length === 1 ? '' : 's', checked, problems.slice(0, 3).map((p) => truncateLabel(p, 200)).join(' '), problems.length > 3 ? ' …' : ''),
    'Show Log',
  );
  if (choice) services.log.show();
}

const NOTIFIED_KEY = 'mlLifecycle.monitoring.notified';

/**
 * Tells the user once when a version falls below its production floor or over its latency
 * budget: a problem already shown is remembered (across reloads) until it clears.
 */
export class ProductionWatcher implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private readonly services: Services;

  constructor(services: Services) {
    this.services = services;
  }

  /** Checks soon; repeated calls within a second check once. */
  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.check();
    }, 1000);
  }

  check(): void {
    const store = this.services.stores.current();
    if (!store) return;
    let statuses;
    try {
      statuses = versionsWithProblems(store);
    } catch (error) {
      this.services.log.warn(`Could not check production metrics: ${(error as Error).message}`);
      return;
    }
    const state = this.services.context.workspaceState;
    const before = new Set(state.get<string[]>(NOTIFIED_KEY, []));
    const now = new Set<string>();
    const fresh: { label: string; messages: string[]; versionId: number; modelId: number }[] = [];
    for (const status of statuses) {
      const newOnes = status.problems.filter((p) => {
        const key = `${status.version.id}:${p.kind}:${p.key}`;
        now.add(key);
        return !before.has(key);
      });
      if (newOnes.length) fresh.push({ label: versionLabel(status.version), messages: newOnes.map((p) => p.message), versionId: status.version.id, modelId: status.version.modelId });
    }
    void state.update(NOTIFIED_KEY, [...now]);
    if (!settings().get<boolean>('monitoring.notify', true)) return;
    for (const item of fresh) {
      this.services.log.warn(`${item.label}: ${item.messages.join('; ')}`);
      void vscode.window
        .showWarningMessage(vscode.l10n.t('{0}: {1}. Consider retraining, or check the data for drift.', item.label, item.messages.join('; ')), 'Show Production Metrics', 'Check Data Drift…')
        .then((choice) => {
          const node = { kind: 'version', versionId: item.versionId, modelId: item.modelId };
          if (choice === 'Show Production Metrics') void vscode.commands.executeCommand('mlLifecycle.showProductionMetrics', node);
          if (choice === 'Check Data Drift…') void vscode.commands.executeCommand('mlLifecycle.checkDrift', node);
        });
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
