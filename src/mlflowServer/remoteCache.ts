/**
 * Writes what a tracking server answered into the store as ordinary rows (remoteRows.ts tells
 * them apart), so the tree, runs table, search, Compare and run page read remote runs like local
 * ones. Each experiment is named with the server's host, so it never mixes with a local one.
 * Every method runs inside the caller's write transaction.
 */
import * as crypto from 'node:crypto';
import { type Db, cachedStatement } from '../store/database.ts';
import { MARK_DIRTY_SQL } from '../store/metricBlocks.ts';
import { remoteExperimentExternalId, remoteRunExternalId, serverSourceKey } from '../tracking/remoteRows.ts';
import type { RunStatus } from '../tracking/model.ts';
import type { KeyValue } from './batches.ts';

export interface RemoteMetric {
  key: string;
  /** JSON numbers, or MLflow's "NaN", "Infinity", "-Infinity". */
  value: number | string;
  timestamp: number | string;
  step?: number | string;
}

export interface ListedExperiment {
  experiment_id: string;
  name: string;
  creation_time?: number | string;
  tags?: KeyValue[];
}

export interface ListedRun {
  info: {
    run_id: string;
    run_name?: string;
    experiment_id: string;
    status?: string;
    start_time?: number | string;
    end_time?: number | string;
    user_id?: string;
    lifecycle_stage?: string;
  };
  data?: { metrics?: RemoteMetric[]; params?: KeyValue[]; tags?: KeyValue[] };
}

const STATUSES: Record<string, RunStatus> = { RUNNING: 'RUNNING', SCHEDULED: 'RUNNING', FINISHED: 'FINISHED', FAILED: 'FAILED', KILLED: 'KILLED' };

