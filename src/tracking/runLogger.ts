/**
 * Logging from JavaScript/TypeScript training code (the package's main export, through api.ts),
 * and the run writes behind the CLI. The same model as python/ml_lifecycle.py: points are
 * buffered and written in batches with their metric_dirty ranges, a heartbeat keeps a live run
 * RUNNING, and a run still open at exit is ended (FINISHED, FAILED on a non-zero exit code, KILLED on
 * SIGINT/SIGTERM). docs/logging.md describes the API and the contract.
 *
 *   const run = startRun({ experiment: 'churn', name: 'gbm-d6', params: { max_depth: 6 } });
 *   for (let step = 0; step < 1000; step++) run.logMetric('val_auc', auc(step), step);
 *   run.end();
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashPath } from '../shared/hashPath.ts';
import { openStore, type Store } from '../store/database.ts';
import { discoverStorePath } from '../store/location.ts';
import { MARK_DIRTY_SQL } from '../store/metricBlocks.ts';
import {
  BATCH_SIZE,
  FLUSH_INTERVAL_MS,
  HEARTBEAT_INTERVAL_MS,
  LOCK_WAIT_MS,
  LogInputError,
  MAX_TAG_VALUE_LENGTH,
  artifactKind,
  checkKey,
  jsonNumber,
  metricStep,
  metricTimestamp,
  metricValue,
  paramText,
  quote,
  tagText,
  type ArtifactKind,
} from './loggingInput.ts';
import { FINAL_STATUSES, type FinalStatus } from './model.ts';
import { watchExit } from './runExit.ts';
import { type RunRef, type StartRunOptions, UPSERT_TAG, createRun, entries, findRun, insertParams, resumeRun, writeWithRetry } from './runRecords.ts';
import { formatCount } from '../shared/format.ts';


interface KeyState {
  /** The step given to a point logged without one. */
  next: number;
  /** Highest step and latest timestamp of the points that got an automatic timestamp. */
  autoStep: number;
  autoTimestamp: number;
  /** The step range of this key in the buffer (lo > hi when none). */
  lo: number;
  hi: number;
}

const INSERT_POINT = 'INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING';
const SAME_POINT = 'SELECT 1 FROM metrics WHERE run_id = ? AND key = ? AND step = ? AND timestamp = ? AND value IS ?';
const HEARTBEAT = 'UPDATE runs SET heartbeat_at = ? WHERE id = ?';

/** One run being logged. Made by startRun (owns its store, heartbeat and exit handling) or attachRun (the CLI's). */
export class RunLogger {
  /** The run's uuid (32 hex digits). */
  readonly id: string;
  readonly name: string;
  readonly experiment: string;
  readonly storePath: string;
  private readonly store: Store;
  private readonly row: number;
  private readonly ownsStore: boolean;
  private readonly resumed: boolean;
  private readonly lockWaitMs: number;
  /** Buffered points, column-wise (no object per point): the first `pending` entries are live. NaN values mean NULL. */
  private pending = 0;
  private pendingKeys: string[] = new Array<string>(BATCH_SIZE);
  private pendingSteps = new Float64Array(BATCH_SIZE);
  private pendingTimes = new Float64Array(BATCH_SIZE);
  private pendingValues = new Float64Array(BATCH_SIZE);
  private readonly keys = new Map<string, KeyState>();
  private lastFlush = Date.now();
  private lastHeartbeat = Date.now();
  private endedAs: string | undefined;
  private warned = false;
  private timer: NodeJS.Timeout | undefined;
  /** Stops ending this run at process exit. */
  private exitWatch: (() => void) | undefined;
  private readonly insertPoint;
  private readonly samePoint;
  private readonly markDirty;
  private readonly heartbeat;

  constructor(store: Store, run: RunRef, options: { lifecycle: boolean; resumed: boolean; ownsStore: boolean; lockWaitMs?: number | undefined }) {
    this.store = store;
    this.storePath = store.path;
    this.row = run.row;
    this.id = run.uuid;
    this.name = run.name;
    this.experiment = run.experiment;
    this.ownsStore = options.ownsStore;
    this.resumed = options.resumed;
    this.lockWaitMs = options.lockWaitMs ?? LOCK_WAIT_MS;
    this.insertPoint = store.db.prepare(INSERT_POINT);
    this.samePoint = store.db.prepare(SAME_POINT);
    this.markDirty = store.db.prepare(MARK_DIRTY_SQL);
    this.heartbeat = store.db.prepare(HEARTBEAT);
    if (options.lifecycle) {
      this.timer = setInterval(() => this.tick(), FLUSH_INTERVAL_MS).unref();
      this.exitWatch = watchExit({ flush: () => this.flush(), finish: (status) => this.finish(status) });
    }
  }

