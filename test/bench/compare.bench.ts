// Compare charts on big stores: M4 series (1000 px) against fetching every point, in the same run.
//   (a) 10 runs x 1,000,000 steps of one metric  -> one chart
//   (b) 100 runs x 10,000 steps x 10 metrics      -> ten charts
// "Ready for the chart" = the series computed and serialized as the panel posts them (typed arrays
// travel as buffers beside a small JSON body).
// The stores are built once (direct batched inserts, dirty ranges, then refreshDirtyBlocks) and
// cached in the OS temp folder under STORE_VERSION; bump it when the data or schema changes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fullSeries, m4Series } from '../../src/compare/m4.ts';
import { loadComparison } from '../../src/compare/model.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { MARK_DIRTY_SQL, refreshDirtyBlocks } from '../../src/store/metricBlocks.ts';
import { SCHEMA_VERSION } from '../../src/store/migrations.ts';
import { medianMs, report } from './format.ts';

const STORE_VERSION = `compare-v1-schema${SCHEMA_VERSION}`;
const CACHE = path.join(os.tmpdir(), `ml-lifecycle-bench-${STORE_VERSION}`);
const PIXELS = 1000;

interface Shape {
  name: string;
  runs: number;
  steps: number;
  metrics: number;
}

interface Built {
  store: Store;
  runIds: number[];
  keys: string[];
}

/** Setup figures are measured when a store is built and kept beside it, so cached runs report them too. */
interface SetupFigures {
  insertMs: number;
  refreshMs: number;
  points: number;
}

function log(line: string): void {
  process.stderr.write(`# ${line}\n`);
}

function build(shape: Shape): Built & { setup: SetupFigures; cached: boolean } {
  const file = path.join(CACHE, `${shape.name}.sqlite`);
  const figures = `${file}.json`;
  const keys = Array.from({ length: shape.metrics }, (_, i) => (i === 0 ? 'loss' : `metric_${i}`));
  const runIds = Array.from({ length: shape.runs }, (_, i) => i + 1);
  if (fs.existsSync(figures) && fs.existsSync(file)) {
    return { store: openStore(file), runIds, keys, setup: JSON.parse(fs.readFileSync(figures, 'utf8')) as SetupFigures, cached: true };
  }
  fs.mkdirSync(CACHE, { recursive: true });
  for (const stale of fs.readdirSync(CACHE).filter((f) => f.startsWith(shape.name))) fs.rmSync(path.join(CACHE, stale));
  log(`building ${shape.runs} runs x ${shape.steps.toLocaleString('en-US')} steps x ${shape.metrics} metrics in ${file} (first run only)`);
  const store = openStore(file, { create: true });
  const db = store.db;
  db.pragma('synchronous = OFF');
  const started = performance.now();
  db.prepare("INSERT INTO experiments (id, name, created_at, primary_metric, metric_direction) VALUES (1, 'bench', 0, 'loss', 'min')").run();
  const run = db.prepare("INSERT INTO runs (id, uuid, experiment_id, name, status, start_time) VALUES (?, ?, 1, ?, 'FINISHED', ?)");
  const params = db.prepare('INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)');
  // A random walk per run and metric with spikes (x50) and the odd NaN, generated inside SQLite.
  const points = db.prepare(`WITH RECURSIVE walk(step, v) AS (
      SELECT 0, 1.0 UNION ALL SELECT step + 1, v + ((abs(random()) % 2001) - 1000) / 20000.0 FROM walk WHERE step < @steps - 1)
    INSERT INTO metrics (run_id, key, step, timestamp, value)
    SELECT @run, @key, step, @start + step * 250,
      CASE abs(random()) % 20011 WHEN 0 THEN NULL WHEN 1 THEN v * 50 WHEN 2 THEN -v * 50 ELSE v END FROM walk`);
  const dirty = db.prepare(MARK_DIRTY_SQL);
  for (const id of runIds) {
    db.transaction(() => {
      const start = 1_700_000_000_000 + id * 60_000;
      run.run(id, `bench-${id}`, `run-${id}`, start);
      params.run(id, 'lr', String(10 ** -(1 + (id % 4))));
      params.run(id, 'seed', String(id));
      for (const key of keys) {
        points.run({ run: id, key, steps: shape.steps, start });
        dirty.run(id, key, 0, shape.steps - 1);
      }
    })();
  }
  const insertMs = performance.now() - started;
  const refreshStarted = performance.now();
  refreshDirtyBlocks(db);
  const refreshMs = performance.now() - refreshStarted;
  db.pragma('wal_checkpoint(TRUNCATE)');
  const setup = { insertMs, refreshMs, points: shape.runs * shape.steps * shape.metrics };
  fs.writeFileSync(figures, JSON.stringify(setup));
  return { store, runIds, keys, setup, cached: false };
}

