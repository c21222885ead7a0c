import * as fs from 'node:fs';
import { formatMetric, truncateLabel } from '../shared/format.ts';
import { seededRandom } from '../shared/random.ts';
import {
  BinIndexer,
  type ChiSquareResult,
  PSI_EPSILON,
  binIndex,
  chiSquareHomogeneity,
  ksFromBins,
  ksPValue,
  ksStatistic,
  populationStabilityIndex,
  quantileEdges,
} from './stats.ts';
import { MISSING, NUMBER, type TableRow } from '../shared/table/cells.ts';
import { TableError, readRows, readTable } from '../shared/table/tableReader.ts';

export { classifyCell } from '../shared/table/cells.ts';

/**
 * Data drift between a reference snapshot (what the model was trained on) and a current one,
 * column by column, streamed so memory does not grow with the files (docs/monitoring.md):
 *
 * 1. reference, pass 1: per column, a fixed-size reservoir sample of the numbers, counts of
 *    missing and non-numeric values, and category counts (the first `categoryLimit` distinct values);
 *    a column is numeric when at least 99% of its non-missing values are numbers;
 * 2. reference, pass 2 (skipped when every reservoir holds all its column's values and no
 *    categorical column overflowed): exact counts in the bins drawn from the reservoir;
 * 3. current, one pass: exact counts in the same bins, plus a reservoir for the exact KS statistic.
 */

export interface DriftThresholds {
  psiWarning: number;
  psiAlert: number;
  pValue: number;
}

export const DEFAULT_THRESHOLDS: DriftThresholds = { psiWarning: 0.1, psiAlert: 0.25, pValue: 0.05 };

export type DriftLevel = 'stable' | 'warning' | 'drift';
export type ColumnKind = 'numeric' | 'categorical';

/** Share of non-missing values that must read as numbers for a column to be numeric. */
export const NUMERIC_SHARE = 0.99;
export const DEFAULT_BINS = 10;
export const DEFAULT_CATEGORY_LIMIT = 1000;
/** Categories shown per column in the report's histogram; the rest are summed into one bar. */
export const SHOWN_CATEGORIES = 20;
/** Numbers kept per column and side, from a total budget so wide files stay bounded too. */
export function defaultSampleSize(columns: number): number {
  return Math.max(1024, Math.min(16_384, Math.floor(2_097_152 / Math.max(1, columns))));
}

export interface DriftOptions {
  thresholds?: DriftThresholds;
  signal?: AbortSignal | undefined;
  /** fraction in [0, 1] and what is happening. */
  onProgress?: ((fraction: number, message: string) => void) | undefined;
  bins?: number;
  categoryLimit?: number;
  sampleSize?: number;
}

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

export interface DriftReport {
  referencePath: string;
  currentPath: string;
  createdAt: number;
  referenceRows: number;
  currentRows: number;
  verdict: DriftLevel;
  worstPsi: number | null;
  significantColumns: number;
  thresholds: DriftThresholds;
  method: { bins: number; sampleSize: number; categoryLimit: number; psiEpsilon: number; numericShare: number };
  /** Worst first: by level, then PSI, then p-value. */
  columns: ColumnDrift[];
}

/** The user cancelled a drift check; nothing was stored. */
export class DriftCancelled extends Error {
  override readonly name = 'DriftCancelled';
  constructor() {
    super('The drift check was cancelled.');
  }
}

/** Numbers binned at a time per column. */
const PENDING_BATCH = 4096;

/** Algorithm R: a uniform sample of at most `capacity` numbers from a stream of any length. */
class Reservoir {
  readonly values: Float64Array;
  seen = 0;
  private readonly random: () => number;
  constructor(capacity: number, seed: number) {
    this.values = new Float64Array(capacity);
    this.random = seededRandom(seed);
  }
  add(value: number): void {
    if (this.seen < this.values.length) this.values[this.seen] = value;
    else {
      const slot = Math.floor(this.random() * (this.seen + 1));
      if (slot < this.values.length) this.values[slot] = value;
    }
    this.seen++;
  }
  /** Holds every value it was given. */
  get complete(): boolean {
    return this.seen <= this.values.length;
  }
  sorted(): Float64Array {
    return this.values.slice(0, Math.min(this.seen, this.values.length)).sort();
  }
}

/** Pass 1 over the reference: everything needed to decide the column's kind and bins. */
class ReferenceColumn {
  numbers = 0;
  missing = 0;
  nonNumeric = 0;
  nonNumericExample: string | undefined;
  readonly reservoir: Reservoir;
  readonly categories = new Map<string, number>();
  categoryCounts: number[] = [];
  /** More distinct values than the limit: counts of the first ones are redone in pass 2 if needed. */
  overflowed = false;
  private readonly categoryLimit: number;

