import type { Store } from '../store/database.ts';
import { BLOCK_SHIFTS, type StepRange, hasDirtyBlocks, refreshDirtyBlocks } from '../store/metricBlocks.ts';
import { type BucketPlan, Bucketer, type Series, finite } from './bucketer.ts';
import { MetricReader } from './metricReader.ts';

export type { BucketPlan, Series } from './bucketer.ts';

/**
 * Chart series that draw exactly like the full metric history at a given width, from a cost
 * bounded by that width (M4: Jugel et al., VLDB 2014). The x range is cut into at most `buckets`
 * buckets; each keeps its first, min, max and last point, so every spike survives. Long ranges
 * are read from metric_blocks (one row per 16/256/4096 steps), short ones from the points.
 * docs/compare.md explains the rules, including where NaN/±Inf gaps go and what is estimated.
 */

export interface SeriesSet {
  key: string;
  /** The x range the buckets cover; null when none of the runs has the metric. */
  range: StepRange | null;
  plan: BucketPlan | null;
  series: Series[];
}

export interface SeriesOptions {
  /** Inclusive step range; default: everything any of the runs logged for the metric. */
  range?: StepRange | undefined;
  /** Most buckets to cut the range into: the chart's width in pixels times points per pixel. */
  buckets: number;
}

/** Up to this many steps per bucket, reading the points costs no more than the M4 output does. */
const RAW_STEPS_PER_BUCKET = 4;
/** How long a chart waits for a logger's write lock before it reads the unsummarized steps from the points. */
const LOCK_WAIT_MS = 200;
const COARSEST_FIRST = [...BLOCK_SHIFTS].sort((a, b) => b - a);
/** Picks the bucket width and the block level to read for `buckets` buckets over `range`. */
export function planBuckets(range: StepRange, buckets: number): BucketPlan {
  const count = Math.max(1, Math.floor(buckets));
  const span = range.hi - range.lo + 1;
  const ideal = span / count;
  if (ideal <= RAW_STEPS_PER_BUCKET) {
    return { origin: range.lo, width: Math.floor((range.hi - range.lo) / count) + 1, shift: null };
  }
  // The coarsest level whose blocks fit in a bucket; between 4 and 16 steps per bucket the
  // 16-step blocks are still used (buckets then span up to 4 columns, never more points).
  const shift = COARSEST_FIRST.find((s) => 2 ** s <= ideal) ?? Math.min(...BLOCK_SHIFTS);
  const size = 2 ** shift;
  const origin = Math.floor(range.lo / size) * size;
  // Smallest multiple of the block size that keeps the bucket count within budget.
  const k = Math.floor((range.hi - origin) / (count * size)) + 1;
  return { origin, width: k * size, shift };
}

/** The step range of `key` over the runs (summarized blocks plus steps written since), or null. */
export function metricRange(store: Store, runIds: readonly number[], key: string): StepRange | null {
  if (runIds.length === 0) return null;
  const row = store.db
    .prepare(
      `SELECT min(lo) AS lo, max(hi) AS hi FROM (
         SELECT min(first_step) AS lo, max(last_step) AS hi FROM metric_blocks WHERE shift = 12 AND key = @key AND run_id IN (SELECT value FROM json_each(@runs))
         UNION ALL
         SELECT min(lo), max(hi) FROM metric_dirty WHERE key = @key AND run_id IN (SELECT value FROM json_each(@runs)))`,
    )
    .get({ key, runs: JSON.stringify(runIds) }) as { lo: number | null; hi: number | null };
  return row.lo === null || row.hi === null ? null : { lo: row.lo, hi: row.hi };
}

/**
 * Brings the block summaries of these runs up to date before they are read. A store this process cannot write
 * (read-only, or a logger holds the lock right now) keeps its dirty ranges; readers then read
 * those steps from the points, so nothing logged is ever missing from a chart.
 */
export function refreshSummaries(store: Store, runIds: readonly number[]): void {
  if (store.readonly || !hasDirtyBlocks(store.db)) return;
  try {
    refreshDirtyBlocks(store.db, { runIds, lockWaitMs: LOCK_WAIT_MS });
  } catch {
    // Locked by a logger: its dirty ranges are read from the points below.
  }
}

/** M4 series of one metric for each run, over a shared range and bucket grid. */
export function m4Series(store: Store, runIds: readonly number[], key: string, options: SeriesOptions): SeriesSet {
  refreshSummaries(store, runIds);
  const range = options.range ?? metricRange(store, runIds, key);
  if (!range || range.hi < range.lo) return { key, range: null, plan: null, series: runIds.map((id) => emptySeries(id)) };
  const plan = planBuckets(range, options.buckets);
  const reader = new MetricReader(store.db);
  const dirty = plan.shift === null ? new Map<number, StepRange[]>() : reader.dirty(key);
  const series = runIds.map((runId) => {
    const bucketer = new Bucketer(plan, runId, range);
    for (const segment of segments(range, plan.shift, dirty.get(runId) ?? [])) {
      if (segment.kind === 'points') reader.points(runId, key, segment.lo, segment.hi, bucketer);
      else reader.blocks(runId, key, plan.shift!, segment.lo, segment.hi, bucketer);
    }
    return bucketer.finish();
  });
  // Blocks keep no time for their first point; the series' very first one anchors the estimates.
  const anchors = series.filter((s) => s.x.length > 0 && Number.isNaN(s.t[0]!));
  const times = reader.firstTimes(key, anchors.map((s) => [s.id, s.x[0]!]));
  anchors.forEach((s, i) => (s.t[0] = times[i]!));
  for (const s of series) interpolateTimes(s);
  return { key, range, plan, series: options.range ? series.map((s) => addContext(s, reader, s.id, key, range)) : series };
}

