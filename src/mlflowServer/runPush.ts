/**
 * One run's push: its status, name and times, params and tags, what is new of its metric
 * histories, and its artifacts. Every request is safe to repeat (MLflow keeps one copy of a point
 * with the same key, step, timestamp and value), and each acknowledged request is recorded in
 * PushState in the order sent, once it and all before it were acknowledged (several metric batches
 * travel at once), so a push killed at any moment resumes without loss or duplicates.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Db } from '../store/database.ts';
import { type KeyValue, type LocalPoint, metaBatches, metricBatches, toWire } from './batches.ts';
import { type MlflowClient, MlflowServerError } from './client.ts';
import { type MetricWatermark, NO_WATERMARK, type PushState } from './pushState.ts';
import { RUN_TAG, logBatch, updateRun } from './remote.ts';

/** The columns of a local run the push reads. */
export interface LocalRun {
  id: number;
  uuid: string;
  experimentId: number;
  parentRunId: number | null;
  name: string;
  status: string;
  startTime: number;
  endTime: number | null;
  gitCommit: string | null;
  gitBranch: string | null;
  gitDirty: number | null;
  entryPoint: string | null;
  host: string | null;
  userName: string | null;
  source: string | null;
  notes: string | null;
}

export const LOCAL_RUN_COLUMNS = `id, uuid, experiment_id AS experimentId, parent_run_id AS parentRunId, name, status, start_time AS startTime,
  end_time AS endTime, git_commit AS gitCommit, git_branch AS gitBranch, git_dirty AS gitDirty, entry_point AS entryPoint, host,
  user_name AS userName, source, notes`;

/** Points read from the store per query while sending. */
const READ_PAGE = 5000;

/** Metric batches of one run sent before the first of them is acknowledged. */
const BATCHES_IN_FLIGHT_PER_RUN = 4;

