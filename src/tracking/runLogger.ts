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
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashPath } from '../shared/hashPath.ts';
import { recordAudit } from '../store/audit.ts';
import { openStore, writeTransaction, type Store } from '../store/database.ts';
import { discoverStorePath } from '../store/location.ts';
import { retryWhileLocked } from '../store/lockRetry.ts';
import { MARK_DIRTY_SQL } from '../store/metricBlocks.ts';
import { validateName } from './experiments.ts';
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
import { RUN_STATUSES, type RunStatus } from './model.ts';
import { refuseRemoteExperiment, refuseRemoteRun } from './remoteRows.ts';
import { captureRunSource } from './runSource.ts';

export type FinalStatus = Exclude<RunStatus, 'RUNNING'>;
export const FINAL_STATUSES = RUN_STATUSES.filter((status): status is FinalStatus => status !== 'RUNNING');

export const DEFAULT_EXPERIMENT = 'Default';
export const EXPERIMENT_ENV = 'ML_LIFECYCLE_EXPERIMENT';

export interface StartRunOptions {
  /** Created when missing. Default $ML_LIFECYCLE_EXPERIMENT, else "Default". */
  experiment?: string;
  /** Default "<script>-<8 hex>". */
  name?: string;
  /** Default: $ML_LIFECYCLE_STORE, else the nearest .ml-lifecycle/ folder above the current directory, else a new one here. */
  storePath?: string;
  tags?: Record<string, unknown>;
  params?: Record<string, unknown>;
  /** The uuid of the parent run, for a child run. */
  parentRunId?: string;
  /** Resume this run (uuid) instead of starting a new one. */
  runId?: string;
  /** How long a write keeps retrying while another process holds the store's lock before it throws; default 30 s. */
  lockWaitMs?: number;
}

