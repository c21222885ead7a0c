import * as vscode from 'vscode';
import { restoreWith } from '../webview/panel.ts';
import { auditViewType } from '../../contract/audit.ts';
import { driftViewType } from '../../contract/drift.ts';
import type { Services } from '../services.ts';
import { promoteCommand, removeAliasCommand, setAliasCommand } from './aliases.ts';
import { ArtifactVerifier } from './artifactVerifier.ts';
import { AuditPanel } from './auditPanel.ts';
import { DriftPanels, checkDriftCommand } from './driftPanel.ts';
import { MODEL_CARD_SCHEME, ModelCardDocuments, openModelCardCommand } from './modelCardPreview.ts';
import { RemoteRegistrySource } from '../mlflowServer/remoteRegistry.ts';
import { type ModelsViewNode, ModelsTreeProvider } from './modelsTree.ts';
import { ProductionWatcher, exportModelCardCommand, logProductionMetricCommand, verifyArtifactsCommand } from './monitoring.ts';
import { registerVersionCommand } from './registration.ts';

/** The Models view, registration, aliases and promotion, model cards, production monitoring, drift checks and the audit trail. */
export function registerRegistry(services: Services): vscode.Disposable[] {
  const verifier = new ArtifactVerifier(services.log);
  const remote = new RemoteRegistrySource(services);
  const tree = new ModelsTreeProvider(services.stores, verifier, remote);
  const view = vscode.window.createTreeView<ModelsViewNode>('mlLifecycle.models', { treeDataProvider: tree, showCollapseAll: true });
  const watcher = new ProductionWatcher(services);
  const driftPanels = new DriftPanels(services);
  const auditPanel = new AuditPanel(services);
  const modelCards = new ModelCardDocuments(services);
  const command = (id: string, action: string, work: (node: unknown) => unknown) =>
    vscode.commands.registerCommand(id, (node?: unknown) => services.run(action, () => work(node)));
  watcher.schedule();

  return [
    verifier,
    remote,
    remote.onDidChange(() => tree.refresh()),
    tree,
    view,
    watcher,
    driftPanels,
    auditPanel,
    modelCards,
    vscode.workspace.registerTextDocumentContentProvider(MODEL_CARD_SCHEME, modelCards),
    services.stores.onDidChange(() => {
      tree.refresh();
      watcher.schedule();
    }),
    verifier.onDidVerify(() => tree.refresh()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('mlLifecycle.monitoring.notify')) watcher.schedule();
    }),
    vscode.window.registerWebviewPanelSerializer(driftViewType, restoreWith((panel, state) => driftPanels.restore(panel, state))),
    vscode.window.registerWebviewPanelSerializer(auditViewType, restoreWith((panel, state) => auditPanel.restore(panel, state))),
    command('mlLifecycle.registerModelVersion', 'Register model version', (node) => registerVersionCommand(services, node)),
    command('mlLifecycle.setAlias', 'Set alias', (node) => setAliasCommand(services, node)),
    command('mlLifecycle.removeAlias', 'Remove alias', (node) => removeAliasCommand(services, node)),
    command('mlLifecycle.promoteToChampion', 'Promote to champion', (node) => promoteCommand(services, node)),
    command('mlLifecycle.openModelCard', 'Open model card', (node) => openModelCardCommand(services, node)),
    command('mlLifecycle.exportModelCard', 'Export model card', (node) => exportModelCardCommand(services, node)),
    command('mlLifecycle.verifyArtifacts', 'Verify model artifacts', () => verifyArtifactsCommand(services, verifier)),
    command('mlLifecycle.logProductionMetric', 'Log production metric', (node) => logProductionMetricCommand(services, node)),
    command('mlLifecycle.checkDrift', 'Check data drift', (node) => checkDriftCommand(services, driftPanels, node)),
    command('mlLifecycle.showAuditTrail', 'Show audit trail', () => auditPanel.show()),
    command('mlLifecycle.promoteRemoteChampion', 'Promote to champion on MLflow server', (node) => remote.promote(node)),
    command('mlLifecycle.refreshServerRegistries', 'Refresh MLflow server registries', () => remote.refresh()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('mlLifecycle.mlflowServer.servers')) remote.refresh();
    }),
  ];
}
