import type BetterSqlite3 from 'better-sqlite3';
import type { Db, Store } from '../store/database.ts';
import { BLOCK_SHIFTS, PACKED_FIELDS, type StepRange, hasDirtyBlocks, refreshDirtyBlocks, unpackFineBlocks } from '../store/metricBlocks.ts';

/**
 * Chart series that draw exactly like the full metric history at a given width, from a cost
 * bounded by that width (M4: Jugel et al., VLDB 2014). The x range is cut into at most `buckets`
 * buckets; each keeps its first, min, max and last point, so every spike survives. Long ranges
 * are read from metric_blocks (one row per 16/256/4096 steps), short ones from the points.
 * docs/compare.md explains the rules, including where NaN/±Inf gaps go and what is estimated.
 */

/**
 * One line of a chart, column-wise in typed arrays: VS Code hands typed arrays to a webview
 * without turning them into JSON, and they cost no boxing here.
 */
export interface Series {
  /** Run id (or model version id for production metrics). */
  id: number;
  /** Bucketing coordinate: the step (runs) or the timestamp (production metrics). */
  x: Float64Array;
  /** Wall time of each point, ms since epoch. */
  t: Float64Array;
  /** The value; NaN is a gap: NaN or ±Inf was logged there. */
  y: Float64Array;
  /**
   * Indexes of points whose position is only known to a block of the plan's level (a min, max
   * or gap read from metric_blocks): their value is exact; x is the middle of the logged steps
   * of that block and t is interpolated.
   */
  approx: Uint32Array;
  /** How many logged points the range holds (the series summarizes them). */
  points: number;
}

/** How a range is cut: bucket j holds x in [origin + j * width, origin + (j + 1) * width - 1]. */
export interface BucketPlan {
  origin: number;
  width: number;
  /** The block level read (4, 8 or 12: blocks of 16, 256, 4096 steps), or null: the points themselves. */
  shift: number | null;
}

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
const FINE_SHIFT = BLOCK_SHIFTS[0];
const COARSEST_SHIFT = BLOCK_SHIFTS[BLOCK_SHIFTS.length - 1]!;
const FINE_PER_COARSEST = 2 ** (COARSEST_SHIFT - FINE_SHIFT);

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

/** The prepared reads of one store, shared by the series of a request. */
class MetricReader {
  private readonly db: Db;
  private readonly statements = new Map<string, BetterSqlite3.Statement<unknown[]>>();

  constructor(db: Db) {
    this.db = db;
  }

  private statement(sql: string): BetterSqlite3.Statement<unknown[]> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[]>(sql).raw(true);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Per run, the step ranges of `key` written since the blocks were last summarized. */
  dirty(key: string): Map<number, StepRange[]> {
    const result = new Map<number, StepRange[]>();
    for (const [runId, lo, hi] of this.statement('SELECT run_id, lo, hi FROM metric_dirty WHERE key = ?').all(key) as [number, number, number][]) {
      result.set(runId, [...(result.get(runId) ?? []), { lo, hi }]);
    }
    return result;
  }

  points(runId: number, key: string, lo: number, hi: number, into: Bucketer): void {
    const rows = this.statement('SELECT step, timestamp, value FROM metrics WHERE run_id = ? AND key = ? AND step BETWEEN ? AND ? ORDER BY step, timestamp, seq').all(
      runId,
      key,
      lo,
      hi,
    ) as [number, number, number | null][];
    for (const [step, timestamp, value] of rows) into.addPoint(step, timestamp, value);
  }

  blocks(runId: number, key: string, shift: number, lo: number, hi: number, into: Bucketer): void {
    if (shift === FINE_SHIFT) {
      this.packedFineBlocks(runId, key, lo, hi, into);
      return;
    }
    this.blockRows(runId, key, shift, lo, hi, into);
  }

  private blockRows(runId: number, key: string, shift: number, lo: number, hi: number, into: Bucketer): void {
    const rows = this.statement(
      'SELECT n, nonfinite, min, max, first_step, first_value, last_step, last_value, last_timestamp FROM metric_blocks WHERE run_id = ? AND key = ? AND shift = ? AND block BETWEEN ? AND ? ORDER BY block',
    ).all(runId, key, shift, lo, hi) as BlockRow[];
    for (const row of rows) into.addBlock(...row);
  }