/** A run as the loggers and the CLI address it. */
export interface RunRef {
  /** The row id. */
  row: number;
  uuid: string;
  name: string;
  experiment: string;
  status: RunStatus;
}

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
const UPSERT_TAG = 'INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value';
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
      RunLogger.live.add(this);
      RunLogger.hook();
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
    writeWithRetry(this.store, () => this.writePoints(count), `write ${count.toLocaleString('en-US')} metric points of run ${this.id}`, this.lockWaitMs);
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
    RunLogger.live.delete(this);
    if (RunLogger.live.size === 0) RunLogger.unhook();
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
          `ml-lifecycle: could not write ${count.toLocaleString('en-US')} metric points of run ${this.id} to ${this.storePath} (${reason}). ` +
            `They were saved to ${target}; load them with: ml-lifecycle log metrics ${this.id} ${target}\n`,
        );
        return;
      }
      process.stderr.write(`ml-lifecycle: LOST ${count} metric points of run ${this.id}: neither the store nor a fallback file could be written (${reason}).\n`);
    }
  }

  // ---- process exit: one set of listeners for every live run of the process ----------------

  private static readonly live = new Set<RunLogger>();
  private static hooked = false;

  private static readonly onBeforeExit = (): void => {
    for (const logger of RunLogger.live) {
      try {
        logger.flush();
      } catch {
        // The exit handler tries once more and keeps the points in a file if it must.
      }
    }
  };

  private static readonly onExit = (code: number): void => {
    const status: FinalStatus = code === 0 ? 'FINISHED' : 'FAILED';
    for (const logger of [...RunLogger.live].reverse()) logger.finish(status);
  };

  private static readonly onSignal = (signal: NodeJS.Signals): void => {
    // A program with its own handler decides what the signal means; its runs end at exit.
    if (process.listenerCount(signal) > 1) return;
    for (const logger of [...RunLogger.live].reverse()) logger.finish('KILLED');
    RunLogger.unhook();
    process.kill(process.pid, signal);
  };

  private static hook(): void {
    if (RunLogger.hooked) return;
    RunLogger.hooked = true;
    process.on('beforeExit', RunLogger.onBeforeExit);
    process.on('exit', RunLogger.onExit);
    process.on('SIGINT', RunLogger.onSignal);
    process.on('SIGTERM', RunLogger.onSignal);
  }

  private static unhook(): void {
    if (!RunLogger.hooked) return;
    RunLogger.hooked = false;
    process.off('beforeExit', RunLogger.onBeforeExit);
    process.off('exit', RunLogger.onExit);
    process.off('SIGINT', RunLogger.onSignal);
    process.off('SIGTERM', RunLogger.onSignal);
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

/** Creates a RUNNING run (and its experiment when missing) in one transaction. */
/** `source` goes to runs.source ('node', 'cli'); `entryPoint` defaults to process.argv[1] ('' for none: git is then read from the current folder). */
export function createRun(store: Store, spec: Omit<StartRunOptions, 'runId' | 'storePath' | 'lockWaitMs'> & { source: string; entryPoint?: string }): RunRef {
  const experimentName = validateName('experiment', spec.experiment ?? (process.env[EXPERIMENT_ENV]?.trim() || DEFAULT_EXPERIMENT));
  const uuid = crypto.randomUUID().replaceAll('-', '');
  const name = spec.name === undefined ? defaultRunName(uuid, spec.entryPoint ?? process.argv[1], spec.source) : validateName('run', spec.name);
  const tags = checkedEntries(spec.tags, 'tag', tagText);
  const params = checkedEntries(spec.params, 'param', paramText);
  const source = captureRunSource(spec.entryPoint);
  const now = Date.now();
  const row = writeWithRetry(store, () => {
    const db = store.db;
    const found = db.prepare('SELECT id, deleted_at AS deletedAt FROM experiments WHERE name = ?').get(experimentName) as { id: number; deletedAt: number | null } | undefined;
    if (found && found.deletedAt !== null) {
      throw new LogInputError(`The experiment ${quote(experimentName)} is in the trash. Restore it in the ML Lifecycle view (Restore from Trash…), or log to another experiment.`);
    }
    if (found) refuseRemoteExperiment(db, found.id, 'log runs to');
    let experimentId = found?.id;
    if (experimentId === undefined) {
      experimentId = Number(db.prepare('INSERT INTO experiments (name, created_at) VALUES (?, ?)').run(experimentName, now).lastInsertRowid);
      recordAudit(db, { entity: 'experiment', entityId: experimentId, action: 'create', details: { name: experimentName } }, now);
    }
    let parentRow: number | null = null;
    if (spec.parentRunId !== undefined) {
      const parent = db.prepare('SELECT id FROM runs WHERE uuid = ?').get(spec.parentRunId) as { id: number } | undefined;
      if (!parent) throw new LogInputError(`The parent run ${quote(spec.parentRunId)} is not in the store ${store.path}.`);
      refuseRemoteRun(db, parent.id, 'add child runs to');
      parentRow = parent.id;
    }
    const id = Number(
      db
        .prepare(`INSERT INTO runs (uuid, experiment_id, parent_run_id, name, status, start_time, heartbeat_at, git_commit, git_branch, git_dirty,
          entry_point, host, user_name, source) VALUES (?, ?, ?, ?, 'RUNNING', ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(uuid, experimentId, parentRow, name, now, now, source.gitCommit, source.gitBranch, source.gitDirty, source.entryPoint, source.host, source.userName, spec.source)
        .lastInsertRowid,
    );
    const upsertTag = db.prepare(UPSERT_TAG);
    for (const [key, value] of [['ml_lifecycle.node_version', process.versions.node], ...tags]) upsertTag.run(id, key, value);
    insertParams(store, id, params);
    return id;
  }, `start a run in experiment ${quote(experimentName)}`);
  return { row, uuid, name, experiment: experimentName, status: 'RUNNING' };
}

function resumeRun(store: Store, options: StartRunOptions): RunRef {
  const tags = checkedEntries(options.tags, 'tag', tagText);
  const params = checkedEntries(options.params, 'param', paramText);
  return writeWithRetry(store, () => {
    const run = findRun(store, options.runId!);
    if (options.experiment !== undefined && options.experiment !== run.experiment) {
      throw new LogInputError(`Run ${run.uuid} belongs to experiment ${quote(run.experiment)}, not ${quote(options.experiment)}.`);
    }
    store.db.prepare("UPDATE runs SET status = 'RUNNING', end_time = NULL, heartbeat_at = ? WHERE id = ?").run(Date.now(), run.row);
    const upsertTag = store.db.prepare(UPSERT_TAG);
    for (const [key, value] of tags) upsertTag.run(run.row, key, value);
    insertParams(store, run.row, params);
    return { ...run, status: 'RUNNING' as const };
  }, `resume run ${options.runId}`);
}

/** A logger for an existing run, without heartbeat or exit handling (the CLI writes to runs this way). */
export function attachRun(store: Store, runId: string): RunLogger {
  return new RunLogger(store, findRun(store, runId), { lifecycle: false, resumed: true, ownsStore: false });
}

/** A run by its uuid, or by a unique prefix of at least 6 hex digits (as `runs list` shows it). */
export function findRun(store: Store, runId: string): RunRef {
  const select = `SELECT r.id AS row, r.uuid, r.name, r.status, r.deleted_at AS deletedAt, e.name AS experiment
    FROM runs r JOIN experiments e ON e.id = r.experiment_id`;
  const text = String(runId).trim();
  let rows = store.db.prepare(`${select} WHERE r.uuid = ?`).all(text) as (RunRef & { deletedAt: number | null })[];
  if (rows.length === 0 && /^[0-9a-f]{6,31}$/i.test(text)) rows = store.db.prepare(`${select} WHERE r.uuid LIKE ? LIMIT 2`).all(`${text.toLowerCase()}%`) as typeof rows;
  if (rows.length === 0) throw new LogInputError(`There is no run ${quote(text)} in the store ${store.path}. List the runs with: ml-lifecycle runs list`);
  if (rows.length > 1) throw new LogInputError(`${quote(text)} matches more than one run; give more of the run id.`);
  const { deletedAt, ...run } = rows[0]!;
  refuseRemoteRun(store.db, run.row, 'log to');
  if (deletedAt !== null) throw new LogInputError(`Run ${run.uuid} is in the trash; restore it before logging to it.`);
  return run;
}

/** "<script>-<8 hex>", or "<source>-<8 hex>" without a script. */
function defaultRunName(uuid: string, entryPoint: string | undefined, source: string): string {
  const stem = entryPoint ? path.basename(entryPoint).replace(/\.[^.]*$/, '') : '';
  return `${stem || source}-${uuid.slice(0, 8)}`;
}

/** Params are fixed once logged: the same value again is fine, another value fails the whole call. */
function insertParams(store: Store, row: number, items: readonly (readonly [string, string])[]): void {
  const insert = store.db.prepare('INSERT INTO params (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO NOTHING');
  const existing = store.db.prepare('SELECT value FROM params WHERE run_id = ? AND key = ?');
  for (const [key, value] of items) {
    if (insert.run(row, key, value).changes) continue;
    const old = (existing.get(row, key) as { value: string }).value;
    if (old !== value) {
      throw new LogInputError(
        `param ${quote(key)} is already ${quote(old)} for this run; it cannot change to ${quote(value)}. Params are fixed once logged: ` +
          'use a tag or a metric for values that change, or start a new run. None of this call\'s params were written.',
      );
    }
  }
}

// ---- writing under contention -------------------------------------------------------------------

/** Runs `work` in a write transaction, retrying with back-off (30 s by default) while another process holds the lock. */
export function writeWithRetry<T>(store: Store, work: () => T, what: string, waitMs: number = LOCK_WAIT_MS): T {
  return retryWhileLocked(store.path, what, () => writeTransaction(store, work), waitMs);
}

// ---- small helpers ------------------------------------------------------------------------------

function entries(record: unknown, what: string): [string, unknown][] {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new LogInputError(`${what} takes an object of key -> value; got ${Array.isArray(record) ? 'an array' : String(record)}.`);
  }
  return Object.entries(record);
}

function checkedEntries(record: Record<string, unknown> | undefined, kind: 'param' | 'tag', toText: (key: string, value: unknown) => string): [string, string][] {
  if (record === undefined) return [];
  return entries(record, `${kind}s`).map(([key, value]) => [checkKey(kind, key), toText(key, value)]);
}
