import * as vscode from 'vscode';
import { readServerList } from '../mlflowServer/serverList.ts';
import { type ExperimentsNode, childrenOf, describeNode, pageKey, parentOf } from '../tracking/treeModel.ts';
import { staleBefore } from './staleness.ts';
import { toTreeItem } from './treeItem.ts';
import type { StoreService } from './storeService.ts';

export type { ExperimentsNode };

export class ExperimentsTreeProvider implements vscode.TreeDataProvider<ExperimentsNode> {
  private readonly changed = new vscode.EventEmitter<ExperimentsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly shown = new Map<string, number>();
  private readonly stores: StoreService;

  constructor(stores: StoreService) {
    this.stores = stores;
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  loadMore(node: Extract<ExperimentsNode, { kind: 'loadMore' }>): void {
    this.shown.set(pageKey(node.experiment.id, node.parentRunId), node.shown + settings().get<number>('runsPageSize', 200));
    this.changed.fire(undefined);
  }

  getChildren(node?: ExperimentsNode): ExperimentsNode[] {
    const store = this.stores.current();
    if (!store) return [];
    const config = settings();
    return childrenOf(store, node, {
      pageSize: config.get<number>('runsPageSize', 200),
      staleBefore: staleBefore(),
      runDescription: config.get<'last' | 'best'>('runDescription', 'last'),
      shown: this.shown,
      servers: readServerList(config.get<unknown>('mlflowServer.servers', [])).uris,
    });
  }

  /** Lets TreeView.reveal find a run below its experiment (and parent runs). */
  getParent(node: ExperimentsNode): ExperimentsNode | undefined {
    const store = this.stores.current();
    return store ? parentOf(store, node, staleBefore()) : undefined;
  }

  getTreeItem(node: ExperimentsNode): vscode.TreeItem {
    // Everything shown was read with the page in getChildren: no query per row here.
    const item = toTreeItem(describeNode(node, { runDescription: settings().get<'last' | 'best'>('runDescription', 'last') }));
    if (node.kind === 'loadMore') item.command = { command: 'mlLifecycle.loadMoreRuns', title: 'Load More Runs', arguments: [node] };
    if (node.kind === 'run') item.command = { command: 'mlLifecycle.runClicked', title: 'Open Run Page', arguments: [node] };
    return item;
  }
}

function settings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('mlLifecycle');
}
