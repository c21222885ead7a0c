/**
 * System metrics under MLflow's names: MLflow 3's own monitor (which needs psutil, in the
 * "sysmetrics" environment) samples a run into mlflow.db, the importer brings it in, and our logger
 * samples a run in the same interpreter (so through psutil, where the unittest suite covers /proc).
 * Every system/* key MLflow wrote is one of ours; ours add only the documented process and disk I/O keys.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { importMlflow } from '../../../src/mlflow/importMlflow.ts';
import { openStore } from '../../../src/store/database.ts';
import { pythonEnv } from '../../support/pythonEnv.ts';
import { tempDir } from '../helpers.ts';
import { loggerEnv } from './support.ts';

const env = pythonEnv('sysmetrics');
/** Ours beyond MLflow's (docs/logging.md#system-metrics); GPU temperatures only where nvidia-smi is. */
const OURS_ONLY = ['system/disk_read_megabytes', 'system/disk_write_megabytes', 'system/process_cpu_utilization_percentage', 'system/process_memory_rss_megabytes'];

const MLFLOW_RUN = `
import sys, time, mlflow
mlflow.set_tracking_uri("sqlite:///" + sys.argv[1])
mlflow.set_system_metrics_sampling_interval(0.2)
with mlflow.start_run(run_name="mlflow-monitor", log_system_metrics=True):
    time.sleep(2)
`;

const OUR_RUN = `
import time, ml_lifecycle
assert ml_lifecycle._psutil is not None, "psutil is importable here"
with ml_lifecycle.start_run(experiment="ours", name="ours", system_metrics_interval=0.2):
    time.sleep(0.5)
`;

function systemKeys(storePath: string, runName: string): string[] {
  const store = openStore(storePath);
  try {
    return store.db.prepare("SELECT DISTINCT m.key FROM metrics m JOIN runs r ON r.id = m.run_id WHERE r.name = ? AND m.key LIKE 'system/%' ORDER BY m.key").pluck().all(runName) as string[];
  } finally {
    store.close();
  }
}

test("an MLflow run's system metrics, imported, share their keys with ours", { skip: env.skip, timeout: 300_000 }, async () => {
  const dir = tempDir();
  const mlflowDb = path.join(dir, 'mlflow.db');
  const offline = { MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true' };
  const theirs = spawnSync(env.python!, ['-c', MLFLOW_RUN, mlflowDb], { env: { ...process.env, ...offline }, cwd: dir, encoding: 'utf8', timeout: 240_000 });
  assert.equal(theirs.status, 0, theirs.stderr);

  const storePath = path.join(dir, '.ml-lifecycle', 'store.sqlite');
  const store = openStore(storePath, { create: true });
  await importMlflow(store, mlflowDb);
  store.close();
  const mlflowKeys = systemKeys(storePath, 'mlflow-monitor');
  assert.ok(mlflowKeys.includes('system/cpu_utilization_percentage') && mlflowKeys.includes('system/network_receive_megabytes'), `MLflow sampled: ${mlflowKeys.join(', ')}`);

  const ours = spawnSync(env.python!, ['-c', OUR_RUN], { env: loggerEnv(storePath, { ML_LIFECYCLE_SYSTEM_METRICS: 'true' }), cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(ours.status, 0, ours.stderr);
  assert.equal(ours.stderr, '', 'every psutil source works');
  const ourKeys = systemKeys(storePath, 'ours');
  assert.deepEqual(mlflowKeys.filter((key) => !ourKeys.includes(key)), [], 'every key MLflow writes, we write under the same name');
  const extra = ourKeys.filter((key) => !mlflowKeys.includes(key) && !/^system\/gpu_\d+_temperature_celsius$/.test(key));
  assert.deepEqual(extra, OURS_ONLY);
});
