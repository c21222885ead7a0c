import type BetterSqlite3 from 'better-sqlite3';
import * as crypto from 'node:crypto';
import { numberTies } from '../mlflow/tiedPoints.ts';
import { PointWriter } from '../mlflow/writer.ts';
import { recordAudit } from '../store/audit.ts';
import { type Db, type Store, writeTransaction } from '../store/database.ts';
import { MARK_DIRTY_SQL } from '../store/metricBlocks.ts';
import type { RunStatus } from '../tracking/model.ts';
import type { TensorBoardRun } from './discovery.ts';
import { END_STATUS_TAG, type RunBatch } from './runBatch.ts';
import type { TensorBoardSummary } from './summary.ts';

/** How far an earlier import read one event file of a run. */
export interface FileState {
  bytes: number;
  records: number;
}

/** The run as the store has it, when an earlier import brought it. */
interface ExistingRun {
  id: number;
  status: string;
  startTime: number;
  endTime: number | null;
  notes: string | null;
}

export const RUN_TAG = 'tensorboard.run';
const LOGDIR_TAG = 'tensorboard.logdir';

/**
 * Writes what the reader found in a logdir into the store, keyed by the logdir and the run's name
 * (external_id), so a second import only adds what is new. Each file's read offset is kept in
 * mlflow_metric_files (key = the file's path below the run folder, bytes = offset, lines = records):
 * the same bookkeeping as an MLflow metric file's.
 */
export class TensorBoardWriter {
  readonly store: Store;
  readonly db: Db;
  /** `tensorboard:<logdir relative to the workspace, or absolute>`. */
  readonly key: string;
  readonly logdir: string;
  readonly summary: TensorBoardSummary;
  experimentId = 0;
  private readonly points: PointWriter;
  private readonly marker: BetterSqlite3.Statement<unknown[]>;
  private readonly pointsAt: BetterSqlite3.Statement<unknown[]>;
  private readonly fileState: BetterSqlite3.Statement<unknown[]>;
  private readonly lastPoint: BetterSqlite3.Statement<unknown[]>;
  /** Runs this import made or changed: each counts once as new or updated. */
  private readonly written = new Set<number>();

  constructor(store: Store, key: string, logdir: string, summary: TensorBoardSummary) {
    this.store = store;
    this.db = store.db;
    this.key = key;
    this.logdir = logdir;
    this.summary = summary;
    this.points = new PointWriter(this.db);
    this.marker = this.db.prepare(MARK_DIRTY_SQL);
    this.pointsAt = this.db.prepare('SELECT count(*) FROM metrics WHERE run_id = ? AND key = ? AND step = ? AND timestamp = ?').pluck();
    this.lastPoint = this.db.prepare('SELECT step, timestamp FROM metrics WHERE run_id = ? AND key = ? ORDER BY step DESC, timestamp DESC LIMIT 1').raw();
    this.fileState = this.db.prepare(
      'INSERT INTO mlflow_metric_files (run_id, key, bytes, lines) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET bytes = excluded.bytes, lines = excluded.lines',
    );
  }

  runExternalId(name: string): string {
    return `${this.key}:${name}`;
  }

  /** Adds the logdir's experiment (named after its folder) or finds the one an earlier import made. */
  experiment(name: string): number {
    writeTransaction(this.store, () => {
      const existing = this.db.prepare('SELECT id FROM experiments WHERE external_id = ?').pluck().get(this.key) as number | undefined;
      if (existing !== undefined) {
        this.experimentId = existing;
        return;
      }
      let unique = name;
      const taken = this.db.prepare('SELECT 1 FROM experiments WHERE name = ?');
      for (let n = 2; taken.get(unique); n++) unique = `${name} (TensorBoard${n === 2 ? '' : ` ${n - 1}`})`;
      if (unique !== name) this.summary.notes.push(`"${name}" already exists in ML Lifecycle; the logdir was imported as "${unique}".`);
      this.experimentId = Number(this.db.prepare('INSERT INTO experiments (name, created_at, external_id) VALUES (?, ?, ?)').run(unique, Date.now(), this.key).lastInsertRowid);
    });
    return this.experimentId;
  }

  existingRun(name: string): ExistingRun | undefined {
    return this.db
      .prepare('SELECT id, status, start_time AS startTime, end_time AS endTime, notes FROM runs WHERE external_id = ?')
      .get(this.runExternalId(name)) as ExistingRun | undefined;
  }

  fileStates(runId: number): Map<string, FileState> {
    const rows = this.db.prepare('SELECT key, bytes, lines AS records FROM mlflow_metric_files WHERE run_id = ?').all(runId) as ({ key: string } & FileState)[];
    return new Map(rows.map((row) => [row.key, { bytes: row.bytes, records: row.records }]));
  }

  /** A tag an earlier import left on the run. */
  tag(runId: number, key: string): string | undefined {
    return this.db.prepare('SELECT value FROM tags WHERE run_id = ? AND key = ?').pluck().get(runId, key) as string | undefined;
  }

  /**
   * Writes a batch of one run in one transaction: the run (made on its first batch), its points,
   * tags, params and the offsets read so far, so a cancelled or failed import resumes exactly there.
   * Returns the run's id.
   */
  writeBatch(run: TensorBoardRun, batch: RunBatch, files: ReadonlyMap<string, FileState>, liveSince: number | undefined): number {
    return this.batchTransaction(() => {
      const id = this.upsertRun(run, batch, liveSince);
      this.writePoints(id, batch);
      const tag = this.db.prepare('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value WHERE value IS NOT excluded.value');
      for (const [key, value] of batch.tags) this.summary.tags += tag.run(id, key, value).changes;
      const param = this.db.prepare('INSERT OR IGNORE INTO params (run_id, key, value) VALUES (?, ?, ?)');
      for (const [key, value] of batch.params) this.summary.params += param.run(id, key, value).changes;
      if (batch.notes !== undefined) this.db.prepare('UPDATE runs SET notes = ? WHERE id = ? AND notes IS NULL').run(batch.notes, id);
      for (const [name, state] of files) this.fileState.run(id, name, state.bytes, state.records);
      return id;
    });
  }

