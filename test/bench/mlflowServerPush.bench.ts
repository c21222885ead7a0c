// Pushing to a real MLflow tracking server (test/support/mlflowServer.ts: `mlflow server` over
// PostgreSQL on this machine) beside MLflow's own Python client uploading the same data with
// log_batch, in the same run: 1,000 runs x 10 metrics x 1,000 steps (10 M points) by default.
// ML_LIFECYCLE_BENCH_PUSH_SCALE=0.02 pushes 2 % of the runs (200,000 points) on a busy machine;
// the figures are points per second either way. Our push sends several runs at once (bounded by
// PUSH_CONCURRENCY) and several batches of each run at once (8 requests in flight in all, push.ts),
// so the server works on some requests while others travel.
// Without PostgreSQL or the mlflowserver venv it prints one line saying what is missing and returns.
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pushToMlflow } from '../../src/mlflowServer/push.ts';
import { openStore } from '../../src/store/database.ts';
import { createExperiment } from '../../src/tracking/experiments.ts';
import { mlflowServerAvailability, startMlflowServer } from '../support/mlflowServer.ts';
import { ROOT } from '../support/pythonEnv.ts';
import { report } from './format.ts';

const KEYS = 10;
const STEPS = 1000;
const FULL_RUNS = 1000;
const PUSH_CONCURRENCY = 4;
// MLflow's default number of server workers; a team's server runs at least that many.
const SERVER_WORKERS = 4;
const T0 = 1_750_000_000_000;

export async function run(): Promise<void> {
  const scale = Number(process.env.ML_LIFECYCLE_BENCH_PUSH_SCALE ?? '1');
  const runs = Math.max(1, Math.round(FULL_RUNS * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
  const availability = mlflowServerAvailability();
  if (availability.skip) {
    process.stderr.write(`# mlflowServerPush: skipped, ${availability.skip}\n`);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-bench-push-'));
  // MLflow's client sends one request at a time, so only a client that pipelines keeps several
  // workers busy.
  const server = await startMlflowServer(availability, { workers: SERVER_WORKERS });
  try {
    const store = openStore(path.join(dir, '.ml-lifecycle', 'store.sqlite'), { create: true });
    const experiment = createExperiment(store, 'push-bench');
    store.db.transaction(() => {
      const insertRun = store.db.prepare("INSERT INTO runs (uuid, experiment_id, name, status, start_time, end_time, heartbeat_at) VALUES (?, ?, ?, 'FINISHED', ?, ?, ?)");
      const insertPoint = store.db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value, seq) VALUES (?, ?, ?, ?, ?, 0)');
      for (let r = 0; r < runs; r++) {
        const id = Number(insertRun.run(crypto.randomUUID().replaceAll('-', ''), experiment.id, `run-${r}`, T0, T0 + 60_000, T0).lastInsertRowid);
        for (let k = 0; k < KEYS; k++) for (let s = 0; s < STEPS; s++) insertPoint.run(id, `m${k}`, s, T0 + s, r + k / 100 + s / 10_000);
      }
    })();
    const points = runs * KEYS * STEPS;
    process.stderr.write(`# mlflowServerPush: ${runs} runs x ${KEYS} metrics x ${STEPS} steps = ${points.toLocaleString('en-US')} points\n`);

    // MLflow's client goes first, so ours writes into the larger tables.
    const side = spawnSync(server.python, [path.join(ROOT, 'test', 'bench', 'python', 'mlflow_push_side.py'), server.uri, String(runs), String(KEYS), String(STEPS)], {
      encoding: 'utf8',
      env: { ...process.env, MLFLOW_ENABLE_TELEMETRY: 'false', DO_NOT_TRACK: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    });
    if (side.status !== 0) throw new Error(`MLflow's client failed: ${side.stderr.slice(-2000)}`);

    const started = performance.now();
    const summary = await pushToMlflow(store, server.uri, { concurrency: PUSH_CONCURRENCY });
    const ourSeconds = (performance.now() - started) / 1000;
    if (summary.points !== points) throw new Error(`pushed ${summary.points} of ${points} points`);
    store.close();

    const theirs = JSON.parse(side.stdout.trim().split('\n').at(-1)!) as { points: number; seconds: number };
    const label = `${runs}x${KEYS}x${STEPS}`;
    report(`mlflow_server_push_${label}_mlflow_client`, theirs.points / theirs.seconds, 'points/s');
    report(`mlflow_server_push_${label}`, points / ourSeconds, 'points/s', { value: theirs.points / theirs.seconds, name: 'mlflow-client-log_batch' });
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
