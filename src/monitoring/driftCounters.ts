/**
 * The drift check's per-column counters: a reservoir sample and the reference's first pass, then
 * exact counts of each side in the bins (numeric) or categories (categorical) the first pass chose.
 */
import { seededRandom } from '../shared/random.ts';
import { MISSING, NUMBER, type TableRow } from '../shared/table/cells.ts';
import { BinIndexer, binIndex } from './stats.ts';

export type ColumnKind = 'numeric' | 'categorical';

/** Share of non-missing values that must read as numbers for a column to be numeric. */
export const NUMERIC_SHARE = 0.99;

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
export class ReferenceColumn {
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
export class NumericCounts {
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

  /** addNumber for a whole chunk, binned straight from it. */
  addNumbers(values: Float64Array, count: number): void {
    if (this.kept) {
      for (let i = 0; i < count; i++) this.addNumber(values[i]!);
      return;
    }
    const { counts, bins } = this;
    for (let i = 0; i < count; i++) counts[bins.index(values[i]!)]!++;
    this.count += count;
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
export class CategoryCounts {
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
