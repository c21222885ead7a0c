import * as vscode from 'vscode';
import {
  createExperiment,
  emptyTrash,
  getExperiment,
  listExperiments,
  listTrash,
  metricKeys,
  renameExperiment,
  renameRun,
  restore,
  setPrimaryMetric,
  trash,
  validateName,
} from '../../tracking/experiments.ts';
import { truncateLabel } from '../../shared/format.ts';
import { guessDirection } from '../../tracking/metricDirection.ts';
import type { Services } from '../services.ts';
import type { ExperimentsNode } from '../experimentsTree.ts';

type Selectable = Extract<ExperimentsNode, { kind: 'experiment' | 'run' }>;

/** The nodes a context-menu command applies to: the multi-selection if the clicked node is in it. */
function selectedNodes<K extends ExperimentsNode['kind']>(
  services: Services,
  clicked: ExperimentsNode | undefined,
  selection: readonly ExperimentsNode[] | undefined,
  kinds: readonly K[],
): Extract<ExperimentsNode, { kind: K }>[] {
  const candidates = selection?.length ? selection : clicked ? [clicked] : services.experimentsView.selection;
  return candidates.filter((node): node is Extract<ExperimentsNode, { kind: K }> => (kinds as readonly string[]).includes(node.kind));
}

export function registerExperimentCommands(services: Services): vscode.Disposable[] {
  const { stores, experimentsTree } = services;
  const changed = () => {
    stores.notifyChanged();
  };
  return [
    vscode.commands.registerCommand('mlLifecycle.refresh', () => {
      stores.reset();
    }),
    vscode.commands.registerCommand('mlLifecycle.showLog', () => services.log.show()),
    vscode.commands.registerCommand('mlLifecycle.loadMoreRuns', (node: Extract<ExperimentsNode, { kind: 'loadMore' }>) => experimentsTree.loadMore(node)),
    vscode.commands.registerCommand('mlLifecycle.createExperiment', async () => {
      const name = await vscode.window.showInputBox({
        title: vscode.l10n.t('Create Experiment'),
        prompt: vscode.l10n.t('A name for the experiment, e.g. "churn-gbm" or "resnet-baseline"'),
        validateInput: (value) => {
          try {
            validateName('experiment', value);
            return undefined;
          } catch (error) {
            return (error as Error).message;
          }
        },
      });
      if (name === undefined) return;
      return services.run('Create experiment', () => {
        const experiment = createExperiment(stores.forWriting(), name);
        changed();
        services.log.info(`Created experiment ${experiment.id} "${experiment.name}"`);
        return experiment;
      });
    }),
    vscode.commands.registerCommand('mlLifecycle.rename', async (clicked?: ExperimentsNode) => {
      const [node] = selectedNodes(services, clicked, undefined, ['experiment', 'run']);
      if (!node) return;
      const current = node.kind === 'experiment' ? node.experiment.name : node.run.name;
      const name = await vscode.window.showInputBox({ title: vscode.l10n.t('Rename {0}', node.kind), value: current, validateInput: (v) => (v.trim() ? undefined : 'The name cannot be empty.') });
      if (name === undefined || name === current) return;
      await services.run(`Rename ${node.kind}`, () => {
        if (node.kind === 'experiment') renameExperiment(stores.forWriting(), node.experiment.id, name);
        else renameRun(stores.forWriting(), node.run.id, name);
        changed();
      });
    }),
    vscode.commands.registerCommand('mlLifecycle.delete', async (clicked?: ExperimentsNode, selection?: ExperimentsNode[]) => {
      const nodes = selectedNodes(services, clicked, selection, ['experiment', 'run']) as Selectable[];
      if (nodes.length === 0) return;
      const label = describeSelection(nodes);
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('Move {0} to the trash?', label),
        { modal: true, detail: vscode.l10n.t('Runs keep their params and metrics in the trash. Restore them from the Trash item, or empty the trash to remove them for good.') },
        'Move to Trash',
      );
      if (choice !== 'Move to Trash') return;
      await services.run('Delete', () => {
        trash(
          stores.forWriting(),
          nodes.map((n) => (n.kind === 'experiment' ? { kind: 'experiment' as const, id: n.experiment.id } : { kind: 'run' as const, id: n.run.id })),
        );
        changed();
      });
      const undo = await vscode.window.showInformationMessage(vscode.l10n.t('Moved {0} to the trash.', label), 'Undo');
      if (undo) {
        await services.run('Restore', () => {
          restore(
            stores.forWriting(),
            nodes.map((n) => (n.kind === 'experiment' ? { kind: 'experiment' as const, id: n.experiment.id } : { kind: 'run' as const, id: n.run.id })),
          );
          changed();
        });
      }
    }),
    vscode.commands.registerCommand('mlLifecycle.restore', async (clicked?: ExperimentsNode, selection?: ExperimentsNode[]) => {
      let items = selectedNodes(services, clicked, selection, ['trashed']).map((n) => n.item);
      if (items.length === 0) {
        const store = stores.current();
        const trashed = store ? listTrash(store) : [];
        if (trashed.length === 0) {
          void vscode.window.showInformationMessage(vscode.l10n.t('The trash is empty.'));
          return;
        }
        const picked = await vscode.window.showQuickPick(
          trashed.map((item) => ({ label: truncateLabel(item.name), description: item.kind === 'run' ? `run in ${truncateLabel(item.experimentName, 40)}` : 'experiment', item })),
          { title: vscode.l10n.t('Restore from Trash'), canPickMany: true, placeHolder: vscode.l10n.t('Pick what to restore') },
        );
        if (!picked?.length) return;
        items = picked.map((p) => p.item);
      }
      await services.run('Restore', () => {
        restore(stores.forWriting(), items);
        changed();
      });
      void vscode.window.showInformationMessage(vscode.l10n.t('Restored {0}.', items.length === 1 ? `"${truncateLabel(items[0]!.name, 60)}"` : `${items.length} items`));
    }),
    vscode.commands.registerCommand('mlLifecycle.emptyTrash', async () => {
      const store = stores.current();
      const count = store ? listTrash(store).length : 0;
      if (count === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('The trash is empty.'));
        return;
      }
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('Permanently delete {0} item{1} in the trash?', count, count === 1 ? '' : 's'),
        { modal: true, detail: vscode.l10n.t('Their runs, params and metric histories are removed from the store. This cannot be undone.') },
        'Delete Permanently',
      );
      if (choice !== 'Delete Permanently') return;
      await services.run('Empty trash', () => {
        emptyTrash(stores.forWriting());
        changed();
      });
    }),
    vscode.commands.registerCommand('mlLifecycle.setPrimaryMetric', async (clicked?: ExperimentsNode) => {
      const store = stores.current();
      if (!store) return;
      let experimentId = clicked?.kind === 'experiment' ? clicked.experiment.id : undefined;
      if (experimentId === undefined) {
        const pick = await vscode.window.showQuickPick(
          listExperiments(store).map((e) => ({ label: truncateLabel(e.name), description: e.primaryMetric ?? '', id: e.id })),
          { title: vscode.l10n.t('Set Primary Metric: pick an experiment') },
        );
        experimentId = pick?.id;
      }
      if (experimentId === undefined) return;
      const experiment = getExperiment(store, experimentId);
      if (!experiment) return;
      const runIds = (store.db.prepare('SELECT id FROM runs WHERE experiment_id = ? AND deleted_at IS NULL').all(experimentId) as { id: number }[]).map((r) => r.id);
      const keys = metricKeys(store, runIds);
      const metric = await vscode.window.showQuickPick(
        [...keys.map((key) => ({ label: key, picked: key === experiment.primaryMetric })), { label: '$(close) None', clear: true }],
        { title: vscode.l10n.t('Primary metric of "{0}"', truncateLabel(experiment.name, 60)), placeHolder: keys.length ? vscode.l10n.t('The metric that decides which run is best') : vscode.l10n.t('No metrics logged yet') },
      );
      if (!metric) return;
      if ('clear' in metric) {
        await services.run('Set primary metric', () => setPrimaryMetric(stores.forWriting(), experimentId, null, null));
        changed();
        return;
      }
      // The direction its name suggests comes first, so Enter takes it.
      const guessed = guessDirection(metric.label);
      const directions = [
        { label: 'Lower is better', description: 'loss, error, latency', value: 'min' as const },
        { label: 'Higher is better', description: 'accuracy, F1, AUC', value: 'max' as const },
      ].sort((a, b) => Number(b.value === guessed) - Number(a.value === guessed));
      const direction = await vscode.window.showQuickPick(directions, { title: vscode.l10n.t('Direction of {0}', metric.label) });
      if (!direction) return;
      await services.run('Set primary metric', () => setPrimaryMetric(stores.forWriting(), experimentId, metric.label, direction.value));
      changed();
    }),
    vscode.commands.registerCommand('mlLifecycle.revealStore', async () => {
      const storePath = stores.path;
      if (!storePath) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Open a folder first: the ML Lifecycle store lives in the workspace folder.'));
        return;
      }
      const uri = vscode.Uri.file(storePath);
      // Inside the workspace the Explorer can show it; elsewhere only the OS file manager can.
      if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
      else await vscode.commands.executeCommand('revealFileInOS', uri);
    }),
    vscode.commands.registerCommand('mlLifecycle.copyRunId', async (clicked?: ExperimentsNode) => {
      if (clicked?.kind !== 'run') return;
      await vscode.env.clipboard.writeText(clicked.run.uuid);
      void vscode.window.setStatusBarMessage(`Copied run ID ${clicked.run.uuid}`, 3000);
    }),
  ];
}

function describeSelection(nodes: Selectable[]): string {
  if (nodes.length === 1) {
    const node = nodes[0]!;
    return node.kind === 'experiment' ? `experiment "${truncateLabel(node.experiment.name, 60)}" and its runs` : `run "${truncateLabel(node.run.name, 60)}"`;
  }
  const runs = nodes.filter((n) => n.kind === 'run').length;
  const experiments = nodes.length - runs;
  return [experiments && `${experiments} experiments`, runs && `${runs} runs`].filter(Boolean).join(' and ');
}
