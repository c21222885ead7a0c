/**
 * Compare Groups: one line per group of runs, the mean of its members at each step, with a band
 * (min–max or ±1 standard deviation). Runs are aligned by step; at each step the stats are over
 * the members that logged that step, so runs of different lengths or with missing steps count
 * only where they have a value. Computed from every logged point of every member (exact), then
 * cut to the chart's width the M4 way (docs/compare.md says what that keeps).
 */
import type { Store } from '../store/database.ts';
import type { StepRange } from '../store/metricBlocks.ts';

/** One run's history of one metric: one value per step (the last logged there), steps ascending. NaN: a NaN was logged. */
export interface StepValues {
  steps: Float64Array;
  values: Float64Array;
}

/** Per step across a group's members, columns of equal length, steps ascending. */
export interface StepStats {
  step: Float64Array;
  /** Mean of the members' values that are not NaN; ±Inf propagate (+Inf and -Inf together: NaN). NaN when none. */
  mean: Float64Array;
  /** Population standard deviation of the same values (NaN when one of them is infinite, or none). */
  std: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** How many members have a value (not NaN) at the step: what the mean is over. */
  count: Float64Array;
  /** How many members logged a NaN at the step (left out of the stats). */
  nan: Float64Array;
}

/** The stats of each step any member logged. */
export function stepStats(members: readonly StepValues[]): StepStats {
  const all = new Set<number>();
  for (const member of members) for (const step of member.steps) all.add(step);
  const steps = Float64Array.from(all).sort();
  const n = steps.length;
  const sum = new Float64Array(n);
  const count = new Float64Array(n);
  const nan = new Float64Array(n);
  const min = new Float64Array(n).fill(Infinity);
  const max = new Float64Array(n).fill(-Infinity);
  // Each member's steps are ascending: walk them beside the union.
  const at = (member: StepValues, visit: (index: number, value: number) => void) => {
    let j = 0;
    for (let i = 0; i < member.steps.length; i++) {
      while (steps[j]! < member.steps[i]!) j++;
      visit(j, member.values[i]!);
    }
  };
  for (const member of members) {
    at(member, (j, value) => {
      if (Number.isNaN(value)) {
        nan[j]!++;
        return;
      }
      sum[j]! += value;
      count[j]!++;
      if (value < min[j]!) min[j] = value;
      if (value > max[j]!) max[j] = value;
    });
  }
  const mean = sum.map((s, j) => (count[j]! > 0 ? s / count[j]! : Number.NaN));
  const squares = new Float64Array(n);
  for (const member of members) {
    at(member, (j, value) => {
      if (!Number.isNaN(value)) squares[j]! += (value - mean[j]!) ** 2;
    });
  }
  const std = squares.map((s, j) => (count[j]! > 0 ? Math.sqrt(s / count[j]!) : Number.NaN));
  for (let j = 0; j < n; j++) {
    if (count[j] === 0) min[j] = max[j] = Number.NaN;
  }
  return { step: steps, mean, std, min, max, count, nan };
}

/** The points of a group line as drawn: columns of equal length. */
export interface GroupLine {
  step: Float64Array;
  mean: Float64Array;
  count: Float64Array;
  nan: Float64Array;
  /** The band around each drawn point: the lowest and highest of its bucket (exact per bucket). */
  minLo: Float64Array;
  minHi: Float64Array;
  stdLo: Float64Array;
  stdHi: Float64Array;
  /** Steps the mean is over, before cutting to the width. */
  steps: number;
}

/** Faint member lines drawn per group at most: more bury the mean. */
export const MAX_MEMBER_LINES = 10;

export const GROUP_LINE_COLUMNS = ['step', 'mean', 'count', 'nan', 'minLo', 'minHi', 'stdLo', 'stdHi'] as const;

/**
 * Cuts the stats to at most `buckets` buckets of equal step width. Each bucket keeps the steps of
 * its first, lowest, highest and last mean and its first NaN mean (a gap), so the mean line draws
 * as with every step; each kept point carries its bucket's band envelope (lowest min and highest
 * max; lowest mean - std and highest mean + std), so the band covers every step's band.
 */
export function groupLine(stats: StepStats, buckets: number): GroupLine {
  const n = stats.step.length;
  const keep: number[] = [];
  const bandOf: number[] = [];
  const bands: [number, number, number, number][] = [];
  if (n > 0) {
    const lo = stats.step[0]!;
    const width = Math.max(1, Math.ceil((stats.step[n - 1]! - lo + 1) / Math.max(1, Math.floor(buckets))));
    let start = 0;
    while (start < n) {
      const bucket = Math.floor((stats.step[start]! - lo) / width);
      let end = start;
      while (end < n && Math.floor((stats.step[end]! - lo) / width) === bucket) end++;
      const band: [number, number, number, number] = [Infinity, -Infinity, Infinity, -Infinity];
      let low = -1;
      let high = -1;
      let gap = -1;
      for (let i = start; i < end; i++) {
        const mean = stats.mean[i]!;
        if (Number.isNaN(mean)) {
          if (gap < 0) gap = i;
          continue;
        }
        if (low < 0 || mean < stats.mean[low]!) low = i;
        if (high < 0 || mean > stats.mean[high]!) high = i;
        band[0] = Math.min(band[0], stats.min[i]!);
        band[1] = Math.max(band[1], stats.max[i]!);
        if (!Number.isNaN(stats.std[i]!)) {
          band[2] = Math.min(band[2], mean - stats.std[i]!);
          band[3] = Math.max(band[3], mean + stats.std[i]!);
        }
      }
      bands.push(band.map((v) => (Number.isFinite(v) ? v : Number.NaN)) as [number, number, number, number]);
      for (const i of [...new Set([start, low, high, gap, end - 1])].filter((i) => i >= 0).sort((a, b) => a - b)) {
        keep.push(i);
        bandOf.push(bands.length - 1);
      }
      start = end;
    }
  }
  const pick = (column: Float64Array) => Float64Array.from(keep, (i) => column[i]!);
  const band = (k: number) => Float64Array.from(bandOf, (b) => bands[b]![k]!);
  return {
    step: pick(stats.step),
    mean: pick(stats.mean),
    count: pick(stats.count),
    nan: pick(stats.nan),
    minLo: band(0),
    minHi: band(1),
    stdLo: band(2),
    stdHi: band(3),
    steps: n,
  };
}

/**
 * Each run's values of `key` in `range` (all steps when absent), one per step: the last logged
 * there (by timestamp), as the summary's last value is. NaN was stored as NULL and reads as NaN.
 */
export function stepValues(store: Store, runIds: readonly number[], key: string, range?: StepRange): StepValues[] {
  const statement = store.db
    .prepare('SELECT step, value FROM metrics WHERE run_id = ? AND key = ? AND step BETWEEN ? AND ? ORDER BY step, timestamp, seq')
    .raw(true);
  return runIds.map((id) => {
    const rows = statement.all(id, key, range?.lo ?? Number.MIN_SAFE_INTEGER, range?.hi ?? Number.MAX_SAFE_INTEGER) as [number, number | null][];
    const steps: number[] = [];
    const values: number[] = [];
    for (const [step, value] of rows) {
      if (steps.at(-1) === step) values[values.length - 1] = value ?? Number.NaN;
      else {
        steps.push(step);
        values.push(value ?? Number.NaN);
      }
    }
    return { steps: Float64Array.from(steps), values: Float64Array.from(values) };
  });
}
