import * as vscode from 'vscode';
import { type ModelVersion, getVersion, listAllVersions } from '../../registry/models.ts';
import type { ModelsNode } from '../../registry/treeModel.ts';
import { formatTime, truncateLabel } from '../../shared/format.ts';
import type { Store } from '../../store/database.ts';

/** "churn-classifier v3 (@champion)" — for titles and messages. */
export function versionLabel(version: ModelVersion): string {
  const aliases = version.aliases.length ? ` (${version.aliases.map((a) => `@${a}`).join(' ')})` : '';
  return `${truncateLabel(version.modelName, 60)} v${version.version}${aliases}`;
}

/** The version a command applies to: the clicked Models node (read fresh), else one picked from all versions. */
export async function versionFor(store: Store, node: unknown, title: string): Promise<ModelVersion | undefined> {
  const clicked = node as Partial<Extract<ModelsNode, { kind: 'version' }>> | undefined;
  if (clicked?.kind === 'version' && typeof clicked.versionId === 'number') {
    const version = getVersion(store, clicked.versionId);
    if (!version) void vscode.window.showWarningMessage(vscode.l10n.t('That model version no longer exists. Refresh the Models view.'));
    return version;
  }
  const versions = listAllVersions(store);
  if (versions.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No model versions are registered yet. Register one from a finished run first.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    versions.map((version) => ({
      label: `${truncateLabel(version.modelName, 60)} v${version.version}`,
      description: version.aliases.map((a) => `@${a}`).join(' '),
      detail: `${version.lineage?.run ? `from run ${truncateLabel(version.lineage.run.name, 60)} · ` : ''}registered ${formatTime(version.createdAt)}`,
      version,
    })),
    { title, placeHolder: vscode.l10n.t('Pick a model version'), matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.version;
}

/** The first workspace folder, where save dialogs start. */
export function workspaceFolder(): vscode.Uri | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

export function settings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('mlLifecycle');
}
