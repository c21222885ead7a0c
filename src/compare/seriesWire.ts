import type { BucketPlan, Series, SeriesSet } from './m4.ts';
import type { StepRange } from '../store/metricBlocks.ts';

/**
 * A SeriesSet as one message carries it: every line's columns back to back in a single
 * Float64Array. A webview message with hundreds of typed arrays (100 runs × 4 columns) arrives
 * empty in code-server; one array per message always arrives, and costs no JSON either.
 */
export interface PackedSeriesSet {
  key: string;
  range: StepRange | null;
  plan: BucketPlan | null;
  /** Per line: its id, logged points, drawn points and approximate-point count. */
  ids: number[];
  points: number[];
  lengths: number[];
  approxLengths: number[];
  /** Line after line: x[length], t[length], y[length], approx[approxLength]. */
  data: Float64Array;
}

export function packSeriesSet(set: SeriesSet): PackedSeriesSet {
  const size = set.series.reduce((sum, s) => sum + s.x.length * 3 + s.approx.length, 0);
  const data = new Float64Array(size);
  let at = 0;
  for (const s of set.series) {
    for (const column of [s.x, s.t, s.y, s.approx]) {
      data.set(column, at);
      at += column.length;
    }
  }
  return {
    key: set.key,
    range: set.range,
    plan: set.plan,
    ids: set.series.map((s) => s.id),
    points: set.series.map((s) => s.points),
    lengths: set.series.map((s) => s.x.length),
    approxLengths: set.series.map((s) => s.approx.length),
    data,
  };
}

/** The lines again; x, t and y are views into the packed array (no copy). */
export function unpackSeriesSet(packed: PackedSeriesSet): SeriesSet {
  const expected = packed.lengths.reduce((sum, n, i) => sum + n * 3 + (packed.approxLengths[i] ?? 0), 0);
  if (packed.data.length !== expected || packed.ids.length !== packed.lengths.length) {
    throw new Error(`The series of ${packed.key} arrived incomplete (${packed.data.length} of ${expected} numbers).`);
  }
  const series: Series[] = [];
  let at = 0;
  const take = (n: number) => packed.data.subarray(at, (at += n));
  packed.ids.forEach((id, i) => {
    const length = packed.lengths[i]!;
    const x = take(length);
    const t = take(length);
    const y = take(length);
    series.push({ id, x, t, y, approx: Uint32Array.from(take(packed.approxLengths[i]!)), points: packed.points[i]! });
  });
  return { key: packed.key, range: packed.range, plan: packed.plan, series };
}
