/**
 * What a push has already sent to a tracking server (tables of schema version 6): the remote id
 * of each local experiment, run, model, version, artifact and alias with a digest of what was
 * sent, and per run and metric a watermark of the history sent. Each entry is written only after
 * the server acknowledged what it describes, so a killed push resumes where it stopped.
 */
import type { Db } from '../store/database.ts';

export type RemoteEntity = 'experiment' | 'run' | 'model' | 'model_version' | 'artifact' | 'alias';

export interface RemoteMapping {
  remoteRef: string;
  sent: string | null;
}

/** The last point of a metric sent, in the store's (step, timestamp, seq) order, and how many points up to it. */
export interface MetricWatermark {
  points: number;
  step: number;
  timestamp: number;
  seq: number;
}

export const NO_WATERMARK: MetricWatermark = { points: 0, step: Number.MIN_SAFE_INTEGER, timestamp: Number.MIN_SAFE_INTEGER, seq: -1 };

/** The id of a tracking server in this store, added on first use. */
export function remoteId(db: Db, uri: string, now = Date.now()): number {
  db.prepare('INSERT INTO mlflow_remotes (uri, first_pushed_at) VALUES (?, ?) ON CONFLICT (uri) DO NOTHING').run(uri, now);
  return (db.prepare('SELECT id FROM mlflow_remotes WHERE uri = ?').get(uri) as { id: number }).id;
}

export function markPushed(db: Db, remote: number, now = Date.now()): void {
  db.prepare('UPDATE mlflow_remotes SET last_pushed_at = ? WHERE id = ?').run(now, remote);
}

export class PushState {
  private readonly db: Db;
  readonly remote: number;
  private readonly selectMapping;
  private readonly upsertMapping;
  private readonly selectWatermarks;
  private readonly upsertWatermark;

  constructor(db: Db, remote: number) {
    this.db = db;
    this.remote = remote;
    this.selectMapping = db.prepare('SELECT remote_ref AS remoteRef, sent FROM mlflow_remote_ids WHERE remote_id = ? AND entity = ? AND local_key = ?');
    this.upsertMapping = db.prepare(
      `INSERT INTO mlflow_remote_ids (remote_id, entity, local_key, remote_ref, sent, pushed_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (remote_id, entity, local_key) DO UPDATE SET remote_ref = excluded.remote_ref, sent = excluded.sent, pushed_at = excluded.pushed_at`,
    );
    this.selectWatermarks = db.prepare('SELECT key, points, last_step AS step, last_timestamp AS timestamp, last_seq AS seq FROM mlflow_pushed_metrics WHERE remote_id = ? AND run_id = ?');
    this.upsertWatermark = db.prepare(
      `INSERT INTO mlflow_pushed_metrics (remote_id, run_id, key, points, last_step, last_timestamp, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (remote_id, run_id, key) DO UPDATE SET points = excluded.points, last_step = excluded.last_step,
         last_timestamp = excluded.last_timestamp, last_seq = excluded.last_seq`,
    );
  }

  get(entity: RemoteEntity, localKey: string | number): RemoteMapping | undefined {
    return this.selectMapping.get(this.remote, entity, String(localKey)) as RemoteMapping | undefined;
  }

  set(entity: RemoteEntity, localKey: string | number, remoteRef: string, sent: string | null = null): void {
    this.upsertMapping.run(this.remote, entity, String(localKey), remoteRef, sent, Date.now());
  }

  watermarks(runId: number): Map<string, MetricWatermark> {
    const rows = this.selectWatermarks.all(this.remote, runId) as (MetricWatermark & { key: string })[];
    return new Map(rows.map(({ key, ...mark }) => [key, mark]));
  }

  /** Records, in one transaction, how far each metric of a run has been sent. */
  saveWatermarks(runId: number, marks: ReadonlyMap<string, MetricWatermark>): void {
    this.db.transaction(() => {
      for (const [key, mark] of marks) this.upsertWatermark.run(this.remote, runId, key, mark.points, mark.step, mark.timestamp, mark.seq);
    }).immediate();
  }
}
