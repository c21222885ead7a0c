/**
 * Experiments and runs browsed on a team's MLflow tracking server are cached in the store as
 * ordinary rows, so every view reads them, but they belong to other people: every write path
 * asks here first and refuses them with a one-line reason. They are recognised by their
 * external_id, `mlflow-server:<uri>#experiment:<id>` or `mlflow-server:<uri>#run:<id>`.
 */
import type { Db } from '../store/database.ts';

const PREFIX = 'mlflow-server:';

/** The mlflow_sources key of a server's cache: one row per server browsed. */
export function serverSourceKey(uri: string): string {
  return `${PREFIX}${uri}`;
}

export function remoteExperimentExternalId(uri: string, experimentId: string): string {
  return `${PREFIX}${uri}#experiment:${experimentId}`;
}

export function remoteRunExternalId(uri: string, runId: string): string {
  return `${PREFIX}${uri}#run:${runId}`;
}

/** SQL condition, on a table alias, that its row is NOT a cached remote row. */
export function localOnly(alias: string): string {
  return `coalesce(${alias}.external_id, '') NOT LIKE '${PREFIX}%'`;
}

/** The server URI an external id points to, or undefined for a local (or imported) row. */
export function remoteServerOf(externalId: string | null | undefined): string | undefined {
  if (!externalId?.startsWith(PREFIX)) return undefined;
  const hash = externalId.lastIndexOf('#');
  return hash > PREFIX.length ? externalId.slice(PREFIX.length, hash) : undefined;
}

/** A write to a row that is a read-only copy of a server's. */
export class RemoteRowError extends Error {
  override readonly name = 'RemoteRowError';
}

/** The server a run's row was cached from, if it was. */
export function remoteServerOfRun(db: Db, runId: number): string | undefined {
  const row = db.prepare('SELECT external_id AS externalId FROM runs WHERE id = ?').get(runId) as { externalId: string | null } | undefined;
  return remoteServerOf(row?.externalId);
}

export function remoteServerOfExperiment(db: Db, experimentId: number): string | undefined {
  const row = db.prepare('SELECT external_id AS externalId FROM experiments WHERE id = ?').get(experimentId) as { externalId: string | null } | undefined;
  return remoteServerOf(row?.externalId);
}

/** Throws, naming the server, when the run is a cached remote run; `action` is e.g. "tag", "rename". */
export function refuseRemoteRun(db: Db, runId: number, action: string): void {
  const server = remoteServerOfRun(db, runId);
  if (server) throw new RemoteRowError(`This run is a read-only copy of a run on ${server}; ${action} it on that server instead.`);
}

export function refuseRemoteExperiment(db: Db, experimentId: number, action: string): void {
  const server = remoteServerOfExperiment(db, experimentId);
  if (server) throw new RemoteRowError(`This experiment is a read-only copy of an experiment on ${server}; ${action} it on that server instead.`);
}

/** Cached remote experiments: our id -> server URI. */
export function remoteExperiments(db: Db): Map<number, string> {
  const rows = db.prepare(`SELECT id, external_id AS externalId FROM experiments WHERE external_id LIKE '${PREFIX}%'`).all() as { id: number; externalId: string }[];
  const result = new Map<number, string>();
  for (const row of rows) {
    const uri = remoteServerOf(row.externalId);
    if (uri) result.set(row.id, uri);
  }
  return result;
}

/** Servers with a cache in this store: URI -> when it was last fetched. */
export function cachedServers(db: Db): Map<string, number> {
  const rows = db.prepare(`SELECT source, imported_at AS at FROM mlflow_sources WHERE source LIKE '${PREFIX}%'`).all() as { source: string; at: number }[];
  return new Map(rows.map((r) => [r.source.slice(PREFIX.length), r.at]));
}
