/** One column of a drift report: its bins or categories from the reference, then its PSI, test and notes. */
import { formatMetric, truncateLabel, formatCount } from '../shared/format.ts';
import { CategoryCounts, type ColumnKind, NUMERIC_SHARE, NumericCounts, ReferenceColumn } from './driftCounters.ts';
import { type ChiSquareResult, chiSquareHomogeneity, ksFromBins, ksPValue, ksStatistic, populationStabilityIndex, quantileEdges } from './stats.ts';

export interface DriftThresholds {
  psiWarning: number;
  psiAlert: number;
  pValue: number;
}

export const DEFAULT_THRESHOLDS: DriftThresholds = { psiWarning: 0.1, psiAlert: 0.25, pValue: 0.05 };

export type DriftLevel = 'stable' | 'warning' | 'drift';

/** Categories shown per column in the report's histogram; the rest are summed into one bar. */
const SHOWN_CATEGORIES = 20;
export interface SideSummary {
  /** Rows in the file. */
  rows: number;
  missing: number;
  /** Values that are not numbers (for a numeric column) or, for a categorical one, 0. */
  nonNumeric: number;
  /** One non-numeric value, quoted in notes so people can find it. */
  nonNumericExample?: string;
}

export interface HistogramBar {
  label: string;
  reference: number;
  current: number;
}

export interface ColumnDrift {
  name: string;
  kind: ColumnKind;
  level: DriftLevel;
  psi: number;
  /** Numeric columns: two-sample Kolmogorov–Smirnov. `exact` false means read from fine bins: the true statistic is within [statistic, upperBound]. */
  ks?: { statistic: number; pValue: number; exact: boolean; upperBound: number };
  /** Categorical columns: chi-square test of homogeneity. */
  chiSquare?: ChiSquareResult;
  /** The test's p-value is below the threshold. */
  significant: boolean;
  reference: SideSummary;
  current: SideSummary;
  /** Counts per bin (numeric) or category (categorical, the largest ones), both sides. */
  histogram: HistogramBar[];
  notes: string[];
}

export type ColumnPlan =
  | { kind: 'numeric'; name: string; ref: ReferenceColumn; psiEdges: number[]; ksEdges: Float64Array; refCounts: NumericCounts; recount: boolean }
  | { kind: 'categorical'; name: string; ref: ReferenceColumn; refCounts: CategoryCounts; recount: boolean };

/** The reference's numbers of one column, a chunk at a time, in any order. */
export type NumberSource = (visit: (values: Float64Array, count: number) => void) => void;

/** Chooses the column's bins from pass 1; a numeric column's exact counts come from `numbers`, a categorical one may need pass 2 (`recount`). */
export function planColumn(name: string, ref: ReferenceColumn, bins: number, numbers: NumberSource): ColumnPlan {
  if (ref.kind === 'numeric') {
    const sorted = ref.reservoir.sorted();
    const psiEdges = quantileEdges(sorted, bins);
    const ksEdges = distinct(sorted);
    const refCounts = new NumericCounts(ksEdges, 0);
    numbers((values, count) => refCounts.addNumbers(values, count));
    refCounts.missing = ref.missing;
    refCounts.nonNumeric = ref.nonNumeric;
    refCounts.nonNumericExample = ref.nonNumericExample;
    return { kind: 'numeric', name, ref, psiEdges, ksEdges, refCounts, recount: false };
  }
  const refCounts = new CategoryCounts(ref.categories, 0);
  if (!ref.overflowed) {
    refCounts.counts.splice(0, refCounts.counts.length, ...ref.categoryCounts);
    refCounts.missing = ref.missing;
  }
  return { kind: 'categorical', name, ref, refCounts, recount: ref.overflowed };
}

function distinct(sorted: Float64Array): Float64Array {
  const out = new Float64Array(sorted.length);
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (n === 0 || sorted[i]! !== out[n - 1]!) out[n++] = sorted[i]!;
  return out.slice(0, n);
}

