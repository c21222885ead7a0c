import type { Store } from '../store/database.ts';
import type { FramingDocument } from './document.ts';
import { changedPaths, resolveField } from './edit.ts';
import { framingToMarkdown } from './markdown.ts';
import { type FramingRecord, getFraming, getRevision, saveFraming } from './store.ts';

/**
 * A framing's history: every saved revision with a one-line summary of what it changed, the
 * Markdown of any revision (for a diff), and restoring one (a new revision, so nothing is lost).
 */

export interface RevisionEntry {
  revision: number;
  savedAt: number;
  savedBy: string;
  /** What this revision changed from the one before, e.g. "Success threshold, Metric +2 more". */
  summary: string;
  /** Whether this revision holds the current answers. */
  current: boolean;
}

/** How many changed fields a summary names before "+N more". */
const NAMED = 3;

/** A field path as a short label: "Evaluation › Success threshold" reads "Success threshold". */
function fieldLabel(path: string): string {
  const label = resolveField(path)?.label;
  if (!label) return path;
  const parts = label.split(' › ');
  return parts.length > 1 ? parts.slice(1).join(' › ') : label;
}

/** What changed between two documents in one short line; `before` undefined means created. */
export function changeSummary(before: FramingDocument | undefined, after: FramingDocument): string {
  if (!before) return 'created';
  const labels = [...new Set(changedPaths(before, after).map(fieldLabel))];
  if (labels.length === 0) return 'no change';
  const named = labels.slice(0, NAMED).join(', ');
  return labels.length > NAMED ? `${named} +${labels.length - NAMED} more` : named;
}

interface RevisionRow {
  revision: number;
  savedAt: number;
  savedBy: string;
  document: string;
}

/** Every revision of a framing, newest first, with what each changed. A revision that cannot be read says so. */
export function revisionHistory(store: Store, framingId: number): RevisionEntry[] {
  const rows = store.db
    .prepare('SELECT revision, saved_at AS savedAt, saved_by AS savedBy, document FROM framing_revisions WHERE framing_id = ? ORDER BY revision')
    .all(framingId) as RevisionRow[];
  const current = (store.db.prepare('SELECT revision FROM framings WHERE id = ?').get(framingId) as { revision: number } | undefined)?.revision;
  const entries: RevisionEntry[] = [];
  let previous: FramingDocument | undefined;
  for (const row of rows) {
    let summary: string;
    try {
      const document = getRevision(store, framingId, row.revision)!;
      summary = changeSummary(previous, document);
      previous = document;
    } catch (error) {
      summary = `cannot be read: ${(error as Error).message}`;
      previous = undefined;
    }
    entries.push({ revision: row.revision, savedAt: row.savedAt, savedBy: row.savedBy, summary, current: row.revision === current });
  }
  return entries.reverse();
}

/** The Markdown export of one revision, for reading it or diffing two. */
export function revisionMarkdown(store: Store, framingId: number, revision: number): string | undefined {
  const document = getRevision(store, framingId, revision);
  return document && framingToMarkdown(document);
}

/** Thrown when the revision to restore holds exactly the current answers. */
export class NothingToRestoreError extends Error {
  constructor(revision: number) {
    super(`Revision ${revision} holds the same answers as the current one, so there is nothing to restore.`);
    this.name = 'NothingToRestoreError';
  }
}

/** Puts an earlier revision's answers back as a new revision (audited as restore-revision). */
export function restoreRevision(store: Store, framingId: number, revision: number): FramingRecord {
  const document = getRevision(store, framingId, revision);
  if (!document) throw new Error(`Framing ${framingId} has no revision ${revision}. Reopen Show Framing Revisions to see the ones kept.`);
  const before = getFraming(store, framingId);
  if (!before) throw new Error('That framing no longer exists in the store. Reopen the Framing view.');
  if (changedPaths(before.document, document).length === 0) throw new NothingToRestoreError(revision);
  return saveFraming(store, framingId, document, { reason: `restored revision ${revision}`, restoredFrom: revision });
}
