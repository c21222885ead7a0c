/**
 * Metric points read from one MLflow metric file, numbered where several share a step and a
 * timestamp. MLflow keeps every such point, and reports as latest the one with the largest
 * (step, timestamp, value); numbering ties by value, NaN first, makes our last point the same one.
 */
export class ChunkPoints {
  readonly steps: number[] = [];
  readonly timestamps: number[] = [];
  readonly values: number[] = [];

  push(step: number, timestamp: number, value: number): void {
    this.steps.push(step);
    this.timestamps.push(timestamp);
    this.values.push(value);
  }

  get length(): number {
    return this.steps.length;
  }
}

/** NaN first, then ascending. */
function byValue(a: number, b: number): number {
  return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : Number.isNaN(b) ? 1 : a - b;
}

/**
 * Calls `emit` for every point with its seq: 0 for a point alone at its step and timestamp, and
 * `pointsBefore` plus its rank among the points that share them. `pointsBefore` counts the points
 * an earlier read of the same file stored there (for reads that start mid-file).
 */
export function numberTies(points: ChunkPoints, pointsBefore: ((step: number, timestamp: number) => number) | undefined, emit: (step: number, timestamp: number, value: number, seq: number) => void): void {
  const { steps, timestamps, values } = points;
  const n = points.length;
  let ordered = true;
  let tied = false;
  for (let i = 1; i < n; i++) {
    const step = steps[i]! - steps[i - 1]!;
    const time = timestamps[i]! - timestamps[i - 1]!;
    if (step < 0 || (step === 0 && time < 0)) ordered = false;
    else if (step === 0 && time === 0) tied = true;
  }
  if (ordered && !tied && !pointsBefore) {
    for (let i = 0; i < n; i++) emit(steps[i]!, timestamps[i]!, values[i]!, 0);
    return;
  }
  const order = Array.from({ length: n }, (_, i) => i);
  if (!ordered) order.sort((a, b) => steps[a]! - steps[b]! || timestamps[a]! - timestamps[b]!);
  for (let i = 0; i < n; ) {
    const first = order[i]!;
    let j = i + 1;
    while (j < n && steps[order[j]!] === steps[first] && timestamps[order[j]!] === timestamps[first]) j++;
    const group = order.slice(i, j);
    if (group.length > 1) group.sort((a, b) => byValue(values[a]!, values[b]!));
    const base = pointsBefore ? pointsBefore(steps[first]!, timestamps[first]!) : 0;
    group.forEach((k, rank) => emit(steps[k]!, timestamps[k]!, values[k]!, base + rank));
    i = j;
  }
}
