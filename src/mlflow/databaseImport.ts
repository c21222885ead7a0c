import Database from 'better-sqlite3';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { type Db, writeTransaction } from '../store/database.ts';
import { ATTACHED_SCHEMA, attachReadOnly, detach } from './readOnly.ts';
import { NotMlflowError } from './source.ts';
import { skip } from './summary.ts';
import { type ImportOptions, type ImportWriter, type MlflowModel, type MlflowRun, PointWriter, runStatusOf } from './writer.ts';

/** MLflow stores ±Inf as ±DBL_MAX (SQL has no infinity) and NaN as 0 with is_nan set. */
const DBL_MAX = '1.7976931348623157e308';
/** Steps and timestamps must be integers JavaScript holds exactly, as the loggers require. */
const MAX_SAFE_INTEGER = '9007199254740991';
/** How long one batch's copy should take, so the editor stays responsive and cancel is quick. */
const BATCH_TARGET_MS = 300;
const MAX_BATCH_RUNS = 500;
const MAX_LISTED_ROWS = 50;

type Row = Record<string, unknown>;

function text(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : undefined;
}

function integer(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(number) ? Math.trunc(number) : undefined;
}

/** A read-only view of MLflow's database that tolerates tables and columns older versions lack. */
class MlflowDatabase {
  readonly db: Db;
  readonly file: string;
  readonly tables: Set<string>;
  private readonly columnCache = new Map<string, Set<string>>();

  constructor(file: string) {
    this.file = file;
    try {
      this.db = new Database(file, { readonly: true, fileMustExist: true });
    } catch (error) {
      throw new NotMlflowError(`${file} cannot be opened read-only: ${(error as Error).message}.`);
    }
    try {
      this.db.pragma('busy_timeout = 5000');
      this.tables = new Set(this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    } catch (error) {
      this.db.close();
      const code = (error as { code?: string }).code;
      throw new NotMlflowError(code === 'SQLITE_NOTADB' ? `${file} is not an MLflow store: it is not a SQLite database.` : `${file} cannot be read: ${(error as Error).message}.`);
    }
    for (const table of ['experiments', 'runs']) {
      if (!this.tables.has(table)) {
        this.db.close();
        throw new NotMlflowError(`${file} is not an MLflow store: no ${table} table.`);
      }
    }
  }

  columns(table: string): Set<string> {
    let columns = this.columnCache.get(table);
    if (!columns) {
      columns = new Set(this.tables.has(table) ? (this.db.pragma(`table_info("${table}")`) as { name: string }[]).map((c) => c.name) : []);
      this.columnCache.set(table, columns);
    }
    return columns;
  }

  /** `column` when the table has it, else `fallback AS column`. */
  column(table: string, column: string, fallback = 'NULL', prefix = ''): string {
    return this.columns(table).has(column) ? `${prefix}"${column}"` : `${fallback} AS "${column}"`;
  }

  /** All rows of `table` with the wanted columns (missing ones read as NULL), plus rowid. */
  rows(table: string, wanted: readonly string[], order = ''): Row[] {
    if (!this.tables.has(table)) return [];
    const list = wanted.map((c) => this.column(table, c)).join(', ');
    return this.db.prepare(`SELECT rowid AS _rowid, ${list} FROM "${table}" ${order}`).all() as Row[];
  }

  close(): void {
    this.db.close();
  }
}

/** key -> value per owner (run uuid, experiment id...), skipping rows without a key. */
function grouped(writer: ImportWriter, source: MlflowDatabase, table: string, owner: string, ownerWanted = [owner]): Map<string, Map<string, string>> {
  const result = new Map<string, Map<string, string>>();
  for (const row of source.rows(table, [...ownerWanted, 'key', 'value'])) {
    const id = ownerWanted.map((c) => text(row[c]) ?? '').join('\u0000');
    const key = text(row.key);
    if (key === undefined || !id) {
      skip(writer.summary, { where: `${source.file} (table ${table})`, rowid: Number(row._rowid), reason: `no ${key === undefined ? 'key' : owner}; row skipped` });
      continue;
    }
    let values = result.get(id);
    if (!values) result.set(id, (values = new Map()));
    values.set(key, text(row.value) ?? '');
  }
  return result;
}

/** How metric rows are read: SQL over the attached database, or row by row from our own read-only connection. */
interface MetricCopy {
  /** Copies the batch's metric rows and marks their ranges dirty; returns points inserted. Inside the transaction. */
  copy(batch: readonly { uuid: string; runId: number; since: number }[]): number;
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
  };
}

