import * as vscode from 'vscode';
import { MlflowClient } from '../../mlflowServer/client.ts';
import { checkServer } from '../../mlflowServer/remote.ts';
import { PromotionRefusedError, promoteRemoteChampion, remotePromotionGate } from '../../mlflowServer/remotePromotion.ts';
import { type RemoteModel, listRemoteRegistry } from '../../mlflowServer/remoteRegistry.ts';
import { type RemoteRegistryNode, describeRemoteNode, isRemoteRegistryNode, remoteChildren, serverChildren } from '../../mlflowServer/registryTreeModel.ts';
import type { Services } from '../services.ts';
import { toTreeItem } from '../treeItem.ts';
import { clientOptionsFor, knownServers } from './auth.ts';

export { isRemoteRegistryNode, type RemoteRegistryNode };

/**
 * The server nodes of the Models view: each known server's registry, read when its node is first
 * expanded and again on Refresh. Nothing is written anywhere by reading.
 */
export class RemoteRegistrySource {
  private readonly services: Services;
  private readonly cache = new Map<string, RemoteModel[] | Error>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(services: Services) {
    this.services = services;
  }

  roots(): RemoteRegistryNode[] {
    return knownServers(this.services).map((uri) => ({ kind: 'remoteServer', uri }));
  }

  async children(node: RemoteRegistryNode): Promise<RemoteRegistryNode[]> {
    if (node.kind !== 'remoteServer') return remoteChildren(node);
    let registry = this.cache.get(node.uri);
    if (!registry) {
      registry = await this.read(node.uri);
      this.cache.set(node.uri, registry);
    }
    return serverChildren(node.uri, registry);
  }

  treeItem(node: RemoteRegistryNode): vscode.TreeItem {
    return toTreeItem(describeRemoteNode(node));
  }

  private async client(uri: string): Promise<MlflowClient> {
    return new MlflowClient(uri, { ...(await clientOptionsFor(this.services, uri)), retry: { attempts: 3 } });
  }

  private async read(uri: string): Promise<RemoteModel[] | Error> {
    try {
      const client = await this.client(uri);
      await checkServer(client);
      return await listRemoteRegistry(client);
    } catch (error) {
      this.services.log.warn(`Reading the model registry of ${uri} failed: ${(error as Error).message}`);
      return error as Error;
    }
  }

  refresh(): void {
    this.cache.clear();
    this.changed.fire();
  }

  /** Promote to Champion on the server: the gate first; a passing gate is confirmed, a failing one refuses with its reasons. */
  async promote(node: unknown): Promise<void> {
    if (!isRemoteRegistryNode(node) || node.kind !== 'remoteVersion') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Pick a version under an MLflow server in the Models view, then choose Promote to Champion on Server.'));
      return;
    }
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Promoting on an MLflow server is off in an untrusted workspace (the promotion is audited in the store). Trust the workspace first.'));
      return;
    }
    const { uri, version } = node;
    const store = this.services.stores.forWriting();
    const client = await this.client(uri);
    await checkServer(client);
    const gate = await remotePromotionGate(store, client, version.model, version.version);
    const checks = gate.checks.map((c) => `${c.passed === true ? '✓' : c.passed === false ? '✗' : '?'} ${c.label}: ${c.detail}`).join('\n');
    if (!gate.passed) {
      try {
        await promoteRemoteChampion(store, client, version.model, version.version);
      } catch (error) {
        if (!(error instanceof PromotionRefusedError)) throw error;
        this.services.log.warn(error.message);
        await vscode.window.showWarningMessage(vscode.l10n.t('Not promoted: {0} v{1} did not pass the gate.', version.model, version.version), { modal: true, detail: checks });
        return;
      }
    }
    const confirm = await vscode.window.showInformationMessage(
      vscode.l10n.t('Make {0} v{1} the champion on {2}?', version.model, version.version, uri),
      { modal: true, detail: vscode.l10n.t('{0}\n\nThis sets the "champion" alias on the server for everyone using it.', checks) },
      'Promote',
    );
    if (confirm !== 'Promote') return;
    const { previous } = await promoteRemoteChampion(store, client, version.model, version.version);
    this.services.log.info(`Promoted ${version.model} v${version.version} to champion on ${uri}${previous ? ` (was v${previous})` : ''}.`);
    this.services.stores.notifyChanged();
    this.refresh();
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} v{1} is the champion on {2}{3}.', version.model, version.version, uri, previous ? ` (was v${previous})` : ''));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
