import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from './database.ts';

/** Block sizes of the summaries, as powers of two: 16, 256 and 4096 steps. */
export const BLOCK_SHIFTS = [4, 8, 12] as const;

/**
 * What a writer runs once per run and key in each batch of points: widens that metric's dirty
 * step range. Positional parameters: run_id, key, lowest step, highest step. The Python logger
 * carries the same string (a test compares them).
 */
export const MARK_DIRTY_SQL =
  'INSERT INTO metric_dirty (run_id, key, lo, hi) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET lo = min(lo, excluded.lo), hi = max(hi, excluded.hi)';

export interface StepRange {
  lo: number;
  hi: number;
}

/** One row of metric_blocks, without its run, key and shift. */
interface BlockSummary {
  block: number;
  n: number;
  nonfinite: number;
  min: number | null;
  max: number | null;
  firstStep: number;
  firstTimestamp: number;
  firstValue: number | null;
  lastStep: number;
  lastTimestamp: number;
  lastValue: number | null;
}

/**
 * The layout of metric_blocks.fine (schema version 4): on each coarsest-level row, its 16-step
 * blocks packed as float64 (little-endian) records of these fields, in block order; NULL is NaN.
 * A chart of short runs reads one such row per 4096 steps instead of 256 rows.
 */
export const PACKED_FIELDS = ['block', 'n', 'nonfinite', 'min', 'max', 'first_step', 'first_value', 'last_step', 'last_value', 'last_timestamp'] as const;

/** The 16-step blocks packed in a `fine` value, as PACKED_FIELDS records. */
export function unpackFineBlocks(fine: Uint8Array): Float64Array {
  // A Float64Array view needs an 8-byte-aligned offset; SQLite's buffers need not have one.
  return fine.byteOffset % 8 === 0 ? new Float64Array(fine.buffer, fine.byteOffset, fine.byteLength / 8) : new Float64Array(fine.slice().buffer);
}

function packFineBlocks(blocks: readonly BlockSummary[]): Buffer {
  const packed = new Float64Array(blocks.length * PACKED_FIELDS.length);
  blocks.forEach((b, i) => {
    packed.set([b.block, b.n, b.nonfinite, b.min ?? Number.NaN, b.max ?? Number.NaN, b.firstStep, b.firstValue ?? Number.NaN, b.lastStep, b.lastValue ?? Number.NaN, b.lastTimestamp], i * PACKED_FIELDS.length);
  });
  return Buffer.from(packed.buffer);
}

/** Blocks of one level make one block of the next: each level is 16 times coarser. */
const CHILDREN_PER_BLOCK = 16;
const FINE_BLOCK = 2 ** BLOCK_SHIFTS[0];
const COARSEST_SHIFT = BLOCK_SHIFTS[BLOCK_SHIFTS.length - 1]!;
/** Fine blocks under one block of the coarsest level (256). */
const FINE_PER_COARSEST = 2 ** (COARSEST_SHIFT - BLOCK_SHIFTS[0]);
const COLUMNS = 'run_id, key, shift, block, n, nonfinite, min, max, first_step, first_value, last_step, last_value, last_timestamp, fine';
const BLOCK_COLUMNS = 14;
/** Rows per INSERT statement, largest first: a range's blocks go in a handful of statement calls. */
const INSERT_SIZES = [256, 64, 16, 4, 1];

/** A fine block being folded: ties of step and timestamp are ordered by seq. */
interface FoldedBlock extends BlockSummary {
  firstSeq: number;
  lastSeq: number;
}

/** Folds points, in any order, into the finest blocks; fed by an SQL aggregate so rows never become JS objects. */
class FineBlocks {
  private readonly byBlock = new Map<number, FoldedBlock>();
  private current: FoldedBlock | undefined;

