/**
 * Metric histories of cached remote runs, fetched with the paginated metrics/get-history and kept
 * in the store, so Compare draws them with the same M4 charts as local runs. Per run and key,
 * mlflow_metric_files records how many of the server's points are cached (`lines`) and whether
 * the history is final (`bytes` = 1: fetched to the end after the run ended). The server orders
 * a history by (timestamp, step, value) and pages by offset, so a RUNNING run's new points come
 * after the cached ones: a refresh asks only for those, from that offset on.
 */
import { type Store, writeTransaction } from '../store/database.ts';
import { MARK_DIRTY_SQL } from '../store/metricBlocks.ts';
import { metricKeys } from '../tracking/experiments.ts';
import { remoteRunExternalId, remoteServerOf } from '../tracking/remoteRows.ts';
import { type ClientOptions, MlflowClient, MlflowServerError } from './client.ts';
import { type ListedRun, RemoteCache, type RemoteMetric, metricValue } from './remoteCache.ts';
import { cancellation, explainLost } from './browse.ts';
import { formatCount } from '../shared/format.ts';

export interface HistoryOptions extends Omit<ClientOptions, 'signal'> {
  /** Points per get-history page. */
  pageSize?: number;
  isCancelled?: () => boolean;
  onProgress?: (progress: { done: number; total: number; message: string }) => void;
}

export interface HistorySummary {
  series: number;
  points: number;
  requests: number;
  ms: number;
  cancelled: boolean;
}

export const HISTORY_PAGE_SIZE = 25_000;

export interface CachedRemoteRun {
  id: number;
  remoteId: string;
  name: string;
  status: string;
}

/** The cached remote runs among `runIds`, by server URI. */
export function remoteRunsByServer(store: Store, runIds: readonly number[]): Map<string, CachedRemoteRun[]> {
  const rows = store.db
    .prepare("SELECT id, external_id AS externalId, name, status FROM runs WHERE id IN (SELECT value FROM json_each(?)) AND external_id LIKE 'mlflow-server:%'")
    .all(JSON.stringify(runIds)) as { id: number; externalId: string; name: string; status: string }[];
  const byServer = new Map<string, CachedRemoteRun[]>();
  for (const row of rows) {
    const uri = remoteServerOf(row.externalId);
    if (!uri) continue;
    const remoteId = row.externalId.slice(remoteRunExternalId(uri, '').length);
    const list = byServer.get(uri) ?? [];
    list.push({ id: row.id, remoteId, name: row.name, status: row.status });
    byServer.set(uri, list);
  }
  return byServer;
}

/** The offset page token MLflow's SQL store reads (base64 of {"offset": n}). */
function offsetToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

/**
 * Re-reads the runs' status, tags and latest values (runs/get), so polling sees a run end. Runs
 * the server no longer has are left for the next full refresh to remove.
 */
export async function refreshRemoteRuns(store: Store, trackingUri: string, runs: readonly CachedRemoteRun[], options: Omit<HistoryOptions, 'pageSize'> = {}): Promise<void> {
  const { signal, cancelled } = cancellation(options.isCancelled);
  const client = new MlflowClient(trackingUri, { ...options, signal });
  const cache = new RemoteCache(store.db, client.baseUrl);
  for (const run of runs) {
    if (cancelled()) return;
    let answer: { run: ListedRun };
    try {
      answer = await client.call<{ run: ListedRun }>('GET', 'runs/get', { run_id: run.remoteId });
    } catch (error) {
      if (error instanceof MlflowServerError && error.code === 'RESOURCE_DOES_NOT_EXIST') continue;
      throw error;
    }
    if (answer.run.info.lifecycle_stage === 'deleted') continue;
    writeTransaction(store, () => cache.run(answer.run));
  }
}

