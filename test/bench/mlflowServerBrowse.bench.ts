// Browsing a team MLflow server (issue 14, part 6), beside MLflow's own Python client on the same
// local `mlflow server` over PostgreSQL (test/support/mlflowServer.ts), filled by copying template
// runs made with MLflow's client in PostgreSQL (test/bench/python/mlflow_server_side.py):
//   1. listing 10,000 runs into the store's cache (browseServer: runs/search, 1000 a page) against
//      MlflowClient.search_runs over the same pages;
//   2. Compare of 10 remote runs x 100,000 steps: the first draw fetches the histories
//      (fetchHistories: paginated metrics/get-history) and draws M4 at 1200 px; the cached draw only
//      reads the store. Both beside MlflowClient.get_metric_history of the same 10 runs.
// Without PostgreSQL or the mlflowserver venv it prints why and returns.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { m4Series } from '../../src/compare/m4.ts';
import { browseServer } from '../../src/mlflowServer/browse.ts';
import { fetchHistories, remoteRunsByServer } from '../../src/mlflowServer/history.ts';
import { openStore } from '../../src/store/database.ts';
import { refreshDirtyBlocks } from '../../src/store/metricBlocks.ts';
import { mlflowServerAvailability, startMlflowServer } from '../support/mlflowServer.ts';
import { ROOT } from '../support/pythonEnv.ts';
import { report } from './format.ts';

const LIST_RUNS = 10_000;
const HISTORY_RUNS = 10;
const STEPS = 100_000;
const CHART_PIXELS = 1200;
const HELPER = path.join(ROOT, 'test', 'bench', 'python', 'mlflow_server_side.py');

function log(line: string): void {
  process.stderr.write(`# ${line}\n`);
}

function python(interpreter: string, args: string[]): Record<string, unknown> {
  const done = spawnSync(interpreter, [HELPER, ...args], {
    encoding: 'utf8',
    timeout: 1_800_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true', NO_PROXY: '127.0.0.1' },
  });
  if (done.status !== 0) throw new Error(`${args[0]} failed (${done.status ?? done.signal}): ${done.stderr}`);
  // MLflow's client prints a "View run" line on stdout; the answer is the last line.
  return JSON.parse(done.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

export async function run(): Promise<void> {
  let availability;
  try {
    availability = mlflowServerAvailability();
  } catch (error) {
    log(`mlflowServerBrowse: ${(error as Error).message}`);
    return;
  }
  if (availability.skip) {
    log(`mlflowServerBrowse skipped: ${availability.skip}`);
    return;
  }
  const server = await startMlflowServer(availability);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-server-bench-'));
  try {
    const seeded = python(server.python, ['seed', server.uri, server.database, String(LIST_RUNS), String(HISTORY_RUNS), String(STEPS)]);
    log(`seeded ${LIST_RUNS} runs and ${HISTORY_RUNS} x ${STEPS} steps in ${Number(seeded.seconds).toFixed(0)} s`);

    const store = openStore(path.join(dir, 'store.sqlite'), { create: true });
    const started = performance.now();
    const listed = await browseServer(store, server.uri);
    const listMs = performance.now() - started;
    const theirs = python(server.python, ['search', server.uri, String(seeded.listExperiment)]);
    if (Number(theirs.runs) !== LIST_RUNS) throw new Error(`search_runs saw ${String(theirs.runs)} runs`);
    log(`listed ${listed.runs} runs in ${listed.pages} pages`);
    report('mlflowServer.list.10000runs', listMs / 1000, 's', { value: Number(theirs.seconds), name: 'mlflow-client-search' });

    const historyIds = seeded.historyRuns as string[];
    const cachedIds = historyIds.map((id) => store.db.prepare('SELECT id FROM runs WHERE external_id = ?').pluck().get(`mlflow-server:${listed.uri}#run:${id}`) as number);
    const runs = remoteRunsByServer(store, cachedIds).get(listed.uri)!;
    const clientHistory = python(server.python, ['history', server.uri, historyIds.join(','), 'loss']);
    if (Number(clientHistory.points) !== HISTORY_RUNS * STEPS) throw new Error(`get_metric_history read ${String(clientHistory.points)} points`);
    const baseline = { value: Number(clientHistory.seconds), name: 'mlflow-client-history' };

    const first = performance.now();
    const fetched = await fetchHistories(store, server.uri, runs);
    refreshDirtyBlocks(store.db);
    const drawn = m4Series(store, cachedIds, 'loss', { buckets: CHART_PIXELS });
    const firstMs = performance.now() - first;
    log(`first draw: ${fetched.points} points in ${fetched.requests} requests, ${drawn.series.reduce((n, s) => n + s.x.length, 0)} drawn`);
    report('mlflowServer.compare.10x100k.first', firstMs / 1000, 's', baseline);

    const cached = performance.now();
    const again = await fetchHistories(store, server.uri, runs);
    m4Series(store, cachedIds, 'loss', { buckets: CHART_PIXELS });
    const cachedMs = performance.now() - cached;
    if (again.requests !== 0) throw new Error(`the cached draw asked the server ${again.requests} times`);
    report('mlflowServer.compare.10x100k.cached', cachedMs / 1000, 's', baseline);
    store.close();
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
