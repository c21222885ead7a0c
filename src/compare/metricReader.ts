/** The block and point reads behind a chart series: metric_blocks rows at a level, packed fine blocks, points. */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../store/database.ts';
import { BLOCK_SHIFTS, PACKED_FIELDS, type StepRange, unpackFineBlocks } from '../store/metricBlocks.ts';
import type { Bucketer } from './bucketer.ts';

const FINE_SHIFT = BLOCK_SHIFTS[0];
const COARSEST_SHIFT = BLOCK_SHIFTS[BLOCK_SHIFTS.length - 1]!;
const FINE_PER_COARSEST = 2 ** (COARSEST_SHIFT - FINE_SHIFT);

/** The prepared reads of one store, shared by the series of a request. */
export class MetricReader {
  private readonly db: Db;
  private readonly statements = new Map<string, BetterSqlite3.Statement<unknown[]>>();

  constructor(db: Db) {
    this.db = db;
  }

  private statement(sql: string): BetterSqlite3.Statement<unknown[]> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[]>(sql).raw(true);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Per run, the step ranges of `key` written since the blocks were last summarized. */
  dirty(key: string): Map<number, StepRange[]> {
    const result = new Map<number, StepRange[]>();
    for (const [runId, lo, hi] of this.statement('SELECT run_id, lo, hi FROM metric_dirty WHERE key = ?').all(key) as [number, number, number][]) {
      result.set(runId, [...(result.get(runId) ?? []), { lo, hi }]);
    }
    return result;
  }

  points(runId: number, key: string, lo: number, hi: number, into: Bucketer): void {
    const rows = this.statement('SELECT step, timestamp, value FROM metrics WHERE run_id = ? AND key = ? AND step BETWEEN ? AND ? ORDER BY step, timestamp, seq').all(
      runId,
      key,
      lo,
      hi,
    ) as [number, number, number | null][];
    for (const [step, timestamp, value] of rows) into.addPoint(step, timestamp, value);
  }

  blocks(runId: number, key: string, shift: number, lo: number, hi: number, into: Bucketer): void {
    if (shift === FINE_SHIFT) {
      this.packedFineBlocks(runId, key, lo, hi, into);
      return;
    }
    this.blockRows(runId, key, shift, lo, hi, into);
  }

  private blockRows(runId: number, key: string, shift: number, lo: number, hi: number, into: Bucketer): void {
    const rows = this.statement(
      'SELECT n, nonfinite, min, max, first_step, first_value, last_step, last_value, last_timestamp FROM metric_blocks WHERE run_id = ? AND key = ? AND shift = ? AND block BETWEEN ? AND ? ORDER BY block',
    ).all(runId, key, shift, lo, hi) as BlockRow[];
    for (const row of rows) into.addBlock(...row);
  }

  /** Fine blocks lo..hi from the coarsest rows that pack them: a row per 256 blocks, not one per block. */
  private packedFineBlocks(runId: number, key: string, lo: number, hi: number, into: Bucketer): void {
    const rows = this.statement('SELECT block, fine FROM metric_blocks WHERE run_id = ? AND key = ? AND shift = ? AND block BETWEEN ? AND ? ORDER BY block').all(
      runId,
      key,
      COARSEST_SHIFT,
      Math.floor(lo / FINE_PER_COARSEST),
      Math.floor(hi / FINE_PER_COARSEST),
    ) as [number, Uint8Array | null][];
    const size = PACKED_FIELDS.length;
    for (const [coarse, fine] of rows) {
      if (fine === null) {
        // Not written by refreshDirtyBlocks (another tool's writer): its fine rows say the same.
        this.blockRows(runId, key, FINE_SHIFT, Math.max(lo, coarse * FINE_PER_COARSEST), Math.min(hi, (coarse + 1) * FINE_PER_COARSEST - 1), into);
        continue;
      }
      const f = unpackFineBlocks(fine);
      for (let at = 0; at < f.length; at += size) {
        const block = f[at]!;
        if (block < lo || block > hi) continue;
        into.addBlock(f[at + 1]!, f[at + 2]!, f[at + 3]!, f[at + 4]!, f[at + 5]!, f[at + 6]!, f[at + 7]!, f[at + 8]!, f[at + 9]!);
      }
    }
  }

  /** The earliest timestamp at each [run, step] pair, in one statement. */
  firstTimes(key: string, pairs: [number, number][]): number[] {
    if (pairs.length === 0) return [];
    const rows = this.statement(
      `SELECT (SELECT m.timestamp FROM metrics m WHERE m.run_id = p.value ->> 0 AND m.key = ? AND m.step = p.value ->> 1 ORDER BY m.timestamp LIMIT 1)
       FROM json_each(?) p ORDER BY p.key`,
    ).all(key, JSON.stringify(pairs)) as [number | null][];
    return rows.map(([timestamp]) => timestamp ?? Number.NaN);
  }

  neighbour(runId: number, key: string, step: number, direction: 'before' | 'after'): [number, number, number | null] | undefined {
    const sql =
      direction === 'before'
        ? 'SELECT step, timestamp, value FROM metrics WHERE run_id = ? AND key = ? AND step < ? ORDER BY step DESC, timestamp DESC, seq DESC LIMIT 1'
        : 'SELECT step, timestamp, value FROM metrics WHERE run_id = ? AND key = ? AND step > ? ORDER BY step, timestamp, seq LIMIT 1';
    return this.statement(sql).get(runId, key, step) as [number, number, number | null] | undefined;
  }
}

/** n, nonfinite, min, max, first_step, first_value, last_step, last_value, last_timestamp */
type BlockRow = [number, number, number | null, number | null, number, number | null, number, number | null, number];
