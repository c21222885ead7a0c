import * as vscode from 'vscode';
import { workspaceRootOf } from '../../registry/artifacts.ts';
import { CHAMPION, aliasTarget, getModel } from '../../registry/models.ts';
import { type ModelsNode, describeModel, describeVersion, modelChildren } from '../../registry/treeModel.ts';
import { type RemoteRegistryNode, type RemoteRegistrySource, isRemoteRegistryNode } from '../mlflowServer/remoteRegistry.ts';
import { toTreeItem } from '../treeItem.ts';
import type { StoreService } from '../storeService.ts';
import type { ArtifactVerifier } from './artifactVerifier.ts';

export type { ModelsNode };

/** A node of the Models view: this store's registry, or a tracking server's (read-only). */
export type ModelsViewNode = ModelsNode | RemoteRegistryNode;

/** The Models view: registered models, then their versions with aliases, production state and warnings; then each MLflow server's registry. */
export class ModelsTreeProvider implements vscode.TreeDataProvider<ModelsViewNode> {
  private readonly changed = new vscode.EventEmitter<ModelsViewNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly stores: StoreService;
  private readonly verifier: ArtifactVerifier;
  private readonly remote: RemoteRegistrySource;

  constructor(stores: StoreService, verifier: ArtifactVerifier, remote: RemoteRegistrySource) {
    this.stores = stores;
    this.verifier = verifier;
    this.remote = remote;
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: ModelsViewNode): ModelsViewNode[] | Promise<ModelsViewNode[]> {
    if (isRemoteRegistryNode(node)) return this.remote.children(node);
    const store = this.stores.current();
    const local = store ? modelChildren(store, node) : [];
    // An empty list keeps the view's welcome content; servers come after this store's models.
    return node || local.length === 0 ? local : [...local, ...this.remote.roots()];
  }

  getParent(node: ModelsViewNode): ModelsViewNode | undefined {
    if (isRemoteRegistryNode(node) || node.kind !== 'version') return undefined;
    const store = this.stores.current();
    const model = store && getModel(store, node.modelId);
    return model ? { kind: 'model', model } : undefined;
  }

  getTreeItem(node: ModelsViewNode): vscode.TreeItem {
    if (isRemoteRegistryNode(node)) return this.remote.treeItem(node);
    const store = this.stores.current();
    if (!store) return new vscode.TreeItem('');
    if (node.kind === 'model') return toTreeItem(describeModel(node.model, aliasTarget(store, node.model.id, CHAMPION)));
    return toTreeItem(describeVersion(node, this.verifier.stateOf(node.version, workspaceRootOf(store.path))));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