/**
 * The bytes a series message costs to post: VS Code sends typed arrays as buffers beside a small
 * JSON body (the same replacement is done here), so both parts are counted.
 */
function postable(message: unknown): number {
  let buffers = 0;
  const body = JSON.stringify(message, (_key, value: unknown) => {
    if (!ArrayBuffer.isView(value)) return value;
    buffers += value.byteLength;
    return { buffer: value.byteLength };
  });
  return body.length + buffers;
}

/** The series of one chart, ready to post: computed and serialized. */
function m4Chart(built: Built, key: string, range?: { lo: number; hi: number }): number {
  return postable({ type: 'series', requestId: 1, set: m4Series(built.store, built.runIds, key, { buckets: PIXELS, range }) });
}

function naiveChart(built: Built, key: string, range?: { lo: number; hi: number }): number {
  return postable({ type: 'series', requestId: 1, set: { key, series: fullSeries(built.store, built.runIds, key, range) } });
}

function drawnPoints(built: Built, key: string): number {
  return m4Series(built.store, built.runIds, key, { buckets: PIXELS }).series.reduce((sum, s) => sum + s.x.length, 0);
}

function reportSetup(label: string, built: ReturnType<typeof build>): void {
  if (built.cached) log(`${label}: store cached in ${CACHE}; setup figures are from when it was built`);
  report(`compare.setup.insert.${label}`, built.setup.insertMs / 1000, 's');
  report(`compare.setup.refresh-blocks.${label}`, built.setup.refreshMs / 1000, 's');
  report(`compare.setup.refresh-blocks.${label}.rate`, built.setup.points / (built.setup.refreshMs / 1000), 'points/s');
}

export async function run(): Promise<void> {
  // (a) one chart, 10 runs of 1M steps
  const a = build({ name: 'a-10x1M', runs: 10, steps: 1_000_000, metrics: 1 });
  reportSetup('10x1M', a);
  naiveChart(a, 'loss'); // warm the page cache, so neither side pays for the first disk read
  const aNaive = await medianMs(2, () => naiveChart(a, 'loss'));
  const aM4 = await medianMs(5, () => m4Chart(a, 'loss'));
  report('compare.m4.10x1M', aM4, 'ms', { value: aNaive, name: 'naive-full-fetch' });
  report('compare.naive.10x1M', aNaive, 'ms');
  report('compare.m4.10x1M.points', drawnPoints(a, 'loss'), 'points', { value: 10_000_000, name: 'logged-points' });
  report('compare.m4.10x1M.bytes', m4Chart(a, 'loss'), 'bytes', { value: naiveChart(a, 'loss'), name: 'naive-full-fetch' });
  const zoom = { lo: 500_000, hi: 509_999 };
  const zoomNaive = await medianMs(3, () => naiveChart(a, 'loss', zoom));
  const zoomM4 = await medianMs(5, () => m4Chart(a, 'loss', zoom));
  report('compare.m4.10x1M.zoom1pct', zoomM4, 'ms', { value: zoomNaive, name: 'naive-full-fetch' });
  // What a live run costs: rebuilding the blocks of one whole 1M-step history.
  const refresh = await medianMs(1, () => {
    a.store.db.prepare(MARK_DIRTY_SQL).run(1, 'loss', 0, 999_999);
    refreshDirtyBlocks(a.store.db, { runIds: [1] });
  });
  report('compare.refresh-blocks.1M', refresh, 'ms');
  a.store.close();

  // (b) ten charts, 100 runs x 10k steps each
  const b = build({ name: 'b-100x10kx10', runs: 100, steps: 10_000, metrics: 10 });
  reportSetup('100x10kx10', b);
  const allNaive = () => b.keys.reduce((sum, key) => sum + naiveChart(b, key), 0);
  const allM4 = () => b.keys.reduce((sum, key) => sum + m4Chart(b, key), 0);
  allNaive();
  const bNaive = await medianMs(2, allNaive);
  const bM4 = await medianMs(3, allM4);
  report('compare.m4.100x10kx10', bM4, 'ms', { value: bNaive, name: 'naive-full-fetch' });
  report('compare.naive.100x10kx10', bNaive, 'ms');
  report('compare.m4.100x10k.per-chart', bM4 / b.keys.length, 'ms');
  report('compare.m4.100x10kx10.points', b.keys.reduce((sum, key) => sum + drawnPoints(b, key), 0), 'points', { value: 10_000_000, name: 'logged-points' });
  // Everything else the panel shows (summary from blocks, params, parallel coordinates): re-read on every store change.
  const model = await medianMs(5, () => loadComparison(b.store, { kind: 'runs', runIds: b.runIds }, 0));
  report('compare.model.100runs-10metrics', model, 'ms');
  b.store.close();
}