/**
 * The baseline: every point of the metric for each run, in the same column form. What a chart
 * without M4 would have to load (and what the benchmark compares against).
 */
export function fullSeries(store: Store, runIds: readonly number[], key: string, range?: StepRange): Series[] {
  const statement = store.db
    .prepare('SELECT step, timestamp, value FROM metrics WHERE run_id = ? AND key = ? AND step BETWEEN ? AND ? ORDER BY step, timestamp, seq')
    .raw(true);
  return runIds.map((id) => {
    const rows = statement.all(id, key, range?.lo ?? Number.MIN_SAFE_INTEGER, range?.hi ?? Number.MAX_SAFE_INTEGER) as [number, number, number | null][];
    const series: Series = { id, x: new Float64Array(rows.length), t: new Float64Array(rows.length), y: new Float64Array(rows.length), approx: new Uint32Array(0), points: rows.length };
    rows.forEach(([step, timestamp, value], i) => {
      series.x[i] = step;
      series.t[i] = timestamp;
      series.y[i] = finite(value) ? value : Number.NaN;
    });
    return series;
  });
}

export function emptySeries(id: number): Series {
  return { id, x: new Float64Array(0), t: new Float64Array(0), y: new Float64Array(0), approx: new Uint32Array(0), points: 0 };
}

export interface Segment {
  kind: 'points' | 'blocks';
  /** Steps for 'points', block numbers for 'blocks'; inclusive. */
  lo: number;
  hi: number;
}

/**
 * Splits a step range into runs of whole blocks (read from metric_blocks) and the steps around
 * them (read from the points): the partial blocks at both ends, and blocks not yet summarized.
 */
export function segments(range: StepRange, shift: number | null, dirty: readonly StepRange[]): Segment[] {
  if (shift === null) return [{ kind: 'points', lo: range.lo, hi: range.hi }];
  const size = 2 ** shift;
  let blockRuns: [number, number][] = [];
  const first = Math.ceil(range.lo / size);
  const last = Math.floor((range.hi + 1) / size) - 1;
  if (first <= last) blockRuns.push([first, last]);
  for (const d of dirty) {
    const a = Math.floor(d.lo / size);
    const b = Math.floor(d.hi / size);
    blockRuns = blockRuns.flatMap(([lo, hi]): [number, number][] => {
      if (b < lo || a > hi) return [[lo, hi]];
      const parts: [number, number][] = [];
      if (a > lo) parts.push([lo, a - 1]);
      if (b < hi) parts.push([b + 1, hi]);
      return parts;
    });
  }
  blockRuns.sort((p, q) => p[0] - q[0]);
  const result: Segment[] = [];
  let cursor = range.lo;
  for (const [lo, hi] of blockRuns) {
    if (lo * size > cursor) result.push({ kind: 'points', lo: cursor, hi: lo * size - 1 });
    result.push({ kind: 'blocks', lo, hi });
    cursor = (hi + 1) * size;
  }
  if (cursor <= range.hi) result.push({ kind: 'points', lo: cursor, hi: range.hi });
  return result;
}

/**
 * Fills the times only known to lie between exact ones (points inside blocks, first points of
 * blocks), linearly in x between the nearest exact neighbours. Block last points are exact, so
 * an estimate never strays beyond its own bucket.
 */
export function interpolateTimes(series: Series): void {
  const { x, t } = series;
  let before = -1;
  for (let i = 0; i < t.length; i++) {
    if (!Number.isNaN(t[i]!)) {
      before = i;
      continue;
    }
    let after = i + 1;
    while (after < t.length && Number.isNaN(t[after]!)) after++;
    for (let j = i; j < after; j++) {
      if (before >= 0 && after < t.length && x[after]! > x[before]!) {
        t[j] = Math.round(t[before]! + ((t[after]! - t[before]!) * (x[j]! - x[before]!)) / (x[after]! - x[before]!));
      } else t[j] = before >= 0 ? t[before]! : after < t.length ? t[after]! : 0;
    }
    before = after - 1;
    i = after - 1;
  }
}

/** Adds the nearest point on each side of a zoomed range, so lines run to the chart's edges. */
function addContext(series: Series, reader: MetricReader, runId: number, key: string, range: StepRange): Series {
  const before = reader.neighbour(runId, key, range.lo, 'before');
  const after = reader.neighbour(runId, key, range.hi, 'after');
  if (!before && !after) return series;
  const offset = before ? 1 : 0;
  const length = series.x.length + offset + (after ? 1 : 0);
  const result: Series = { ...series, x: new Float64Array(length), t: new Float64Array(length), y: new Float64Array(length), approx: series.approx.map((i) => i + offset) };
  result.x.set(series.x, offset);
  result.t.set(series.t, offset);
  result.y.set(series.y, offset);
  for (const [point, at] of [
    [before, 0],
    [after, length - 1],
  ] as const) {
    if (!point) continue;
    result.x[at] = point[0];
    result.t[at] = point[1];
    result.y[at] = finite(point[2]) ? point[2] : Number.NaN;
  }
  return result;
}
