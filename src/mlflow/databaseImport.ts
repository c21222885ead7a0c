import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { writeTransaction } from '../store/database.ts';
import { ATTACHED_SCHEMA, attachReadOnly, detach } from './readOnly.ts';
import { readModels } from './databaseRegistry.ts';
import { MlflowDatabase, type Row, grouped, integer, text } from './mlflowDatabase.ts';
import { workspaceName, writeModels } from './registryWriter.ts';
import { metricsFingerprint, readWatermark, recordSource, trashVanished, watermarkHolds } from './syncState.ts';
import { skip } from './summary.ts';
import { type ImportOptions, type ImportWriter, type MlflowRun, PointWriter, runStatusOf } from './writer.ts';
import { formatCount } from '../shared/format.ts';

/** MLflow stores ±Inf as ±DBL_MAX (SQL has no infinity) and NaN as 0 with is_nan set. */
const DBL_MAX = '1.7976931348623157e308';
/** Steps and timestamps must be integers JavaScript holds exactly, as the loggers require. */
const MAX_SAFE_INTEGER = '9007199254740991';
/** How long one batch's copy should take, so the editor stays responsive and cancel is quick. */
const BATCH_TARGET_MS = 300;
const MAX_BATCH_RUNS = 500;
const MAX_LISTED_ROWS = 50;

/** One run of a batch: `fresh` when the store has none of its points yet, else rows above `since` are read. */
interface CopyRun {
  uuid: string;
  runId: number;
  since: number;
  fresh: boolean;
}

/** How metric rows are read: SQL over the attached database, or row by row from our own read-only connection. */
interface MetricCopy {
  /** Copies the batch's metric rows and marks their ranges dirty; returns points inserted. Inside the transaction. */
  copy(batch: readonly CopyRun[]): number;
  close(): void;
}

function expressions(source: MlflowDatabase, prefix: string) {
  const step = source.columns('metrics').has('step') ? `coalesce(${prefix}step, 0)` : '0';
  const isNan = source.columns('metrics').has('is_nan') ? `coalesce(${prefix}is_nan, 0)` : '0';
  return {
    step,
    isNan,
    // SQLite sorts text and blobs after every number and NULL compares false, so a range test
    // is the type check too, and cheaper than typeof() on every row.
    valid: `${prefix}key IS NOT NULL AND ${prefix}timestamp BETWEEN -${MAX_SAFE_INTEGER} AND ${MAX_SAFE_INTEGER} AND ${step} BETWEEN -${MAX_SAFE_INTEGER} AND ${MAX_SAFE_INTEGER} AND (${isNan} OR ${prefix}value BETWEEN -9e999 AND 9e999)`,
    value: `CASE WHEN ${isNan} THEN NULL WHEN ${prefix}value >= ${DBL_MAX} THEN 9e999 WHEN ${prefix}value <= -${DBL_MAX} THEN -9e999 ELSE ${prefix}value END`,
    // Points that share a step and timestamp are numbered by value, NaN first, so the last one
    // is the one MLflow reports as latest (the largest step, timestamp and value).
    rank: `row_number() OVER (PARTITION BY b.run_id, ${prefix}key, ${step}, ${prefix}timestamp ORDER BY ${isNan} DESC, ${prefix}value) - 1`,
  };
}

