/**
 * Real MLflow as writer and oracle: write_stores.py writes the same content to a folder store and a
 * SQLite store with MLflow's own API; oracle.py prints what MLflow's client reads back from a URI.
 * Results are cached per process, so the test files that run in one process share one write.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PythonEnv } from '../../../support/pythonEnv.ts';

const HERE = import.meta.dirname;
const WRITE_STORES = path.join(HERE, 'write_stores.py');
const ORACLE = path.join(HERE, 'oracle.py');

/** A float as oracle.py prints it: JSON has no NaN or infinities. */
export type OracleFloat = number | 'NaN' | 'Infinity' | '-Infinity';

/** Which run / experiment ids play which part, in one store (ids differ between the two stores). */
export interface StoreIds {
  uri: string;
  /** main, history, odd, deleted_kept, deleted_gc, default ("0"). */
  experiments: Record<string, string>;
  /**
   * parent, child, grandchild, child2, odd_values, metrics, failed, killed, scheduled, running,
   * finished, deleted_kept, deleted_gc, deleted_restored, history, odd_exp_run, default_run,
   * in_deleted_kept, in_deleted_gc, with_dataset, and with MLflow 3 with_logged_model.
   */
  runs: Record<string, string>;
  /** MLflow 3: initialized (initialize_logged_model) and pyfunc (log_model). */
  logged_models: Record<string, string>;
  /** Removed by `mlflow gc`: the oracle no longer sees them. */
  gc_run_ids: string[];
  gc_experiment_ids: string[];
  /** Deleted but not gc'd: still there with lifecycle_stage "deleted". */
  deleted_run_ids: string[];
  deleted_experiment_ids: string[];
  running_run_ids: string[];
}

export interface Manifest {
  mlflow_version: string;
  mlflow_major: number;
  python: string;
  seconds: { folder: number; sqlite: number; total: number; phases: Record<string, Record<string, number>> };
  stores: { folder: StoreIds; sqlite: StoreIds };
  paths: { folder: string; sqlite: string; sqlite_artifacts: string };
  written: string[];
  /** Feature -> why it was not written with this MLflow (system_metrics, stages, logged_models...). */
  skipped: Record<string, string>;
  notes: string[];
  expected: {
    history_points: number;
    dup: { step: number; values: number[] };
    long_values: { param: [key: string, length: number]; tag: [key: string, length: number] };
    odd_params: Record<string, string>;
    odd_tags: Record<string, string>;
    aliases: Record<string, Record<string, string>>;
  };
  network_attempts_blocked: string[];
  env: Record<string, string>;
}

export interface OracleExperiment {
  experiment_id: string;
  name: string;
  lifecycle_stage: 'active' | 'deleted';
  creation_time: number | null;
  last_update_time: number | null;
  artifact_location: string;
  tags: Record<string, string>;
}

/** A metric point as [step, timestamp, value]. */
export type OraclePoint = [step: number, timestamp: number, value: OracleFloat];

export interface OracleDataset {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string | null;
  profile: string | null;
  tags: Record<string, string>;
}

export interface OracleRun {
  run_id: string;
  experiment_id: string;
  run_name: string | null;
  status: 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
  start_time: number | null;
  end_time: number | null;
  lifecycle_stage: 'active' | 'deleted';
  user_id: string;
  artifact_uri: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  /** MLflow's latest value per key. */
  metrics: Record<string, OracleFloat>;
  /** Per key, in MLflow's order: file order (folder store), by (timestamp, step, value) (SQL store). */
  metric_history: Record<string, OraclePoint[]>;
  datasets: OracleDataset[];
}

export interface OracleModelVersion {
  version: string;
  run_id: string | null;
  source: string;
  status: string;
  current_stage: string;
  description: string | null;
  tags: Record<string, string>;
  aliases: string[];
  model_id: string | null;
  creation_timestamp: number;
}

export interface OracleRegisteredModel {
  name: string;
  description: string | null;
  creation_timestamp: number;
  tags: Record<string, string>;
  /** alias -> version, as search_registered_models gives it. */
  aliases: Record<string, string>;
  versions: OracleModelVersion[];
  /** alias -> version, from get_model_version_by_alias. */
  by_alias: Record<string, string>;
}

export interface OracleLoggedModel {
  model_id: string;
  experiment_id: string;
  name: string;
  source_run_id: string | null;
  status: string;
  model_type: string | null;
  tags: Record<string, string>;
  params: Record<string, string>;
  metrics: { key: string; value: OracleFloat; step: number; run_id: string | null }[];
}

export interface Oracle {
  mlflow_version: string;
  tracking_uri: string;
  experiments: OracleExperiment[];
  runs: OracleRun[];
  registered_models: OracleRegisteredModel[];
  /** MLflow 3 only (empty with MLflow 2). */
  logged_models: OracleLoggedModel[];
}

function python(env: PythonEnv, args: string[], what: string): string {
  if (!env.python) throw new Error(`${what}: ${env.skip}`);
  const done = spawnSync(env.python, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (done.error) throw done.error;
  if (done.status !== 0) throw new Error(`${what} failed (exit ${done.status}):\n${done.stderr}`);
  return done.stdout;
}

/** Writes `<dir>/mlruns`, `<dir>/mlflow.db` and `<dir>/manifest.json` with this env's MLflow. */
export function writeRealStores(env: PythonEnv, dir: string): Manifest {
  python(env, [WRITE_STORES, dir], `write_stores.py (${env.name})`);
  return JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
}

const written = new Map<string, { dir: string; manifest: Manifest }>();
const oracles = new Map<string, Oracle>();

/** The stores of `env`, written once per process into a temp folder removed at exit. */
export function realStores(env: PythonEnv): { dir: string; manifest: Manifest } {
  let stores = written.get(env.name);
  if (!stores) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mll-real-${env.name}-`));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    stores = { dir, manifest: writeRealStores(env, dir) };
    written.set(env.name, stores);
  }
  return stores;
}

/** What MLflow's client (of `env`) reads from `uri`, cached per process. */
export function mlflowOracle(env: PythonEnv, uri: string): Oracle {
  const key = `${env.name} ${uri}`;
  let oracle = oracles.get(key);
  if (!oracle) {
    oracle = JSON.parse(python(env, [ORACLE, uri], `oracle.py ${uri} (${env.name})`)) as Oracle;
    oracles.set(key, oracle);
  }
  return oracle;
}

/** A float from the oracle as a JS number. */
export function oracleNumber(value: OracleFloat): number {
  return value === 'NaN' ? NaN : value === 'Infinity' ? Infinity : value === '-Infinity' ? -Infinity : value;
}