/** Set-based copy through ATTACH: SQLite moves the rows without them passing through JavaScript. */
function attachedCopy(writer: ImportWriter, source: MlflowDatabase, maxRowid: number): MetricCopy {
  const db = writer.db;
  const m = `${ATTACHED_SCHEMA}.metrics`;
  const e = expressions(source, 'm.');
  db.exec('CREATE TEMP TABLE IF NOT EXISTS mlflow_batch (uuid TEXT PRIMARY KEY, run_id INTEGER NOT NULL, since INTEGER NOT NULL)');
  const hasRunIndex = (db.prepare(`SELECT 1 FROM ${ATTACHED_SCHEMA}.sqlite_master WHERE type = 'index' AND tbl_name = 'metrics' AND sql LIKE '%(run_uuid)%'`).get() ?? null) !== null;
  // With MLflow's index on run_uuid, look up each run's rows; without it, one scan of the table.
  const from = hasRunIndex ? `temp.mlflow_batch b CROSS JOIN ${m} m ON m.run_uuid = b.uuid` : `${m} m JOIN temp.mlflow_batch b ON b.uuid = m.run_uuid`;
  const window = `m.rowid > b.since AND m.rowid <= ${maxRowid}`;
  const insert = (fresh: boolean) =>
    db.prepare(`INSERT OR IGNORE INTO main.metrics (run_id, key, step, timestamp, value)
      SELECT b.run_id, m.key, CAST(${e.step} AS INTEGER), CAST(m.timestamp AS INTEGER), ${e.value}
      FROM ${from} WHERE ${window} AND b.since ${fresh ? '= 0' : '> 0'} AND ${e.valid}`);
  const insertFresh = insert(true);
  const insertMore = insert(false);
  const candidates = db.prepare(`SELECT count(*) FROM ${from} WHERE ${window} AND b.since = 0`).pluck();
  const invalid = (fresh: boolean) =>
    db.prepare(`SELECT m.rowid AS rowid, m.key AS key, m.timestamp AS timestamp, m.value AS value FROM ${from}
      WHERE ${window} AND b.since ${fresh ? '= 0' : '> 0'} AND NOT (${e.valid}) LIMIT ${MAX_LISTED_ROWS}`);
  const invalidFresh = invalid(true);
  const invalidMore = invalid(false);
  const invalidCount = db.prepare(`SELECT count(*) FROM ${from} WHERE ${window} AND b.since = 0 AND NOT (${e.valid})`).pluck();
  // Each key of a new run, then its first and last step: index seeks, not a scan of the run's points.
  const freshRanges = db.prepare(`WITH RECURSIVE k(key) AS (
      SELECT min(key) FROM main.metrics WHERE run_id = @run
      UNION ALL SELECT (SELECT min(key) FROM main.metrics WHERE run_id = @run AND key > k.key) FROM k WHERE k.key IS NOT NULL)
    SELECT key, (SELECT min(step) FROM main.metrics WHERE run_id = @run AND key = k.key) AS lo,
      (SELECT max(step) FROM main.metrics WHERE run_id = @run AND key = k.key) AS hi
    FROM k WHERE key IS NOT NULL`);
  const moreRanges = db.prepare(`SELECT b.run_id AS runId, m.key AS key, min(${e.step}) AS lo, max(${e.step}) AS hi FROM ${from}
    WHERE ${window} AND b.since > 0 AND ${e.valid} GROUP BY b.run_id, m.key`);
  const clear = db.prepare('DELETE FROM temp.mlflow_batch');
  const add = db.prepare('INSERT OR REPLACE INTO temp.mlflow_batch (uuid, run_id, since) VALUES (?, ?, ?)');
  const report = (rows: Row[]) => {
    for (const row of rows) {
      skip(writer.summary, { where: `${source.file} (table metrics)`, rowid: Number(row.rowid), reason: `metric ${JSON.stringify(row.key)} has no usable timestamp, step or value (timestamp ${String(row.timestamp)}, value ${String(row.value)}); row skipped` });
    }
  };
  return {
    copy(batch) {
      clear.run();
      for (const run of batch) add.run(run.uuid, run.runId, run.since);
      const fresh = insertFresh.run().changes;
      const more = insertMore.run().changes;
      const expected = candidates.get() as number;
      if (expected > fresh) {
        const bad = invalidCount.get() as number;
        report(invalidFresh.all() as Row[]);
        writer.summary.skippedCount += Math.max(0, bad - Math.min(bad, MAX_LISTED_ROWS));
        const repeated = expected - fresh - bad;
        if (repeated > 0) writer.summary.notes.push(`${repeated} metric row(s) repeat the run, key, step and timestamp of another row with a different value; the store keeps one point per run, key, step and timestamp.`);
      }
      if (batch.some((r) => r.since > 0)) {
        report(invalidMore.all() as Row[]);
        for (const range of moreRanges.all() as { runId: number; key: string; lo: number; hi: number }[]) writer.markDirty(range.runId, range.key, range.lo, range.hi);
      }
      for (const run of batch) {
        if (run.since > 0) continue;
        for (const range of freshRanges.all({ run: run.runId }) as { key: string; lo: number; hi: number }[]) writer.markDirty(run.runId, range.key, range.lo, range.hi);
      }
      return fresh + more;
    },
    close() {
      db.exec('DROP TABLE IF EXISTS temp.mlflow_batch');
    },
  };
}

