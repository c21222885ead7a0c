import { recordAudit } from '../store/audit.ts';
import { writeTransaction, type Store } from '../store/database.ts';
import { currentActor } from '../shared/identity.ts';
import { getExperiment } from '../tracking/experiments.ts';
import { parseFramingDocument, parseFramingJson, type FramingDocument } from './document.ts';
import { changedPaths } from './edit.ts';

/**
 * Framings in the store. Every save that changes something is a new revision (framing_revisions
 * keeps them all) and an audit entry naming who changed which fields. Linked experiments take
 * the offline-evaluation metric, direction and threshold in the same transaction.
 */

export interface FramingSummary {
  id: number;
  name: string;
  revision: number;
  createdAt: number;
  updatedAt: number;
}

export interface FramingRecord extends FramingSummary {
  document: FramingDocument;
}

export interface RevisionSummary {
  revision: number;
  savedAt: number;
  savedBy: string;
}

/** Why a save happened, for the audit log: "wizard", "checklist", "import ML_FRAMING.md"… */
export interface SaveOptions {
  reason?: string;
  at?: number;
  /** The save puts back this earlier revision's answers (audited as restore-revision). */
  restoredFrom?: number;
}

/** A framing name that another framing already uses. */
export class FramingNameTakenError extends Error {
  constructor(name: string) {
    super(`Another framing is already called "${name}". Pick another project name.`);
    this.name = 'FramingNameTakenError';
  }
}

const SUMMARY_COLUMNS = 'id, name, revision, created_at AS createdAt, updated_at AS updatedAt';

/** All framings, most recently changed first. */
export function listFramings(store: Store): FramingSummary[] {
  return store.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM framings ORDER BY updated_at DESC, id DESC`).all() as FramingSummary[];
}

/** A framing with its validated document; a damaged document throws a FramingFormatError naming the field. */
export function getFraming(store: Store, id: number): FramingRecord | undefined {
  const row = store.db.prepare(`SELECT ${SUMMARY_COLUMNS}, document FROM framings WHERE id = ?`).get(id) as (FramingSummary & { document: string }) | undefined;
  if (!row) return undefined;
  return { ...row, document: parseFramingJson(row.document, `Framing "${row.name}" (revision ${row.revision})`) };
}

export function findFramingByName(store: Store, name: string): FramingSummary | undefined {
  return store.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM framings WHERE name = ?`).get(name.trim()) as FramingSummary | undefined;
}

