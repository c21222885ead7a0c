import * as vscode from 'vscode';
import { restoreWith } from '../webview/panel.ts';
import { framingViewType } from '../../contract/framing.ts';
import type { ChecklistEntry } from '../../framing/checklist.ts';
import type { Services } from '../services.ts';
import { type FramingCommandContext, answerCriterion, exportFraming, importFraming, linkExperiment, openWizard, pickAnswer } from './commands.ts';
import { registerRevisionDocuments, showFramingRevisions } from './revisions.ts';
import { FramingTreeProvider } from './tree.ts';
import { FramingWizards } from './wizard.ts';

/** The Framing view (checklist), the Framing Wizard panel, Markdown export/import and links to experiments. */
export function registerFraming(services: Services): vscode.Disposable[] {
  const tree = new FramingTreeProvider(services.stores, services.log);
  const view = vscode.window.createTreeView<ChecklistEntry>('mlLifecycle.framing', { treeDataProvider: tree, manageCheckboxStateManually: true, showCollapseAll: true });
  const wizards = new FramingWizards(services);
  const diagnostics = vscode.languages.createDiagnosticCollection('mlLifecycle.framing');
  const ctx: FramingCommandContext = { services, wizards, diagnostics };

  return [
    view,
    wizards,
    diagnostics,
    services.stores.onDidChange(() => {
      wizards.onStoreChanged();
      tree.refresh();
    }),
    view.onDidChangeCheckboxState(async (event) => {
      for (const [entry, state] of event.items) {
        if (!entry.criterion) continue;
        const answer = state === vscode.TreeItemCheckboxState.Checked ? 'yes' : 'no';
        await services.run('Answer criterion', () => answerCriterion(ctx, entry.criterion!.framingId, entry.criterion!.id, answer));
      }
      // Redraw from the store: after a refused change the boxes must show what is stored.
      tree.refresh();
    }),
    vscode.window.registerWebviewPanelSerializer(framingViewType, restoreWith((panel, state) => wizards.restore(panel, state))),
    vscode.commands.registerCommand('mlLifecycle.openFramingWizard', (target?: { framingId?: unknown; step?: unknown }) => services.run('Open Framing Wizard', () => openWizard(ctx, target))),
    vscode.commands.registerCommand('mlLifecycle.answerCriterion', (entry?: ChecklistEntry) => pickAnswer(ctx, entry)),
    vscode.commands.registerCommand('mlLifecycle.exportFraming', (framingId?: unknown) => services.run('Export framing', () => exportFraming(ctx, framingId))),
    vscode.commands.registerCommand('mlLifecycle.importFraming', (file?: unknown) => services.run('Import framing', () => importFraming(ctx, file))),
    registerRevisionDocuments(services.stores),
    vscode.commands.registerCommand('mlLifecycle.showFramingRevisions', (given?: unknown) => services.run('Show framing revisions', () => showFramingRevisions(ctx, given))),
    vscode.commands.registerCommand('mlLifecycle.linkExperimentToFraming', (node?: unknown) => services.run('Link experiment to framing', () => linkExperiment(ctx, node))),
  ];
}
