import { recordAudit } from '../store/audit.ts';
import { cachedStatement, writeTransaction, type Store } from '../store/database.ts';
import { CONTROL_CHARS, quote } from './loggingInput.ts';
import { type MetricDirection, type RunStatus, isBetter } from './model.ts';
import { localOnly, refuseRemoteExperiment, refuseRemoteRun } from './remoteRows.ts';
import { effectiveStatusSql, liveRunSql, staleCutoff } from './staleness.ts';

export interface Experiment {
  id: number;
  name: string;
  description: string | null;
  primaryMetric: string | null;
  metricDirection: MetricDirection | null;
  metricTarget: number | null;
  framingId: number | null;
  createdAt: number;
  deletedAt: number | null;
  runCount: number;
  activeRunCount: number;
}

export interface RunSummary {
  id: number;
  uuid: string;
  experimentId: number;
  parentRunId: number | null;
  name: string;
  /** The stored status, except that a RUNNING run with a stale heartbeat reads as KILLED. */
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  heartbeatAt: number | null;
  gitCommit: string | null;
  gitBranch: string | null;
  gitDirty: boolean | null;
  entryPoint: string | null;
  notes: string | null;
  deletedAt: number | null;
  childCount: number;
}

export interface RunPage {
  runs: RunSummary[];
  total: number;
}

function experimentColumns(staleBefore: number): string {
  return `e.id, e.name, e.description, e.primary_metric AS primaryMetric, e.metric_direction AS metricDirection,
  e.metric_target AS metricTarget, e.framing_id AS framingId, e.created_at AS createdAt, e.deleted_at AS deletedAt,
  (SELECT count(*) FROM runs r WHERE r.experiment_id = e.id AND r.deleted_at IS NULL) AS runCount,
  (SELECT count(*) FROM runs r WHERE r.experiment_id = e.id AND r.deleted_at IS NULL
    AND ${liveRunSql('r', String(Math.floor(staleBefore)))}) AS activeRunCount`;
}

function runColumns(staleBefore: number): string {
  return `r.id, r.uuid, r.experiment_id AS experimentId, r.parent_run_id AS parentRunId, r.name,
  ${effectiveStatusSql('r', String(Math.floor(staleBefore)))} AS status,
  r.start_time AS startTime, r.end_time AS endTime, r.heartbeat_at AS heartbeatAt, r.git_commit AS gitCommit,
  r.git_branch AS gitBranch, r.git_dirty AS gitDirty, r.entry_point AS entryPoint, r.notes, r.deleted_at AS deletedAt,
  (SELECT count(*) FROM runs c WHERE c.parent_run_id = r.id AND c.deleted_at IS NULL) AS childCount`;
}

function toRun(row: RunSummary & { gitDirty: number | null }): RunSummary {
  return { ...row, gitDirty: row.gitDirty === null ? null : row.gitDirty === 1 };
}

export function listExperiments(store: Store, staleBefore: number = staleCutoff()): Experiment[] {
  return store.db.prepare(`SELECT ${experimentColumns(staleBefore)} FROM experiments e WHERE e.deleted_at IS NULL ORDER BY e.name COLLATE NOCASE`).all() as Experiment[];
}

export function getExperiment(store: Store, id: number): Experiment | undefined {
  return store.db.prepare(`SELECT ${experimentColumns(staleCutoff())} FROM experiments e WHERE e.id = ?`).get(id) as Experiment | undefined;
}

export function findExperimentByName(store: Store, name: string): Experiment | undefined {
  return store.db.prepare(`SELECT ${experimentColumns(staleCutoff())} FROM experiments e WHERE e.name = ?`).get(name) as Experiment | undefined;
}

export interface RunQuery {
  experimentId: number;
  /** Top-level runs only (children are listed under their parent), unless a parent is given. */
  parentRunId?: number | null;
  offset?: number;
  limit?: number;
  /** Runs whose heartbeat is older than this (ms since epoch) read as KILLED. */
  staleBefore?: number;
}