/** Fetches what is missing of the runs' metric histories: everything the first time, then only new points of unfinished ones. */
export async function fetchHistories(store: Store, trackingUri: string, runs: readonly CachedRemoteRun[], options: HistoryOptions = {}): Promise<HistorySummary> {
  const started = performance.now();
  const { signal, cancelled } = cancellation(options.isCancelled);
  const client = new MlflowClient(trackingUri, { ...options, signal });
  const pageSize = options.pageSize ?? HISTORY_PAGE_SIZE;
  const summary: HistorySummary = { series: 0, points: 0, requests: 0, ms: 0, cancelled: false };
  const { db } = store;
  const state = db.prepare('SELECT lines AS fetched, bytes AS final FROM mlflow_metric_files WHERE run_id = ? AND key = ?');
  const saveState = db.prepare(
    'INSERT INTO mlflow_metric_files (run_id, key, bytes, lines) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET bytes = excluded.bytes, lines = excluded.lines',
  );
  const statusOf = db.prepare('SELECT status FROM runs WHERE id = ?').pluck();
  const near = db.prepare('SELECT step, timestamp, value FROM metrics WHERE run_id = ? AND key = ? AND step >= ? AND timestamp >= ?');
  const insert = db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value, seq) VALUES (?, ?, ?, ?, ?, ?)');
  const marker = db.prepare(MARK_DIRTY_SQL);
  const series = runs.flatMap((run) => metricKeys(store, [run.id]).map((key) => ({ run, key })));
  let done = 0;
  try {
    for (const { run, key } of series) {
      if (cancelled()) break;
      options.onProgress?.({ done: done++, total: series.length, message: `${run.name}: ${key}` });
      const known = state.get(run.id, key) as { fetched: number; final: number } | undefined;
      if (known?.final === 1) continue;
      // Whether the run had ended before this fetch began: then what it reaches is final.
      const endedBefore = statusOf.get(run.id) !== 'RUNNING';
      let offset = known?.fetched ?? 0;
      let token = offset > 0 ? offsetToken(offset) : undefined;
      summary.series++;
      for (;;) {
        let answer: { metrics?: RemoteMetric[]; next_page_token?: string };
        try {
          answer = await client.call('GET', 'metrics/get-history', { run_id: run.remoteId, metric_key: key, max_results: String(pageSize), ...(token ? { page_token: token } : {}) });
        } catch (error) {
          // A server that pages some other way refuses our offset token: read the whole history again.
          if (error instanceof MlflowServerError && error.code === 'INVALID_PARAMETER_VALUE' && token && offset > 0) {
            offset = 0;
            token = undefined;
            continue;
          }
          throw error;
        }
        summary.requests++;
        const points = answer.metrics ?? [];
        const next = answer.next_page_token || undefined;
        writeTransaction(store, () => {
          summary.points += cachePoints(run.id, key, points);
          offset += points.length;
          saveState.run(run.id, key, !next && endedBefore ? 1 : 0, offset);
        });
        if (!next || cancelled()) break;
        token = next;
      }
    }
  } catch (error) {
    if (!cancelled()) throw explainLost(error, client.baseUrl, `The ${formatCount(summary.points)} points fetched so far are cached; the rest come on the next fetch.`);
  }
  summary.cancelled = cancelled();
  summary.ms = Math.round(performance.now() - started);
  return summary;

  /**
   * Adds a page of points, each once: the server never holds the same (step, timestamp, value)
   * twice, so a point equal to a cached one is that point (e.g. the latest value cached by the
   * listing); another point at a cached step and timestamp gets the next seq.
   */
  function cachePoints(runId: number, key: string, points: readonly RemoteMetric[]): number {
    if (points.length === 0) return 0;
    let minStep = Infinity;
    let maxStep = -Infinity;
    let minTime = Infinity;
    for (const p of points) {
      const step = Number(p.step ?? 0);
      if (step < minStep) minStep = step;
      if (step > maxStep) maxStep = step;
      minTime = Math.min(minTime, Number(p.timestamp));
    }
    const cached = new Map<string, (number | null)[]>();
    for (const row of near.all(runId, key, minStep, minTime) as { step: number; timestamp: number; value: number | null }[]) {
      const at = `${row.step}:${row.timestamp}`;
      cached.set(at, [...(cached.get(at) ?? []), row.value]);
    }
    let added = 0;
    for (const p of points) {
      const step = Number(p.step ?? 0);
      const timestamp = Number(p.timestamp);
      const number = metricValue(p.value);
      const value = Number.isNaN(number) ? null : number;
      const at = `${step}:${timestamp}`;
      const values = cached.get(at);
      if (values?.includes(value)) continue;
      insert.run(runId, key, step, timestamp, value, values?.length ?? 0);
      if (values) values.push(value);
      else cached.set(at, [value]);
      added++;
    }
    marker.run(runId, key, minStep, maxStep);
    return added;
  }
}
