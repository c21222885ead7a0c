import * as vscode from 'vscode';
import { restoreWith } from '../webview/panel.ts';
import { runsViewType } from '../../contract/runs.ts';
import type { ExperimentsNode } from '../../tracking/treeModel.ts';
import type { Services } from '../services.ts';
import { registerCompareGroups } from './compareGroups.ts';
import { RunsPanel } from './runsPanel.ts';

/** The Runs table: from the palette and the Experiments view (title bar, an experiment, a run). */
export function registerRunsTable(services: Services): vscode.Disposable[] {
  const panel = new RunsPanel(services);
  return [
    panel,
    vscode.commands.registerCommand('mlLifecycle.openRunsTable', (clicked?: ExperimentsNode) =>
      services.run('Open the Runs table', () => panel.show({ experimentIds: clicked?.kind === 'experiment' ? [clicked.experiment.id] : null })),
    ),
    vscode.commands.registerCommand('mlLifecycle.showInRunsTable', (clicked?: ExperimentsNode) =>
      services.run('Show the run in the Runs table', () => {
        const node = clicked ?? services.experimentsView.selection[0];
        if (node?.kind !== 'run') {
          panel.show({ experimentIds: null });
          return;
        }
        panel.show({ experimentIds: [node.experiment.id], revealRunId: node.run.id });
      }),
    ),
    vscode.window.registerWebviewPanelSerializer(runsViewType, restoreWith((webviewPanel) => panel.restore(webviewPanel))),
    ...registerCompareGroups(services, panel),
  ];
}