  add(step: number, timestamp: number, seq: number, value: number | null): void {
    const block = Math.floor(step / FINE_BLOCK);
    let summary = this.current;
    if (summary?.block !== block) {
      summary = this.byBlock.get(block);
      if (!summary) {
        summary = { block, n: 0, nonfinite: 0, min: null, max: null, firstStep: step, firstTimestamp: timestamp, firstSeq: seq, firstValue: value, lastStep: step, lastTimestamp: timestamp, lastSeq: seq, lastValue: value };
        this.byBlock.set(block, summary);
      }
      this.current = summary;
    }
    summary.n++;
    if (value === null || !Number.isFinite(value)) summary.nonfinite++;
    else {
      if (summary.min === null || value < summary.min) summary.min = value;
      if (summary.max === null || value > summary.max) summary.max = value;
    }
    if (step < summary.firstStep || (step === summary.firstStep && (timestamp < summary.firstTimestamp || (timestamp === summary.firstTimestamp && seq < summary.firstSeq)))) {
      summary.firstStep = step;
      summary.firstTimestamp = timestamp;
      summary.firstSeq = seq;
      summary.firstValue = value;
    }
    if (step > summary.lastStep || (step === summary.lastStep && (timestamp > summary.lastTimestamp || (timestamp === summary.lastTimestamp && seq > summary.lastSeq)))) {
      summary.lastStep = step;
      summary.lastTimestamp = timestamp;
      summary.lastSeq = seq;
      summary.lastValue = value;
    }
  }

  sorted(): BlockSummary[] {
    return [...this.byBlock.values()].sort((a, b) => a.block - b.block);
  }
}

/** The next level's blocks from the level below, given in block order. */
function coarser(children: readonly BlockSummary[]): BlockSummary[] {
  const parents: BlockSummary[] = [];
  let parent: BlockSummary | undefined;
  for (const child of children) {
    const block = Math.floor(child.block / CHILDREN_PER_BLOCK);
    if (parent?.block !== block) {
      parent = { ...child, block };
      parents.push(parent);
      continue;
    }
    parent.n += child.n;
    parent.nonfinite += child.nonfinite;
    if (child.min !== null && (parent.min === null || child.min < parent.min)) parent.min = child.min;
    if (child.max !== null && (parent.max === null || child.max > parent.max)) parent.max = child.max;
    parent.lastStep = child.lastStep;
    parent.lastTimestamp = child.lastTimestamp;
    parent.lastValue = child.lastValue;
  }
  return parents;
}

interface BlockStatements {
  finePoints: BetterSqlite3.Statement<unknown[]>;
  existing: BetterSqlite3.Statement<unknown[]>;
  remove: BetterSqlite3.Statement<unknown[]>;
  insert: Map<number, BetterSqlite3.Statement<unknown[]>>;
}

const prepared = new WeakMap<Db, BlockStatements>();
/** Where the aggregate below folds points; set for the length of one statement call. */
let collecting: FineBlocks | undefined;

// better-sqlite3 passes one argument per SQL argument (it reads the arity from the function); its
// typings allow only one.
const foldPoint = ((_: unknown, step: number, timestamp: number, seq: number, value: number | null): void => collecting!.add(step, timestamp, seq, value)) as unknown as (total: null, next: null) => void;

function statements(db: Db): BlockStatements {
  let found = prepared.get(db);
  if (!found) {
    db.aggregate('ml_lifecycle_fine_blocks', {
      start: null,
      step: foldPoint,
      result: () => null,
      directOnly: true,
    });
    const row = `(${Array(BLOCK_COLUMNS).fill('?').join(', ')})`;
    found = {
      finePoints: db.prepare('SELECT ml_lifecycle_fine_blocks(step, timestamp, seq, value) FROM metrics WHERE run_id = ? AND key = ? AND step BETWEEN ? AND ?'),
      existing: db
        .prepare(
          `SELECT block, n, nonfinite, min, max, first_step, first_value, last_step, last_value, last_timestamp FROM metric_blocks
           WHERE run_id = ? AND key = ? AND shift = ? AND block BETWEEN ? AND ? ORDER BY block`,
        )
        .raw(),
      remove: db.prepare('DELETE FROM metric_blocks WHERE run_id = ? AND key = ? AND shift = ? AND block BETWEEN ? AND ?'),
      insert: new Map(INSERT_SIZES.map((size) => [size, db.prepare(`INSERT INTO metric_blocks (${COLUMNS}) VALUES ${Array(size).fill(row).join(', ')}`)])),
    };
    prepared.set(db, found);
  }
  return found;
}

