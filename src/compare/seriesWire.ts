import type { BucketPlan, Series, SeriesSet } from './m4.ts';
import { type PackedColumns, packColumns, unpackColumns } from './packColumns.ts';
import type { StepRange } from '../store/metricBlocks.ts';

/**
 * A SeriesSet as one message carries it: every line's columns packed into one Float64Array
 * (see packColumns), since a message with hundreds of typed arrays (100 runs × 4 columns)
 * arrives empty in code-server.
 */
export interface PackedSeriesSet extends PackedColumns {
  key: string;
  range: StepRange | null;
  plan: BucketPlan | null;
  /** Per line: its id and logged points. Its columns are x, t, y, approx, line after line. */
  ids: number[];
  points: number[];
}

const columnsPerLine = 4;

export function packSeriesSet(set: SeriesSet): PackedSeriesSet {
  const { data, offsets } = packColumns(set.series.flatMap((s) => [s.x, s.t, s.y, s.approx]));
  return {
    key: set.key,
    range: set.range,
    plan: set.plan,
    ids: set.series.map((s) => s.id),
    points: set.series.map((s) => s.points),
    data,
    offsets,
  };
}

/** The lines again; x, t and y are views into the packed array (no copy). */
export function unpackSeriesSet(packed: PackedSeriesSet): SeriesSet {
  if (packed.offsets.length !== packed.ids.length * columnsPerLine + 1) {
    throw new Error(`The series of ${packed.key} arrived incomplete (${packed.offsets.length - 1} columns for ${packed.ids.length} lines).`);
  }
  let columns: Float64Array[];
  try {
    columns = unpackColumns(packed);
  } catch (error) {
    throw new Error(`The series of ${packed.key}: ${(error as Error).message}`, { cause: error });
  }
  const series: Series[] = packed.ids.map((id, i) => {
    const [x, t, y, approx] = columns.slice(i * columnsPerLine, (i + 1) * columnsPerLine) as [Float64Array, Float64Array, Float64Array, Float64Array];
    return { id, x, t, y, approx: Uint32Array.from(approx), points: packed.points[i]! };
  });
  return { key: packed.key, range: packed.range, plan: packed.plan, series };
}