  constructor(sampleSize: number, categoryLimit: number, seed: number) {
    this.reservoir = new Reservoir(sampleSize, seed);
    this.categoryLimit = categoryLimit;
  }

  add(row: TableRow, column: number): void {
    const kind = row.kind(column);
    if (kind === MISSING) {
      this.missing++;
      return;
    }
    if (kind === NUMBER) {
      this.numbers++;
      this.reservoir.add(row.numberAt(column));
    } else {
      this.nonNumeric++;
      this.nonNumericExample ??= row.textAt(column);
    }
    if (this.overflowed) return;
    const key = row.textAt(column);
    const index = this.categories.get(key);
    if (index !== undefined) this.categoryCounts[index]!++;
    else if (this.categories.size < this.categoryLimit) {
      this.categories.set(key, this.categoryCounts.length);
      this.categoryCounts.push(1);
    } else this.overflowed = true;
  }

  get kind(): ColumnKind {
    return this.numbers > 0 && this.numbers >= NUMERIC_SHARE * (this.numbers + this.nonNumeric) ? 'numeric' : 'categorical';
  }
}

/**
 * Counts of one side of a numeric column in fine bins: one per distinct value of the reference
 * sample. The decile bins of PSI are unions of fine bins (their edges are sample values too), so
 * each value costs one binary search.
 */
class NumericCounts {
  private readonly counts: Float64Array;
  /** Numbers waiting to be binned: a batch per column keeps that column's lookup tables in cache. */
  private readonly pending = new Float64Array(PENDING_BATCH);
  private pendingCount = 0;
  missing = 0;
  nonNumeric = 0;
  nonNumericExample: string | undefined;
  /** Every number seen, while there are at most `keep` of them: for the exact KS statistic. */
  private kept: Float64Array | undefined;
  private count = 0;
  private readonly edges: Float64Array;
  private readonly bins: BinIndexer;

  constructor(edges: Float64Array, keep: number) {
    this.edges = edges;
    this.bins = new BinIndexer(edges);
    this.counts = new Float64Array(edges.length + 1);
    this.kept = keep > 0 ? new Float64Array(keep) : undefined;
  }

  add(row: TableRow, column: number): void {
    const kind = row.kind(column);
    if (kind === NUMBER) this.addNumber(row.numberAt(column));
    else if (kind === MISSING) this.missing++;
    else {
      this.nonNumeric++;
      this.nonNumericExample ??= row.textAt(column);
    }
  }

  addNumber(value: number): void {
    this.pending[this.pendingCount++] = value;
    if (this.pendingCount === PENDING_BATCH) this.binPending();
    if (this.kept) {
      if (this.count < this.kept.length) this.kept[this.count] = value;
      else this.kept = undefined;
    }
    this.count++;
  }

  private binPending(): void {
    const { pending, counts, bins } = this;
    for (let i = 0; i < this.pendingCount; i++) counts[bins.index(pending[i]!)]!++;
    this.pendingCount = 0;
  }

  /** Counts per fine bin. */
  get fine(): Float64Array {
    this.binPending();
    return this.counts;
  }

  /** All numbers seen, sorted, or undefined when there were more than could be kept. */
  all(): Float64Array | undefined {
    return this.kept?.slice(0, this.count).sort();
  }

  /** Counts in the bins (-inf, e1], (e1, e2], ... of `psiEdges`, a subset of the fine edges. */
  coarse(psiEdges: readonly number[]): Float64Array {
    const counts = new Float64Array(psiEdges.length + 1);
    const fine = this.fine;
    for (let i = 0; i < fine.length; i++) {
      counts[i < this.edges.length ? binIndex(psiEdges, this.edges[i]!) : psiEdges.length]! += fine[i]!;
    }
    return counts;
  }
}

/** Counts of one side of a categorical column, indexed like the reference's categories. */
class CategoryCounts {
  readonly counts: number[];
  /** Categories first seen on this side (the current one), after the reference's. */
  readonly added = new Map<string, number>();
  other = 0;
  missing = 0;
  private readonly known: ReadonlyMap<string, number>;
  private readonly newLimit: number;

  /** `newLimit`: how many categories unknown to the reference get a count of their own before "(other)". */
  constructor(known: ReadonlyMap<string, number>, newLimit: number) {
    this.known = known;
    this.counts = new Array<number>(known.size).fill(0);
    this.newLimit = newLimit;
  }

