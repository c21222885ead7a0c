import * as vscode from 'vscode';
import { z } from 'zod';
import { registerCompare } from './workbench/compare/index.ts';
import { registerExperimentCommands } from './workbench/experiments/commands.ts';
import { registerFraming } from './workbench/framing/index.ts';
import { registerLogging } from './workbench/logging/index.ts';
import { registerMlflow } from './workbench/mlflow/index.ts';
import { registerAutoPush } from './workbench/mlflowServer/autoPush.ts';
import { registerMlflowServer } from './workbench/mlflowServer/index.ts';
import { registerMlflowServers } from './workbench/mlflowServer/servers.ts';
import { registerRegistry } from './workbench/registry/index.ts';
import { registerRunPage } from './workbench/run/index.ts';
import { registerRunsTable } from './workbench/runs/index.ts';
import { registerTensorBoard } from './workbench/tensorboard/index.ts';
import { ExperimentsTreeProvider, type ExperimentsNode } from './workbench/experimentsTree.ts';
import { type Services, userAction } from './workbench/services.ts';
import { createActiveRunsStatus } from './workbench/statusBar.ts';
import { StoreService } from './workbench/storeService.ts';
import { setDisplayLocale } from './shared/format.ts';

export function activate(context: vscode.ExtensionContext): Services {
  // zod's compiled parsers probe `navigator`, which the extension host reports as a migration error.
  z.config({ jitless: true });
  setDisplayLocale(vscode.env.language);
  const log = vscode.window.createOutputChannel('ML Lifecycle', { log: true });
  const stores = new StoreService(log);
  const experimentsTree = new ExperimentsTreeProvider(stores);
  const experimentsView = vscode.window.createTreeView<ExperimentsNode>('mlLifecycle.experiments', {
    treeDataProvider: experimentsTree,
    canSelectMany: true,
    showCollapseAll: true,
  });
  const services: Services = { context, log, stores, experimentsTree, experimentsView, run: userAction(log) };

  context.subscriptions.push(
    log,
    stores,
    experimentsView,
    stores.onDidChange(() => experimentsTree.refresh()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('mlLifecycle.storePath')) stores.reset();
      else if (event.affectsConfiguration('mlLifecycle')) experimentsTree.refresh();
    }),
    createActiveRunsStatus(stores),
    ...registerExperimentCommands(services),
    ...registerLogging(services),
    ...registerCompare(services),
    ...registerRunPage(services),
    ...registerFraming(services),
    ...registerRegistry(services),
    ...registerMlflow(services),
    ...registerRunsTable(services),
    ...registerMlflowServer(services),
    ...registerMlflowServers(services),
    ...registerAutoPush(services),
    ...registerTensorBoard(services),
  );
  log.info(`ML Lifecycle activated; store ${stores.path ?? '(no folder open)'}`);
  return services;
}

export function deactivate(): void {}
