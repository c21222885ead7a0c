import * as vscode from 'vscode';
import type { ExperimentsNode, ExperimentsTreeProvider } from './experimentsTree.ts';
import type { StoreService } from './storeService.ts';

/** What each feature's glue gets from activation. Features depend on this, never on each other. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly stores: StoreService;
  readonly experimentsTree: ExperimentsTreeProvider;
  readonly experimentsView: vscode.TreeView<ExperimentsNode>;
  /** Runs a user action; a failure becomes an error notification that says what to do, and a log line. */
  run<T>(action: string, work: () => T | Promise<T>): Promise<T | undefined>;
}

export function userAction(log: vscode.LogOutputChannel) {
  return async function run<T>(action: string, work: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error(`${action} failed: ${message}`);
      const choice = await vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}', action, message), 'Show Log');
      if (choice) log.show();
      return undefined;
    }
  };
}
