import * as vscode from 'vscode';
import { NothingToRestoreError, type RevisionEntry, restoreRevision, revisionHistory, revisionMarkdown } from '../../framing/revisions.ts';
import { formatTime, truncateLabel } from '../../shared/format.ts';
import type { StoreService } from '../storeService.ts';
import { type FramingCommandContext, chooseFraming } from './commands.ts';

/** Read-only documents holding one revision of a framing as its Markdown export, for diffs. */
export const REVISION_SCHEME = 'ml-lifecycle-framing';

function revisionUri(framingId: number, name: string, revision: number): vscode.Uri {
  const safe = name.replace(/[\\/:*?"<>|#%]+/g, '-').slice(0, 80) || 'framing';
  return vscode.Uri.from({ scheme: REVISION_SCHEME, path: `/${safe} (revision ${revision}).md`, query: `framing=${framingId}&revision=${revision}` });
}

/** Serves revision documents from the current store; they are never written back. */
export class RevisionDocuments implements vscode.TextDocumentContentProvider {
  private readonly stores: StoreService;

  constructor(stores: StoreService) {
    this.stores = stores;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const query = new URLSearchParams(uri.query);
    const framingId = Number(query.get('framing'));
    const revision = Number(query.get('revision'));
    const store = this.stores.current();
    const markdown = store && Number.isInteger(framingId) && Number.isInteger(revision) ? revisionMarkdown(store, framingId, revision) : undefined;
    return markdown ?? `<!-- Revision ${revision} of framing ${framingId} is not in the store of this workspace. -->\n`;
  }
}

/** The framing a revisions command is about: a number (wizard), a Framing view item ("framing:<id>"), or a pick. */
function framingArgument(given: unknown): number | undefined {
  if (typeof given === 'number') return given;
  const id = (given as { id?: unknown } | undefined)?.id;
  const match = typeof id === 'string' ? /^framing:(\d+)$/.exec(id) : null;
  return match ? Number(match[1]) : undefined;
}

interface RevisionItem extends vscode.QuickPickItem {
  entry: RevisionEntry;
}

function revisionItems(history: readonly RevisionEntry[], except?: number): RevisionItem[] {
  return history
    .filter((entry) => entry.revision !== except)
    .map((entry) => ({
      label: `Revision ${entry.revision}${entry.current ? ' (current)' : ''}`,
      description: `${formatTime(entry.savedAt)} by ${entry.savedBy}`,
      detail: entry.summary,
      entry,
    }));
}

type Choice = 'current' | 'previous' | 'other' | 'open' | 'restore';

/** mlLifecycle.showFramingRevisions: pick a revision, then compare it, open it or restore it. */
export async function showFramingRevisions(ctx: FramingCommandContext, given?: unknown): Promise<void> {
  const framingId = framingArgument(given) ?? (await chooseFraming(ctx, undefined, 'Show Framing Revisions'));
  if (framingId === undefined) return;
  ctx.wizards.flushAll();
  const store = ctx.services.stores.current();
  if (!store) return;
  const name = (store.db.prepare('SELECT name FROM framings WHERE id = ?').get(framingId) as { name: string } | undefined)?.name;
  if (name === undefined) {
    void vscode.window.showInformationMessage(vscode.l10n.t('That framing has not been saved yet: answer a question in the wizard first, then its revisions show here.'));
    return;
  }
  const history = revisionHistory(store, framingId);
  const picked = await vscode.window.showQuickPick(revisionItems(history), {
    title: vscode.l10n.t('Revisions of "{0}"', truncateLabel(name, 60)),
    placeHolder: vscode.l10n.t('Pick a revision to compare, open or restore'),
    matchOnDetail: true,
  });
  if (!picked) return;
  const { entry } = picked;
  const current = history.find((h) => h.current);
  const actions: (vscode.QuickPickItem & { choice: Choice })[] = [
    ...(current && !entry.current ? [{ label: '$(diff) Compare with the current revision', detail: `Revision ${entry.revision} ↔ revision ${current.revision}`, choice: 'current' as const }] : []),
    ...(entry.revision > 1 ? [{ label: '$(diff) Compare with the revision before', detail: `Revision ${entry.revision - 1} ↔ revision ${entry.revision}`, choice: 'previous' as const }] : []),
    ...(history.length > 1 ? [{ label: '$(diff) Compare with another revision…', choice: 'other' as const }] : []),
    { label: '$(markdown) Open as Markdown (read-only)', choice: 'open' },
    ...(entry.current ? [] : [{ label: '$(history) Restore this revision…', detail: 'Its answers become a new revision; the current answers stay in the history.', choice: 'restore' as const }]),
  ];
  const action = await vscode.window.showQuickPick(actions, { title: vscode.l10n.t('Revision {0} of "{1}"', entry.revision, truncateLabel(name, 60)), placeHolder: entry.summary });
  if (!action) return;
  const diff = (left: number, right: number) =>
    vscode.commands.executeCommand('vscode.diff', revisionUri(framingId, name, left), revisionUri(framingId, name, right), `${truncateLabel(name, 60)}: revision ${left} ↔ ${right}`, { preview: true });
  switch (action.choice) {
    case 'current':
      await diff(entry.revision, current!.revision);
      return;
    case 'previous':
      await diff(entry.revision - 1, entry.revision);
      return;
    case 'other': {
      const other = await vscode.window.showQuickPick(revisionItems(history, entry.revision), { title: vscode.l10n.t('Compare revision {0} with…', entry.revision), matchOnDetail: true });
      if (other) await diff(Math.min(entry.revision, other.entry.revision), Math.max(entry.revision, other.entry.revision));
      return;
    }
    case 'open':
      await vscode.window.showTextDocument(revisionUri(framingId, name, entry.revision), { preview: true });
      return;
    case 'restore':
      await restore(ctx, framingId, name, entry);
      return;
  }
}

async function restore(ctx: FramingCommandContext, framingId: number, name: string, entry: RevisionEntry): Promise<void> {
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Restore revision {0} of "{1}"?', entry.revision, truncateLabel(name, 60)),
    { modal: true, detail: vscode.l10n.t('Its answers (saved {0} by {1}) become a new revision. Nothing is lost: the current answers stay in the revision history, and the restore is kept in the audit log.', formatTime(entry.savedAt), entry.savedBy) },
    'Restore',
  );
  if (choice !== 'Restore') return;
  ctx.wizards.flushAll();
  try {
    const restored = restoreRevision(ctx.services.stores.forWriting(), framingId, entry.revision);
    ctx.services.stores.notifyChanged();
    ctx.services.log.info(`Restored revision ${entry.revision} of framing "${name}" as revision ${restored.revision}`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Restored revision {0} of "{1}" as revision {2}.', entry.revision, truncateLabel(restored.name, 60), restored.revision));
  } catch (error) {
    if (!(error instanceof NothingToRestoreError)) throw error;
    void vscode.window.showInformationMessage(error.message);
  }
}

/** The revision documents' provider, registered once. */
export function registerRevisionDocuments(stores: StoreService): vscode.Disposable {
  return vscode.workspace.registerTextDocumentContentProvider(REVISION_SCHEME, new RevisionDocuments(stores));
}