/** Set-based copy through ATTACH: SQLite moves the rows without them passing through JavaScript. */
function attachedCopy(writer: ImportWriter, source: MlflowDatabase, maxRowid: number): MetricCopy {
  const db = writer.db;
  const m = `${ATTACHED_SCHEMA}.metrics`;
  const e = expressions(source, 'm.');
  db.exec('CREATE TEMP TABLE IF NOT EXISTS mlflow_batch (uuid TEXT PRIMARY KEY, run_id INTEGER NOT NULL, since INTEGER NOT NULL, fresh INTEGER NOT NULL)');
  const hasRunIndex = (db.prepare(`SELECT 1 FROM ${ATTACHED_SCHEMA}.sqlite_master WHERE type = 'index' AND tbl_name = 'metrics' AND sql LIKE '%(run_uuid%'`).get() ?? null) !== null;
  // With MLflow's index on run_uuid, look up each run's rows; without it, one scan of the table.
  const from = hasRunIndex ? `temp.mlflow_batch b CROSS JOIN ${m} m ON m.run_uuid = b.uuid` : `${m} m JOIN temp.mlflow_batch b ON b.uuid = m.run_uuid`;
  const window = `m.rowid > b.since AND m.rowid <= ${maxRowid}`;
  const fresh = (yes: boolean) => `b.fresh = ${yes ? 1 : 0}`;
  const insertFresh = db.prepare(`INSERT OR IGNORE INTO main.metrics (run_id, key, step, timestamp, value)
      SELECT b.run_id, m.key, CAST(${e.step} AS INTEGER), CAST(m.timestamp AS INTEGER), ${e.value}
      FROM ${from} WHERE ${window} AND ${fresh(true)} AND ${e.valid}`);
  // Only when a fresh run has points that share a step and timestamp: number them all again.
  const insertFreshRanked = db.prepare(`INSERT OR REPLACE INTO main.metrics (run_id, key, step, timestamp, value, seq)
      SELECT b.run_id, m.key, CAST(${e.step} AS INTEGER), CAST(m.timestamp AS INTEGER), ${e.value}, ${e.rank}
      FROM ${from} WHERE ${window} AND ${fresh(true)} AND ${e.valid}`);
  // Runs read before: a row whose step, timestamp and value the store has is that row again.
  const same = `FROM main.metrics x WHERE x.run_id = b.run_id AND x.key = m.key AND x.step = ${e.step} AND x.timestamp = m.timestamp`;
  const insertMore = db.prepare(`INSERT OR IGNORE INTO main.metrics (run_id, key, step, timestamp, value, seq)
      SELECT b.run_id, m.key, CAST(${e.step} AS INTEGER), CAST(m.timestamp AS INTEGER), ${e.value}, (SELECT count(*) ${same}) + ${e.rank}
      FROM ${from} WHERE ${window} AND ${fresh(false)} AND ${e.valid} AND NOT EXISTS (SELECT 1 ${same} AND x.value IS ${e.value})`);
  const candidates = db.prepare(`SELECT count(*) FROM ${from} WHERE ${window} AND ${fresh(true)}`).pluck();
  const invalid = (yes: boolean) =>
    db.prepare(`SELECT m.rowid AS rowid, m.key AS key, m.timestamp AS timestamp, m.value AS value FROM ${from}
      WHERE ${window} AND ${fresh(yes)} AND NOT (${e.valid}) LIMIT ${MAX_LISTED_ROWS}`);
  const invalidFresh = invalid(true);
  const invalidMore = invalid(false);
  const invalidCount = db.prepare(`SELECT count(*) FROM ${from} WHERE ${window} AND ${fresh(true)} AND NOT (${e.valid})`).pluck();
  // Each key of a new run, then its first and last step: index seeks, not a scan of the run's points.
  const freshRanges = db.prepare(`WITH RECURSIVE k(key) AS (
      SELECT min(key) FROM main.metrics WHERE run_id = @run
      UNION ALL SELECT (SELECT min(key) FROM main.metrics WHERE run_id = @run AND key > k.key) FROM k WHERE k.key IS NOT NULL)
    SELECT key, (SELECT min(step) FROM main.metrics WHERE run_id = @run AND key = k.key) AS lo,
      (SELECT max(step) FROM main.metrics WHERE run_id = @run AND key = k.key) AS hi
    FROM k WHERE key IS NOT NULL`);
  const moreRanges = db.prepare(`SELECT b.run_id AS runId, m.key AS key, min(${e.step}) AS lo, max(${e.step}) AS hi FROM ${from}
    WHERE ${window} AND ${fresh(false)} AND ${e.valid} GROUP BY b.run_id, m.key`);
  const clear = db.prepare('DELETE FROM temp.mlflow_batch');
  const add = db.prepare('INSERT OR REPLACE INTO temp.mlflow_batch (uuid, run_id, since, fresh) VALUES (?, ?, ?, ?)');
  const report = (rows: Row[]) => {
    for (const row of rows) {
      skip(writer.summary, { where: `${source.file} (table metrics)`, rowid: Number(row.rowid), reason: `metric ${JSON.stringify(row.key)} has no usable timestamp, step or value (timestamp ${String(row.timestamp)}, value ${String(row.value)}); row skipped` });
    }
  };
  return {
    copy(batch) {
      clear.run();
      for (const run of batch) add.run(run.uuid, run.runId, run.since, run.fresh ? 1 : 0);
      let inserted = insertFresh.run().changes;
      const expected = candidates.get() as number;
      if (expected > inserted) {
        const bad = invalidCount.get() as number;
        report(invalidFresh.all() as Row[]);
        writer.summary.skippedCount += Math.max(0, bad - Math.min(bad, MAX_LISTED_ROWS));
        if (expected - bad > inserted) {
          insertFreshRanked.run();
          inserted = expected - bad;
        }
      }
      if (batch.some((r) => !r.fresh)) {
        inserted += insertMore.run().changes;
        report(invalidMore.all() as Row[]);
        for (const range of moreRanges.all() as { runId: number; key: string; lo: number; hi: number }[]) writer.markDirty(range.runId, range.key, range.lo, range.hi);
      }
      for (const run of batch) {
        if (!run.fresh) continue;
        for (const range of freshRanges.all({ run: run.runId }) as { key: string; lo: number; hi: number }[]) writer.markDirty(run.runId, range.key, range.lo, range.hi);
      }
      return inserted;
    },
    close() {
      db.exec('DROP TABLE IF EXISTS temp.mlflow_batch');
    },
  };
}

