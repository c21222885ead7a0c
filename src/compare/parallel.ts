import { formatMetric } from '../shared/format.ts';
import { isSystemMetric } from './metricGroups.ts';
import { type ParamTable, numericValues } from './params.ts';
import type { MetricSummary } from './summary.ts';
import { niceScale } from './ticks.ts';

/** One vertical axis: numeric axes span their values' range, categorical ones space their values evenly. */
export interface ParallelAxis {
  key: string;
  kind: 'param' | 'metric';
  numeric: boolean;
  /** Numeric axes: the values at the bottom (0) and top (1), round numbers at or beyond the data's range. */
  min: number | null;
  max: number | null;
  /** Numeric axes: round values to label, from min to max (one for an axis whose runs all agree). */
  ticks: number[];
  /** Categorical axes: the values, bottom to top, at evenly spaced ticks. */
  categories: string[];
}

export interface ParallelData {
  axes: ParallelAxis[];
  ids: number[];
  /** positions[line][axis] in [0, 1]; null where the run has no (finite) value. */
  positions: (number | null)[][];
  /** The value shown for positions[line][axis], as text. */
  labels: (string | null)[][];
  /** Axes left out to keep the chart readable. */
  omitted: number;
}

const MAX_AXES = 24;

/** Where a categorical value sits: evenly spaced ticks from 0 to 1 (a lone value in the middle). */
export function categoryPosition(index: number, count: number): number {
  return count <= 1 ? 0.5 : index / (count - 1);
}

/**
 * Params that differ between the runs, then the final value of each metric, as parallel axes.
 * Constant params are left out: a flat axis says nothing about what made runs differ; so are
 * system metrics (CPU, memory…), which describe the machine rather than the model.
 */
export function parallelData(ids: readonly number[], params: ParamTable, summaries: readonly MetricSummary[], metricKeys: readonly string[]): ParallelData {
  const axes: ParallelAxis[] = [];
  const columns: { positions: (number | null)[]; labels: (string | null)[] }[] = [];
  const column = new Map(params.ids.map((id, index) => [id, index]));
  params.keys.forEach((key, row) => {
    if (!params.differs[row]) return;
    const values = ids.map((id) => (column.has(id) ? params.values[row]![column.get(id)!]! : null));
    const numbers = numericValues(values);
    if (numbers) {
      const axis = numericAxis(key, 'param', numbers);
      axes.push(axis);
      columns.push({ positions: scale(numbers, axis), labels: values });
    } else {
      const categories = [...new Set(values.filter((v): v is string => v !== null))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
      axes.push({ key, kind: 'param', numeric: false, min: null, max: null, ticks: [], categories });
      columns.push({ positions: values.map((v) => (v === null ? null : categoryPosition(categories.indexOf(v), categories.length))), labels: values });
    }
  });
  const finals = new Map(summaries.map((s) => [`${s.id}\u0000${s.key}`, s]));
  for (const key of metricKeys) {
    if (isSystemMetric(key)) continue;
    const lasts = ids.map((id) => finals.get(`${id}\u0000${key}`)?.last);
    const numbers = lasts.map((last) => (typeof last === 'number' ? last : null));
    if (numbers.every((n) => n === null)) continue;
    const axis = numericAxis(key, 'metric', numbers);
    axes.push(axis);
    columns.push({ positions: scale(numbers, axis), labels: lasts.map((last) => (last === undefined ? null : typeof last === 'number' ? formatMetric(last) : last)) });
  }
  const kept = Math.min(axes.length, MAX_AXES);
  return {
    axes: axes.slice(0, kept),
    ids: [...ids],
    positions: ids.map((_, line) => columns.slice(0, kept).map((c) => c.positions[line]!)),
    labels: ids.map((_, line) => columns.slice(0, kept).map((c) => c.labels[line]!)),
    omitted: axes.length - kept,
  };
}

function numericAxis(key: string, kind: ParallelAxis['kind'], numbers: readonly (number | null)[]): ParallelAxis {
  const present = numbers.filter((n): n is number => n !== null);
  const { lo, hi, ticks } = niceScale(Math.min(...present), Math.max(...present));
  return { key, kind, numeric: true, min: lo, max: hi, ticks, categories: [] };
}

function scale(numbers: readonly (number | null)[], axis: ParallelAxis): (number | null)[] {
  const min = axis.min!;
  const max = axis.max!;
  return numbers.map((n) => (n === null ? null : max === min ? 0.5 : (n - min) / (max - min)));
}
