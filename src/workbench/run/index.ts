import * as vscode from 'vscode';
import { restoreWith } from '../webview/panel.ts';
import { recentRuns } from '../../compare/model.ts';
import { runViewType, runSavedState } from '../../contract/run.ts';
import { formatTime, truncateLabel, formatCount } from '../../shared/format.ts';
import type { ExperimentsNode } from '../../tracking/treeModel.ts';
import type { Services } from '../services.ts';
import { RunPanel } from './runPanel.ts';

/** Two clicks on one run within this many ms are a double click. */
const DOUBLE_CLICK_MS = 500;
const PICKER_RUNS = 2000;

export function registerRunPage(services: Services): vscode.Disposable[] {
  let lastClick = { runId: 0, at: 0 };
  return [
    // The palette (and other features) open a run page by id, or pick one.
    vscode.commands.registerCommand('mlLifecycle.openRun', (target?: ExperimentsNode | number) =>
      services.run('Open run page', async () => {
        const runId = typeof target === 'number' ? target : target?.kind === 'run' ? target.run.id : await pickRun(services);
        if (runId !== undefined) RunPanel.show(services, runId);
      }),
    ),
    // Enter in the Experiments view: a run opens its page, anything else expands or collapses.
    vscode.commands.registerCommand('mlLifecycle.openSelectedRun', async () => {
      const [node] = services.experimentsView.selection;
      if (node?.kind === 'run') RunPanel.show(services, node.run.id);
      else await vscode.commands.executeCommand('list.toggleExpand');
    }),
    // A click on a run in the tree: opens on the first or the second click, as the setting says.
    vscode.commands.registerCommand('mlLifecycle.runClicked', (node?: ExperimentsNode) => {
      if (node?.kind !== 'run') return;
      const now = Date.now();
      const single = vscode.workspace.getConfiguration('mlLifecycle').get<string>('runPage.openOn', 'doubleClick') === 'singleClick';
      const second = lastClick.runId === node.run.id && now - lastClick.at < DOUBLE_CLICK_MS;
      lastClick = { runId: node.run.id, at: now };
      if (single) RunPanel.show(services, node.run.id, true);
      else if (second) RunPanel.show(services, node.run.id);
    }),
    vscode.window.registerWebviewPanelSerializer(
      runViewType,
      restoreWith((panel, state) => {
        const parsed = runSavedState.safeParse(state);
        if (!parsed.success) {
          services.log.warn('Run page: the restored panel had no readable state; it was closed.');
          panel.dispose();
          return;
        }
        new RunPanel(services, panel, parsed.data.runId);
      }),
    ),
  ];
}

async function pickRun(services: Services): Promise<number | undefined> {
  const store = services.stores.current();
  if (!store) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No runs yet: log a run from your training code first.'));
    return undefined;
  }
  const { runs, total } = recentRuns(store, { limit: PICKER_RUNS });
  if (runs.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No runs yet: log a run from your training code first.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    runs.map((run) => ({ label: truncateLabel(run.name), description: `${truncateLabel(run.experimentName, 40)} · ${run.status}`, detail: `started ${formatTime(run.startTime)}`, id: run.id })),
    {
      title: vscode.l10n.t('Open Run Page'),
      matchOnDescription: true,
      placeHolder: total > runs.length ? vscode.l10n.t('The {0} newest of {1} runs; type to filter', formatCount(PICKER_RUNS), formatCount(total)) : vscode.l10n.t('Type to filter by run or experiment name'),
    },
  );
  return picked?.id;
}