/** Row-by-row copy through the read-only connection, for a SQLite that cannot ATTACH read-only. */
function connectionCopy(writer: ImportWriter, source: MlflowDatabase, maxRowid: number): MetricCopy {
  const e = expressions(source, '');
  // Sorted so points that share a step and timestamp come together, by value with NaN first.
  const read = source.db
    .prepare(
      `SELECT rowid, key, ${e.step} AS step, timestamp, ${e.value} AS value, ${e.valid} AS valid FROM metrics
       WHERE run_uuid = ? AND rowid > ? AND rowid <= ? ORDER BY key, ${e.step}, timestamp, ${e.isNan} DESC, value`,
    )
    .raw();
  const existing = writer.db.prepare('SELECT count(*) AS n, sum(value IS ?) AS same FROM metrics WHERE run_id = ? AND key = ? AND step = ? AND timestamp = ?');
  const points = new PointWriter(writer.db);
  return {
    copy(batch) {
      for (const run of batch) {
        const ranges = new Map<string, { lo: number; hi: number }>();
        let previous = '';
        let seq = 0;
        for (const [rowid, key, step, timestamp, value, valid] of read.iterate(run.uuid, run.since, maxRowid) as Iterable<[number, string, number, number, number | null, number]>) {
          if (!valid) {
            skip(writer.summary, { where: `${source.file} (table metrics)`, rowid, reason: `metric ${JSON.stringify(key)} has no usable timestamp, step or value; row skipped` });
            continue;
          }
          const s = Math.trunc(step);
          const t = Math.trunc(timestamp);
          const at = `${key}\u0000${s}\u0000${t}`;
          seq = at === previous ? seq + 1 : 0;
          previous = at;
          let pointSeq = seq;
          if (!run.fresh) {
            const found = existing.get(value, run.runId, key, s, t) as { n: number; same: number | null };
            if (found.same) continue;
            pointSeq += found.n;
          }
          points.add(run.runId, key, s, t, value ?? Number.NaN, pointSeq);
          const range = ranges.get(key);
          if (!range) ranges.set(key, { lo: s, hi: s });
          else if (s < range.lo) range.lo = s;
          else if (s > range.hi) range.hi = s;
        }
        points.flush();
        for (const [key, range] of ranges) writer.markDirty(run.runId, key, range.lo, range.hi);
      }
      const inserted = points.inserted;
      points.inserted = 0;
      return inserted;
    },
    close() {},
  };
}

