import { recordAudit } from '../store/audit.ts';
import { type Store, writeTransaction } from '../store/database.ts';
import { refuseRemoteRun } from '../tracking/remoteRows.ts';
import { formatCount } from '../shared/format.ts';

/** Longest tag key and value, and note, the page accepts: enough for any real use, bounded for the store. */
export const MAX_TAG_KEY = 250;
export const MAX_TAG_VALUE = 5000;
export const MAX_NOTE = 100_000;

function existingRun(store: Store, runId: number): void {
  if (!store.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(runId)) throw new Error('That run no longer exists. Close its page and refresh the Experiments view.');
}

function validateTagKey(key: string): string {
  const clean = key.trim();
  if (!clean) throw new Error('The tag name is empty. Type a name such as "dataset" or "reviewed".');
  if (clean.length > MAX_TAG_KEY) throw new Error(`The tag name is ${clean.length} characters long; keep it under ${MAX_TAG_KEY}.`);
  return clean;
}

/** Sets (adds or overwrites) a tag of the run; the audit log keeps the old value. */
export function setRunTag(store: Store, runId: number, key: string, value: string): void {
  const name = validateTagKey(key);
  if (value.length > MAX_TAG_VALUE) throw new Error(`The value of tag "${name}" is ${value.length} characters long; keep it under ${MAX_TAG_VALUE}.`);
  writeTransaction(store, () => {
    existingRun(store, runId);
    refuseRemoteRun(store.db, runId, 'tag');
    const old = store.db.prepare('SELECT value FROM tags WHERE run_id = ? AND key = ?').get(runId, name) as { value: string } | undefined;
    if (old?.value === value) return;
    store.db.prepare('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value').run(runId, name, value);
    recordAudit(store.db, { entity: 'run', entityId: runId, action: 'set-tag', details: { key: name, from: old?.value ?? null, to: value } });
  });
}

export function removeRunTag(store: Store, runId: number, key: string): void {
  writeTransaction(store, () => {
    existingRun(store, runId);
    refuseRemoteRun(store.db, runId, 'untag');
    const old = store.db.prepare('SELECT value FROM tags WHERE run_id = ? AND key = ?').get(runId, key) as { value: string } | undefined;
    if (!old) return;
    store.db.prepare('DELETE FROM tags WHERE run_id = ? AND key = ?').run(runId, key);
    recordAudit(store.db, { entity: 'run', entityId: runId, action: 'remove-tag', details: { key, from: old.value } });
  });
}

/** Replaces the run's Markdown note (empty text clears it); the audit log keeps the old note. */
export function setRunNote(store: Store, runId: number, note: string): void {
  if (note.length > MAX_NOTE) throw new Error(`The note is ${formatCount(note.length)} characters long; keep it under ${formatCount(MAX_NOTE)}.`);
  const next = note.trim() ? note : null;
  writeTransaction(store, () => {
    existingRun(store, runId);
    refuseRemoteRun(store.db, runId, 'write notes on');
    const old = store.db.prepare('SELECT notes FROM runs WHERE id = ?').get(runId) as { notes: string | null };
    if (old.notes === next) return;
    store.db.prepare('UPDATE runs SET notes = ? WHERE id = ?').run(next, runId);
    recordAudit(store.db, { entity: 'run', entityId: runId, action: 'edit-note', details: { from: old.notes, to: next } });
  });
}