/** Runs `work` with at most `limit` of them pending at once, the others waiting their turn in order. */
export function requestLimiter(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (active < limit) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      // Hand the slot to the next waiter, or free it.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/** The tags MLflow's own client sets, from our run's columns; they win over local tags of the same key. */
function systemTags(run: LocalRun, remoteParentId: string | undefined): KeyValue[] {
  const tags: [string, string | null | undefined][] = [
    ['mlflow.runName', run.name],
    ['mlflow.user', run.userName],
    ['mlflow.source.name', run.entryPoint ?? run.source],
    ['mlflow.source.type', 'LOCAL'],
    ['mlflow.source.git.commit', run.gitCommit],
    ['mlflow.source.git.branch', run.gitBranch],
    ['mlflow.note.content', run.notes],
    ['mlflow.parentRunId', remoteParentId],
    ['ml-lifecycle.git_dirty', run.gitDirty === null ? null : run.gitDirty ? 'true' : 'false'],
    ['ml-lifecycle.host', run.host],
    [RUN_TAG, run.uuid],
  ];
  return tags.filter((t): t is [string, string] => t[1] !== null && t[1] !== undefined && t[1] !== '').map(([key, value]) => ({ key, value }));
}

/** Metric points not yet sent, per key, and whether the key starts over (points were added below its watermark). */
export interface MetricPlan {
  key: string;
  from: MetricWatermark;
  pending: number;
}

export interface RunPlan {
  run: LocalRun;
  metaDigest: string;
  params: KeyValue[];
  tags: KeyValue[];
  metaChanged: boolean;
  metrics: MetricPlan[];
  artifacts: { path: string; sha256: string }[];
}

export function planRun(db: Db, state: PushState, run: LocalRun, remoteParentId: string | undefined): RunPlan {
  const params = db.prepare('SELECT key, value FROM params WHERE run_id = ? ORDER BY key').all(run.id) as KeyValue[];
  const system = systemTags(run, remoteParentId);
  const systemKeys = new Set(system.map((t) => t.key));
  const localTags = (db.prepare('SELECT key, value FROM tags WHERE run_id = ? ORDER BY key').all(run.id) as KeyValue[]).filter((t) => !systemKeys.has(t.key));
  const tags = [...localTags, ...system];
  const metaDigest = crypto.createHash('sha256').update(JSON.stringify([run.status, run.endTime, params, tags])).digest('hex');
  const mapping = state.get('run', run.id);
  const marks = state.watermarks(run.id);
  const counts = db.prepare('SELECT key, count(*) AS n FROM metrics WHERE run_id = ? GROUP BY key ORDER BY key').all(run.id) as { key: string; n: number }[];
  const below = db.prepare('SELECT count(*) AS n FROM metrics WHERE run_id = ? AND key = ? AND (step, timestamp, seq) <= (?, ?, ?)');
  const metrics: MetricPlan[] = [];
  for (const { key, n } of counts) {
    let from = marks.get(key) ?? NO_WATERMARK;
    // Points written below the watermark since the last push: send the key again (the server keeps one copy of each).
    if (from.points > 0 && (below.get(run.id, key, from.step, from.timestamp, from.seq) as { n: number }).n !== from.points) from = NO_WATERMARK;
    if (n > from.points) metrics.push({ key, from, pending: n - from.points });
  }
  const artifacts = (db.prepare('SELECT path, sha256 FROM artifacts WHERE run_id = ? ORDER BY path').all(run.id) as { path: string; sha256: string }[]).filter(
    (a) => state.get('artifact', `${run.id}:${a.path}`)?.sent !== a.sha256,
  );
  return { run, metaDigest, params, tags, metaChanged: mapping?.sent !== metaDigest, metrics, artifacts };
}

export function pendingItems(plan: RunPlan): number {
  return (plan.metaChanged ? 1 : 0) + plan.metrics.reduce((sum, m) => sum + m.pending, 0) + plan.artifacts.length;
}

export interface RunPushResult {
  points: number;
  params: number;
  tags: number;
  artifacts: number;
  requests: number;
  warnings: string[];
}

export interface RunPushContext {
  db: Db;
  client: MlflowClient;
  state: PushState;
  isCancelled: () => boolean;
  /** Bounds the requests in flight across all the runs being sent (see requestLimiter). */
  limitRequests: <T>(work: () => Promise<T>) => Promise<T>;
  /** Items (points, artifacts, the run's fields) acknowledged by the server. */
  onSent: (items: number) => void;
}

/** Sends what `plan` found new for a run already created on the server (`remoteRunId`, `artifactUri`). */
export async function pushRun(context: RunPushContext, plan: RunPlan, remoteRunId: string, artifactUri: string): Promise<RunPushResult> {
  const { db, client, state } = context;
  const result: RunPushResult = { points: 0, params: 0, tags: 0, artifacts: 0, requests: 0, warnings: [] };
  const { run } = plan;

  if (plan.metaChanged) {
    for (const body of metaBatches(plan.params, plan.tags)) {
      await logBatch(client, remoteRunId, body);
      result.requests++;
    }
    await updateRun(client, remoteRunId, { status: run.status, endTime: run.endTime, name: run.name });
    result.requests++;
    result.params = plan.params.length;
    result.tags = plan.tags.length;
    state.set('run', run.id, remoteRunId, plan.metaDigest);
    context.onSent(1);
  }

  const read = db.prepare(
    'SELECT step, timestamp, seq, value FROM metrics WHERE run_id = ? AND key = ? AND (step, timestamp, seq) > (?, ?, ?) ORDER BY step, timestamp, seq LIMIT ?',
  );
  const marks = new Map<string, MetricWatermark>(plan.metrics.map((m) => [m.key, m.from]));
  // Batches sent and not yet acknowledged, oldest first: the server works on some while others
  // travel, and each is recorded only once it and every batch before it were acknowledged.
  const inFlight: { batch: LocalPoint[]; sent: Promise<void> }[] = [];
  const acknowledge = async () => {
    const { batch, sent } = inFlight.shift()!;
    try {
      await sent;
    } catch (error) {
      throw refusedMetrics(error, run.name, batch);
    }
    result.requests++;
    const touched = new Map<string, MetricWatermark>();
    for (const point of batch) {
      const mark = touched.get(point.key) ?? marks.get(point.key)!;
      touched.set(point.key, { points: mark.points + 1, step: point.step, timestamp: point.timestamp, seq: point.seq });
    }
    for (const [key, mark] of touched) marks.set(key, mark);
    state.saveWatermarks(run.id, touched);
    result.points += batch.length;
    context.onSent(batch.length);
  };
  let buffer: LocalPoint[] = [];
  const send = async () => {
    for (const batch of metricBatches(buffer)) {
      if (context.isCancelled()) break;
      const sent = context.limitRequests(() => logBatch(client, remoteRunId, { metrics: batch.map(toWire), params: [], tags: [] }));
      // Awaited in order by acknowledge; this only keeps a failure behind an earlier one from going unhandled.
      sent.catch(() => undefined);
      inFlight.push({ batch, sent });
      if (inFlight.length >= BATCHES_IN_FLIGHT_PER_RUN) await acknowledge();
    }
    buffer = [];
  };
  for (const metric of plan.metrics) {
    let cursor = metric.from;
    for (;;) {
      if (context.isCancelled()) return result;
      const rows = read.all(run.id, metric.key, cursor.step, cursor.timestamp, cursor.seq, READ_PAGE) as Omit<LocalPoint, 'key'>[];
      if (rows.length === 0) break;
      for (const row of rows) buffer.push({ key: metric.key, ...row });
      const last = rows[rows.length - 1]!;
      cursor = { points: 0, step: last.step, timestamp: last.timestamp, seq: last.seq };
      if (buffer.length >= READ_PAGE) await send();
      if (rows.length < READ_PAGE) break;
    }
  }
  await send();
  while (inFlight.length && !context.isCancelled()) await acknowledge();
  if (context.isCancelled()) return result;

  for (const artifact of plan.artifacts) {
    if (context.isCancelled()) return result;
    const sent = await uploadArtifact(client, artifactUri, artifact.path);
    if (typeof sent === 'string') {
      result.warnings.push(`run "${run.name}": ${sent}`);
      continue;
    }
    result.requests += sent;
    result.artifacts++;
    state.set('artifact', `${run.id}:${artifact.path}`, `${artifactUri}/${path.basename(artifact.path)}`, artifact.sha256);
    context.onSent(1);
  }
  return result;
}

/** A refusal of metric points (a name or value MLflow does not take) as one line naming the run and the metrics. */
function refusedMetrics(error: unknown, runName: string, batch: readonly LocalPoint[]): unknown {
  if (!(error instanceof MlflowServerError) || error.status !== 400) return error;
  // MLflow names the offending point by its index in the request (metrics[3]).
  const index = /metrics\[(\d+)\]/.exec(error.message)?.[1];
  const named = index === undefined ? undefined : batch[Number(index)];
  const keys = (named ? [named.key] : [...new Set(batch.map((p) => p.key))]).map((k) => `"${k}"`).join(', ');
  const reason = error.message.replace(/^.*?\): /, '').replace(/\.?\s*$/, '.');
  return new MlflowServerError(
    `The server refused ${named ? 'metric' : 'metrics'} ${keys} of run "${runName}" (${error.code ?? 'HTTP 400'}): ${reason} Points sent before are kept; rename the metric locally or fix the value, then push again.`,
    400,
    error.code,
  );
}