  get ended(): boolean {
    return this.endedAs !== undefined;
  }

  /**
   * Buffers one point. `step` defaults to one more than this key's highest step (0 first);
   * `timestamp` (ms) to now. NaN is stored as NULL, ±Infinity as is. A point at the same key and
   * step within the same millisecond as another gets the next millisecond, so none is lost.
   */
  logMetric(key: string, value: number, step?: number, timestamp?: number): void {
    const state = this.keys.get(key) ?? this.newKey(key);
    const stored = typeof value === 'number' ? value : (metricValue(key, value) ?? NaN);
    if (this.endedAs) throw this.refusal();
    const s = step === undefined || step === null ? state.next : Number.isSafeInteger(step) ? step : metricStep(key, step);
    const now = Date.now();
    let at: number;
    if (timestamp === undefined || timestamp === null) {
      at = now;
      if (s <= state.autoStep && at <= state.autoTimestamp) at = state.autoTimestamp + 1;
      if (s > state.autoStep) state.autoStep = s;
      if (at > state.autoTimestamp) state.autoTimestamp = at;
    } else at = metricTimestamp(key, timestamp);
    if (s >= state.next) state.next = s + 1;
    if (s < state.lo) state.lo = s;
    if (s > state.hi) state.hi = s;
    let index = this.pending;
    if (index === this.pendingSteps.length) this.grow();
    this.pendingKeys[index] = key;
    this.pendingSteps[index] = s;
    this.pendingTimes[index] = at;
    this.pendingValues[index] = stored;
    this.pending = ++index;
    if (index >= BATCH_SIZE || now - this.lastFlush >= FLUSH_INTERVAL_MS) this.flush();
  }

  /** One point per key, all at the same step (per key automatic when omitted). */
  logMetrics(metrics: Record<string, number>, step?: number, timestamp?: number): void {
    for (const [key, value] of entries(metrics, 'logMetrics')) this.logMetric(key, value as number, step, timestamp);
  }

  private newKey(key: string): KeyState {
    checkKey('metric', key);
    const state: KeyState = { next: 0, autoStep: -Infinity, autoTimestamp: -1, lo: Infinity, hi: -Infinity };
    if (this.resumed) {
      // Continue the steps of a resumed run where its history left off.
      const last = this.store.db.prepare('SELECT max(step) AS step, max(timestamp) AS at FROM metrics WHERE run_id = ? AND key = ?').get(this.row, key) as { step: number | null; at: number | null };
      if (last.step !== null) Object.assign(state, { next: last.step + 1, autoStep: last.step, autoTimestamp: last.at });
    }
    this.keys.set(key, state);
    return state;
  }

  private grow(): void {
    const size = this.pendingSteps.length * 2;
    const wider = (from: Float64Array) => {
      const to = new Float64Array(size);
      to.set(from);
      return to;
    };
    this.pendingKeys.length = size;
    this.pendingSteps = wider(this.pendingSteps);
    this.pendingTimes = wider(this.pendingTimes);
    this.pendingValues = wider(this.pendingValues);
  }

  /**
   * Writes buffered points now, in one transaction with their dirty ranges and a heartbeat, and
   * returns how many. On a store that stays locked it throws and the points stay buffered.
   */
  flush(): number {
    const count = this.pending;
    if (count === 0) return 0;
    writeWithRetry(this.store, () => this.writePoints(count), `write ${formatCount(count)} metric points of run ${this.id}`, this.lockWaitMs);
    this.pending = 0;
    for (const state of this.keys.values()) {
      state.lo = Infinity;
      state.hi = -Infinity;
    }
    this.lastFlush = this.lastHeartbeat = Date.now();
    return count;
  }

  private writePoints(count: number): void {
    const row = this.row;
    const insert = this.insertPoint;
    const keys = this.pendingKeys;
    const steps = this.pendingSteps;
    const times = this.pendingTimes;
    const values = this.pendingValues;
    for (let i = 0; i < count; i++) {
      const value = values[i]!;
      if (insert.run(row, keys[i], steps[i], times[i], value === value ? value : null).changes === 0) this.settleConflict(i);
    }
    for (const [key, state] of this.keys) if (state.lo <= state.hi) this.markDirty.run(row, key, state.lo, state.hi);
    this.heartbeat.run(Date.now(), row);
  }

