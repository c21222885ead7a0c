import * as vscode from 'vscode';
import { countActiveRuns } from '../tracking/experiments.ts';
import { staleBefore } from './staleness.ts';
import type { StoreService } from './storeService.ts';

/** Counts RUNNING runs with a fresh heartbeat; hidden when none. */
export function createActiveRunsStatus(stores: StoreService): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('mlLifecycle.activeRuns', vscode.StatusBarAlignment.Left, 50);
  item.name = 'ML Lifecycle: Active Runs';
  item.command = 'workbench.view.extension.mlLifecycle';
  const update = () => {
    const store = stores.current();
    const count = store ? countActiveRuns(store, staleBefore()) : 0;
    if (count === 0) {
      item.hide();
      return;
    }
    item.text = `$(loading~spin) ${count} run${count === 1 ? '' : 's'}`;
    item.tooltip = `${count} training run${count === 1 ? ' is' : 's are'} logging to the ML Lifecycle store. Click to open the Experiments view.`;
    item.show();
  };
  update();
  // Heartbeats go stale without any write, so re-check on a slow timer too.
  const timer = setInterval(update, 15_000);
  const subscription = stores.onDidChange(update);
  return vscode.Disposable.from(item, subscription, { dispose: () => clearInterval(timer) });
}