  /** Fine blocks lo..hi from the coarsest rows that pack them: a row per 256 blocks, not one per block. */
  private packedFineBlocks(runId: number, key: string, lo: number, hi: number, into: Bucketer): void {
    const rows = this.statement('SELECT block, fine FROM metric_blocks WHERE run_id = ? AND key = ? AND shift = ? AND block BETWEEN ? AND ? ORDER BY block').all(
      runId,
      key,
      COARSEST_SHIFT,
      Math.floor(lo / FINE_PER_COARSEST),
      Math.floor(hi / FINE_PER_COARSEST),
    ) as [number, Uint8Array | null][];
    const size = PACKED_FIELDS.length;
    for (const [coarse, fine] of rows) {
      if (fine === null) {
        // Not written by refreshDirtyBlocks (another tool's writer): its fine rows say the same.
        this.blockRows(runId, key, FINE_SHIFT, Math.max(lo, coarse * FINE_PER_COARSEST), Math.min(hi, (coarse + 1) * FINE_PER_COARSEST - 1), into);
        continue;
      }
      const f = unpackFineBlocks(fine);
      for (let at = 0; at < f.length; at += size) {
        const block = f[at]!;
        if (block < lo || block > hi) continue;
        into.addBlock(f[at + 1]!, f[at + 2]!, f[at + 3]!, f[at + 4]!, f[at + 5]!, f[at + 6]!, f[at + 7]!, f[at + 8]!, f[at + 9]!);
      }
    }
  }

  /** The earliest timestamp at each [run, step] pair, in one statement. */
  firstTimes(key: string, pairs: [number, number][]): number[] {
    if (pairs.length === 0) return [];
    const rows = this.statement(
      `SELECT (SELECT m.timestamp FROM metrics m WHERE m.run_id = p.value ->> 0 AND m.key = ? AND m.step = p.value ->> 1 ORDER BY m.timestamp LIMIT 1)
       FROM json_each(?) p ORDER BY p.key`,
    ).all(key, JSON.stringify(pairs)) as [number | null][];
    return rows.map(([timestamp]) => timestamp ?? Number.NaN);
  }

  neighbour(runId: number, key: string, step: number, direction: 'before' | 'after'): [number, number, number | null] | undefined {
    const sql =
      direction === 'before'
        ? 'SELECT step, timestamp, value FROM metrics WHERE run_id = ? AND key = ? AND step < ? ORDER BY step DESC, timestamp DESC, seq DESC LIMIT 1'
        : 'SELECT step, timestamp, value FROM metrics WHERE run_id = ? AND key = ? AND step > ? ORDER BY step, timestamp, seq LIMIT 1';
    return this.statement(sql).get(runId, key, step) as [number, number, number | null] | undefined;
  }
}

/** n, nonfinite, min, max, first_step, first_value, last_step, last_value, last_timestamp */
type BlockRow = [number, number, number | null, number | null, number, number | null, number, number | null, number];

function finite(value: number | null): value is number {
  return value !== null && Number.isFinite(value);
}

/** Collects points and block summaries in x order and emits each bucket's M4 points. */
export class Bucketer {
  private readonly plan: BucketPlan;
  private readonly id: number;
  private readonly out: Columns;
  private points = 0;
  private bucket = Number.NaN;
  private n = 0;
  private nonfinite = 0;
  private firstX = 0;
  private firstT = 0;
  private firstY: number | null = null;
  private lastX = 0;
  private lastT = 0;
  private lastY: number | null = null;
  private minY = Infinity;
  private minX = 0;
  private minT = 0;
  private minLo = 0;
  private minHi = 0;
  private maxY = -Infinity;
  private maxX = 0;
  private maxT = 0;
  private maxLo = 0;
  private maxHi = 0;
  private gapSeen = false;
  private gapX = 0;
  private gapT = 0;
  private gapLo = 0;
  private gapHi = 0;

  /** `range` sizes the columns: at most five points per bucket. */
  constructor(plan: BucketPlan, id: number, range: StepRange) {
    this.plan = plan;
    this.id = id;
    this.out = new Columns(5 * (Math.floor((range.hi - plan.origin) / plan.width) - Math.floor((range.lo - plan.origin) / plan.width) + 1));
  }

  private enter(x: number): void {
    const bucket = Math.floor((x - this.plan.origin) / this.plan.width);
    if (bucket === this.bucket) return;
    this.flush();
    this.bucket = bucket;
    this.n = 0;
    this.nonfinite = 0;
    this.minY = Infinity;
    this.maxY = -Infinity;
    this.gapSeen = false;
  }

  /** One logged point; x is its step (or timestamp), t its timestamp. */
  addPoint(x: number, t: number, value: number | null): void {
    this.enter(x);
    if (this.n === 0) {
      this.firstX = x;
      this.firstT = t;
      this.firstY = value;
    }
    this.lastX = x;
    this.lastT = t;
    this.lastY = value;
    this.n++;
    if (finite(value)) {
      if (value < this.minY) {
        this.minY = value;
        this.minX = this.minLo = this.minHi = x;
        this.minT = t;
      }
      if (value > this.maxY) {
        this.maxY = value;
        this.maxX = this.maxLo = this.maxHi = x;
        this.maxT = t;
      }
    } else {
      this.nonfinite++;
      if (!this.gapSeen) {
        this.gapSeen = true;
        this.gapX = this.gapLo = this.gapHi = x;
        this.gapT = t;
      }
    }
  }

