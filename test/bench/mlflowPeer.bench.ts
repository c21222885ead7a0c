// Side by side with real MLflow (the mlflow3 venv, python/testenv/mlflow3.txt), on the same data in
// one run, in one mlflow.db (sqlite:///, nothing leaves the machine):
//   1. logging from Python, per point (100,000 calls) and per step (10 keys x 10,000 steps), MLflow's
//      fluent API against `import ml_lifecycle` into a fresh store. Each MLflow call is a transaction
//      (150-300 points/s per point, ~1,000 per step), so MLflow is timed over a prefix: its first
//      5,000 points per point and all 10,000 steps per step, each cut at 25 s;
//   2. reading 10 runs x 100,000 steps: MlflowClient.get_metric_history against the M4 read Compare
//      makes (m4Series at 1200 px) after importMlflow, and against our full-history read;
//   3. a 100,000-step series with 50 single-step spikes: how many survive MLflow's sampled read
//      (get_metric_history_bulk_interval: 320 points a run is its UI's default, 2,500 the REST cap)
//      and our M4 at 320 px.
// Without the venv it prints one line saying how to install it and returns.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fullSeries, m4Series, type SeriesSet } from '../../src/compare/m4.ts';
import { importMlflow } from '../../src/mlflow/importMlflow.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { refreshDirtyBlocks } from '../../src/store/metricBlocks.ts';
import { ROOT, pythonEnv } from '../support/pythonEnv.ts';
import { medianMs, report } from './format.ts';

const HELPERS = path.join(ROOT, 'test', 'bench', 'python');
const KEYS = 10;
const STEPS = 10_000;
const PER_POINT_PREFIX = 5_000;
/** Each MLflow logging path stops after this long (at its next 100th call) if its prefix is not done. */
const MLFLOW_BUDGET_SECONDS = 25;
const READ_RUNS = 10;
const READ_STEPS = 100_000;
const SPIKES = 50;
/** The chart width the Compare read is measured at (buckets = pixels at maxPointsPerPixel 1). */
const CHART_PIXELS = 1200;
/** MLflow's UI asks for 320 points a run; its REST server allows up to 2,500. */
const MLFLOW_MAX_RESULTS = [320, 2500];
/** Our widths for the spike test: MLflow's default point count as pixels, and about the same point budget. */
const SPIKE_PIXELS = [320, 80];

function log(line: string): void {
  process.stderr.write(`# ${line}\n`);
}