/** A name like `base` that no framing uses yet: "Untitled framing", "Untitled framing (2)"… */
export function unusedFramingName(store: Store, base: string, exceptId?: number): string {
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base} (${n})`;
    const taken = findFramingByName(store, name);
    if (!taken || taken.id === exceptId) return name;
  }
}

export function createFraming(store: Store, document: FramingDocument, options: SaveOptions = {}): FramingRecord {
  const clean = parseFramingDocument(document, 'The new framing');
  const at = options.at ?? Date.now();
  const json = JSON.stringify(clean);
  return writeTransaction(store, () => {
    if (findFramingByName(store, clean.problem.name)) throw new FramingNameTakenError(clean.problem.name);
    const id = Number(store.db.prepare('INSERT INTO framings (name, document, revision, created_at, updated_at) VALUES (?, ?, 1, ?, ?)').run(clean.problem.name, json, at, at).lastInsertRowid);
    insertRevision(store, id, 1, json, at);
    recordAudit(store.db, { entity: 'framing', entityId: id, action: 'create', reason: options.reason, details: { name: clean.problem.name, revision: 1 } }, at);
    return { id, name: clean.problem.name, revision: 1, createdAt: at, updatedAt: at, document: clean };
  });
}

/**
 * Saves a new revision of a framing. Nothing is written when the document did not change.
 * Linked experiments follow the offline-evaluation metric, direction and threshold.
 */
export function saveFraming(store: Store, id: number, document: FramingDocument, options: SaveOptions = {}): FramingRecord {
  const clean = parseFramingDocument(document, `The framing "${document.problem?.name ?? id}"`);
  const at = options.at ?? Date.now();
  return writeTransaction(store, () => {
    const current = getFraming(store, id);
    if (!current) throw new Error('That framing no longer exists in the store. Reopen the Framing view.');
    const changed = changedPaths(current.document, clean);
    if (changed.length === 0) return current;
    const clash = findFramingByName(store, clean.problem.name);
    if (clash && clash.id !== id) throw new FramingNameTakenError(clean.problem.name);
    const revision = current.revision + 1;
    const json = JSON.stringify(clean);
    store.db.prepare('UPDATE framings SET name = ?, document = ?, revision = ?, updated_at = ? WHERE id = ?').run(clean.problem.name, json, revision, at, id);
    insertRevision(store, id, revision, json, at);
    recordAudit(
      store.db,
      {
        entity: 'framing',
        entityId: id,
        action: options.restoredFrom === undefined ? 'save' : 'restore-revision',
        reason: options.reason,
        details: {
          name: clean.problem.name,
          revision,
          ...(options.restoredFrom === undefined ? {} : { restoredFrom: options.restoredFrom }),
          changed: changed.slice(0, 100),
          ...(changed.length > 100 ? { more: changed.length - 100 } : {}),
        },
      },
      at,
    );
    syncLinkedExperiments(store, id, clean, at);
    return { ...current, name: clean.problem.name, revision, updatedAt: at, document: clean };
  });
}

function insertRevision(store: Store, id: number, revision: number, json: string, at: number): void {
  store.db.prepare('INSERT INTO framing_revisions (framing_id, revision, document, saved_at, saved_by) VALUES (?, ?, ?, ?, ?)').run(id, revision, json, at, currentActor().actor);
}

export function listRevisions(store: Store, id: number): RevisionSummary[] {
  return store.db
    .prepare('SELECT revision, saved_at AS savedAt, saved_by AS savedBy FROM framing_revisions WHERE framing_id = ? ORDER BY revision DESC')
    .all(id) as RevisionSummary[];
}

export function getRevision(store: Store, id: number, revision: number): FramingDocument | undefined {
  const row = store.db.prepare('SELECT document FROM framing_revisions WHERE framing_id = ? AND revision = ?').get(id, revision) as { document: string } | undefined;
  return row && parseFramingJson(row.document, `Revision ${revision} of framing ${id}`);
}

// ---- links to experiments ----------------------------------------------------------------------

/** What a linked experiment takes from its framing; null when the framing names no metric yet. */
export function experimentTargetOf(document: FramingDocument): { metric: string; direction: 'min' | 'max' | null; target: number | null } | null {
  const metric = document.evaluation.metric.trim();
  if (!metric) return null;
  return { metric, direction: document.evaluation.direction, target: document.evaluation.threshold };
}

/** Gives linked experiments the framing's metric, direction and target (call inside the saving transaction). */
function syncLinkedExperiments(store: Store, framingId: number, document: FramingDocument, at: number): void {
  const target = experimentTargetOf(document);
  if (!target) return;
  const stale = store.db
    .prepare(`SELECT id FROM experiments WHERE framing_id = ?
      AND (primary_metric IS NOT ? OR metric_direction IS NOT ? OR metric_target IS NOT ?)`)
    .all(framingId, target.metric, target.direction, target.target) as { id: number }[];
  const update = store.db.prepare('UPDATE experiments SET primary_metric = ?, metric_direction = ?, metric_target = ? WHERE id = ?');
  for (const { id } of stale) {
    update.run(target.metric, target.direction, target.target, id);
    recordAudit(store.db, { entity: 'experiment', entityId: id, action: 'sync-framing-target', reason: `framing "${document.problem.name}" saved`, details: { framingId, framing: document.problem.name, ...target } }, at);
  }
}

/**
 * Links an experiment to a framing (or unlinks it with null). A linked experiment's primary
 * metric, direction and target come from the framing's offline evaluation, when it names a metric.
 */
export function linkExperimentToFraming(store: Store, experimentId: number, framingId: number | null): void {
  writeTransaction(store, () => {
    const experiment = getExperiment(store, experimentId);
    if (!experiment) throw new Error('That experiment no longer exists. Refresh the Experiments view.');
    if (framingId === null) {
      store.db.prepare('UPDATE experiments SET framing_id = NULL, metric_target = NULL WHERE id = ?').run(experimentId);
      recordAudit(store.db, { entity: 'experiment', entityId: experimentId, action: 'unlink-framing', details: { framingId: experiment.framingId } });
      return;
    }
    const framing = getFraming(store, framingId);
    if (!framing) throw new Error('That framing no longer exists in the store. Reopen the Framing view.');
    store.db.prepare('UPDATE experiments SET framing_id = ? WHERE id = ?').run(framingId, experimentId);
    const target = experimentTargetOf(framing.document);
    if (target) {
      store.db.prepare('UPDATE experiments SET primary_metric = ?, metric_direction = ?, metric_target = ? WHERE id = ?').run(target.metric, target.direction, target.target, experimentId);
    }
    recordAudit(store.db, { entity: 'experiment', entityId: experimentId, action: 'link-framing', details: { framingId, framing: framing.name, ...(target ?? {}) } });
  });
}

/** Experiments linked to a framing, by name. */
export function linkedExperimentNames(store: Store, framingId: number): string[] {
  return (store.db.prepare('SELECT name FROM experiments WHERE framing_id = ? AND deleted_at IS NULL ORDER BY name COLLATE NOCASE').all(framingId) as { name: string }[]).map((r) => r.name);
}