/** The stored fine blocks in `span` but outside `rebuilt`, in block order. */
function existingFineBlocks(statement: BetterSqlite3.Statement<unknown[]>, runId: number, key: string, span: StepRange, rebuilt: StepRange): BlockSummary[] {
  const rows: BlockRow[] = [];
  // Two plain range reads: one query with "outside" as an OR scans the whole span.
  if (span.lo < rebuilt.lo) rows.push(...(statement.all(runId, key, BLOCK_SHIFTS[0], span.lo, rebuilt.lo - 1) as BlockRow[]));
  if (rebuilt.hi < span.hi) rows.push(...(statement.all(runId, key, BLOCK_SHIFTS[0], rebuilt.hi + 1, span.hi) as BlockRow[]));
  return rows.map(([block, n, nonfinite, min, max, firstStep, firstValue, lastStep, lastValue, lastTimestamp]) => ({
    block, n, nonfinite, min, max, firstStep, firstTimestamp: 0, firstValue, lastStep, lastTimestamp, lastValue,
  }));
}

type BlockRow = [number, number, number, number | null, number | null, number, number | null, number, number | null, number];

/** Merges two block lists that are each in block order and do not overlap. */
function merged(a: readonly BlockSummary[], b: readonly BlockSummary[]): BlockSummary[] {
  return a.length === 0 ? [...b] : b.length === 0 ? [...a] : [...a, ...b].sort((x, y) => x.block - y.block);
}

/** Inserts the rows with as few statement calls as the sizes in INSERT_SIZES allow. */
function insertBlocks(s: BlockStatements, rows: readonly unknown[]): void {
  let at = 0;
  for (const size of INSERT_SIZES) {
    const statement = s.insert.get(size)!;
    for (; rows.length - at >= size * BLOCK_COLUMNS; at += size * BLOCK_COLUMNS) statement.run(rows.slice(at, at + size * BLOCK_COLUMNS));
  }
}

/**
 * Rebuilds the summaries of one run's metric over the given steps. Call inside a write transaction.
 * The points are read once, in one pass. With the stored fine blocks around them, under the same
 * coarsest blocks, they give every level, and each coarsest block's packed fine blocks.
 */
function refreshBlocks(db: Db, runId: number, key: string, range: StepRange): void {
  const s = statements(db);
  const levels = BLOCK_SHIFTS.map((shift) => ({ shift, lo: Math.floor(range.lo / 2 ** shift), hi: Math.floor(range.hi / 2 ** shift) }));
  const [fineLevel, middleLevel, coarsestLevel] = levels as [(typeof levels)[0], (typeof levels)[0], (typeof levels)[0]];
  const rebuiltFine = new FineBlocks();
  collecting = rebuiltFine;
  try {
    s.finePoints.get(runId, key, fineLevel.lo * FINE_BLOCK, fineLevel.hi * FINE_BLOCK + FINE_BLOCK - 1);
  } finally {
    collecting = undefined;
  }
  const fineSpan = { lo: coarsestLevel.lo * FINE_PER_COARSEST, hi: coarsestLevel.hi * FINE_PER_COARSEST + FINE_PER_COARSEST - 1 };
  const fine = merged(existingFineBlocks(s.existing, runId, key, fineSpan, fineLevel), rebuiltFine.sorted());
  const middle = coarser(fine);
  const coarsest = coarser(middle);
  const within = (level: { lo: number; hi: number }) => (b: BlockSummary) => b.block >= level.lo && b.block <= level.hi;
  const rows: unknown[] = [];
  const add = (shift: number, b: BlockSummary, packed: Buffer | null) =>
    rows.push(runId, key, shift, b.block, b.n, b.nonfinite, b.min, b.max, b.firstStep, b.firstValue, b.lastStep, b.lastValue, b.lastTimestamp, packed);
  for (const b of fine.filter(within(fineLevel))) add(fineLevel.shift, b, null);
  for (const b of middle.filter(within(middleLevel))) add(middleLevel.shift, b, null);
  let next = 0;
  for (const b of coarsest) {
    const first = next;
    while (next < fine.length && Math.floor(fine[next]!.block / FINE_PER_COARSEST) === b.block) next++;
    add(coarsestLevel.shift, b, packFineBlocks(fine.slice(first, next)));
  }
  for (const { shift, lo, hi } of levels) s.remove.run(runId, key, shift, lo, hi);
  insertBlocks(s, rows);
}