/** Row-by-row copy through the read-only connection, for a SQLite that cannot ATTACH read-only. */
function connectionCopy(writer: ImportWriter, source: MlflowDatabase, maxRowid: number): MetricCopy {
  const e = expressions(source, '');
  const read = source.db
    .prepare(`SELECT rowid, key, ${e.step} AS step, timestamp, ${e.value} AS value, ${e.valid} AS valid FROM metrics WHERE run_uuid = ? AND rowid > ? AND rowid <= ?`)
    .raw();
  const points = new PointWriter(writer.db);
  return {
    copy(batch) {
      for (const run of batch) {
        const ranges = new Map<string, { lo: number; hi: number }>();
        for (const [rowid, key, step, timestamp, value, valid] of read.iterate(run.uuid, run.since, maxRowid) as Iterable<[number, string, number, number, number | null, number]>) {
          if (!valid) {
            skip(writer.summary, { where: `${source.file} (table metrics)`, rowid, reason: `metric ${JSON.stringify(key)} has no usable timestamp, step or value; row skipped` });
            continue;
          }
          const s = Math.trunc(step);
          points.add(run.runId, key, s, Math.trunc(timestamp), value ?? Number.NaN);
          const range = ranges.get(key);
          if (!range) ranges.set(key, { lo: s, hi: s });
          else if (s < range.lo) range.lo = s;
          else if (s > range.hi) range.hi = s;
        }
        for (const [key, range] of ranges) writer.markDirty(run.runId, key, range.lo, range.hi);
      }
      points.flush();
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

async function importFrom(writer: ImportWriter, source: MlflowDatabase, options: ImportOptions): Promise<void> {
  const file = source.file;
  const experimentTags = grouped(writer, source, 'experiment_tags', 'experiment_id');
  const experimentIds = new Map<string, number>();
  writeTransaction(writer.store, () => {
    for (const row of source.rows('experiments', ['experiment_id', 'name', 'lifecycle_stage', 'creation_time', 'last_update_time'], 'ORDER BY experiment_id')) {
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
          name: text(row.name) ?? '',
          deleted,
          deletedAt: deleted ? integer(row.last_update_time) : undefined,
          createdAt: integer(row.creation_time),
          tags: experimentTags.get(id) ?? new Map(),
        }),
      );
    }
  });

  const runTags = grouped(writer, source, 'tags', 'run_uuid');
  const runParams = grouped(writer, source, 'params', 'run_uuid');
  const runs: MlflowRun[] = [];
  for (const row of source.rows('runs', ['run_uuid', 'experiment_id', 'name', 'status', 'start_time', 'end_time', 'lifecycle_stage', 'deleted_time', 'user_id'], 'ORDER BY start_time')) {
    const where = `${file} (table runs)`;
    const uuid = text(row.run_uuid);
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
  const watermark = writer.metricsWatermark();
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
          return { uuid: run.uuid, runId: id, since: isNew ? 0 : watermark, running: run.status === 'RUNNING' };
        });
        if (metrics) writer.summary.metricPoints += metrics.copy(copies);
        for (const copy of copies) if (copy.running) writer.touchHeartbeat(copy.runId);
      });
      done += batch.length;
      const elapsed = performance.now() - started;
      batchSize = Math.max(1, Math.min(MAX_BATCH_RUNS, Math.round((batchSize * BATCH_TARGET_MS) / Math.max(elapsed, 1))));
      options.onProgress?.({ done, total: runs.length, message: `${done.toLocaleString('en-US')} of ${runs.length.toLocaleString('en-US')} runs` });
      await yieldToEventLoop();
    }
  } finally {
    metrics?.close();
    if (attached) detach(writer.db);
  }
  const models = writer.summary.cancelled ? [] : readModels(writer, source);
  writeTransaction(writer.store, () => {
    writer.models(models);
    writer.recordSource(writer.summary.cancelled ? null : maxRowid);
  });
}

