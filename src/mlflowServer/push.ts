/**
 * Pushes a store to an MLflow tracking server: experiments, runs (parents before children), what
 * is new of their params, tags, metric histories and artifacts, then the model registry. Runs are
 * sent several at a time, so the server works on some while others travel. Everything sent is
 * recorded (pushState.ts) as the server acknowledges it, and the push as a whole goes to the
 * audit trail, cancelled or failed ones included.
 */
import { recordAudit } from '../store/audit.ts';
import { type Store, writeTransaction } from '../store/database.ts';
import { localOnly } from '../tracking/remoteRows.ts';
import type { KeyValue } from './batches.ts';
import { type ClientOptions, MlflowClient } from './client.ts';
import { PushState, markPushed, remoteId } from './pushState.ts';
import { pushRegistry } from './registryPush.ts';
import { ExperimentClashError, type RemoteRunInfo, checkServer, createRunOnce, ensureExperiment, findPushedRuns, getRun } from './remote.ts';
import { LOCAL_RUN_COLUMNS, type LocalRun, type RunPlan, pendingItems, planRun, pushRun, requestLimiter } from './runPush.ts';

export interface PushOptions extends Omit<ClientOptions, 'signal'> {
  /** Only these local experiments (by name); all when empty. */
  experiments?: readonly string[];
  /** Only these local runs (and their ancestors, so children keep their parent); all when not given. */
  runIds?: readonly number[];
  /** Runs sent at the same time. */
  concurrency?: number;
  isCancelled?: () => boolean;
  onProgress?: (progress: { done: number; total: number; message: string }) => void;
}

export interface PushSummary {
  uri: string;
  experiments: number;
  runsCreated: number;
  runsUpdated: number;
  points: number;
  params: number;
  tags: number;
  artifacts: number;
  models: number;
  versions: number;
  aliases: number;
  requests: number;
  ms: number;
  cancelled: boolean;
  /** Things left out, each naming what and why; the rest was pushed. */
  warnings: string[];
}

const DEFAULT_CONCURRENCY = 4;

/**
 * Log-batch requests in flight across all runs: enough to keep the server busy, under the 15
 * database connections (pool of 5, overflow of 10) of a default `mlflow server`.
 */
const REQUESTS_IN_FLIGHT = 8;

/** Runs `work` on each item, at most `limit` at once; the first error stops the others taking new items. */
async function inPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}

/** Runs sorted so that every parent comes in an earlier level than its children. */
function levels(runs: readonly LocalRun[]): LocalRun[][] {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const depth = new Map<number, number>();
  const depthOf = (run: LocalRun, seen = new Set<number>()): number => {
    const known = depth.get(run.id);
    if (known !== undefined) return known;
    const parent = run.parentRunId === null ? undefined : byId.get(run.parentRunId);
    const d = parent && !seen.has(parent.id) ? depthOf(parent, seen.add(run.id)) + 1 : 0;
    depth.set(run.id, d);
    return d;
  };
  const result: LocalRun[][] = [];
  for (const run of runs) (result[depthOf(run)] ??= []).push(run);
  return result.filter(Boolean);
}

/** The runs `ids` with every ancestor, and their experiments. */
function withAncestors(store: Store, ids: readonly number[]): { runs: Set<number>; experiments: Set<number> } {
  const rows = store.db
    .prepare(
      `WITH RECURSIVE chosen(id) AS (SELECT value FROM json_each(?) UNION SELECT r.parent_run_id FROM runs r JOIN chosen c ON r.id = c.id WHERE r.parent_run_id IS NOT NULL)
       SELECT r.id, r.experiment_id AS experimentId FROM runs r JOIN chosen c ON r.id = c.id`,
    )
    .all(JSON.stringify(ids)) as { id: number; experimentId: number }[];
  return { runs: new Set(rows.map((r) => r.id)), experiments: new Set(rows.map((r) => r.experimentId)) };
}