  /**
   * A write transaction that skips the foreign-key check: every row refers to the run it made or
   * found in the same transaction (as the MLflow import does; checking each point costs a quarter).
   */
  private batchTransaction<T>(work: () => T): T {
    this.db.pragma('foreign_keys = OFF');
    try {
      return writeTransaction(this.store, work);
    } finally {
      this.db.pragma('foreign_keys = ON');
    }
  }

  /**
   * The hparams session's end status once it ended; else RUNNING while a file changed recently
   * (`liveSince`, its last change, stands for a heartbeat), and FINISHED after.
   */
  private upsertRun(run: TensorBoardRun, batch: RunBatch, liveSince: number | undefined): number {
    const ended = batch.endStatus !== 'RUNNING' ? batch.endStatus : undefined;
    const status: RunStatus = ended ?? (liveSince !== undefined ? 'RUNNING' : 'FINISHED');
    const first = Number.isFinite(batch.firstTimestamp) ? batch.firstTimestamp : undefined;
    const last = Number.isFinite(batch.lastTimestamp) ? batch.lastTimestamp : undefined;
    const existing = this.existingRun(run.name);
    if (existing) {
      const start = first === undefined ? existing.startTime : Math.min(existing.startTime, first);
      const end = status === 'RUNNING' ? null : Math.max(existing.endTime ?? 0, last ?? 0) || existing.endTime;
      const changed = existing.status !== status || existing.endTime !== end || existing.startTime !== start;
      if (changed || batch.pointCount) {
        this.db.prepare('UPDATE runs SET status = ?, start_time = ?, end_time = ?, heartbeat_at = ? WHERE id = ?').run(status, start, end, liveSince ?? null, existing.id);
        if (!this.written.has(existing.id)) this.summary.runsUpdated++;
        this.written.add(existing.id);
      }
      return existing.id;
    }
    const start = first ?? Date.now();
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO runs (uuid, experiment_id, name, status, start_time, end_time, heartbeat_at, host, source, external_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(crypto.randomUUID().replaceAll('-', ''), this.experimentId, run.name, status, start, status === 'RUNNING' ? null : (last ?? start), liveSince ?? null, hostOf(run), run.dir, this.runExternalId(run.name))
        .lastInsertRowid,
    );
    const tag = this.db.prepare('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)');
    tag.run(id, LOGDIR_TAG, this.logdir);
    tag.run(id, RUN_TAG, run.name);
    this.summary.runs++;
    this.written.add(id);
    return id;
  }

  /**
   * Points go in with their seq among stored points at the same step and timestamp. Only a point
   * at or before the key's last stored one can meet such points, so only those are looked up.
   */
  private writePoints(id: number, batch: RunBatch): void {
    for (const [key, points] of batch.points) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      let loTime = Number.POSITIVE_INFINITY;
      const { steps, timestamps } = points;
      for (let i = 0; i < steps.length; i++) {
        const step = steps[i]!;
        if (step < lo || (step === lo && timestamps[i]! < loTime)) {
          lo = step;
          loTime = timestamps[i]!;
        }
        if (step > hi) hi = step;
      }
      const last = this.lastPoint.get(id, key) as [number, number] | undefined;
      const after = (step: number, timestamp: number) => !last || step > last[0] || (step === last[0] && timestamp > last[1]);
      const before = after(lo, loTime) ? undefined : (step: number, timestamp: number) => (after(step, timestamp) ? 0 : (this.pointsAt.get(id, key, step, timestamp) as number));
      numberTies(points, before, (step, timestamp, value, seq) => this.points.add(id, key, step, timestamp, value, seq));
      this.marker.run(id, key, lo, hi);
    }
    this.points.flush();
    this.summary.metricPoints += this.points.inserted;
    this.points.inserted = 0;
  }

  /** Notes the logdir as imported, and the import in the audit log when it changed anything. */
  finish(): void {
    writeTransaction(this.store, () => {
      this.db
        .prepare('INSERT INTO mlflow_sources (source, imported_at) VALUES (?, ?) ON CONFLICT (source) DO UPDATE SET imported_at = excluded.imported_at')
        .run(this.key, Date.now());
      const s = this.summary;
      if (s.runs + s.runsUpdated + s.metricPoints === 0) return;
      recordAudit(this.db, {
        entity: 'store',
        entityId: this.store.path,
        action: 'import-tensorboard',
        reason: this.logdir,
        details: { runs: s.runs, runsUpdated: s.runsUpdated, metricPoints: s.metricPoints, unreadable: s.unreadableCount, cancelled: s.cancelled },
      });
    });
  }
}

/** The host TensorBoard writers put in event file names: events.out.tfevents.<time>.<host>[.<pid>.<n>][suffix]. */
function hostOf(run: TensorBoardRun): string | null {
  const name = run.files[0]?.path.split(/[\\/]/).pop() ?? '';
  const match = /tfevents\.\d+(?:\.\d+)?\.(.+?)(?:\.\d+\.\d+)?(?:\.v2)?$/.exec(name);
  return match?.[1] ?? null;
}

/** The status an earlier import kept from the hparams session's end, if any. */
export function keptEndStatus(writer: TensorBoardWriter, runId: number): RunStatus | undefined {
  const value = writer.tag(runId, END_STATUS_TAG);
  return value === 'FINISHED' || value === 'FAILED' || value === 'RUNNING' || value === 'KILLED' ? value : undefined;
}