/** Imports MLflow's SQLite tracking store, opened read-only; tolerates older and newer schemas. */
export async function importDatabase(writer: ImportWriter, options: ImportOptions): Promise<void> {
  const source = new MlflowDatabase(writer.source.path);
  try {
    await importFrom(writer, source, options);
  } finally {
    source.close();
  }
}

/** Every experiment id MLflow has, imported or skipped. */
function presentExperiments(source: MlflowDatabase): Set<string> {
  return new Set((source.db.prepare('SELECT experiment_id FROM experiments').pluck().all()).map(text).filter((id): id is string => id !== undefined));
}

/** Experiment id -> its first run's start, for stores without creation times (MLflow 1.x). */
function earliestRunStarts(source: MlflowDatabase): Map<string, number> {
  const starts = new Map<string, number>();
  if (source.columns('experiments').has('creation_time') && source.db.prepare('SELECT 1 FROM experiments WHERE creation_time IS NULL LIMIT 1').get() === undefined) return starts;
  for (const row of source.db.prepare('SELECT experiment_id AS id, min(start_time) AS start FROM runs WHERE start_time > 0 GROUP BY experiment_id').all() as { id: unknown; start: unknown }[]) {
    const id = text(row.id);
    const start = integer(row.start);
    if (id !== undefined && start !== undefined) starts.set(id, start);
  }
  return starts;
}