/** A Python child's JSON answer; its stderr (MLflow's INFO lines) is shown only when it fails. */
function python(interpreter: string, script: string, args: string[], env: NodeJS.ProcessEnv): Record<string, unknown> {
  const started = performance.now();
  const done = spawnSync(interpreter, [path.join(HELPERS, script), ...args], { env, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  if (done.status !== 0) throw new Error(`${script} ${args[0]} failed (${done.status ?? done.signal}): ${done.error?.message ?? ''}\n${done.stderr}`);
  log(`${script} ${args[0]}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return JSON.parse(done.stdout) as Record<string, unknown>;
}

/** The environment of the Python children: local only, telemetry off. */
function offlineEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    MLFLOW_DISABLE_TELEMETRY: 'true',
    DO_NOT_TRACK: 'true',
    // Anything that tried HTTP anyway would hit a closed local port, not the network.
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '',
    PYTHONDONTWRITEBYTECODE: '1',
    ...extra,
  };
}

interface Timed {
  points: number;
  seconds: number;
  cpuSeconds: number;
}

const rate = (t: Timed) => t.points / t.seconds;

/** Spikes drawn at their own column with their exact value (M4 points read from blocks sit mid-block, inside that column). */
function spikesInM4(set: SeriesSet, spikes: { step: number; value: number }[]): number {
  const plan = set.plan!;
  const column = (x: number) => Math.floor((x - plan.origin) / plan.width);
  const s = set.series[0]!;
  return spikes.filter((spike) => s.y.some((y, i) => y === spike.value && column(s.x[i]!) === column(spike.step))).length;
}

/** Spikes among MLflow's sampled points: the exact step and value (values are all distinct). */
function spikesInSample(points: [number, number | null][], spikes: { step: number; value: number }[]): number {
  return spikes.filter((spike) => points.some(([step, value]) => step === spike.step && value === spike.value)).length;
}

function logging(interpreter: string, db: string, dir: string, env: NodeJS.ProcessEnv): void {
  const args = JSON.stringify({ keys: KEYS, steps: STEPS, perPointPrefix: PER_POINT_PREFIX, budgetSeconds: MLFLOW_BUDGET_SECONDS });
  const mlflow = python(interpreter, 'mlflow_side.py', ['log', db, args], env) as unknown as { perPoint: Timed; perStep: Timed };
  const ours = python(interpreter, 'ml_lifecycle_side.py', [path.join(dir, 'ours'), args], offlineEnv({ PYTHONPATH: path.join(ROOT, 'python') })) as unknown as {
    perPoint: Timed;
    perStep: Timed;
  };
  for (const [name, baseline, side] of [
    ['per_point', 'mlflow-log_metric-prefix', 'perPoint'],
    ['per_step', 'mlflow-log_metrics-prefix', 'perStep'],
  ] as const) {
    report(`mlflow_peer.log.${name}`, rate(ours[side]), 'points/s', { value: rate(mlflow[side]), name: baseline });
    // Per CPU second of each process: steadier than wall time on a loaded machine.
    report(`mlflow_peer.log.${name}_cpu`, ours[side].points / ours[side].cpuSeconds, 'points/cpu-s', { value: mlflow[side].points / mlflow[side].cpuSeconds, name: baseline });
    report(`mlflow_peer.log.${name}.${baseline}`, rate(mlflow[side]), 'points/s');
    report(`mlflow_peer.log.${name}.${baseline}.timed`, mlflow[side].points, 'points');
  }
}

async function reading(interpreter: string, db: string, dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const seeded = python(interpreter, 'mlflow_side.py', ['seed', db, JSON.stringify({ runs: READ_RUNS, steps: READ_STEPS, spikes: SPIKES })], env) as unknown as {
    runs: string[];
    spikeRun: string;
    spikes: { step: number; value: number }[];
  };
  const read = python(interpreter, 'mlflow_side.py', ['read', db, JSON.stringify({ runs: seeded.runs, spikeRun: seeded.spikeRun, maxResults: MLFLOW_MAX_RESULTS })], env);
  if (read.historyPoints !== READ_RUNS * READ_STEPS) throw new Error(`MLflow returned ${String(read.historyPoints)} points, not ${READ_RUNS * READ_STEPS}`);

  // The same mlflow.db into a fresh store, with the chart summaries built, as `ml-lifecycle import mlflow` leaves it.
  const store: Store = openStore(path.join(dir, 'imported', '.ml-lifecycle', 'store.sqlite'), { create: true });
  try {
    const started = performance.now();
    const [summary] = await importMlflow(store, db);
    if (summary!.skippedCount) throw new Error(`importMlflow skipped ${summary!.skippedCount} rows`);
    refreshDirtyBlocks(store.db);
    report('mlflow_peer.import_and_summaries', (performance.now() - started) / 1000, 's');
    const id = (uuid: string) => (store.db.prepare('SELECT id FROM runs WHERE external_id = ?').get(`mlflow:run:${uuid}`) as { id: number }).id;
    const runIds = seeded.runs.map(id);

    const history = read.historyMs as number;
    const m4 = await medianMs(5, () => m4Series(store, runIds, 'loss', { buckets: CHART_PIXELS }));
    const full = await medianMs(3, () => fullSeries(store, runIds, 'loss'));
    const drawn = m4Series(store, runIds, 'loss', { buckets: CHART_PIXELS }).series.reduce((sum, s) => sum + s.x.length, 0);
    report(`mlflow_peer.read.10x100k.m4-${CHART_PIXELS}px`, m4, 'ms', { value: history, name: 'mlflow-get_metric_history' });
    // Against the sampled read MLflow's own charts make (320 points a run).
    report(`mlflow_peer.read.10x100k.m4-${CHART_PIXELS}px.vs-sampled`, m4, 'ms', { value: read.bulkMs320 as number, name: 'mlflow-bulk-interval-320' });
    report('mlflow_peer.read.10x100k.full', full, 'ms', { value: history, name: 'mlflow-get_metric_history' });
    report('mlflow_peer.read.10x100k.mlflow-get_metric_history', history, 'ms');
    for (const n of MLFLOW_MAX_RESULTS) report(`mlflow_peer.read.10x100k.mlflow-bulk-interval-${n}`, read[`bulkMs${n}`] as number, 'ms');
    report(`mlflow_peer.read.10x100k.m4-${CHART_PIXELS}px.points`, drawn, 'points', { value: READ_RUNS * READ_STEPS, name: 'logged-points' });

    // Exactness. Baselines can keep 0 spikes, so kept spikes are reported against the logged ones,
    // and missed spikes against MLflow's misses (a ratio only when MLflow missed any).
    const spikeRun = [id(seeded.spikeRun)];
    const sampled = new Map(MLFLOW_MAX_RESULTS.map((n) => [n, read[`spikes${n}`] as [number, number | null][]]));
    const mlflowKept = new Map([...sampled].map(([n, points]) => [n, spikesInSample(points, seeded.spikes)]));
    const logged = { value: SPIKES, name: 'logged-spikes' };
    for (const pixels of SPIKE_PIXELS) {
      const set = m4Series(store, spikeRun, 'loss', { buckets: pixels });
      const kept = spikesInM4(set, seeded.spikes);
      report(`mlflow_peer.spikes_kept.m4-${pixels}px`, kept, 'spikes', logged);
      const missed = mlflowKept.get(320)! < SPIKES ? { value: SPIKES - mlflowKept.get(320)!, name: 'mlflow-bulk-interval-320' } : undefined;
      report(`mlflow_peer.spikes_missed.m4-${pixels}px`, SPIKES - kept, 'spikes', missed);
      report(`mlflow_peer.spikes.points.m4-${pixels}px`, set.series[0]!.x.length, 'points', { value: sampled.get(320)!.length, name: 'mlflow-bulk-interval-320' });
    }
    for (const [n, points] of sampled) {
      report(`mlflow_peer.spikes_kept.mlflow-bulk-interval-${n}`, mlflowKept.get(n)!, 'spikes', logged);
      report(`mlflow_peer.spikes.points.mlflow-bulk-interval-${n}`, points.length, 'points');
    }
    log(`MLflow ${String(read.mlflowVersion)}; its logging timed over a prefix (the *.timed lines), ours over all ${KEYS * STEPS} points`);
  } finally {
    store.close();
  }
}

export async function run(): Promise<void> {
  let env;
  try {
    env = pythonEnv('mlflow3');
  } catch (error) {
    // On CI a missing venv is an error, but the other benches have still run.
    log(`mlflow_peer: ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }
  if (!env.python) {
    log('mlflow_peer skipped: the mlflow3 Python environment is missing; install it with: bash python/testenv/setup.sh mlflow3');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-bench-mlflow-peer-'));
  const db = path.join(dir, 'mlflow.db');
  const childEnv = offlineEnv({ MLFLOW_TRACKING_URI: `sqlite:///${db}` });
  try {
    logging(env.python, db, dir, childEnv);
    await reading(env.python, db, dir, childEnv);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