export async function pushToMlflow(store: Store, trackingUri: string, options: PushOptions = {}): Promise<PushSummary> {
  const started = performance.now();
  const abort = new AbortController();
  const isCancelled = () => {
    if (!abort.signal.aborted && options.isCancelled?.()) abort.abort(new Error('cancelled'));
    return abort.signal.aborted;
  };
  const client = new MlflowClient(trackingUri, { ...options, signal: abort.signal });
  const summary: PushSummary = {
    uri: client.baseUrl,
    experiments: 0,
    runsCreated: 0,
    runsUpdated: 0,
    points: 0,
    params: 0,
    tags: 0,
    artifacts: 0,
    models: 0,
    versions: 0,
    aliases: 0,
    requests: 0,
    ms: 0,
    cancelled: false,
    warnings: [],
  };
  const { db } = store;
  const state = writeTransaction(store, () => new PushState(db, remoteId(db, client.baseUrl)));
  let failure: Error | undefined;
  try {
    await checkServer(client);
    const chosenRuns = options.runIds ? withAncestors(store, options.runIds) : undefined;
    const experiments = selectExperiments(store, options.experiments ?? []).filter((e) => !chosenRuns || chosenRuns.experiments.has(e.id));
    const runs = (
      db
        .prepare(`SELECT ${LOCAL_RUN_COLUMNS} FROM runs r WHERE deleted_at IS NULL AND ${localOnly('r')} AND experiment_id IN (SELECT value FROM json_each(?)) ORDER BY start_time, id`)
        .all(JSON.stringify(experiments.map((e) => e.id))) as LocalRun[]
    ).filter((r) => !chosenRuns || chosenRuns.runs.has(r.id));

    const remoteExperiment = new Map<number, string>();
    for (const experiment of experiments) {
      if (isCancelled()) break;
      const tags = db.prepare('SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY key').all(experiment.id) as KeyValue[];
      if (experiment.description) tags.push({ key: 'mlflow.note.content', value: experiment.description });
      const remote = await ensureExperiment(client, experiment.name, tags);
      const pushedAs = state.get('experiment', experiment.id)?.remoteRef;
      if (pushedAs !== undefined && pushedAs !== remote.experiment_id) {
        throw new ExperimentClashError(
          `The server's experiment "${experiment.name}" (id ${remote.experiment_id}) is not the one this store pushed it to (id ${pushedAs}): it was renamed or replaced on the server. Rename the local experiment to push it apart, or rename the server's one back.`,
        );
      }
      remoteExperiment.set(experiment.id, remote.experiment_id);
      if (pushedAs !== remote.experiment_id) {
        state.set('experiment', experiment.id, remote.experiment_id);
        summary.experiments++;
      }
    }

    // Remote ids of runs pushed before; runs of a push killed before it recorded them are found by their tag.
    const remoteRuns = new Map<number, RemoteRunInfo>();
    const unmappedExperiments = new Set<number>();
    for (const run of runs) {
      const mapped = state.get('run', run.id);
      if (mapped) remoteRuns.set(run.id, { run_id: mapped.remoteRef, experiment_id: remoteExperiment.get(run.experimentId) ?? '', artifact_uri: '', lifecycle_stage: 'active' });
      else unmappedExperiments.add(run.experimentId);
    }
    const found = new Map<string, RemoteRunInfo>();
    for (const experimentId of unmappedExperiments) {
      const remote = remoteExperiment.get(experimentId);
      if (remote) for (const [uuid, info] of await findPushedRuns(client, remote)) found.set(uuid, info);
    }

    const plans: RunPlan[] = [];
    let total = 0;
    let done = 0;
    const progress = (message: string) => options.onProgress?.({ done, total, message });
    for (const level of levels(runs)) {
      if (isCancelled()) break;
      await inPool(level, options.concurrency ?? DEFAULT_CONCURRENCY, async (run) => {
        if (isCancelled() || !remoteExperiment.has(run.experimentId)) return;
        let info = remoteRuns.get(run.id) ?? found.get(run.uuid);
        const parent = run.parentRunId === null ? undefined : remoteRuns.get(run.parentRunId)?.run_id;
        if (!info) {
          info = await createRunOnce(client, {
            experimentId: remoteExperiment.get(run.experimentId)!,
            uuid: run.uuid,
            name: run.name,
            startTime: run.startTime,
            userId: run.userName,
            tags: parent ? [{ key: 'mlflow.parentRunId', value: parent }] : [],
          });
          summary.runsCreated++;
        }
        if (!state.get('run', run.id)) state.set('run', run.id, info.run_id);
        remoteRuns.set(run.id, info);
        const plan = planRun(db, state, run, parent);
        if (pendingItems(plan) > 0) {
          plans.push(plan);
          total += pendingItems(plan);
        }
      });
    }
    progress(`${plans.length} runs to send`);
    const limitRequests = requestLimiter(REQUESTS_IN_FLIGHT);

    await inPool(plans, options.concurrency ?? DEFAULT_CONCURRENCY, async (plan) => {
      if (isCancelled()) return;
      const info = remoteRuns.get(plan.run.id)!;
      if (!info.artifact_uri) {
        const fresh = await getRun(client, info.run_id);
        if (!fresh || fresh.lifecycle_stage !== 'active') {
          summary.warnings.push(`run "${plan.run.name}" was deleted on the server (${info.run_id}); it was not sent again.`);
          return;
        }
        info.artifact_uri = fresh.artifact_uri;
      }
      const sent = await pushRun(
        {
          db,
          client,
          state,
          isCancelled,
          limitRequests,
          onSent: (items) => {
            done += items;
            progress(`run "${plan.run.name}"`);
          },
        },
        plan,
        info.run_id,
        info.artifact_uri,
      );
      if (plan.metaChanged) summary.runsUpdated++;
      summary.points += sent.points;
      summary.params += sent.params;
      summary.tags += sent.tags;
      summary.artifacts += sent.artifacts;
      summary.requests += sent.requests;
      summary.warnings.push(...sent.warnings);
    });

    if (!isCancelled()) {
      progress('model registry');
      const runIds = options.experiments?.length || options.runIds ? new Set(runs.map((r) => r.id)) : undefined;
      const registry = await pushRegistry({
        db,
        storePath: store.path,
        client,
        state,
        isCancelled,
        runIds,
        remoteRun: (runId) => {
          const info = remoteRuns.get(runId);
          return info?.artifact_uri ? { runId: info.run_id, artifactUri: info.artifact_uri } : undefined;
        },
      });
      summary.models = registry.models;
      summary.versions = registry.versions;
      summary.aliases = registry.aliases;
      summary.warnings.push(...registry.warnings);
    }
  } catch (error) {
    failure = error as Error;
  } finally {
    summary.cancelled = isCancelled();
    summary.ms = Math.round(performance.now() - started);
    writeTransaction(store, () => {
      markPushed(db, state.remote);
      recordAudit(db, {
        entity: 'store',
        entityId: summary.uri,
        action: failure ? 'push-mlflow-failed' : summary.cancelled ? 'push-mlflow-cancelled' : 'push-mlflow',
        reason: failure?.message,
        details: { ...summary, experimentsSelected: options.experiments ?? [] },
      });
    });
  }
  if (failure && !(summary.cancelled && failure.message === 'cancelled')) throw failure;
  return summary;
}

function selectExperiments(store: Store, names: readonly string[]): { id: number; name: string; description: string | null }[] {
  // Cached copies of a server's experiments (browse.ts) are never pushed back.
  const all = store.db.prepare(`SELECT id, name, description FROM experiments e WHERE deleted_at IS NULL AND ${localOnly('e')} ORDER BY id`).all() as { id: number; name: string; description: string | null }[];
  if (names.length === 0) return all;
  const missing = names.filter((n) => !all.some((e) => e.name === n));
  if (missing.length) throw new Error(`No experiment named ${missing.map((n) => `"${n}"`).join(', ')} in this store. Run "ml-lifecycle runs list" to see its experiments.`);
  return all.filter((e) => names.includes(e.name));
}
