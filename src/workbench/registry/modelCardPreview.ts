import * as vscode from 'vscode';
import { modelCardData, modelCardFileName, renderModelCard } from '../../registry/modelCard.ts';
import { getVersion } from '../../registry/models.ts';
import type { Services } from '../services.ts';
import { versionFor } from './pick.ts';

/** Model cards as read-only virtual Markdown documents, rendered from the store each time they are read. */
export const MODEL_CARD_SCHEME = 'ml-lifecycle-model-card';

export class ModelCardDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly services: Services;
  private readonly subscription: vscode.Disposable;

  constructor(services: Services) {
    this.services = services;
    // An open card follows the store: a promotion or a drift check shows in its preview at once.
    this.subscription = services.stores.onDidChange(() => {
      for (const document of vscode.workspace.textDocuments) if (document.uri.scheme === MODEL_CARD_SCHEME) this.changed.fire(document.uri);
    });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const versionId = Number(new URLSearchParams(uri.query).get('version'));
    const store = this.services.stores.current();
    const version = store && Number.isInteger(versionId) ? getVersion(store, versionId) : undefined;
    if (!store || !version) return '# Model card\n\nThis model version is no longer in the store of this workspace.\n';
    return renderModelCard(modelCardData(store, version));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** mlLifecycle.openModelCard: the card in the Markdown preview, nothing written to disk (Export Model Card… saves one). */
export async function openModelCardCommand(services: Services, node: unknown): Promise<void> {
  const store = services.stores.current();
  if (!store) return;
  const version = await versionFor(store, node, 'Open Model Card');
  if (!version) return;
  const uri = vscode.Uri.from({ scheme: MODEL_CARD_SCHEME, path: `/${modelCardFileName(version.modelName, version.version)}`, query: `version=${version.id}` });
  await vscode.commands.executeCommand('markdown.showPreview', uri);
}
