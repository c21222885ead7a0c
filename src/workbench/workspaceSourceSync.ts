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

/**
 * Offers (or, per `<section>.offerImport`, just does) the import of workspace data not imported
 * yet. Nothing is offered while `<section>.autoSync` is on: the watcher imports it anyway.
 */
export async function offerWorkspaceImport<T>(
  section: string,
  findPending: (root: string) => T[],
  question: (pending: T[]) => string,
  importPending: (pending: T[], interactive: boolean) => Promise<unknown>,
): Promise<void> {
  const root = workspaceRoot();
  const settings = vscode.workspace.getConfiguration(section);
  const mode = settings.get<'ask' | 'always' | 'never'>('offerImport', 'ask');
  if (!root || mode === 'never' || settings.get<boolean>('autoSync', false)) return;
  const pending = findPending(root);
  if (pending.length === 0) return;
  if (mode === 'always') {
    await importPending(pending, false);
    return;
  }
  const choice = await vscode.window.showInformationMessage(question(pending), 'Import', 'Always', 'Never');
  if (choice === 'Always') await settings.update('offerImport', 'always', vscode.ConfigurationTarget.Workspace);
  if (choice === 'Never') await settings.update('offerImport', 'never', vscode.ConfigurationTarget.Workspace);
  if (choice === 'Import' || choice === 'Always') await importPending(pending, true);
}

/** During a long import the Experiments tree is refreshed this often. */
const TREE_UPDATE_MS = 3000;

/**
 * An importer's onProgress for one of `parts` equal shares of a progress bar; it also lets the
 * tree show what is imported so far, now and then.
 */
export function importProgress(progress: vscode.Progress<{ message?: string; increment?: number }>, stores: { notifyChanged(): void }, parts = 1) {
  let reported = 0;
  let shown = Date.now();
  return ({ done, total, message }: { done: number; total: number; message?: string }): void => {
    const percent = total ? (done / total) * 100 : 0;
    progress.report({ message, increment: Math.max(0, percent - reported) / parts });
    reported = percent;
    if (Date.now() - shown > TREE_UPDATE_MS) {
      shown = Date.now();
      stores.notifyChanged();
    }
  };
}

/** What one import did: the summary goes to the log; an interactive import also shows its headline, as a warning when something was skipped. */
export interface ImportReport {
  lines: string[];
  headline: string;
  changed: boolean;
  /** Set when something was skipped: the warning shown, which points at the log. */
  warning?: string;
}

export function reportImport(log: vscode.LogOutputChannel, report: ImportReport, interactive: boolean): void {
  if (report.warning) log.warn(report.lines.join('\n'));
  else if (interactive || report.changed) log.info(report.lines.join('\n'));
  if (!interactive) return;
  const show = report.warning ? vscode.window.showWarningMessage(report.warning, 'Show Log') : vscode.window.showInformationMessage(report.headline);
  void show.then((choice) => {
    if (choice === 'Show Log') log.show();
  });
}
