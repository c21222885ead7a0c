/**
 * The tracking server's REST endpoints the push uses, typed. Creating calls are made idempotent
 * here: an experiment or model that exists is looked up by name, and runs and versions carry our
 * id in a tag (RUN_TAG, VERSION_TAG) by which they are found before anything is created.
 */
import type { KeyValue, LogBatchBody } from './batches.ts';
import { type MlflowClient, MlflowServerError } from './client.ts';

/** On every run we push: the local run's uuid. Runs are found by it, never by name. */
export const RUN_TAG = 'ml-lifecycle.run_uuid';
/** On every model version we push: the local version's identity (model name and version number). */
export const VERSION_TAG = 'ml-lifecycle.version';

export interface RemoteExperiment {
  experiment_id: string;
  name: string;
  lifecycle_stage: string;
}

export interface RemoteRunInfo {
  run_id: string;
  experiment_id: string;
  artifact_uri: string;
  lifecycle_stage: string;
}

interface RemoteRun {
  info: RemoteRunInfo;
  data?: { tags?: KeyValue[] };
}

class ExperimentClashError extends MlflowServerError {
  constructor(message: string) {
    super(message, 400, 'RESOURCE_ALREADY_EXISTS');
  }
}

/** Before a create is tried again: longer as fewer tries are left. */
function pause(retriesLeft: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 250 * 2 ** (4 - retriesLeft)));
}