async function importFrom(writer: ImportWriter, source: MlflowDatabase, options: ImportOptions): Promise<void> {
  const file = source.file;
  const experimentTags = grouped(writer, source, 'experiment_tags', 'experiment_id');
  const experimentIds = new Map<string, number>();
  const firstRunStarts = earliestRunStarts(source);
  writeTransaction(writer.store, () => {
    for (const row of source.rows('experiments', ['experiment_id', 'name', 'lifecycle_stage', 'creation_time', 'last_update_time', 'workspace'], 'ORDER BY experiment_id')) {
      const id = text(row.experiment_id);
      if (id === undefined) {
        skip(writer.summary, { where: `${file} (table experiments)`, rowid: Number(row._rowid), reason: 'no experiment_id; experiment skipped' });
        continue;
      }
      const deleted = text(row.lifecycle_stage) === 'deleted';
      experimentIds.set(
        id,
        writer.experiment({
          id,
          name: workspaceName(text(row.name) ?? '', text(row.workspace)),
          deleted,
          deletedAt: deleted ? integer(row.last_update_time) : undefined,
          createdAt: integer(row.creation_time) ?? firstRunStarts.get(id),
          tags: experimentTags.get(id) ?? new Map(),
        }),
      );
    }
  });

  const runTags = grouped(writer, source, 'tags', 'run_uuid');
  const runParams = grouped(writer, source, 'params', 'run_uuid');
  const runs: MlflowRun[] = [];
  // Every run MLflow has, read or not: only what is gone counts as removed.
  const present = new Set<string>();
  for (const row of source.rows('runs', ['run_uuid', 'experiment_id', 'name', 'status', 'start_time', 'end_time', 'lifecycle_stage', 'deleted_time', 'user_id'], 'ORDER BY start_time')) {
    const where = `${file} (table runs)`;
    const uuid = text(row.run_uuid);
    if (uuid) present.add(uuid);
    const experimentId = experimentIds.get(text(row.experiment_id) ?? '');
    if (!uuid || experimentId === undefined) {
      skip(writer.summary, { where, rowid: Number(row._rowid), reason: !uuid ? 'no run_uuid; run skipped' : `its experiment ${String(row.experiment_id)} was not imported; run skipped` });
      continue;
    }
    const status = runStatusOf(text(row.status));
    if (!status) skip(writer.summary, { where, rowid: Number(row._rowid), reason: `status ${String(row.status)} is not an MLflow run status; the run was imported as KILLED` });
    const startTime = integer(row.start_time);
    const endTime = integer(row.end_time);
    runs.push({
      uuid,
      experimentId,
      name: text(row.name),
      status: status ?? 'KILLED',
      startTime: startTime ?? endTime ?? 0,
      endTime,
      deleted: text(row.lifecycle_stage) === 'deleted',
      deletedAt: integer(row.deleted_time),
      userId: text(row.user_id) || undefined,
      tags: runTags.get(uuid) ?? new Map(),
      params: runParams.get(uuid) ?? new Map(),
    });
  }

  const hasMetrics = source.tables.has('metrics');
  const maxRowid = hasMetrics ? ((source.db.prepare('SELECT max(rowid) FROM metrics').pluck().get() as number | null) ?? 0) : 0;
  const mark = readWatermark(writer);
  const current = { maxRowid, fingerprint: hasMetrics ? metricsFingerprint(source.db, maxRowid, source.columns('metrics')) : null };
  // A renumbered or shrunk table hides which rows are new: read every run's rows again (known ones are recognised).
  const holds = watermarkHolds(mark, { maxRowid, fingerprint: hasMetrics ? metricsFingerprint(source.db, mark.rowid, source.columns('metrics')) : null });
  if (!holds) writer.summary.notes.push(`MLflow's metrics table was shrunk or renumbered since the last import (mlflow gc or VACUUM), so every run's history was read again; points already here were recognised and kept once.`);
  const since = holds ? mark.rowid : 0;
  const attached = hasMetrics && attachReadOnly(writer.db, file);
  const metrics = hasMetrics ? (attached ? attachedCopy(writer, source, maxRowid) : connectionCopy(writer, source, maxRowid)) : undefined;
  try {
    let done = 0;
    let batchSize = 4;
    while (done < runs.length) {
      if (options.isCancelled?.()) {
        writer.summary.cancelled = true;
        break;
      }
      const batch = runs.slice(done, done + batchSize);
      const started = performance.now();
      writer.batch(() => {
        const copies = batch.map((run) => {
          const { id, isNew } = writer.run(run);
          return { uuid: run.uuid, runId: id, since: isNew ? 0 : since, fresh: isNew, running: run.status === 'RUNNING' };
        });
        if (metrics) writer.summary.metricPoints += metrics.copy(copies);
        for (const copy of copies) if (copy.running) writer.touchHeartbeat(copy.runId);
      });
      done += batch.length;
      const elapsed = performance.now() - started;
      batchSize = Math.max(1, Math.min(MAX_BATCH_RUNS, Math.round((batchSize * BATCH_TARGET_MS) / Math.max(elapsed, 1))));
      options.onProgress?.({ done, total: runs.length, message: `${formatCount(done)} of ${formatCount(runs.length)} runs` });
      await yieldToEventLoop();
    }
  } finally {
    metrics?.close();
    if (attached) detach(writer.db);
  }
  const complete = !writer.summary.cancelled;
  const models = complete ? readModels(writer, source) : [];
  writeTransaction(writer.store, () => {
    writeModels(writer, models);
    if (complete) trashVanished(writer, presentExperiments(source), present);
    recordSource(writer, complete ? { rowid: maxRowid, fingerprint: current.fingerprint } : null);
  });
}