  add(row: TableRow, column: number): void {
    if (row.kind(column) === MISSING) {
      this.missing++;
      return;
    }
    const key = row.textAt(column);
    const index = this.known.get(key) ?? this.added.get(key);
    if (index !== undefined) this.counts[index]!++;
    else if (this.added.size < this.newLimit) {
      this.added.set(key, this.counts.length);
      this.counts.push(1);
    } else this.other++;
  }
}

type ColumnPlan =
  | { kind: 'numeric'; name: string; ref: ReferenceColumn; psiEdges: number[]; ksEdges: Float64Array; refCounts: NumericCounts; recount: boolean }
  | { kind: 'categorical'; name: string; ref: ReferenceColumn; refCounts: CategoryCounts; recount: boolean };

/** Reads just the header of a table. */
export async function readColumns(file: string): Promise<readonly string[]> {
  const stop = new AbortController();
  let columns: readonly string[] | undefined;
  try {
    await readTable(file, { header: (names) => ((columns = names), stop.abort()), row: () => undefined }, { signal: stop.signal, chunkBytes: 64 * 1024 });
  } catch (error) {
    if (!columns) throw error;
  }
  return columns!;
}

/** Checks that both files have the same column names (in any order), before any long work. */
export async function checkSameColumns(referencePath: string, currentPath: string): Promise<readonly string[]> {
  const [reference, current] = await Promise.all([readColumns(referencePath), readColumns(currentPath)]);
  const missing = reference.filter((c) => !current.includes(c));
  const extra = current.filter((c) => !reference.includes(c));
  if (missing.length || extra.length) {
    const parts = [];
    if (missing.length) parts.push(`missing ${quoteList(missing)}`);
    if (extra.length) parts.push(`extra ${quoteList(extra)}`);
    throw new TableError(
      `${currentPath} does not have the same columns as ${referencePath}: ${parts.join('; ')}. Compare two snapshots of the same table (the column order may differ).`,
    );
  }
  return reference;
}

function quoteList(names: readonly string[]): string {
  const shown = names.slice(0, 5).map((n) => `"${n}"`);
  return names.length > 5 ? `${shown.join(', ')} and ${names.length - 5} more` : shown.join(', ');
}

/** Compares a current data snapshot with a reference one. Throws TableError for bad input, DriftCancelled when cancelled. */
export async function checkDrift(referencePath: string, currentPath: string, options: DriftOptions = {}): Promise<DriftReport> {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const bins = options.bins ?? DEFAULT_BINS;
  const categoryLimit = options.categoryLimit ?? DEFAULT_CATEGORY_LIMIT;
  const columns = await checkSameColumns(referencePath, currentPath);
  const sampleSize = options.sampleSize ?? defaultSampleSize(columns.length);
  const refBytes = fs.statSync(referencePath).size;
  const curBytes = fs.statSync(currentPath).size;
  let totalBytes = 2 * refBytes + curBytes;
  let doneBytes = 0;
  const progress = (message: string) => (bytes: number) => options.onProgress?.(Math.min(1, (doneBytes + bytes) / totalBytes), message);
  const read = async (file: string, visit: (row: TableRow) => void, message: string, order?: (names: readonly string[]) => void) => {
    try {
      const rows = await readRows(file, { header: (names) => order?.(names), row: visit }, { signal: options.signal, onBytes: progress(message) });
      doneBytes += fs.statSync(file).size;
      return rows;
    } catch (error) {
      if (options.signal?.aborted) throw new DriftCancelled();
      throw error;
    }
  };

  // Pass 1: the reference.
  const refColumns = columns.map((_, index) => new ReferenceColumn(sampleSize, categoryLimit, 0x5eed + index));
  const referenceRows = await read(
    referencePath,
    (row) => {
      for (let j = 0; j < refColumns.length; j++) refColumns[j]!.add(row, j);
    },
    'Reading the reference (pass 1)',
  );

  const plans: ColumnPlan[] = refColumns.map((ref, index) => planColumn(columns[index]!, ref, bins));

  // Pass 2: exact reference counts where pass 1 could not keep them.
  const recount = plans.filter((plan) => plan.recount);
  if (recount.length) {
    const indexes = recount.map((plan) => columns.indexOf(plan.name));
    await read(
      referencePath,
      (row) => {
        for (let k = 0; k < recount.length; k++) recount[k]!.refCounts.add(row, indexes[k]!);
      },
      'Counting the reference (pass 2)',
    );
  } else {
    totalBytes -= refBytes;
  }

  // The current snapshot, columns matched by name.
  const curCounts = plans.map((plan) =>
    plan.kind === 'numeric'
      ? new NumericCounts(plan.ksEdges, plan.ref.reservoir.complete ? sampleSize : 0)
      : new CategoryCounts(plan.ref.categories, categoryLimit),
  );
  let positions: number[] = [];
  const currentRows = await read(
    currentPath,
    (row) => {
      for (let j = 0; j < curCounts.length; j++) curCounts[j]!.add(row, positions[j]!);
    },
    'Reading the current snapshot',
    (names) => {
      positions = columns.map((name) => names.indexOf(name));
    },
  );

  const results = plans.map((plan, index) =>
    plan.kind === 'numeric'
      ? numericDrift(plan, curCounts[index] as NumericCounts, referenceRows, currentRows, thresholds)
      : categoricalDrift(plan, curCounts[index] as CategoryCounts, referenceRows, currentRows, thresholds, categoryLimit),
  );
  results.sort(worstFirst);
  const worstPsi = results.length ? Math.max(...results.map((c) => c.psi)) : null;
  options.onProgress?.(1, 'Done');
  return {
    referencePath,
    currentPath,
    createdAt: Date.now(),
    referenceRows,
    currentRows,
    verdict: results.reduce<DriftLevel>((worst, c) => (LEVEL_RANK[c.level] > LEVEL_RANK[worst] ? c.level : worst), 'stable'),
    worstPsi,
    significantColumns: results.filter((c) => c.significant).length,
    thresholds,
    method: { bins, sampleSize, categoryLimit, psiEpsilon: PSI_EPSILON, numericShare: NUMERIC_SHARE },
    columns: results,
  };
}

