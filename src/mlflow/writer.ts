import type BetterSqlite3 from 'better-sqlite3';
import * as crypto from 'node:crypto';
import { recordAudit } from '../store/audit.ts';
import { type Db, type Store, writeTransaction } from '../store/database.ts';
import { MARK_DIRTY_SQL } from '../store/metricBlocks.ts';
import type { RunStatus } from '../tracking/model.ts';
import type { MlflowSource } from './source.ts';
import type { ImportSummary } from './summary.ts';

/** Reports progress and asks whether to stop; the import checks between whole runs. */
export interface ImportOptions {
  onProgress?: (progress: { done: number; total: number; message: string }) => void;
  isCancelled?: () => boolean;
}

export interface MlflowExperiment {
  /** MLflow's experiment id (an integer in old stores, a string in new ones). */
  id: string;
  name: string;
  deleted: boolean;
  /** When MLflow deleted it (its last update), if known. */
  deletedAt: number | undefined;
  createdAt: number | undefined;
  tags: ReadonlyMap<string, string>;
}

export interface MlflowRun {
  uuid: string;
  /** Our experiment id. */
  experimentId: number;
  /** MLflow's own name column or run_name field, when the store has one. */
  name: string | undefined;
  status: RunStatus;
  startTime: number;
  endTime: number | undefined;
  deleted: boolean;
  deletedAt: number | undefined;
  userId: string | undefined;
  tags: ReadonlyMap<string, string>;
  params: ReadonlyMap<string, string>;
}

export interface MlflowModelVersion {
  version: number;
  runUuid: string | undefined;
  source: string;
  description: string | undefined;
  createdAt: number | undefined;
  stage: string | undefined;
  tags: ReadonlyMap<string, string>;
}

export interface MlflowModel {
  name: string;
  /** MLflow's workspace (3.6+ databases); names are unique within one. */
  workspace?: string | undefined;
  description: string | undefined;
  createdAt: number | undefined;
  versions: MlflowModelVersion[];
  /** alias -> version number */
  aliases: ReadonlyMap<string, number>;
}

/** An experiment or run an earlier import brought: its id and trash state. */
interface ExistingRow {
  id: number;
  deletedAt: number | null;
}

const RUN_STATUS_NAMES: Record<string, RunStatus> = {
  RUNNING: 'RUNNING',
  // A scheduled run has not started; it reads as RUNNING, then KILLED once stale, like ours.
  SCHEDULED: 'RUNNING',
  FINISHED: 'FINISHED',
  FAILED: 'FAILED',
  KILLED: 'KILLED',
};