function levelOf(psi: number, thresholds: DriftThresholds): DriftLevel {
  return psi >= thresholds.psiAlert ? 'drift' : psi >= thresholds.psiWarning ? 'warning' : 'stable';
}

export function numericDrift(
  plan: Extract<ColumnPlan, { kind: 'numeric' }>,
  cur: NumericCounts,
  referenceRows: number,
  currentRows: number,
  thresholds: DriftThresholds,
): ColumnDrift {
  const ref = plan.refCounts;
  const refBins = ref.coarse(plan.psiEdges);
  const curBins = cur.coarse(plan.psiEdges);
  // PSI over the value bins plus a "missing" and a "not a number" bin when either side has some.
  const extra = (refValue: number, curValue: number) => (refValue || curValue ? [[refValue, curValue]] : []);
  const specials = [...extra(ref.missing, cur.missing), ...extra(ref.nonNumeric, cur.nonNumeric)];
  const psi = populationStabilityIndex([...refBins, ...specials.map((s) => s[0]!)], [...curBins, ...specials.map((s) => s[1]!)]);

  const refValues = sumOf(refBins);
  const curValues = sumOf(curBins);
  let ks: ColumnDrift['ks'];
  if (refValues > 0 && curValues > 0) {
    const curAll = plan.ref.reservoir.complete ? cur.all() : undefined;
    if (curAll) {
      const statistic = ksStatistic(plan.ref.reservoir.sorted(), curAll);
      ks = { statistic, pValue: ksPValue(statistic, refValues, curValues), exact: true, upperBound: statistic };
    } else {
      const binned = ksFromBins(ref.fine, cur.fine);
      ks = { statistic: binned.statistic, pValue: ksPValue(binned.statistic, refValues, curValues), exact: false, upperBound: binned.upperBound };
    }
  }
  const notes: string[] = [];
  if (curValues === 0) notes.push('The current snapshot has no numbers in this column.');
  const nonNumericShare = cur.nonNumeric / Math.max(1, cur.nonNumeric + curValues);
  if (cur.nonNumeric > 0) {
    notes.push(
      `${formatCount(cur.nonNumeric)} current value${cur.nonNumeric === 1 ? ' is' : 's are'} not a number (e.g. "${truncateLabel(cur.nonNumericExample!)}")${nonNumericShare > 1 - NUMERIC_SHARE ? ': the column may have changed type' : ''}.`,
    );
  }
  if (ref.nonNumeric > 0) notes.push(`${formatCount(ref.nonNumeric)} reference value${ref.nonNumeric === 1 ? ' is' : 's are'} not a number (e.g. "${truncateLabel(ref.nonNumericExample!)}"); they count in a bin of their own.`);
  const histogram: HistogramBar[] = [];
  for (let i = 0; i < refBins.length; i++) histogram.push({ label: binLabel(plan.psiEdges, i), reference: refBins[i]!, current: curBins[i]! });
  if (ref.missing || cur.missing) histogram.push({ label: '(missing)', reference: ref.missing, current: cur.missing });
  if (ref.nonNumeric || cur.nonNumeric) histogram.push({ label: '(not a number)', reference: ref.nonNumeric, current: cur.nonNumeric });
  const significant = ks !== undefined && ks.pValue < thresholds.pValue;
  return {
    name: plan.name,
    kind: 'numeric',
    level: levelOf(psi, thresholds),
    psi,
    ...(ks ? { ks } : {}),
    significant,
    reference: side(referenceRows, ref.missing, ref.nonNumeric, ref.nonNumericExample),
    current: side(currentRows, cur.missing, cur.nonNumeric, cur.nonNumericExample),
    histogram,
    notes,
  };
}

