import * as vscode from 'vscode';

/** What keeps one kind of workspace data (MLflow files, TensorBoard logs) imported: the offer, the watcher and the import command. */
export interface WorkspaceSourceSync extends vscode.Disposable {
  importChosen(): unknown;
  /** Starts or stops the watcher after `<section>.autoSync` changed. */
  watch(): void;
  /** The workspace became trusted: offer the import and watch if asked to. */
  start(): void;
}

/** The command, the autoSync setting and the trust grant, wired to one sync; `section` is its settings section. */
export function registerWorkspaceSync(section: string, command: string, sync: WorkspaceSourceSync): vscode.Disposable[] {
  return [
    sync,
    vscode.commands.registerCommand(command, () => sync.importChosen()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${section}.autoSync`)) sync.watch();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => sync.start()),
  ];
}

/** The first workspace folder on disk, where workspace data is looked for. */
export function workspaceRoot(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
}