/** One page of an experiment's runs, newest first. */
export function listRuns(store: Store, query: RunQuery): RunPage {
  const parentFilter = query.parentRunId == null ? 'r.parent_run_id IS NULL' : 'r.parent_run_id = @parent';
  const args = { experiment: query.experimentId, parent: query.parentRunId ?? null, limit: query.limit ?? 200, offset: query.offset ?? 0 };
  const staleBefore = query.staleBefore ?? staleCutoff();
  const rows = store.db
    .prepare(`SELECT ${runColumns(staleBefore)} FROM runs r WHERE r.experiment_id = @experiment AND r.deleted_at IS NULL AND ${parentFilter}
      ORDER BY r.start_time DESC, r.id DESC LIMIT @limit OFFSET @offset`)
    .all(args) as (RunSummary & { gitDirty: number | null })[];
  const total = store.db
    .prepare(`SELECT count(*) AS n FROM runs r WHERE r.experiment_id = @experiment AND r.deleted_at IS NULL AND ${parentFilter}`)
    .get(args) as { n: number };
  return { runs: rows.map(toRun), total: total.n };
}

export function getRun(store: Store, id: number, staleBefore: number = staleCutoff()): RunSummary | undefined {
  const row = store.db.prepare(`SELECT ${runColumns(staleBefore)} FROM runs r WHERE r.id = ?`).get(id) as (RunSummary & { gitDirty: number | null }) | undefined;
  return row && toRun(row);
}

export function getRunsByIds(store: Store, ids: readonly number[], staleBefore: number = staleCutoff()): RunSummary[] {
  if (ids.length === 0) return [];
  const rows = store.db
    .prepare(`SELECT ${runColumns(staleBefore)} FROM runs r WHERE r.id IN (SELECT value FROM json_each(?)) AND r.deleted_at IS NULL`)
    .all(JSON.stringify(ids)) as (RunSummary & { gitDirty: number | null })[];
  const order = new Map(ids.map((id, index) => [id, index]));
  return rows.map(toRun).sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}

/** Live runs logging to this store; runs on a team's server are not counted. */
export function countActiveRuns(store: Store, staleBefore: number): number {
  const row = store.db
    .prepare(`SELECT count(*) AS n FROM runs r WHERE r.deleted_at IS NULL AND ${localOnly('r')} AND ${liveRunSql('r', '?')}`)
    .get(Math.floor(staleBefore)) as { n: number };
  return row.n;
}