  /** Point i's (key, step, timestamp) is taken: an identical point is kept once (a re-import), another moves to the next free millisecond. */
  private settleConflict(i: number): void {
    const key = this.pendingKeys[i]!;
    const step = this.pendingSteps[i]!;
    const timestamp = this.pendingTimes[i]!;
    const raw = this.pendingValues[i]!;
    const value = raw === raw ? raw : null;
    for (let at = timestamp; ; at++) {
      if (at !== timestamp && this.insertPoint.run(this.row, key, step, at, value).changes) return;
      if (this.samePoint.get(this.row, key, step, at, value)) return;
    }
  }

  /** Records a param. The same value again is fine; another value throws, naming both. */
  logParam(key: string, value: unknown): void {
    this.logParams({ [key]: value });
  }

  logParams(params: Record<string, unknown>): void {
    const items = entries(params, 'logParams').map(([key, value]) => [checkKey('param', key), paramText(key, value)] as [string, string]);
    this.writeMeta(() => insertParams(this.store, this.row, items), `log params of run ${this.id}`);
  }

  /** Sets a tag; a tag may be overwritten. */
  setTag(key: string, value: unknown): void {
    this.setTags({ [key]: value });
  }

  setTags(tags: Record<string, unknown>): void {
    const items = entries(tags, 'setTags').map(([key, value]) => [checkKey('tag', key), tagText(key, value)] as [string, string]);
    this.writeMeta(() => {
      const upsert = this.store.db.prepare(UPSERT_TAG);
      for (const [key, value] of items) upsert.run(this.row, key, value);
    }, `set tags of run ${this.id}`);
  }

  /** Records a file or folder the run produced or read: absolute path, sha256 and size (folders: see hashPath). */
  async logArtifact(file: string, kind: ArtifactKind = 'file'): Promise<{ path: string; sha256: string; size: number; kind: ArtifactKind }> {
    const checkedKind = artifactKind(kind);
    const full = path.resolve(file);
    if (!fs.existsSync(full)) throw new LogInputError(`artifact ${quote(file)} does not exist (looked for ${full}).`);
    const { sha256, size } = await hashPath(full);
    this.writeMeta(() => {
      this.store.db
        .prepare(`INSERT INTO artifacts (run_id, path, sha256, size, kind, logged_at) VALUES (?, ?, ?, ?, ?, ?)
          ON CONFLICT (run_id, path) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size, kind = excluded.kind, logged_at = excluded.logged_at`)
        .run(this.row, full, sha256, size, checkedKind, Date.now());
    }, `log artifact ${full} of run ${this.id}`);
    return { path: full, sha256, size, kind: checkedKind };
  }

  /** Writes what is buffered and sets the final status; ending twice does nothing. Throws (and stays open) if the points cannot be written. */
  end(status: FinalStatus = 'FINISHED'): void {
    if (!(FINAL_STATUSES as readonly string[]).includes(status)) {
      throw new LogInputError(`status ${quote(status)} is not one of ${FINAL_STATUSES.join(', ')}.`);
    }
    if (this.endedAs) return;
    this.flush();
    const now = Date.now();
    writeWithRetry(this.store, () => {
      this.store.db.prepare('UPDATE runs SET status = ?, end_time = ?, heartbeat_at = ? WHERE id = ?').run(status, now, now, this.row);
    }, `mark run ${this.id} ${status}`, this.lockWaitMs);
    this.endedAs = `it was ended as ${status}`;
    this.close();
  }

  private close(): void {
    if (this.timer) clearInterval(this.timer);
    this.exitWatch?.();
    if (this.ownsStore) this.store.close();
  }

  private refusal(): Error {
    return new Error(`Run ${this.id} takes no more data: ${this.endedAs}. Start a new run, or resume this one with startRun({ runId }).`);
  }

  private writeMeta(work: () => void, what: string): void {
    if (this.endedAs) throw this.refusal();
    writeWithRetry(this.store, work, what, this.lockWaitMs);
  }

