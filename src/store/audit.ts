import { currentActor } from '../shared/identity.ts';
import type { Db } from './database.ts';

export type AuditEntity = 'experiment' | 'run' | 'model' | 'model_version' | 'alias' | 'framing' | 'drift' | 'store';

/** Every action the extension records; the audit trail describes each in words (src/registry/auditDescribe.ts). */
export const AUDIT_ACTIONS = [
  'create',
  'rename',
  'delete',
  'restore',
  'empty-trash',
  'set-primary-metric',
  'default-primary-metric',
  'link-framing',
  'unlink-framing',
  'sync-framing-target',
  'save',
  'restore-revision',
  'register',
  'set',
  'move',
  'promote',
  'remove',
  'set-tag',
  'remove-tag',
  'edit-note',
  'check',
  'import',
  'set-stage',
  'import-mlflow',
  'import-tensorboard',
  'push-mlflow',
  'push-mlflow-failed',
  'push-mlflow-cancelled',
  'browse-mlflow',
  'browse-mlflow-cancelled',
  'remove-mlflow-server',
  'promote-remote',
  'promote-remote-refused',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  entity: AuditEntity;
  entityId: string | number;
  action: AuditAction;
  reason?: string | undefined;
  details?: unknown;
}

export interface AuditRecord {
  id: number;
  at: number;
  actor: string;
  host: string;
  entity: AuditEntity;
  entityId: string;
  action: string;
  reason: string | null;
  details: string | null;
}

/** Appends to the audit log. Call it inside the transaction that makes the change. */
export function recordAudit(db: Db, entry: AuditEntry, at: number = Date.now()): void {
  const { actor, host } = currentActor();
  db.prepare(
    'INSERT INTO audit_log (at, actor, host, entity, entity_id, action, reason, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(at, actor, host, entry.entity, String(entry.entityId), entry.action, entry.reason ?? null, entry.details === undefined ? null : JSON.stringify(entry.details));
}

export function listAudit(db: Db, filter: { entity?: AuditEntity; text?: string; limit?: number } = {}): AuditRecord[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (filter.entity) {
    where.push('entity = ?');
    args.push(filter.entity);
  }
  if (filter.text) {
    where.push("(action LIKE ? ESCAPE '\\' OR entity_id LIKE ? ESCAPE '\\' OR coalesce(reason, '') LIKE ? ESCAPE '\\' OR coalesce(details, '') LIKE ? ESCAPE '\\' OR actor LIKE ? ESCAPE '\\')");
    const like = `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    args.push(like, like, like, like, like);
  }
  const sql = `SELECT id, at, actor, host, entity, entity_id AS entityId, action, reason, details FROM audit_log
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`;
  return db.prepare(sql).all(...args, filter.limit ?? 1000) as AuditRecord[];
}