function readModels(writer: ImportWriter, source: MlflowDatabase): MlflowModel[] {
  if (!source.tables.has('registered_models')) return [];
  const versionTags = grouped(writer, source, 'model_version_tags', 'name', ['name', 'version']);
  const byName = new Map<string, MlflowModel>();
  for (const row of source.rows('registered_models', ['name', 'creation_time', 'description'])) {
    const name = text(row.name);
    if (!name) {
      skip(writer.summary, { where: `${source.file} (table registered_models)`, rowid: Number(row._rowid), reason: 'no name; model skipped' });
      continue;
    }
    byName.set(name, { name, description: text(row.description) || undefined, createdAt: integer(row.creation_time), versions: [], aliases: new Map() });
  }
  for (const row of source.rows('model_versions', ['name', 'version', 'creation_time', 'description', 'current_stage', 'source', 'storage_location', 'run_id'], 'ORDER BY name, version')) {
    const model = byName.get(text(row.name) ?? '');
    const version = integer(row.version);
    if (!model || version === undefined) {
      skip(writer.summary, { where: `${source.file} (table model_versions)`, rowid: Number(row._rowid), reason: !model ? `its model ${String(row.name)} is not in registered_models; version skipped` : 'no version number; skipped' });
      continue;
    }
    const stage = text(row.current_stage);
    if (stage === 'Deleted_Internal') continue;
    model.versions.push({
      version,
      runUuid: text(row.run_id) || undefined,
      source: text(row.source) ?? text(row.storage_location) ?? '',
      description: text(row.description) || undefined,
      createdAt: integer(row.creation_time),
      stage,
      tags: versionTags.get(`${model.name}\u0000${version}`) ?? new Map(),
    });
  }
  for (const row of source.rows('registered_model_aliases', ['name', 'alias', 'version'])) {
    const model = byName.get(text(row.name) ?? '');
    const alias = text(row.alias);
    const version = integer(row.version);
    if (!model || !alias || version === undefined) {
      skip(writer.summary, { where: `${source.file} (table registered_model_aliases)`, rowid: Number(row._rowid), reason: 'incomplete alias row; skipped' });
      continue;
    }
    (model.aliases as Map<string, number>).set(alias, version);
  }
  for (const [name, tags] of grouped(writer, source, 'registered_model_tags', 'name')) {
    writer.summary.notes.push(`Model "${name}" has ${tags.size} tag(s) in MLflow; ML Lifecycle keeps tags on versions only, so they were not imported.`);
  }
  return [...byName.values()];
}