function quoteFilter(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Checks that the server speaks MLflow's REST API, with a clear message when it does not. */
export async function checkServer(client: MlflowClient): Promise<void> {
  const answer = await client.call<{ experiments?: unknown }>('POST', 'experiments/search', { max_results: 1 });
  if (!answer || typeof answer !== 'object' || !('experiments' in answer || Object.keys(answer).length === 0)) {
    throw new MlflowServerError(`${client.baseUrl} answered experiments/search, but not as MLflow does: it does not look like an MLflow tracking server.`, 200);
  }
}

/**
 * The server's experiment of that name, created when missing. A deleted experiment of that name
 * blocks the push (MLflow keeps names of deleted experiments) with what to do about it.
 */
export async function ensureExperiment(client: MlflowClient, name: string, tags: KeyValue[]): Promise<RemoteExperiment> {
  const existing = await getExperimentByName(client, name);
  if (existing) {
    if (existing.lifecycle_stage !== 'active') {
      throw new ExperimentClashError(
        `The server has a deleted experiment named "${name}" (id ${existing.experiment_id}). Restore it in MLflow, or rename the local experiment, then push again.`,
      );
    }
    return existing;
  }
  try {
    const created = await client.call<{ experiment_id: string }>('POST', 'experiments/create', { name, tags });
    return { experiment_id: created.experiment_id, name, lifecycle_stage: 'active' };
  } catch (error) {
    // Another push created it between our lookup and our create.
    if (error instanceof MlflowServerError && error.code === 'RESOURCE_ALREADY_EXISTS') {
      const raced = await getExperimentByName(client, name);
      if (raced) return raced;
    }
    throw error;
  }
}

async function getExperimentByName(client: MlflowClient, name: string): Promise<RemoteExperiment | undefined> {
  try {
    const answer = await client.call<{ experiment: RemoteExperiment }>('GET', 'experiments/get-by-name', { experiment_name: name });
    return answer.experiment;
  } catch (error) {
    if (error instanceof MlflowServerError && error.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
    throw error;
  }
}

export async function getRun(client: MlflowClient, runId: string): Promise<RemoteRunInfo | undefined> {
  try {
    return (await client.call<{ run: RemoteRun }>('GET', 'runs/get', { run_id: runId })).run.info;
  } catch (error) {
    if (error instanceof MlflowServerError && error.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
    throw error;
  }
}

/** Our runs in an experiment, by local uuid (the RUN_TAG), deleted ones included. */
export async function findPushedRuns(client: MlflowClient, experimentId: string, uuids?: readonly string[]): Promise<Map<string, RemoteRunInfo>> {
  const found = new Map<string, RemoteRunInfo>();
  const filter = uuids?.length === 1 ? `tags.\`${RUN_TAG}\` = ${quoteFilter(uuids[0]!)}` : `tags.\`${RUN_TAG}\` LIKE '%'`;
  let pageToken: string | undefined;
  do {
    const answer = await client.call<{ runs?: RemoteRun[]; next_page_token?: string }>('POST', 'runs/search', {
      experiment_ids: [experimentId],
      filter,
      run_view_type: 'ALL',
      max_results: 1000,
      ...(pageToken ? { page_token: pageToken } : {}),
    });
    for (const run of answer.runs ?? []) {
      const uuid = run.data?.tags?.find((t) => t.key === RUN_TAG)?.value;
      if (uuid) found.set(uuid, run.info);
    }
    pageToken = answer.next_page_token || undefined;
  } while (pageToken);
  return found;
}

export interface NewRemoteRun {
  experimentId: string;
  uuid: string;
  name: string;
  startTime: number;
  userId: string | null;
  tags: KeyValue[];
}

/**
 * Creates a run unless one with our tag exists. A create whose answer was lost (timeout, dropped
 * connection) may have landed, so after such a failure we look again before creating again.
 */
export async function createRunOnce(client: MlflowClient, run: NewRemoteRun, retriesLeft = 4): Promise<RemoteRunInfo> {
  const existing = (await findPushedRuns(client, run.experimentId, [run.uuid])).get(run.uuid);
  if (existing) return existing;
  try {
    const answer = await client.call<{ run: RemoteRun }>('POST', 'runs/create', {
      experiment_id: run.experimentId,
      run_name: run.name,
      start_time: run.startTime,
      ...(run.userId ? { user_id: run.userId } : {}),
      tags: [...run.tags, { key: RUN_TAG, value: run.uuid }],
    }, { once: true });
    return answer.run.info;
  } catch (error) {
    if (error instanceof MlflowServerError && error.retryable && retriesLeft > 0) {
      await pause(retriesLeft);
      return createRunOnce(client, run, retriesLeft - 1);
    }
    throw error;
  }
}

export async function updateRun(client: MlflowClient, runId: string, fields: { status: string; endTime: number | null; name: string }): Promise<void> {
  await client.call('POST', 'runs/update', {
    run_id: runId,
    status: fields.status,
    run_name: fields.name,
    ...(fields.endTime !== null ? { end_time: fields.endTime } : {}),
  });
}

export async function logBatch(client: MlflowClient, runId: string, body: LogBatchBody): Promise<void> {
  await client.call('POST', 'runs/log-batch', { run_id: runId, ...body });
}

/** A registered model of that name, created when missing (an existing one is shared, as teams do). */
export async function ensureRegisteredModel(client: MlflowClient, name: string, description: string | null): Promise<void> {
  try {
    await client.call('POST', 'registered-models/create', { name, ...(description ? { description } : {}) });
  } catch (error) {
    if (error instanceof MlflowServerError && error.code === 'RESOURCE_ALREADY_EXISTS') return;
    throw error;
  }
}

interface RemoteVersion {
  version: string;
  tags?: KeyValue[];
}

/** The version of `model` carrying our VERSION_TAG `identity`, if any. */
async function findPushedVersion(client: MlflowClient, model: string, identity: string): Promise<string | undefined> {
  let pageToken: string | undefined;
  do {
    const answer = await client.call<{ model_versions?: RemoteVersion[]; next_page_token?: string }>('GET', 'model-versions/search', {
      filter: `name = ${quoteFilter(model)}`,
      max_results: '200',
      ...(pageToken ? { page_token: pageToken } : {}),
    });
    const match = answer.model_versions?.find((v) => v.tags?.some((t) => t.key === VERSION_TAG && t.value === identity));
    if (match) return match.version;
    pageToken = answer.next_page_token || undefined;
  } while (pageToken);
  return undefined;
}

export interface NewRemoteVersion {
  model: string;
  identity: string;
  source: string;
  runId: string | undefined;
  description: string | null;
  tags: KeyValue[];
}

/** Creates a model version unless one with our tag exists; returns its number on the server. */
export async function createVersionOnce(client: MlflowClient, version: NewRemoteVersion, retriesLeft = 4): Promise<string> {
  const existing = await findPushedVersion(client, version.model, version.identity);
  if (existing) return existing;
  try {
    const answer = await client.call<{ model_version: RemoteVersion }>('POST', 'model-versions/create', {
      name: version.model,
      source: version.source,
      ...(version.runId ? { run_id: version.runId } : {}),
      ...(version.description ? { description: version.description } : {}),
      tags: [...version.tags, { key: VERSION_TAG, value: version.identity }],
    }, { once: true });
    return answer.model_version.version;
  } catch (error) {
    if (error instanceof MlflowServerError && error.retryable && retriesLeft > 0) {
      await pause(retriesLeft);
      return createVersionOnce(client, version, retriesLeft - 1);
    }
    throw error;
  }
}

export async function setRemoteAlias(client: MlflowClient, model: string, alias: string, version: string): Promise<void> {
  await client.call('POST', 'registered-models/alias', { name: model, alias, version });
}