/** The proxy path (`<experiment>/<run>/artifacts`) of a run's artifact URI, or undefined when the server does not proxy artifacts. */
function proxyPath(artifactUri: string): string | undefined {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.+)$/.exec(artifactUri);
  return match?.[1]?.replace(/\/+$/, '');
}

/**
 * Uploads a file, or each file of a folder, under the run's artifacts with the local base name.
 * Returns the number of requests, or why it was skipped.
 */
export async function uploadArtifact(client: MlflowClient, artifactUri: string, localPath: string): Promise<number | string> {
  const base = proxyPath(artifactUri);
  if (!base) return `artifacts not sent: the server stores them at ${artifactUri}, not through its artifact proxy (start it with --serve-artifacts).`;
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(localPath);
  } catch {
    return `artifact ${localPath} not sent: it is no longer on disk.`;
  }
  const name = path.basename(localPath);
  const files = stat.isDirectory()
    ? (fs.readdirSync(localPath, { recursive: true, encoding: 'utf8' })).filter((f) => fs.statSync(path.join(localPath, f)).isFile()).sort()
    : [''];
  for (const file of files) {
    const target = file ? `${base}/${name}/${file.split(path.sep).join('/')}` : `${base}/${name}`;
    await client.putArtifact(target, new Uint8Array(await fs.promises.readFile(path.join(localPath, file))));
  }
  return files.length;
}