  /** Time-bound flush and heartbeat, for a program that logs rarely (or waits between epochs). */
  private tick(): void {
    const now = Date.now();
    try {
      if (this.pending > 0 && now - this.lastFlush >= FLUSH_INTERVAL_MS) this.flush();
      else if (now - this.lastHeartbeat >= HEARTBEAT_INTERVAL_MS) {
        writeWithRetry(this.store, () => this.heartbeat.run(now, this.row), 'update the heartbeat', this.lockWaitMs);
        this.lastHeartbeat = now;
      }
    } catch (error) {
      this.lastHeartbeat = now;
      if (!this.warned) {
        this.warned = true;
        process.stderr.write(`ml-lifecycle: run ${this.id}: ${(error as Error).message} (points stay buffered; retrying)\n`);
      }
    }
  }

  /** At exit: end the run; if its points cannot be written, keep them in a JSON-lines file and say where. */
  private finish(status: FinalStatus): void {
    try {
      this.end(status);
    } catch (error) {
      const reason = (error as Error).message;
      const count = this.pending;
      this.pending = 0;
      this.endedAs = `it could not be ended (${reason})`;
      this.close();
      if (count === 0) {
        process.stderr.write(`ml-lifecycle: could not end run ${this.id}: ${reason}\n`);
        return;
      }
      let lines = '';
      for (let i = 0; i < count; i++) {
        lines += `${JSON.stringify({ key: this.pendingKeys[i], step: this.pendingSteps[i], timestamp: this.pendingTimes[i], value: jsonNumber(this.pendingValues[i]!) })}\n`;
      }
      const name = `unwritten-${this.id}-${Date.now()}.jsonl`;
      for (const folder of [path.dirname(this.storePath), os.tmpdir()]) {
        const target = path.join(folder, name);
        try {
          fs.writeFileSync(target, lines);
        } catch {
          continue;
        }
        process.stderr.write(
          `ml-lifecycle: could not write ${formatCount(count)} metric points of run ${this.id} to ${this.storePath} (${reason}). ` +
            `They were saved to ${target}; load them with: ml-lifecycle log metrics ${this.id} ${target}\n`,
        );
        return;
      }
      process.stderr.write(`ml-lifecycle: LOST ${count} metric points of run ${this.id}: neither the store nor a fallback file could be written (${reason}).\n`);
    }
  }
}

// ---- starting runs ------------------------------------------------------------------------------

/** Starts (or, with runId, resumes) a run in the store and returns its logger. */
export function startRun(options: StartRunOptions = {}): RunLogger {
  if (typeof options !== 'object' || options === null) throw new LogInputError('startRun takes an options object, e.g. startRun({ experiment: "churn" }).');
  const storePath = options.storePath ? path.resolve(options.storePath) : discoverStorePath();
  const lockWaitMs = options.lockWaitMs ?? LOCK_WAIT_MS;
  const store = openStore(storePath, { create: true, busyTimeoutMs: Math.min(5000, lockWaitMs), lockWaitMs });
  try {
    if (options.runId !== undefined) {
      const run = resumeRun(store, options);
      return new RunLogger(store, run, { lifecycle: true, resumed: true, ownsStore: true, lockWaitMs });
    }
    const run = createRun(store, { ...options, source: 'node' });
    return new RunLogger(store, run, { lifecycle: true, resumed: false, ownsStore: true, lockWaitMs });
  } catch (error) {
    store.close();
    throw error;
  }
}

/**
 * Runs `work` inside a run, like Python's `with start_run(...)`: FINISHED when it resolves,
 * FAILED (with the error in the tag ml_lifecycle.error) when it throws.
 */
export async function withRun<T>(options: StartRunOptions, work: (run: RunLogger) => T | Promise<T>): Promise<T> {
  const run = startRun(options);
  let result: T;
  try {
    result = await work(run);
  } catch (error) {
    if (!run.ended) {
      try {
        run.setTag('ml_lifecycle.error', String(error instanceof Error ? `${error.name}: ${error.message}` : error).slice(0, MAX_TAG_VALUE_LENGTH));
      } finally {
        run.end('FAILED');
      }
    }
    throw error;
  }
  run.end('FINISHED');
  return result;
}

/** A logger for an existing run, without heartbeat or exit handling (the CLI writes to runs this way). */
export function attachRun(store: Store, runId: string): RunLogger {
  return new RunLogger(store, findRun(store, runId), { lifecycle: false, resumed: true, ownsStore: false });
}
