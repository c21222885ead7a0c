import * as vscode from 'vscode';
import { restoreWith } from '../webview/panel.ts';
import { MAX_ITEMS, type Subject, recentRuns } from '../../compare/model.ts';
import { compareSavedState, compareViewType } from '../../contract/compare.ts';
import type { Store } from '../../store/database.ts';
import { truncateLabel, formatCount } from '../../shared/format.ts';
import { listExperiments } from '../../tracking/experiments.ts';
import type { ExperimentsNode } from '../../tracking/treeModel.ts';
import type { Services } from '../services.ts';
import { ComparePanel } from './comparePanel.ts';
import { pickRuns, pickVersions } from './pickers.ts';

/** Runs "Compare All Runs in Experiment" takes: the newest ones, so charts stay readable. */
const EXPERIMENT_RUN_CAP = 50;

export function registerCompare(services: Services): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('mlLifecycle.compareRuns', (clicked?: ExperimentsNode, selection?: ExperimentsNode[]) =>
      services.run('Compare runs', () => compareRuns(services, clicked, selection)),
    ),
    vscode.commands.registerCommand('mlLifecycle.compareRunsWith', (runId?: unknown) => services.run('Compare runs', () => compareRunsWith(services, runId))),
    vscode.commands.registerCommand('mlLifecycle.compareExperiment', (clicked?: ExperimentsNode) =>
      services.run('Compare experiment', () => compareExperiment(services, clicked)),
    ),
    vscode.commands.registerCommand('mlLifecycle.showProductionMetrics', (clicked?: unknown, selection?: unknown[]) =>
      services.run('Show production metrics', () => showProductionMetrics(services, clicked, selection)),
    ),
    vscode.window.registerWebviewPanelSerializer(
      compareViewType,
      restoreWith((panel, state) => {
        const parsed = compareSavedState.safeParse(state);
        const subject: Subject = parsed.success ? parsed.data.subject : { kind: 'runs', runIds: [] };
        if (!parsed.success && state !== undefined) services.log.warn('Compare: the restored panel had no readable state; it opens empty.');
        new ComparePanel(services, panel, subject);
      }),
    ),
  ];
}

async function compareRuns(services: Services, clicked: ExperimentsNode | undefined, selection: ExperimentsNode[] | undefined): Promise<void> {
  const store = services.stores.current();
  if (!store) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Nothing to compare yet: log a run from your training code first.'));
    return;
  }
  const nodes = selection?.length ? selection : clicked ? [clicked] : services.experimentsView.selection;
  const notes: string[] = [];
  let runIds: number[] = [];
  for (const node of nodes) {
    if (node.kind === 'run') runIds.push(node.run.id);
    else if (node.kind === 'experiment') runIds.push(...experimentRuns(store, node.experiment.id, node.experiment.name, notes));
  }
  if (runIds.length === 0) runIds = (await pickRuns(store, { title: 'Compare runs: pick two or more' })) ?? [];
  if (runIds.length === 0) return;
  runIds = [...new Set(runIds)];
  if (runIds.length > MAX_ITEMS) {
    notes.push(`Only ${MAX_ITEMS} runs fit in one comparison; the first ${MAX_ITEMS} of the ${runIds.length} selected are shown.`);
    runIds = runIds.slice(0, MAX_ITEMS);
  }
  ComparePanel.show(services, { kind: 'runs', runIds }, notes);
}

/** "Compare with…" on a run page: pick the other runs, then compare them with this one. */
async function compareRunsWith(services: Services, runId: unknown): Promise<void> {
  const store = services.stores.current();
  if (!store || typeof runId !== 'number' || !Number.isInteger(runId)) return;
  const picked = await pickRuns(store, { exclude: [runId], title: 'Compare this run with…' });
  if (!picked?.length) return;
  ComparePanel.show(services, { kind: 'runs', runIds: [runId, ...picked].slice(0, MAX_ITEMS) });
}

async function compareExperiment(services: Services, clicked: ExperimentsNode | undefined): Promise<void> {
  const store = services.stores.current();
  if (!store) return;
  let experiment = clicked?.kind === 'experiment' ? clicked.experiment : undefined;
  if (!experiment) {
    const candidates = services.experimentsView.selection.filter((n) => n.kind === 'experiment');
    experiment = candidates[0]?.kind === 'experiment' ? candidates[0].experiment : undefined;
  }
  if (!experiment) {
    const pick = await vscode.window.showQuickPick(
      listExperiments(store).map((e) => ({ label: truncateLabel(e.name), description: `${e.runCount} runs`, experiment: e })),
      { title: vscode.l10n.t('Compare all runs of an experiment') },
    );
    experiment = pick?.experiment;
  }
  if (!experiment) return;
  const notes: string[] = [];
  const runIds = experimentRuns(store, experiment.id, experiment.name, notes);
  if (runIds.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('"{0}" has no runs yet.', truncateLabel(experiment.name, 60)));
    return;
  }
  ComparePanel.show(services, { kind: 'runs', runIds }, notes);
}

function experimentRuns(store: Store, experimentId: number, name: string, notes: string[]): number[] {
  const { runs, total } = recentRuns(store, { experimentId, limit: EXPERIMENT_RUN_CAP });
  if (total > runs.length) {
    notes.push(`Showing the ${runs.length} most recent of the ${formatCount(total)} runs in "${truncateLabel(name, 60)}". Use Add runs… for others.`);
  }
  return runs.map((run) => run.id);
}

/** A Models-tree version node, as the registry view passes it. */
function versionIdOf(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const { kind, versionId } = node as { kind?: unknown; versionId?: unknown };
  return kind === 'version' && typeof versionId === 'number' && Number.isInteger(versionId) ? versionId : undefined;
}

async function showProductionMetrics(services: Services, clicked: unknown, selection: unknown[] | undefined): Promise<void> {
  const store = services.stores.current();
  if (!store) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No store yet: register a model version and log production metrics first.'));
    return;
  }
  let versionIds = (selection?.length ? selection : [clicked]).map(versionIdOf).filter((id): id is number => id !== undefined);
  if (versionIds.length === 0) versionIds = (await pickVersions(store, { title: 'Show production metrics of model versions' })) ?? [];
  if (versionIds.length === 0) return;
  ComparePanel.show(services, { kind: 'production', versionIds: [...new Set(versionIds)].slice(0, MAX_ITEMS) });
}