  /**
   * One metric_blocks row (the block lies inside one bucket, since buckets are whole blocks).
   * A missing min, max or value is null, or NaN when it comes packed.
   */
  addBlock(n: number, nonfinite: number, min: number | null, max: number | null, firstStep: number, firstValue: number | null, lastStep: number, lastValue: number | null, lastTimestamp: number): void {
    this.enter(firstStep);
    if (this.n === 0) {
      this.firstX = firstStep;
      this.firstT = Number.NaN;
      this.firstY = firstValue;
    }
    this.lastX = lastStep;
    this.lastT = lastTimestamp;
    this.lastY = lastValue;
    this.n += n;
    // Inside a block only the value is known, so such points sit in the block's middle.
    const middle = (firstStep + lastStep) / 2;
    const at = firstStep === lastStep ? lastTimestamp : Number.NaN;
    if (min !== null && min < this.minY) {
      this.minY = min;
      this.minX = middle;
      this.minT = at;
      this.minLo = firstStep;
      this.minHi = lastStep;
    }
    if (max !== null && max > this.maxY) {
      this.maxY = max;
      this.maxX = middle;
      this.maxT = at;
      this.maxLo = firstStep;
      this.maxHi = lastStep;
    }
    if (nonfinite > 0) {
      this.nonfinite += nonfinite;
      if (!this.gapSeen) {
        this.gapSeen = true;
        this.gapX = middle;
        this.gapT = at;
        this.gapLo = firstStep;
        this.gapHi = lastStep;
      }
    }
  }

  private flush(): void {
    if (this.n === 0) return;
    const firstY = finite(this.firstY) ? this.firstY : null;
    this.emit(this.firstX, this.firstT, firstY, this.firstX, this.firstX);
    if (this.n > 1) {
      const lastY = finite(this.lastY) ? this.lastY : null;
      // An extreme found inside a block that equals the first or last value draws the same column.
      let minPending = this.minY !== Infinity && !(this.minX !== this.minLo && (this.minY === firstY || this.minY === lastY));
      let maxPending = this.maxY !== -Infinity && !(this.maxX !== this.maxLo && (this.maxY === firstY || this.maxY === lastY));
      // A NaN/±Inf inside the bucket breaks the line there; a nonfinite first or last point already does.
      let gapPending = this.nonfinite > 0 && firstY !== null && lastY !== null;
      // The inner points in x order (ties: min, max, gap); all lie between the first and last.
      while (minPending || maxPending || gapPending) {
        let pick = 0;
        let x = Infinity;
        if (minPending && this.minX < x) {
          pick = 1;
          x = this.minX;
        }
        if (maxPending && this.maxX < x) {
          pick = 2;
          x = this.maxX;
        }
        if (gapPending && this.gapX < x) pick = 3;
        if (pick === 1) {
          this.emit(this.minX, this.minT, this.minY, this.minLo, this.minHi);
          minPending = false;
        } else if (pick === 2) {
          this.emit(this.maxX, this.maxT, this.maxY, this.maxLo, this.maxHi);
          maxPending = false;
        } else {
          this.emit(this.gapX, this.gapT, null, this.gapLo, this.gapHi);
          gapPending = false;
        }
      }
      this.emit(this.lastX, this.lastT, lastY, this.lastX, this.lastX);
    }
    this.points += this.n;
    this.n = 0;
  }

  /** Appends a point unless it repeats the one before (an extreme that is also the first point). */
  private emit(x: number, t: number, y: number | null, lo: number, hi: number): void {
    const out = this.out;
    const last = out.length - 1;
    const value = y ?? Number.NaN;
    if (last >= 0 && out.x[last] === x && Object.is(out.y[last], value) && (out.t[last] === t || Number.isNaN(t))) return;
    out.push(x, t, value, lo !== hi);
  }

  finish(): Series {
    this.flush();
    return this.out.series(this.id, this.points);
  }
}

/** Growable typed columns. */
class Columns {
  x: Float64Array;
  t: Float64Array;
  y: Float64Array;
  private readonly approx: number[] = [];
  length = 0;

  constructor(capacity: number) {
    const size = Math.max(8, Math.min(capacity, 1 << 20));
    this.x = new Float64Array(size);
    this.t = new Float64Array(size);
    this.y = new Float64Array(size);
  }

  push(x: number, t: number, y: number, approx: boolean): void {
    if (this.length === this.x.length) {
      for (const column of ['x', 't', 'y'] as const) {
        const grown = new Float64Array(this.length * 2);
        grown.set(this[column]);
        this[column] = grown;
      }
    }
    if (approx) this.approx.push(this.length);
    this.x[this.length] = x;
    this.t[this.length] = t;
    this.y[this.length] = y;
    this.length++;
  }

  series(id: number, points: number): Series {
    return { id, x: this.x.slice(0, this.length), t: this.t.slice(0, this.length), y: this.y.slice(0, this.length), approx: Uint32Array.from(this.approx), points };
  }
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
