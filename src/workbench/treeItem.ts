import * as vscode from 'vscode';
import type { TreeEntry } from '../shared/treeEntry.ts';

/** A TreeEntry as VS Code shows it; the tooltip stays plain text. */
export function toTreeItem(entry: TreeEntry): vscode.TreeItem {
  const state = !entry.collapsible
    ? vscode.TreeItemCollapsibleState.None
    : entry.expanded
      ? vscode.TreeItemCollapsibleState.Expanded
      : vscode.TreeItemCollapsibleState.Collapsed;
  const item = new vscode.TreeItem(entry.label, state);
  item.id = entry.id;
  if (entry.description !== undefined) item.description = entry.description;
  item.tooltip = entry.tooltip;
  item.iconPath = new vscode.ThemeIcon(entry.icon.id, entry.icon.color ? new vscode.ThemeColor(entry.icon.color) : undefined);
  item.contextValue = entry.contextValue;
  item.accessibilityInformation = { label: entry.accessibilityLabel ?? [entry.label, entry.description].filter(Boolean).join(', '), role: 'treeitem' };
  return item;
}