export function metricValue(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

/** host[:port][/prefix] of a tracking URI, for names and descriptions. */
export function serverLabel(uri: string): string {
  const url = new URL(uri);
  return `${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

function optionalTime(value: number | string | undefined): number | null {
  return value === undefined || value === null || value === '' ? null : Number(value);
}

export class RemoteCache {
  private readonly db: Db;
  readonly uri: string;
  private readonly marker;
  /** Remote experiment id -> our id, filled by experiment(). */
  private readonly experimentIds = new Map<string, number>();

  constructor(db: Db, uri: string) {
    this.db = db;
    this.uri = uri;
    this.marker = db.prepare(MARK_DIRTY_SQL);
  }

  /** The server's row in mlflow_sources, stamped with this refresh's time. */
  touchSource(now = Date.now()): void {
    cachedStatement(this.db, 'INSERT INTO mlflow_sources (source, imported_at) VALUES (?, ?) ON CONFLICT (source) DO UPDATE SET imported_at = excluded.imported_at')
      .run(serverSourceKey(this.uri), now);
  }

  /** Our id of a cached experiment of this server, if it is cached. */
  experimentId(remoteId: string): number | undefined {
    let id = this.experimentIds.get(remoteId);
    if (id === undefined) {
      id = (cachedStatement(this.db, 'SELECT id FROM experiments WHERE external_id = ?').get(remoteExperimentExternalId(this.uri, remoteId)) as { id: number } | undefined)?.id;
      if (id !== undefined) this.experimentIds.set(remoteId, id);
    }
    return id;
  }

  experiment(experiment: ListedExperiment): number {
    const externalId = remoteExperimentExternalId(this.uri, experiment.experiment_id);
    const description = experiment.tags?.find((t) => t.key === 'mlflow.note.content')?.value ?? null;
    const existing = cachedStatement(this.db, 'SELECT id FROM experiments WHERE external_id = ?').get(externalId) as { id: number } | undefined;
    let id: number;
    if (existing) {
      id = existing.id;
      cachedStatement(this.db, 'UPDATE experiments SET description = ? WHERE id = ? AND description IS NOT ?').run(description, id, description);
    } else {
      const name = this.uniqueName(`${experiment.name} @ ${serverLabel(this.uri)}`);
      id = Number(
        cachedStatement(this.db, 'INSERT INTO experiments (name, description, created_at, external_id) VALUES (?, ?, ?, ?)')
          .run(name, description, optionalTime(experiment.creation_time) ?? Date.now(), externalId).lastInsertRowid,
      );
    }
    cachedStatement(this.db, 'DELETE FROM experiment_tags WHERE experiment_id = ?').run(id);
    const tag = cachedStatement(this.db, 'INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)');
    for (const t of experiment.tags ?? []) tag.run(id, t.key, t.value);
    this.experimentIds.set(experiment.experiment_id, id);
    return id;
  }

  /** Adds or updates one run: status, times, name, params, tags as the server has them, and each metric's latest point. */
  run(run: ListedRun, now = Date.now()): number {
    const experimentId = this.experimentId(run.info.experiment_id);
    if (experimentId === undefined) throw new Error(`run ${run.info.run_id} of an experiment not listed (${run.info.experiment_id})`);
    const tags = run.data?.tags ?? [];
    const tagOf = (key: string) => tags.find((t) => t.key === key)?.value ?? null;
    const status = STATUSES[run.info.status ?? 'RUNNING'] ?? 'RUNNING';
    const name = run.info.run_name?.trim() || tagOf('mlflow.runName')?.trim() || run.info.run_id.slice(0, 8);
    const externalId = remoteRunExternalId(this.uri, run.info.run_id);
    const fields = {
      experiment: experimentId,
      name,
      status,
      start: optionalTime(run.info.start_time) ?? now,
      end: optionalTime(run.info.end_time),
      // When the server last said RUNNING: a running run's duration reaches this far (it never reads as stale).
      heartbeat: status === 'RUNNING' ? now : null,
      commit: tagOf('mlflow.source.git.commit'),
      branch: tagOf('mlflow.source.git.branch'),
      entry: tagOf('mlflow.project.entryPoint'),
      user: run.info.user_id || tagOf('mlflow.user'),
      source: tagOf('mlflow.source.name'),
      notes: tagOf('mlflow.note.content'),
      externalId,
    };
    const existing = cachedStatement(this.db, 'SELECT id FROM runs WHERE external_id = ?').get(externalId) as { id: number } | undefined;
    let id: number;
    if (existing) {
      id = existing.id;
      cachedStatement(this.db, 
          `UPDATE runs SET experiment_id = @experiment, name = @name, status = @status, start_time = @start, end_time = @end, heartbeat_at = @heartbeat,
             git_commit = @commit, git_branch = @branch, entry_point = @entry, user_name = @user, source = @source, notes = @notes WHERE id = @id`,
        )
        .run({ ...fields, id });
    } else {
      const taken = cachedStatement(this.db, 'SELECT 1 FROM runs WHERE uuid = ?').get(run.info.run_id) !== undefined;
      id = Number(
        cachedStatement(this.db, 
            `INSERT INTO runs (uuid, experiment_id, name, status, start_time, end_time, heartbeat_at, git_commit, git_branch, entry_point, user_name, source, notes, external_id)
             VALUES (@uuid, @experiment, @name, @status, @start, @end, @heartbeat, @commit, @branch, @entry, @user, @source, @notes, @externalId)`,
          )
          .run({ ...fields, uuid: taken ? crypto.randomUUID().replaceAll('-', '') : run.info.run_id }).lastInsertRowid,
      );
    }
    const param = cachedStatement(this.db, 'INSERT INTO params (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value');
    for (const p of run.data?.params ?? []) param.run(id, p.key, p.value);
    cachedStatement(this.db, 'DELETE FROM tags WHERE run_id = ?').run(id);
    const tag = cachedStatement(this.db, 'INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)');
    for (const t of tags) tag.run(id, t.key, t.value);
    // The latest point of each metric, so the tree and tables show values before any history is fetched.
    const point = cachedStatement(this.db, 'INSERT OR IGNORE INTO metrics (run_id, key, step, timestamp, value, seq) VALUES (?, ?, ?, ?, ?, 0)');
    for (const m of run.data?.metrics ?? []) {
      const step = Number(m.step ?? 0);
      const value = metricValue(m.value);
      if (point.run(id, m.key, step, Number(m.timestamp), Number.isNaN(value) ? null : value).changes) this.marker.run(id, m.key, step, step);
    }
    return id;
  }

  /** Links each of the server's runs to its parent (mlflow.parentRunId), once both are cached. */
  linkParents(): void {
    const prefix = remoteRunExternalId(this.uri, '');
    cachedStatement(this.db, 
        `UPDATE runs SET parent_run_id = (SELECT p.id FROM tags t JOIN runs p ON p.external_id = @prefix || t.value WHERE t.run_id = runs.id AND t.key = 'mlflow.parentRunId')
         WHERE substr(external_id, 1, length(@prefix)) = @prefix AND parent_run_id IS NULL
           AND EXISTS (SELECT 1 FROM tags t WHERE t.run_id = runs.id AND t.key = 'mlflow.parentRunId')`,
      )
      .run({ prefix });
  }

  /** Removes cached experiments and runs the server no longer lists (deleted there). Returns how many rows went. */
  prune(seenExperiments: ReadonlySet<string>, seenRuns: ReadonlySet<string>): number {
    const experimentPrefix = remoteExperimentExternalId(this.uri, '');
    const runPrefix = remoteRunExternalId(this.uri, '');
    const goneRuns = cachedStatement(this.db, `DELETE FROM runs WHERE substr(external_id, 1, length(@p)) = @p AND substr(external_id, length(@p) + 1) NOT IN (SELECT value FROM json_each(@seen))`)
      .run({ p: runPrefix, seen: JSON.stringify([...seenRuns]) }).changes;
    const goneExperiments = cachedStatement(this.db, `DELETE FROM experiments WHERE substr(external_id, 1, length(@p)) = @p AND substr(external_id, length(@p) + 1) NOT IN (SELECT value FROM json_each(@seen))`)
      .run({ p: experimentPrefix, seen: JSON.stringify([...seenExperiments]) }).changes;
    return goneRuns + goneExperiments;
  }

  private uniqueName(name: string): string {
    const taken = cachedStatement(this.db, 'SELECT 1 FROM experiments WHERE name = ?');
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? name : `${name} (${n})`;
      if (!taken.get(candidate)) return candidate;
    }
  }
}

/** Removes every cached row of a server from the store (never anything on the server). Returns runs removed. */
export function forgetServer(db: Db, uri: string): number {
  const experimentPrefix = remoteExperimentExternalId(uri, '');
  const runPrefix = remoteRunExternalId(uri, '');
  const runs = db.prepare(`DELETE FROM runs WHERE substr(external_id, 1, length(@p)) = @p`).run({ p: runPrefix }).changes;
  db.prepare(`DELETE FROM experiments WHERE substr(external_id, 1, length(@p)) = @p`).run({ p: experimentPrefix });
  db.prepare('DELETE FROM mlflow_sources WHERE source = ?').run(serverSourceKey(uri));
  return runs;
}
