import type { Db } from '../store/database.ts';
import type { ImportWriter } from './writer.ts';

/**
 * How far an earlier import read a database's metrics table: its highest rowid then, and that
 * row's content. `mlflow gc` can delete the rows at the end of the table and VACUUM renumbers
 * rowids; either way the row at the watermark is no longer the one read, and the watermark no
 * longer tells what is new.
 */
export interface MetricsWatermark {
  rowid: number;
  fingerprint: string | null;
}

export function readWatermark(writer: ImportWriter): MetricsWatermark {
  const row = writer.db.prepare('SELECT metrics_rowid AS rowid, metrics_fingerprint AS fingerprint FROM mlflow_sources WHERE source = ?').get(writer.key) as MetricsWatermark | undefined;
  return row ?? { rowid: 0, fingerprint: null };
}

/** The identity of MLflow's metrics row `rowid` (MLflow's own primary key columns), or null. */
export function metricsFingerprint(mlflow: Db, rowid: number, columns: ReadonlySet<string>): string | null {
  if (rowid <= 0) return null;
  const wanted = ['run_uuid', 'key', 'step', 'timestamp', 'value', 'is_nan'].filter((c) => columns.has(c));
  const row = mlflow.prepare(`SELECT ${wanted.map((c) => `"${c}"`).join(', ')} FROM metrics WHERE rowid = ?`).raw().get(rowid) as unknown[] | undefined;
  return row ? JSON.stringify(row) : null;
}

/**
 * Whether rows above the watermark are exactly the rows added since it was taken. A watermark
 * from before fingerprints were kept is trusted while the table has not shrunk below it.
 */
export function watermarkHolds(mark: MetricsWatermark, current: { maxRowid: number; fingerprint: string | null }): boolean {
  if (mark.rowid === 0) return true;
  if (current.maxRowid < mark.rowid) return false;
  return mark.fingerprint === null || mark.fingerprint === current.fingerprint;
}

/** Notes that the source was imported; a null watermark keeps the one an earlier import left. */
export function recordSource(writer: ImportWriter, watermark: MetricsWatermark | null): void {
  writer.db
    .prepare(
      `INSERT INTO mlflow_sources (source, metrics_rowid, metrics_fingerprint, imported_at) VALUES (@source, coalesce(@rowid, 0), @fingerprint, @now)
       ON CONFLICT (source) DO UPDATE SET metrics_rowid = coalesce(@rowid, metrics_rowid),
         metrics_fingerprint = CASE WHEN @rowid IS NULL THEN metrics_fingerprint ELSE @fingerprint END, imported_at = @now`,
    )
    .run({ source: writer.key, rowid: watermark?.rowid ?? null, fingerprint: watermark?.fingerprint ?? null, now: Date.now() });
}

/**
 * Moves to the trash what an earlier import brought from this source and MLflow no longer has:
 * removed for good by `mlflow gc`, or lost when the store was recreated. Runs logged here into an
 * imported experiment are not MLflow's and stay. Call inside a transaction, after a complete read.
 */
export function trashVanished(writer: ImportWriter, experimentIds: ReadonlySet<string>, runUuids: ReadonlySet<string>): void {
  const prefix = `mlflow:${writer.key}:`;
  const reason = `removed for good from MLflow (mlflow gc, or the store was recreated): ${writer.source.path}`;
  const experiments = writer.db
    .prepare("SELECT id, substr(external_id, length(@prefix) + 1) AS mlflowId FROM experiments WHERE substr(external_id, 1, length(@prefix)) = @prefix AND deleted_at IS NULL")
    .all({ prefix }) as { id: number; mlflowId: string }[];
  for (const experiment of experiments) {
    if (!experimentIds.has(experiment.mlflowId)) writer.moveToTrash('experiment', experiment.id, undefined, reason);
  }
  const runs = writer.db
    .prepare(
      `SELECT r.id, substr(r.external_id, length('mlflow:run:') + 1) AS uuid FROM runs r JOIN experiments e ON e.id = r.experiment_id
       WHERE substr(e.external_id, 1, length(@prefix)) = @prefix AND r.external_id LIKE 'mlflow:run:%' AND r.deleted_at IS NULL`,
    )
    .all({ prefix }) as { id: number; uuid: string }[];
  for (const run of runs) {
    if (!runUuids.has(run.uuid)) writer.moveToTrash('run', run.id, undefined, reason);
  }
}