export function getParams(store: Store, runId: number): Record<string, string> {
  const rows = store.db.prepare('SELECT key, value FROM params WHERE run_id = ? ORDER BY key').all(runId) as { key: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** Each run's params sorted by key, in one query for many runs (runs without params are absent). */
export function paramsOfRuns(store: Store, runIds: readonly number[]): Map<number, [string, string][]> {
  const result = new Map<number, [string, string][]>();
  if (runIds.length === 0) return result;
  const rows = cachedStatement(store.db, 'SELECT run_id, key, value FROM params WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, key')
    .raw(true)
    .all(JSON.stringify(runIds)) as [number, string, string][];
  for (const [runId, key, value] of rows) {
    let list = result.get(runId);
    if (!list) result.set(runId, (list = []));
    list.push([key, value]);
  }
  return result;
}

export function getTags(store: Store, runId: number): Record<string, string> {
  const rows = store.db.prepare('SELECT key, value FROM tags WHERE run_id = ? ORDER BY key').all(runId) as { key: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

export interface MetricHeadline {
  runId: number;
  last: number | null;
  lastStep: number | null;
  best: number | null;
}

/**
 * The last and best value of one metric for many runs, read from the block summaries (a few rows
 * per run however long the history). Steps whose summaries are not built yet (metric_dirty) are
 * read from the points, so the values are exact either way. NaN is stored as NULL and reads as null.
 */
export function metricHeadlines(store: Store, runIds: readonly number[], key: string, direction: MetricDirection | null): Map<number, MetricHeadline> {
  const result = new Map<number, MetricHeadline>();
  if (runIds.length === 0) return result;
  const runs = JSON.stringify(runIds);
  const summarized = cachedStatement(
    store.db,
    `SELECT run_id AS runId, min(min) AS lo, max(max) AS hi, max(last_step) AS lastStep,
       (SELECT b2.last_value FROM metric_blocks b2 WHERE b2.run_id = b.run_id AND b2.key = b.key AND b2.shift = 12 ORDER BY b2.block DESC LIMIT 1) AS last
     FROM metric_blocks b WHERE b.key = ? AND b.shift = 12 AND b.run_id IN (SELECT value FROM json_each(?)) GROUP BY b.run_id`,
  ).all(key, runs) as Extremes[];
  const blocksOf = new Map(summarized.map((row) => [row.runId, row]));
  for (const row of summarized) result.set(row.runId, headline(row, direction));
  // Summaries only ever miss points of the dirty range (points are never removed), so the extremes
  // of the summaries and of that range's points together are the run's extremes.
  const dirty = cachedStatement(store.db, 'SELECT run_id AS runId, lo, hi FROM metric_dirty WHERE key = ? AND run_id IN (SELECT value FROM json_each(?))').all(key, runs) as {
    runId: number;
    lo: number;
    hi: number;
  }[];
  const fromPoints = cachedStatement(
    store.db,
    `SELECT @run AS runId, min(value) AS lo, max(value) AS hi,
       (SELECT step FROM metrics WHERE run_id = @run AND key = @key ORDER BY step DESC, timestamp DESC, seq DESC LIMIT 1) AS lastStep,
       (SELECT value FROM metrics WHERE run_id = @run AND key = @key ORDER BY step DESC, timestamp DESC, seq DESC LIMIT 1) AS last
     FROM metrics WHERE run_id = @run AND key = @key AND step BETWEEN @lo AND @hi AND abs(value) <= 1.7976931348623157e308`,
  );
  for (const range of dirty) {
    const points = fromPoints.get({ run: range.runId, key, lo: range.lo, hi: range.hi }) as Extremes;
    const blocks = blocksOf.get(range.runId);
    const lo = extreme(Math.min, blocks?.lo ?? null, points.lo);
    const hi = extreme(Math.max, blocks?.hi ?? null, points.hi);
    result.set(range.runId, headline({ ...points, lo, hi }, direction));
  }
  return result;
}

/** A run's finite extremes and last point of one metric. */
interface Extremes {
  runId: number;
  lo: number | null;
  hi: number | null;
  lastStep: number | null;
  last: number | null;
}

function headline(row: Extremes, direction: MetricDirection | null): MetricHeadline {
  return { runId: row.runId, last: row.last, lastStep: row.lastStep, best: direction === 'min' ? row.lo : direction === 'max' ? row.hi : null };
}

function extreme(pick: (a: number, b: number) => number, a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : pick(a, b);
}

/** Metric keys logged by any of the runs, sorted; with those whose summaries are not built yet. */
export function metricKeys(store: Store, runIds: readonly number[]): string[] {
  if (runIds.length === 0) return [];
  const rows = store.db
    .prepare(
      `SELECT key FROM metric_blocks WHERE shift = 12 AND run_id IN (SELECT value FROM json_each(@runs))
       UNION SELECT key FROM metric_dirty WHERE run_id IN (SELECT value FROM json_each(@runs)) ORDER BY key`,
    )
    .all({ runs: JSON.stringify(runIds) }) as { key: string }[];
  return rows.map((r) => r.key);
}

/** Whether `value` meets the experiment's target (from the linked framing), if it has one. */
export function meetsTarget(experiment: Pick<Experiment, 'metricDirection' | 'metricTarget'>, value: number | null): boolean | null {
  if (experiment.metricTarget === null || experiment.metricDirection === null || value === null || !Number.isFinite(value)) return null;
  return value === experiment.metricTarget || isBetter(value, experiment.metricTarget, experiment.metricDirection);
}

// ---- changes ------------------------------------------------------------------------------

export function validateName(kind: string, name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new Error(`The ${kind} name is empty. Type at least one visible character.`);
  if (trimmed.length > 1000) throw new Error(`The ${kind} name is ${trimmed.length} characters long; keep it under 1,000.`);
  if (CONTROL_CHARS.test(trimmed)) throw new Error(`The ${kind} name ${quote(trimmed)} contains a control character (newline, tab, NUL...); remove it.`);
  return trimmed;
}

export function createExperiment(store: Store, name: string, description?: string): Experiment {
  const clean = validateName('experiment', name);
  return writeTransaction(store, () => {
    const existing = store.db.prepare('SELECT id, deleted_at AS deletedAt FROM experiments WHERE name = ?').get(clean) as { id: number; deletedAt: number | null } | undefined;
    if (existing) {
      throw new Error(
        existing.deletedAt === null
          ? `An experiment named "${clean}" already exists. Pick another name.`
          : `An experiment named "${clean}" is in the trash. Restore it, or pick another name.`,
      );
    }
    const id = Number(store.db.prepare('INSERT INTO experiments (name, description, created_at) VALUES (?, ?, ?)').run(clean, description ?? null, Date.now()).lastInsertRowid);
    recordAudit(store.db, { entity: 'experiment', entityId: id, action: 'create', details: { name: clean } });
    return getExperiment(store, id)!;
  });
}

export function renameExperiment(store: Store, id: number, name: string): void {
  const clean = validateName('experiment', name);
  writeTransaction(store, () => {
    refuseRemoteExperiment(store.db, id, 'rename');
    const clash = store.db.prepare('SELECT id FROM experiments WHERE name = ? AND id != ?').get(clean, id);
    if (clash) throw new Error(`An experiment named "${clean}" already exists (perhaps in the trash). Pick another name.`);
    const old = store.db.prepare('SELECT name FROM experiments WHERE id = ?').get(id) as { name: string } | undefined;
    if (!old) throw new Error('That experiment no longer exists. Refresh the view.');
    store.db.prepare('UPDATE experiments SET name = ? WHERE id = ?').run(clean, id);
    recordAudit(store.db, { entity: 'experiment', entityId: id, action: 'rename', details: { from: old.name, to: clean } });
  });
}

export function renameRun(store: Store, id: number, name: string): void {
  const clean = validateName('run', name);
  writeTransaction(store, () => {
    refuseRemoteRun(store.db, id, 'rename');
    const old = store.db.prepare('SELECT name FROM runs WHERE id = ?').get(id) as { name: string } | undefined;
    if (!old) throw new Error('That run no longer exists. Refresh the view.');
    store.db.prepare('UPDATE runs SET name = ? WHERE id = ?').run(clean, id);
    recordAudit(store.db, { entity: 'run', entityId: id, action: 'rename', details: { from: old.name, to: clean } });
  });
}

export function setPrimaryMetric(store: Store, experimentId: number, metric: string | null, direction: MetricDirection | null): void {
  writeTransaction(store, () => {
    store.db.prepare('UPDATE experiments SET primary_metric = ?, metric_direction = ? WHERE id = ?').run(metric, metric ? direction : null, experimentId);
    recordAudit(store.db, { entity: 'experiment', entityId: experimentId, action: 'set-primary-metric', details: { metric, direction } });
  });
}

// ---- trash ------------------------------------------------------------------------------------

export interface TrashItem {
  kind: 'experiment' | 'run';
  id: number;
  name: string;
  deletedAt: number;
  experimentName: string;
}

/** Moves experiments or runs to the trash. A trashed experiment takes its runs with it. */
export function trash(store: Store, items: readonly { kind: 'experiment' | 'run'; id: number }[], reason?: string): void {
  const now = Date.now();
  writeTransaction(store, () => {
    for (const item of items) {
      if (item.kind === 'experiment') refuseRemoteExperiment(store.db, item.id, 'delete');
      else refuseRemoteRun(store.db, item.id, 'delete');
    }
    for (const item of items) {
      const table = item.kind === 'experiment' ? 'experiments' : 'runs';
      const changed = store.db.prepare(`UPDATE ${table} SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL`).run(now, item.id).changes;
      if (changed) recordAudit(store.db, { entity: item.kind, entityId: item.id, action: 'delete', reason });
    }
  });
}

export function listTrash(store: Store): TrashItem[] {
  return store.db
    .prepare(`SELECT 'experiment' AS kind, id, name, deleted_at AS deletedAt, name AS experimentName FROM experiments WHERE deleted_at IS NOT NULL
      UNION ALL
      SELECT 'run', r.id, r.name, r.deleted_at, e.name FROM runs r JOIN experiments e ON e.id = r.experiment_id
        WHERE r.deleted_at IS NOT NULL AND e.deleted_at IS NULL
      ORDER BY deletedAt DESC`)
    .all() as TrashItem[];
}

export function restore(store: Store, items: readonly { kind: 'experiment' | 'run'; id: number }[]): void {
  writeTransaction(store, () => {
    for (const item of items) {
      const table = item.kind === 'experiment' ? 'experiments' : 'runs';
      const changed = store.db.prepare(`UPDATE ${table} SET deleted_at = NULL WHERE id = ? AND deleted_at IS NOT NULL`).run(item.id).changes;
      if (changed) recordAudit(store.db, { entity: item.kind, entityId: item.id, action: 'restore' });
    }
  });
}

/** Removes everything in the trash for good, with its metrics. Returns how many items went. */
export function emptyTrash(store: Store): number {
  return writeTransaction(store, () => {
    const items = listTrash(store);
    store.db.prepare('DELETE FROM runs WHERE deleted_at IS NOT NULL').run();
    store.db.prepare('DELETE FROM experiments WHERE deleted_at IS NOT NULL').run();
    recordAudit(store.db, { entity: 'store', entityId: store.path, action: 'empty-trash', details: items.map((i) => ({ kind: i.kind, id: i.id, name: i.name })) });
    return items.length;
  });
}