function planColumn(name: string, ref: ReferenceColumn, bins: number): ColumnPlan {
  if (ref.kind === 'numeric') {
    const sorted = ref.reservoir.sorted();
    const psiEdges = quantileEdges(sorted, bins);
    const ksEdges = distinct(sorted);
    const recount = !ref.reservoir.complete;
    const refCounts = new NumericCounts(ksEdges, 0);
    if (!recount) {
      for (const value of sorted) refCounts.addNumber(value);
      refCounts.missing = ref.missing;
      refCounts.nonNumeric = ref.nonNumeric;
      refCounts.nonNumericExample = ref.nonNumericExample;
    }
    return { kind: 'numeric', name, ref, psiEdges, ksEdges, refCounts, recount };
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

function numericDrift(
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
      `${cur.nonNumeric.toLocaleString('en-US')} current value${cur.nonNumeric === 1 ? ' is' : 's are'} not a number (e.g. "${truncateLabel(cur.nonNumericExample!)}")${nonNumericShare > 1 - NUMERIC_SHARE ? ': the column may have changed type' : ''}.`,
    );
  }
  if (ref.nonNumeric > 0) notes.push(`${ref.nonNumeric.toLocaleString('en-US')} reference value${ref.nonNumeric === 1 ? ' is' : 's are'} not a number (e.g. "${truncateLabel(ref.nonNumericExample!)}"); they count in a bin of their own.`);
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

function categoricalDrift(
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
  if (ref.other || cur.other) notes.push(`More than ${categoryLimit.toLocaleString('en-US')} distinct values: the first ones seen are compared one by one, the rest together as "(other)".`);
  if (cur.added.size) notes.push(`${cur.added.size.toLocaleString('en-US')} categor${cur.added.size === 1 ? 'y appears' : 'ies appear'} only in the current snapshot (e.g. "${truncateLabel(cur.added.keys().next().value!)}").`);

  // The largest categories by share on either side, the rest summed into one bar.
  const refTotal = sumOf(refCells) || 1;
  const curTotal = sumOf(curCells) || 1;
  const order = names.map((_, i) => i).sort((a, b) => Math.max(refCells[b]! / refTotal, curCells[b]! / curTotal) - Math.max(refCells[a]! / refTotal, curCells[a]! / curTotal));
  const histogram: HistogramBar[] = order.slice(0, SHOWN_CATEGORIES).map((i) => ({ label: names[i]!, reference: refCells[i]!, current: curCells[i]! }));
  const rest = order.slice(SHOWN_CATEGORIES);
  if (rest.length) {
    histogram.push({ label: `(${rest.length.toLocaleString('en-US')} more categories)`, reference: sumOf(rest.map((i) => refCells[i]!)), current: sumOf(rest.map((i) => curCells[i]!)) });
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

const LEVEL_RANK: Record<DriftLevel, number> = { stable: 0, warning: 1, drift: 2 };

function worstFirst(a: ColumnDrift, b: ColumnDrift): number {
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

