import type { Store } from '../store/database.ts';
import { getExperiment, getParams, getRun, metricHeadlines, metricKeys } from '../tracking/experiments.ts';

/** A metric's state when the version was registered. null is NaN; ±Inf are kept. */
export interface MetricSnapshot {
  last: number | null;
  step: number | null;
  min: number | null;
  max: number | null;
}

export interface LoggedArtifact {
  path: string;
  sha256: string | null;
  size: number | null;
  kind: 'file' | 'model' | 'data';
}

/**
 * Where a model version came from, frozen at registration (model_versions.lineage): later edits
 * to the run, its metrics or its data do not change it.
 */
export interface Lineage {
  run: {
    id: number;
    uuid: string;
    name: string;
    status: string;
    startTime: number;
    endTime: number | null;
    entryPoint: string | null;
    experiment: { id: number; name: string };
  } | null;
  git: { commit: string | null; branch: string | null; dirty: boolean | null } | null;
  params: Record<string, string>;
  metrics: Record<string, MetricSnapshot>;
  /** Data the run logged (artifacts of kind "data"), with their hashes then. */
  data: { path: string; sha256: string | null; size: number | null }[];
  framing: { id: number; name: string; revision: number } | null;
  /** Where the registered file came from: one of the run's logged artifacts, or picked by hand. */
  artifactSource: 'run' | 'file';
}

/** A run's artifacts as logged, largest model files first. */
export function runArtifacts(store: Store, runId: number): LoggedArtifact[] {
  return store.db
    .prepare("SELECT path, sha256, size, kind FROM artifacts WHERE run_id = ? ORDER BY kind = 'model' DESC, kind = 'file' DESC, path")
    .all(runId) as LoggedArtifact[];
}

/**
 * The lineage of a version made from `runId`: the run, its experiment and framing, params, the
 * final value (and min/max) of every metric from the block summaries, git state and data hashes.
 * Call after refreshDirtyBlocks so the summaries hold every point.
 */
export function snapshotLineage(store: Store, runId: number | null, artifactSource: Lineage['artifactSource']): Lineage {
  const empty: Lineage = { run: null, git: null, params: {}, metrics: {}, data: [], framing: null, artifactSource };
  if (runId === null) return empty;
  const run = getRun(store, runId);
  if (!run) throw new Error('The run no longer exists. Refresh the Experiments view and pick another run.');
  const experiment = getExperiment(store, run.experimentId)!;
  const metrics: Record<string, MetricSnapshot> = {};
  for (const key of metricKeys(store, [run.id])) {
    const low = metricHeadlines(store, [run.id], key, 'min').get(run.id);
    const high = metricHeadlines(store, [run.id], key, 'max').get(run.id);
    metrics[key] = { last: low?.last ?? null, step: low?.lastStep ?? null, min: low?.best ?? null, max: high?.best ?? null };
  }
  const framing = experiment.framingId === null
    ? null
    : ((store.db.prepare('SELECT id, name, revision FROM framings WHERE id = ?').get(experiment.framingId) as Lineage['framing'] | undefined) ?? null);
  return {
    run: {
      id: run.id,
      uuid: run.uuid,
      name: run.name,
      status: run.status,
      startTime: run.startTime,
      endTime: run.endTime,
      entryPoint: run.entryPoint,
      experiment: { id: experiment.id, name: experiment.name },
    },
    git: run.gitCommit || run.gitBranch || run.gitDirty !== null ? { commit: run.gitCommit, branch: run.gitBranch, dirty: run.gitDirty } : null,
    params: getParams(store, run.id),
    metrics,
    data: runArtifacts(store, run.id)
      .filter((a) => a.kind === 'data')
      .map(({ path, sha256, size }) => ({ path, sha256, size })),
    framing,
    artifactSource,
  };
}

/** JSON for the store; ±Inf metric values are written as the strings "Infinity" / "-Infinity" (JSON has no Inf). */
export function encodeLineage(lineage: Lineage): string {
  return JSON.stringify(lineage, (_key, value: unknown) => (value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : value));
}

/** Reads a stored lineage; undefined when there is none or it is not a lineage this version wrote (e.g. imported). */
export function decodeLineage(json: string | null): Lineage | undefined {
  if (!json) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || typeof (raw as Lineage).metrics !== 'object' || (raw as Lineage).metrics === null) return undefined;
  const lineage = raw as Lineage;
  const number = (value: unknown): number | null => (value === 'Infinity' ? Infinity : value === '-Infinity' ? -Infinity : typeof value === 'number' ? value : null);
  for (const snapshot of Object.values(lineage.metrics)) {
    snapshot.last = number(snapshot.last);
    snapshot.min = number(snapshot.min);
    snapshot.max = number(snapshot.max);
  }
  lineage.params ??= {};
  lineage.data ??= [];
  return lineage;
}
