import type { Db } from './database.ts';

/** Block sizes of the summaries, as powers of two: 16, 256 and 4096 steps. */
export const BLOCK_SHIFTS = [4, 8, 12] as const;

/**
 * The statements that rebuild metric_blocks for one run and key over steps [:lo, :hi], run in
 * this order inside the writer's transaction. The finest level is computed from the points, each
 * coarser one from the level below, so the cost follows the points written, not the history.
 * python/ml_lifecycle.py carries these same strings (a test compares them): they are part of
 * the store contract in docs/store-schema.md.
 */
export const BLOCK_REFRESH_SQL: readonly string[] = [
  ...[4, 8, 12].map((shift) => `DELETE FROM metric_blocks WHERE run_id = :run AND key = :key AND shift = ${shift} AND block BETWEEN (:lo >> ${shift}) AND (:hi >> ${shift})`),
  `INSERT INTO metric_blocks (run_id, key, shift, block, n, nonfinite, min, max, first_step, first_value, last_step, last_value, last_timestamp)
SELECT :run, :key, 4, step >> 4, count(*),
       sum(value IS NULL OR abs(value) > 1.7976931348623157e308),
       min(CASE WHEN abs(value) <= 1.7976931348623157e308 THEN value END),
       max(CASE WHEN abs(value) <= 1.7976931348623157e308 THEN value END),
       min(step), NULL, max(step), NULL, 0
FROM metrics WHERE run_id = :run AND key = :key AND step >= ((:lo >> 4) << 4) AND step < (((:hi >> 4) + 1) << 4)
GROUP BY step >> 4`,
  `UPDATE metric_blocks SET
  first_value = (SELECT m.value FROM metrics m WHERE m.run_id = :run AND m.key = :key AND m.step = metric_blocks.first_step ORDER BY m.timestamp LIMIT 1),
  last_value = (SELECT m.value FROM metrics m WHERE m.run_id = :run AND m.key = :key AND m.step = metric_blocks.last_step ORDER BY m.timestamp DESC LIMIT 1),
  last_timestamp = (SELECT m.timestamp FROM metrics m WHERE m.run_id = :run AND m.key = :key AND m.step = metric_blocks.last_step ORDER BY m.timestamp DESC LIMIT 1)
WHERE run_id = :run AND key = :key AND shift = 4 AND block BETWEEN (:lo >> 4) AND (:hi >> 4)`,
  ...[8, 12].map(
    (shift) => `INSERT INTO metric_blocks (run_id, key, shift, block, n, nonfinite, min, max, first_step, first_value, last_step, last_value, last_timestamp)
SELECT :run, :key, ${shift}, block >> 4, sum(n), sum(nonfinite), min(min), max(max),
       min(first_step), NULL, max(last_step), NULL, 0
FROM metric_blocks WHERE run_id = :run AND key = :key AND shift = ${shift - 4} AND block BETWEEN ((:lo >> ${shift}) << 4) AND (((:hi >> ${shift}) << 4) + 15)
GROUP BY block >> 4;
UPDATE metric_blocks AS b SET
  first_value = (SELECT c.first_value FROM metric_blocks c WHERE c.run_id = :run AND c.key = :key AND c.shift = ${shift - 4} AND c.block = b.first_step >> ${shift - 4}),
  last_value = (SELECT c.last_value FROM metric_blocks c WHERE c.run_id = :run AND c.key = :key AND c.shift = ${shift - 4} AND c.block = b.last_step >> ${shift - 4}),
  last_timestamp = (SELECT c.last_timestamp FROM metric_blocks c WHERE c.run_id = :run AND c.key = :key AND c.shift = ${shift - 4} AND c.block = b.last_step >> ${shift - 4})
WHERE run_id = :run AND key = :key AND shift = ${shift} AND block BETWEEN (:lo >> ${shift}) AND (:hi >> ${shift})`,
  ).flatMap((pair) => pair.split(';\n')),
];

/**
 * What a writer runs once per run and key in each batch of points: widens that metric's dirty
 * step range. Positional parameters: run_id, key, lowest step, highest step. The Python logger
 * carries the same string (a test compares them).
 */
export const MARK_DIRTY_SQL =
  'INSERT INTO metric_dirty (run_id, key, lo, hi) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET lo = min(lo, excluded.lo), hi = max(hi, excluded.hi)';

export interface StepRange {
  lo: number;
  hi: number;
}

/** Rebuilds the summaries of one run's metric over the given steps. Call inside a write transaction. */
export function refreshBlocks(db: Db, runId: number, key: string, range: StepRange): void {
  const params = { run: runId, key, lo: range.lo, hi: range.hi };
  for (const statement of preparedRefresh(db)) statement.run(params);
}

const prepared = new WeakMap<Db, ReturnType<Db['prepare']>[]>();

function preparedRefresh(db: Db): ReturnType<Db['prepare']>[] {
  let statements = prepared.get(db);
  if (!statements) {
    statements = BLOCK_REFRESH_SQL.map((sql) => db.prepare(sql));
    prepared.set(db, statements);
  }
  return statements;
}

/** Tracks, per run and key, the step range a batch of points touched, for MARK_DIRTY_SQL. */
export class TouchedRanges {
  private readonly ranges = new Map<string, { runId: number; key: string; lo: number; hi: number }>();

  add(runId: number, key: string, step: number): void {
    const id = `${runId}\u0000${key}`;
    const range = this.ranges.get(id);
    if (!range) this.ranges.set(id, { runId, key, lo: step, hi: step });
    else {
      if (step < range.lo) range.lo = step;
      if (step > range.hi) range.hi = step;
    }
  }

  /** Marks every touched range dirty, then forgets them. Call inside the batch's transaction. */
  markDirty(db: Db): void {
    const statement = db.prepare(MARK_DIRTY_SQL);
    for (const range of this.ranges.values()) statement.run(range.runId, range.key, range.lo, range.hi);
    this.ranges.clear();
  }
}

/**
 * Brings metric_blocks up to date with every point written so far. Readers call it before they
 * read blocks; it needs a writable store and returns how many ranges it rebuilt.
 */
export function refreshDirtyBlocks(db: Db): number {
  return db
    .transaction(() => {
      const dirty = db.prepare('SELECT run_id AS runId, key, lo, hi FROM metric_dirty').all() as { runId: number; key: string; lo: number; hi: number }[];
      for (const range of dirty) refreshBlocks(db, range.runId, range.key, range);
      db.prepare('DELETE FROM metric_dirty').run();
      return dirty.length;
    })
    .immediate();
}

/** Whether some points are not yet in metric_blocks (a read-only store cannot catch up). */
export function hasDirtyBlocks(db: Db): boolean {
  return db.prepare('SELECT 1 FROM metric_dirty LIMIT 1').get() !== undefined;
}