export function categoricalDrift(
  plan: Extract<ColumnPlan, { kind: 'categorical' }>,
  cur: CategoryCounts,
  referenceRows: number,
  currentRows: number,
  thresholds: DriftThresholds,
  categoryLimit: number,
): ColumnDrift {
  const ref = plan.refCounts;
  const names = [...plan.ref.categories.keys(), ...cur.added.keys()];
  const refCells = names.map((_, i) => ref.counts[i] ?? 0);
  const curCells = names.map((_, i) => cur.counts[i] ?? 0);
  if (ref.other || cur.other) {
    names.push('(other)');
    refCells.push(ref.other);
    curCells.push(cur.other);
  }
  if (ref.missing || cur.missing) {
    names.push('(missing)');
    refCells.push(ref.missing);
    curCells.push(cur.missing);
  }
  const psi = populationStabilityIndex(refCells, curCells);
  const chiSquare = chiSquareHomogeneity(refCells, curCells);
  const notes: string[] = [];
  if (plan.ref.numbers + plan.ref.nonNumeric === 0) notes.push('The reference has no values in this column.');
  if (plan.ref.numbers > 0) notes.push(`Treated as categorical: only ${percent(plan.ref.numbers / (plan.ref.numbers + plan.ref.nonNumeric))} of the reference values are numbers (${percent(NUMERIC_SHARE)} needed).`);
  if (ref.other || cur.other) notes.push(`More than ${formatCount(categoryLimit)} distinct values: the first ones seen are compared one by one, the rest together as "(other)".`);
  if (cur.added.size) notes.push(`${formatCount(cur.added.size)} categor${cur.added.size === 1 ? 'y appears' : 'ies appear'} only in the current snapshot (e.g. "${truncateLabel(cur.added.keys().next().value!)}").`);

  // The largest categories by share on either side, the rest summed into one bar.
  const refTotal = sumOf(refCells) || 1;
  const curTotal = sumOf(curCells) || 1;
  const order = names.map((_, i) => i).sort((a, b) => Math.max(refCells[b]! / refTotal, curCells[b]! / curTotal) - Math.max(refCells[a]! / refTotal, curCells[a]! / curTotal));
  const histogram: HistogramBar[] = order.slice(0, SHOWN_CATEGORIES).map((i) => ({ label: names[i]!, reference: refCells[i]!, current: curCells[i]! }));
  const rest = order.slice(SHOWN_CATEGORIES);
  if (rest.length) {
    histogram.push({ label: `(${formatCount(rest.length)} more categories)`, reference: sumOf(rest.map((i) => refCells[i]!)), current: sumOf(rest.map((i) => curCells[i]!)) });
  }
  return {
    name: plan.name,
    kind: 'categorical',
    level: levelOf(psi, thresholds),
    psi,
    chiSquare,
    significant: chiSquare.dof > 0 && chiSquare.pValue < thresholds.pValue,
    reference: side(referenceRows, ref.missing, 0),
    current: side(currentRows, cur.missing, 0),
    histogram,
    notes,
  };
}

function side(rows: number, missing: number, nonNumeric: number, example?: string): SideSummary {
  return { rows, missing, nonNumeric, ...(example === undefined ? {} : { nonNumericExample: truncateLabel(example) }) };
}

function binLabel(edges: readonly number[], index: number): string {
  if (edges.length === 0) return 'all values';
  if (index === 0) return `≤ ${formatMetric(edges[0])}`;
  if (index === edges.length) return `> ${formatMetric(edges[edges.length - 1])}`;
  return `${formatMetric(edges[index - 1])} – ${formatMetric(edges[index])}`;
}

export const LEVEL_RANK: Record<DriftLevel, number> = { stable: 0, warning: 1, drift: 2 };

export function worstFirst(a: ColumnDrift, b: ColumnDrift): number {
  return LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || b.psi - a.psi || pValueOf(a) - pValueOf(b) || a.name.localeCompare(b.name);
}

export function pValueOf(column: ColumnDrift): number {
  return column.ks?.pValue ?? column.chiSquare?.pValue ?? 1;
}

function sumOf(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}

function percent(share: number): string {
  return `${Number((share * 100).toPrecision(3))}%`;
}
