import * as vscode from 'vscode';
import { toTreeItem } from '../treeItem.ts';
import { type ChecklistEntry, damagedFramingEntry, framingChecklist } from '../../framing/checklist.ts';
import { getFraming, linkedExperimentNames, listFramings } from '../../framing/store.ts';
import type { StoreService } from '../storeService.ts';

/** The Framing view: one checklist per framing in the store (the view's welcome shows when there is none). */
export class FramingTreeProvider implements vscode.TreeDataProvider<ChecklistEntry> {
  private readonly changed = new vscode.EventEmitter<ChecklistEntry | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly stores: StoreService;
  private readonly log: vscode.LogOutputChannel;

  constructor(stores: StoreService, log: vscode.LogOutputChannel) {
    this.stores = stores;
    this.log = log;
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(entry?: ChecklistEntry): ChecklistEntry[] {
    if (entry) return entry.children;
    const store = this.stores.current();
    if (!store) return [];
    return listFramings(store).map((summary) => {
      try {
        const record = getFraming(store, summary.id)!;
        return framingChecklist(record, linkedExperimentNames(store, record.id));
      } catch (error) {
        this.log.warn((error as Error).message);
        return damagedFramingEntry(summary.id, summary.name, (error as Error).message);
      }
    });
  }

  getTreeItem(entry: ChecklistEntry): vscode.TreeItem {
    const item = toTreeItem({ ...entry, collapsible: entry.children.length > 0 });
    if (entry.checked !== undefined) {
      item.checkboxState = {
        state: entry.checked ? vscode.TreeItemCheckboxState.Checked : vscode.TreeItemCheckboxState.Unchecked,
        tooltip: entry.checked ? 'Holds (yes). Uncheck to answer no.' : 'Check when this holds (yes).',
        accessibilityInformation: { label: `${entry.label}: ${entry.description ?? ''}` },
      };
    }
    if (entry.open) item.command = { command: 'mlLifecycle.openFramingWizard', title: 'Open Framing Wizard', arguments: [entry.open] };
    return item;
  }
}
