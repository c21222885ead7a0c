/**
 * One row of a sidebar tree, computed without `vscode` so it is tested in plain Node. The
 * workbench turns it into a TreeItem one to one (src/workbench/treeItem.ts).
 */
export interface TreeEntry {
  id: string;
  label: string;
  description?: string;
  /** Plain text: shown escaped, so names never become markup. */
  tooltip: string;
  icon: { id: string; color?: string };
  contextValue: string;
  collapsible: boolean;
  /** What a screen reader says, when the label and description do not say it all (a run's status is only an icon). */
  accessibilityLabel?: string;
  /** Starts expanded (only when collapsible). */
  expanded?: boolean;
}