/** Tracks, per run and key, the step range a batch of points touched, for MARK_DIRTY_SQL. */
export class TouchedRanges {
  private readonly ranges = new Map<string, { runId: number; key: string; lo: number; hi: number }>();

  add(runId: number, key: string, step: number): void {
    const id = `${runId}\u0000${key}`;
    const range = this.ranges.get(id);
    if (!range) this.ranges.set(id, { runId, key, lo: step, hi: step });
    else {
      if (step < range.lo) range.lo = step;
      if (step > range.hi) range.hi = step;
    }
  }

  /** Marks every touched range dirty, then forgets them. Call inside the batch's transaction. */
  markDirty(db: Db): void {
    const statement = db.prepare(MARK_DIRTY_SQL);
    for (const range of this.ranges.values()) statement.run(range.runId, range.key, range.lo, range.hi);
    this.ranges.clear();
  }
}

/** Which dirty ranges to rebuild now: only some runs' (what a reader is about to show), and for how long. */
export interface RefreshScope {
  runIds?: readonly number[];
  /** Stop after the range that crosses this many milliseconds (at least one range is rebuilt); the rest stays dirty for the next call. */
  budgetMs?: number;
  /** How long to wait for the write lock (a logger mid-batch) before giving up with SQLITE_BUSY. */
  lockWaitMs?: number;
}

/**
 * Brings metric_blocks up to date with the points written so far, in one write transaction.
 * Readers call it, scoped to what they read, before they read blocks. Needs a writable store.
 * Returns whether every dirty range in scope was rebuilt.
 */
export function refreshDirtyBlocks(db: Db, scope: RefreshScope = {}): boolean {
  const deadline = scope.budgetMs === undefined ? Infinity : performance.now() + scope.budgetMs;
  const previousLockWait = db.pragma('busy_timeout', { simple: true }) as number;
  if (scope.lockWaitMs !== undefined) db.pragma(`busy_timeout = ${scope.lockWaitMs}`);
  try {
    return rebuildDirty(db, scope.runIds, deadline);
  } finally {
    if (scope.lockWaitMs !== undefined) db.pragma(`busy_timeout = ${previousLockWait}`);
  }
}

function rebuildDirty(db: Db, runIds: readonly number[] | undefined, deadline: number): boolean {
  return db
    .transaction(() => {
      const dirty = (
        runIds
          ? db.prepare('SELECT run_id AS runId, key, lo, hi FROM metric_dirty WHERE run_id IN (SELECT value FROM json_each(?))').all(JSON.stringify(runIds))
          : db.prepare('SELECT run_id AS runId, key, lo, hi FROM metric_dirty').all()
      ) as { runId: number; key: string; lo: number; hi: number }[];
      const done = db.prepare('DELETE FROM metric_dirty WHERE run_id = ? AND key = ?');
      // At least one range per call, so a caller that slices always gets on.
      for (const [i, range] of dirty.entries()) {
        refreshBlocks(db, range.runId, range.key, range);
        done.run(range.runId, range.key);
        if (i < dirty.length - 1 && performance.now() > deadline) return false;
      }
      return true;
    })
    .immediate();
}

/** Whether some points are not yet in metric_blocks (a read-only store cannot catch up). */
export function hasDirtyBlocks(db: Db): boolean {
  return db.prepare('SELECT 1 FROM metric_dirty LIMIT 1').get() !== undefined;
}
