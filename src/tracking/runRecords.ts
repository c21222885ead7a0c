/**
 * The store rows behind a run as the loggers and the CLI start it: creating or resuming a run with
 * its experiment, tags and params, finding one by id, and writes that wait out another process's lock.
 */
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { recordAudit } from '../store/audit.ts';
import { type Store, writeTransaction } from '../store/database.ts';
import { LOCK_WAIT_MS, retryWhileLocked } from '../store/lockRetry.ts';
import { validateName } from './experiments.ts';
import { LogInputError, checkKey, paramText, quote, tagText } from './loggingInput.ts';
import type { RunStatus } from './model.ts';
import { refuseRemoteExperiment, refuseRemoteRun } from './remoteRows.ts';
import { captureRunSource } from './runSource.ts';

const DEFAULT_EXPERIMENT = 'Default';
const EXPERIMENT_ENV = 'ML_LIFECYCLE_EXPERIMENT';

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

export const UPSERT_TAG = 'INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value';

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

export function resumeRun(store: Store, options: StartRunOptions): RunRef {
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
export function insertParams(store: Store, row: number, items: readonly (readonly [string, string])[]): void {
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

export function entries(record: unknown, what: string): [string, unknown][] {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new LogInputError(`${what} takes an object of key -> value; got ${Array.isArray(record) ? 'an array' : String(record)}.`);
  }
  return Object.entries(record);
}

function checkedEntries(record: Record<string, unknown> | undefined, kind: 'param' | 'tag', toText: (key: string, value: unknown) => string): [string, string][] {
  if (record === undefined) return [];
  return entries(record, `${kind}s`).map(([key, value]) => [checkKey(kind, key), toText(key, value)]);
}
