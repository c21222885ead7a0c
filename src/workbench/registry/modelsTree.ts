import * as vscode from 'vscode';
import { workspaceRootOf } from '../../registry/artifacts.ts';
import { CHAMPION, aliasTarget, getModel } from '../../registry/models.ts';
import { type ModelsNode, describeModel, describeVersion, modelChildren } from '../../registry/treeModel.ts';
import { toTreeItem } from '../treeItem.ts';
import type { StoreService } from '../storeService.ts';
import type { ArtifactVerifier } from './artifactVerifier.ts';

export type { ModelsNode };

/** The Models view: registered models, then their versions with aliases, production state and warnings. */
export class ModelsTreeProvider implements vscode.TreeDataProvider<ModelsNode> {
  private readonly changed = new vscode.EventEmitter<ModelsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly stores: StoreService;
  private readonly verifier: ArtifactVerifier;

  constructor(stores: StoreService, verifier: ArtifactVerifier) {
    this.stores = stores;
    this.verifier = verifier;
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: ModelsNode): ModelsNode[] {
    const store = this.stores.current();
    return store ? modelChildren(store, node) : [];
  }

  getParent(node: ModelsNode): ModelsNode | undefined {
    if (node.kind !== 'version') return undefined;
    const store = this.stores.current();
    const model = store && getModel(store, node.modelId);
    return model ? { kind: 'model', model } : undefined;
  }

  getTreeItem(node: ModelsNode): vscode.TreeItem {
    const store = this.stores.current();
    if (!store) return new vscode.TreeItem('');
    if (node.kind === 'model') return toTreeItem(describeModel(node.model, aliasTarget(store, node.model.id, CHAMPION)));
    return toTreeItem(describeVersion(node, this.verifier.stateOf(node.version, workspaceRootOf(store.path))));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
