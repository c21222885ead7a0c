import type { Store } from '../store/database.ts';
import type { AuditRecord } from '../store/audit.ts';
import { type AuditNames, auditIds } from './auditDescribe.ts';

/** Looks up the names of what `records` point at by id (trashed things keep their names). */
export function auditNames(store: Store, records: readonly AuditRecord[]): AuditNames {
  const ids = auditIds(records);
  const lookup = (sql: string, wanted: number[]) => {
    if (wanted.length === 0) return [];
    return store.db.prepare(`${sql} WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(wanted)) as { id: number; name: string }[];
  };
  const named = (rows: { id: number; name: string }[]) => new Map(rows.map((r) => [r.id, r.name]));
  const versions = ids.versions.length
    ? (store.db
        .prepare('SELECT v.id, m.name AS model, v.version FROM model_versions v JOIN registered_models m ON m.id = v.model_id WHERE v.id IN (SELECT value FROM json_each(?))')
        .all(JSON.stringify(ids.versions)) as { id: number; model: string; version: number }[])
    : [];
  return {
    experiments: named(lookup('SELECT id, name FROM experiments', ids.experiments)),
    runs: named(lookup('SELECT id, name FROM runs', ids.runs)),
    models: named(lookup('SELECT id, name FROM registered_models', ids.models)),
    versions: new Map(versions.map((v) => [v.id, { model: v.model, version: v.version }])),
    framings: named(lookup('SELECT id, name FROM framings', ids.framings)),
  };
}