/** The folder store's status integers (RunStatus in MLflow's protos). */
const RUN_STATUS_NUMBERS = ['', 'RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

/** Our status for MLflow's (text or folder-store integer); undefined when it is not one of MLflow's. */
export function runStatusOf(mlflowStatus: string | number | undefined): RunStatus | undefined {
  if (mlflowStatus === undefined) return 'RUNNING';
  const name = typeof mlflowStatus === 'number' || /^\d+$/.test(mlflowStatus) ? RUN_STATUS_NUMBERS[Number(mlflowStatus)] : mlflowStatus.toUpperCase();
  return name ? RUN_STATUS_NAMES[name] : undefined;
}

const RUN_NAME_TAG = 'mlflow.runName';
const PARENT_RUN_TAG = 'mlflow.parentRunId';
export const STAGE_TAG = 'mlflow.stage';

export function runExternalId(uuid: string): string {
  return `mlflow:run:${uuid}`;
}

/** Rows per multi-row INSERT: one statement call per this many points is what makes bulk inserts fast. */
const POINTS_PER_STATEMENT = 200;
/** Columns of one point: run_id, key, step, timestamp, value, seq. */
const FIELDS = 6;

/**
 * Buffers metric points and inserts them many rows per statement (INSERT OR IGNORE: a point
 * already in the store is the same point). Call flush() before the transaction ends.
 */
export class PointWriter {
  private readonly bulk: BetterSqlite3.Statement<unknown[]>;
  private readonly single: BetterSqlite3.Statement<unknown[]>;
  private readonly buffer: unknown[] = new Array(POINTS_PER_STATEMENT * FIELDS);
  private count = 0;
  inserted = 0;

  constructor(db: Db) {
    const row = '(?, ?, ?, ?, ?, ?)';
    this.bulk = db.prepare(`INSERT OR IGNORE INTO metrics (run_id, key, step, timestamp, value, seq) VALUES ${Array(POINTS_PER_STATEMENT).fill(row).join(', ')}`);
    this.single = db.prepare(`INSERT OR IGNORE INTO metrics (run_id, key, step, timestamp, value, seq) VALUES ${row}`);
  }

  /** `seq` numbers the points that share a step and timestamp (0 for the first). */
  add(runId: number, key: string, step: number, timestamp: number, value: number, seq = 0): void {
    const at = this.count * FIELDS;
    this.buffer[at] = runId;
    this.buffer[at + 1] = key;
    this.buffer[at + 2] = step;
    this.buffer[at + 3] = timestamp;
    this.buffer[at + 4] = Number.isNaN(value) ? null : value;
    this.buffer[at + 5] = seq;
    if (++this.count === POINTS_PER_STATEMENT) {
      this.inserted += this.bulk.run(this.buffer).changes;
      this.count = 0;
    }
  }

  flush(): void {
    for (let i = 0; i < this.count; i++) this.inserted += this.single.run(this.buffer.slice(i * FIELDS, i * FIELDS + FIELDS)).changes;
    this.count = 0;
  }
}

/**
 * Writes what a reader found in MLflow into the store, keyed by MLflow's ids (external_id) so a
 * second import only adds what is new. Every method except experiment() and models() runs
 * inside the caller's write transaction.
 */
export class ImportWriter {
  readonly db: Db;
  readonly store: Store;
  readonly source: MlflowSource;
  readonly key: string;
  readonly summary: ImportSummary;
  private readonly marker: BetterSqlite3.Statement<unknown[]>;
  /** Children whose parent run was not in the store yet: parent uuid -> child run ids. */
  private readonly waitingForParent = new Map<string, number[]>();

  constructor(store: Store, source: MlflowSource, key: string, summary: ImportSummary) {
    this.store = store;
    this.db = store.db;
    this.source = source;
    this.key = key;
    this.summary = summary;
    this.marker = this.db.prepare(MARK_DIRTY_SQL);
  }

  experimentExternalId(mlflowId: string): string {
    return `mlflow:${this.key}:${mlflowId}`;
  }

  /** Adds or updates one experiment with its tags; returns our id. Call inside a transaction. */
  experiment(experiment: MlflowExperiment): number {
    const externalId = this.experimentExternalId(experiment.id);
    const existing = this.db.prepare('SELECT id, deleted_at AS deletedAt FROM experiments WHERE external_id = ?').get(externalId) as ExistingRow | undefined;
    let id: number;
    if (existing) {
      id = existing.id;
      if (experiment.deleted && existing.deletedAt === null) this.moveToTrash('experiment', id, experiment.deletedAt);
    } else {
      const name = this.uniqueName('experiments', experiment.name.trim() || `MLflow experiment ${experiment.id}`);
      const description = experiment.tags.get('mlflow.note.content') ?? null;
      id = Number(
        this.db
          .prepare('INSERT INTO experiments (name, description, created_at, deleted_at, external_id) VALUES (?, ?, ?, ?, ?)')
          .run(name, description, experiment.createdAt ?? Date.now(), experiment.deleted ? (experiment.deletedAt ?? Date.now()) : null, externalId).lastInsertRowid,
      );
      this.summary.experiments++;
    }
    const tag = this.db.prepare('INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?) ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value WHERE value IS NOT excluded.value');
    for (const [key, value] of experiment.tags) tag.run(id, key, value);
    return id;
  }

  /** The run's id in the store if an earlier import brought it, so only what is new is read. */
  existingRunId(uuid: string): number | undefined {
    const row = this.db.prepare('SELECT id FROM runs WHERE external_id = ?').get(runExternalId(uuid)) as { id: number } | undefined;
    return row?.id;
  }

  /**
   * Adds the run, or updates what MLflow changes during a run's life (status, end time, deletion,
   * tags, new params). Names and notes edited in ML Lifecycle are kept. Returns our id.
   */
  run(run: MlflowRun): { id: number; isNew: boolean } {
    const tags = run.tags;
    const existing = this.db
      .prepare('SELECT id, deleted_at AS deletedAt, status, end_time AS endTime, parent_run_id AS parentRunId FROM runs WHERE external_id = ?')
      .get(runExternalId(run.uuid)) as (ExistingRow & { status: string; endTime: number | null; parentRunId: number | null }) | undefined;
    let id: number;
    let isNew = false;
    if (existing) {
      id = existing.id;
      if (existing.status !== run.status || existing.endTime !== (run.endTime ?? null)) {
        this.db.prepare('UPDATE runs SET status = ?, end_time = ? WHERE id = ?').run(run.status, run.endTime ?? null, id);
        this.summary.runsUpdated++;
      }
      if (run.deleted && existing.deletedAt === null) this.moveToTrash('run', id, run.deletedAt);
      if (existing.parentRunId === null) this.linkParent(id, tags.get(PARENT_RUN_TAG));
    } else {
      isNew = true;
      const name = (run.name?.trim() || tags.get(RUN_NAME_TAG)?.trim() || run.uuid.slice(0, 8));
      const uuidTaken = this.db.prepare('SELECT 1 FROM runs WHERE uuid = ?').get(run.uuid) !== undefined;
      id = Number(
        this.db
          .prepare(
            `INSERT INTO runs (uuid, experiment_id, name, status, start_time, end_time, git_commit, git_branch, entry_point, user_name, source, notes, deleted_at, external_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            uuidTaken ? crypto.randomUUID().replaceAll('-', '') : run.uuid,
            run.experimentId,
            name,
            run.status,
            run.startTime,
            run.endTime ?? null,
            tags.get('mlflow.source.git.commit') ?? null,
            tags.get('mlflow.source.git.branch') ?? null,
            tags.get('mlflow.project.entryPoint') ?? null,
            run.userId ?? tags.get('mlflow.user') ?? null,
            tags.get('mlflow.source.name') ?? null,
            tags.get('mlflow.note.content') ?? null,
            run.deleted ? (run.deletedAt ?? run.endTime ?? Date.now()) : null,
            runExternalId(run.uuid),
          ).lastInsertRowid,
      );
      this.summary.runs++;
      this.linkParent(id, tags.get(PARENT_RUN_TAG));
      this.linkWaitingChildren(run.uuid, id);
    }
    const param = this.db.prepare('INSERT OR IGNORE INTO params (run_id, key, value) VALUES (?, ?, ?)');
    for (const [key, value] of run.params) this.summary.params += param.run(id, key, value).changes;
    const tag = this.db.prepare('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value WHERE value IS NOT excluded.value');
    for (const [key, value] of tags) this.summary.tags += tag.run(id, key, value).changes;
    return { id, isNew };
  }

  /**
   * One batch of runs and their points, in a write transaction that skips the foreign-key check:
   * every row it writes refers to a run this import found or made in the same transaction, and
   * checking each metric point's run costs about a quarter of the copy.
   */
  batch<T>(work: () => T): T {
    this.db.pragma('foreign_keys = OFF');
    try {
      return writeTransaction(this.store, work);
    } finally {
      this.db.pragma('foreign_keys = ON');
    }
  }

  /** Widens the metric's dirty step range; call once per run and key written in this transaction. */
  markDirty(runId: number, key: string, lo: number, hi: number): void {
    this.marker.run(runId, key, lo, hi);
  }

  /** A RUNNING MLflow run has no logger heartbeat here: its last logged point stands for one. */
  touchHeartbeat(runId: number): void {
    this.db
      .prepare("UPDATE runs SET heartbeat_at = (SELECT max(timestamp) FROM metrics WHERE run_id = @run) WHERE id = @run AND status = 'RUNNING'")
      .run({ run: runId });
  }

  private linkParent(childId: number, parentUuid: string | undefined): void {
    if (!parentUuid) return;
    const parent = this.db.prepare('SELECT id FROM runs WHERE external_id = ?').get(runExternalId(parentUuid)) as { id: number } | undefined;
    if (parent && parent.id !== childId) this.db.prepare('UPDATE runs SET parent_run_id = ? WHERE id = ?').run(parent.id, childId);
    else if (!parent) {
      const waiting = this.waitingForParent.get(parentUuid);
      if (waiting) waiting.push(childId);
      else this.waitingForParent.set(parentUuid, [childId]);
    }
  }

  private linkWaitingChildren(uuid: string, parentId: number): void {
    const children = this.waitingForParent.get(uuid);
    if (!children) return;
    this.waitingForParent.delete(uuid);
    const update = this.db.prepare('UPDATE runs SET parent_run_id = ? WHERE id = ? AND parent_run_id IS NULL');
    for (const child of children) update.run(parentId, child);
  }

  /** Moves an imported experiment or run to the trash, with the reason in the audit log. */
  moveToTrash(kind: 'experiment' | 'run', id: number, deletedAt: number | undefined, reason = `deleted in MLflow (${this.source.path})`): void {
    const table = kind === 'experiment' ? 'experiments' : 'runs';
    this.db.prepare(`UPDATE ${table} SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL`).run(deletedAt ?? Date.now(), id);
    recordAudit(this.db, { entity: kind, entityId: id, action: 'delete', reason });
    this.summary.trashed++;
  }

  /** `name`, or `name (from <source>)` and then a number when the store already uses it. */
  uniqueName(table: 'experiments' | 'registered_models', name: string): string {
    const taken = this.db.prepare(`SELECT 1 FROM ${table} WHERE name = ?`);
    if (!taken.get(name)) return name;
    const label = this.source.path.split(/[\\/]/).pop() ?? 'MLflow';
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? `${name} (from ${label})` : `${name} (from ${label} ${n})`;
      if (!taken.get(candidate)) {
        this.summary.notes.push(`"${name}" already exists in ML Lifecycle; the one from MLflow was imported as "${candidate}".`);
        return candidate;
      }
    }
  }

  /** An audit line for the import as a whole, when it changed anything. */
  auditImport(): void {
    const s = this.summary;
    if (s.experiments + s.runs + s.runsUpdated + s.metricPoints + s.versions + s.aliases + s.trashed === 0) return;
    recordAudit(this.db, {
      entity: 'store',
      entityId: this.store.path,
      action: 'import-mlflow',
      reason: this.source.path,
      details: { experiments: s.experiments, runs: s.runs, runsUpdated: s.runsUpdated, metricPoints: s.metricPoints, versions: s.versions, skipped: s.skippedCount, cancelled: s.cancelled },
    });
  }
}
