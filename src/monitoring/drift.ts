import * as fs from 'node:fs';
import { NUMBER, type TableRow } from '../shared/table/cells.ts';
import { TableError, readRows, readTable } from '../shared/table/tableReader.ts';
import { ColumnNumbers } from './columnNumbers.ts';
import { CategoryCounts, NUMERIC_SHARE, NumericCounts, ReferenceColumn } from './driftCounters.ts';
import {
  type ColumnDrift,
  type ColumnPlan,
  DEFAULT_THRESHOLDS,
  type DriftLevel,
  type DriftThresholds,
  LEVEL_RANK,
  categoricalDrift,
  numericDrift,
  planColumn,
  worstFirst,
} from './driftColumn.ts';
import { PSI_EPSILON } from './stats.ts';

// What the CLI, the panel, the model card and the tests use from a drift report.
export { type ColumnDrift, DEFAULT_THRESHOLDS, type DriftLevel, type DriftThresholds, pValueOf } from './driftColumn.ts';
export { classifyCell } from '../shared/table/cells.ts';

/**
 * Data drift between a reference snapshot (what the model was trained on) and a current one,
 * column by column, streamed so memory does not grow with the files (docs/monitoring.md):
 *
 * 1. reference, pass 1: per column, a fixed-size reservoir sample of the numbers, counts of
 *    missing and non-numeric values, and category counts (the first `categoryLimit` distinct values);
 *    a column is numeric when at least 99% of its non-missing values are numbers; every number is
 *    also kept (in memory up to a budget, then in a temp file: columnNumbers.ts) and counted, after
 *    the pass, in the bins drawn from the reservoir;
 * 2. reference, pass 2 (only when a categorical column has more than `categoryLimit` distinct
 *    values): exact counts of its first categories;
 * 3. current, one pass: exact counts in the same bins, plus a reservoir for the exact KS statistic.
 */

const DEFAULT_BINS = 10;
const DEFAULT_CATEGORY_LIMIT = 1000;
/** Numbers kept per column and side, from a total budget so wide files stay bounded too. */
function defaultSampleSize(columns: number): number {
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
  /** Memory for the reference's numbers between reading and counting them; the rest goes to a temp file. */
  numberMemoryBytes?: number;
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
async function checkSameColumns(referencePath: string, currentPath: string): Promise<readonly string[]> {
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

  // Pass 1: the reference, keeping its numbers so they can be counted in the bins without a second read.
  const refColumns = columns.map((_, index) => new ReferenceColumn(sampleSize, categoryLimit, 0x5eed + index));
  const numbers = new ColumnNumbers(columns.length, options.numberMemoryBytes);
  let plans: ColumnPlan[];
  let referenceRows: number;
  try {
    referenceRows = await read(
      referencePath,
      (row) => {
        for (let j = 0; j < refColumns.length; j++) {
          refColumns[j]!.add(row, j);
          if (row.kind(j) === NUMBER) numbers.add(j, row.numberAt(j));
        }
      },
      'Reading the reference',
    );
    plans = refColumns.map((ref, index) => planColumn(columns[index]!, ref, bins, (visit) => numbers.forEach(index, visit)));
  } finally {
    numbers.close();
  }

  // Pass 2: exact reference counts of categorical columns with more distinct values than pass 1 could keep.
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
