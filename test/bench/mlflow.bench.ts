// Imports 1,000 runs x 10 metrics x 1,000 steps (10 million metric lines) from an mlruns/ folder and
// from the same data as an mlflow.db, each into a fresh store, beside a raw read-and-insert of the
// same rows. The generated MLflow data is cached in the OS temp folder between runs.
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importMlflow } from '../../src/mlflow/importMlflow.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { refreshDirtyBlocks } from '../../src/store/metricBlocks.ts';
import { mlflowSchema } from '../unit/mlflow/fixtures.ts';
import { report } from './format.ts';

const RUNS = 1000;
const METRICS = 10;
const STEPS = 1000;
const LINES = RUNS * METRICS * STEPS;
const T0 = 1_700_000_000_000;
const CACHE = path.join(os.tmpdir(), `ml-lifecycle-bench-mlflow-v2-${RUNS}x${METRICS}x${STEPS}`);

const uuid = (run: number) => run.toString(16).padStart(32, '0');
const timestamp = (run: number, step: number, metric: number) => T0 + run * 1_000_000 + step * 100 + metric;
/** Exact in binary the same way in JavaScript and SQLite, so both stores hold identical values. */
const value = (run: number, step: number, metric: number) => ((run * 7 + metric * 13 + step * 31) % 1000) / 1000;

function generateFolder(root: string): void {
  const experiment = path.join(root, '1');
  fs.mkdirSync(path.join(root, '.trash'), { recursive: true });
  fs.mkdirSync(experiment, { recursive: true });
  fs.writeFileSync(path.join(experiment, 'meta.yaml'), `artifact_location: file://${experiment}\ncreation_time: ${T0}\nexperiment_id: '1'\nlast_update_time: ${T0}\nlifecycle_stage: active\nname: bench\n`);
  for (let run = 0; run < RUNS; run++) {
    const dir = path.join(experiment, uuid(run));
    fs.mkdirSync(path.join(dir, 'metrics'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'params'));
    fs.mkdirSync(path.join(dir, 'tags'));
    fs.writeFileSync(
      path.join(dir, 'meta.yaml'),
      `artifact_uri: file://${dir}/artifacts\nend_time: ${T0 + run * 1_000_000 + STEPS * 100}\nexperiment_id: '1'\nlifecycle_stage: active\nrun_id: '${uuid(run)}'\nrun_name: run-${run}\nrun_uuid: '${uuid(run)}'\nstart_time: ${T0 + run * 1_000_000}\nstatus: 3\nuser_id: bench\n`,
    );
    fs.writeFileSync(path.join(dir, 'params', 'lr'), String(run / 1000));
    fs.writeFileSync(path.join(dir, 'tags', 'mlflow.runName'), `run-${run}`);
    for (let metric = 0; metric < METRICS; metric++) {
      // One buffered write per file: 1,000 lines at once.
      let text = '';
      for (let step = 0; step < STEPS; step++) text += `${timestamp(run, step, metric)} ${value(run, step, metric)} ${step}\n`;
      fs.writeFileSync(path.join(dir, 'metrics', `m${metric}`), text);
    }
  }
  // Settled: older than the importer's "still being written" window.
  const past = new Date(Date.now() - 3_600_000);
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) fs.utimesSync(path.join(entry.parentPath, entry.name), past, past);
}

function generateDatabase(file: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.exec(mlflowSchema());
  // Index after the rows: building it once is far faster than keeping it up to date.
  db.exec('DROP INDEX index_metrics_run_uuid');
  db.exec('CREATE TEMP TABLE n (i INTEGER PRIMARY KEY)');
  const number = db.prepare('INSERT INTO temp.n (i) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < Math.max(RUNS, STEPS, METRICS); i++) number.run(i);
    db.exec(`INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (1, 'bench', 'mlflow-artifacts:/1', 'active', ${T0}, ${T0})`);
    db.exec(`INSERT INTO runs (run_uuid, name, source_type, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri, experiment_id)
      SELECT printf('%032x', i), 'run-' || i, 'LOCAL', 'bench', 'FINISHED', ${T0} + i * 1000000, ${T0} + i * 1000000 + ${STEPS * 100}, 'active', 'mlflow-artifacts:/1/' || printf('%032x', i), 1 FROM temp.n WHERE i < ${RUNS}`);
    db.exec(`INSERT INTO params (key, value, run_uuid) SELECT 'lr', CAST(i / 1000.0 AS TEXT), printf('%032x', i) FROM temp.n WHERE i < ${RUNS}`);
    db.exec(`INSERT INTO tags (key, value, run_uuid) SELECT 'mlflow.runName', 'run-' || i, printf('%032x', i) FROM temp.n WHERE i < ${RUNS}`);
    // In the primary key's order (key, timestamp, ...), so the table is appended to.
    db.exec(`INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)
      SELECT 'm' || k.i, ((r.i * 7 + k.i * 13 + s.i * 31) % 1000) / 1000.0, ${T0} + r.i * 1000000 + s.i * 100 + k.i, printf('%032x', r.i), s.i, 0
      FROM temp.n k, temp.n r, temp.n s WHERE k.i < ${METRICS} AND r.i < ${RUNS} AND s.i < ${STEPS} ORDER BY k.i, r.i, s.i`);
    db.exec(`INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid)
      SELECT key, value, timestamp, step, is_nan, run_uuid FROM metrics WHERE step = ${STEPS - 1}`);
  })();
  db.exec('CREATE INDEX index_metrics_run_uuid ON metrics (run_uuid)');
  db.close();
}

function cachedData(): { folder: string; database: string } {
  const folder = path.join(CACHE, 'mlruns');
  const database = path.join(CACHE, 'mlflow.db');
  const ready = path.join(CACHE, 'ready');
  if (!fs.existsSync(ready)) {
    fs.rmSync(CACHE, { recursive: true, force: true });
    fs.mkdirSync(CACHE, { recursive: true });
    let started = performance.now();
    generateFolder(folder);
    process.stderr.write(`# generated ${folder} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    started = performance.now();
    generateDatabase(database);
    process.stderr.write(`# generated ${database} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    fs.writeFileSync(ready, '');
  }
  return { folder, database };
}

function freshStore(name: string): Store {
  const dir = path.join(CACHE, 'stores', name);
  fs.rmSync(dir, { recursive: true, force: true });
  return openStore(path.join(dir, '.ml-lifecycle', 'store.sqlite'), { create: true });
}

/** A store with the runs already there, as the baselines only measure moving the metric rows. */
function baselineStore(name: string): { store: Store; runIds: Map<string, number> } {
  const store = freshStore(name);
  const runIds = new Map<string, number>();
  store.db.transaction(() => {
    const experiment = Number(store.db.prepare("INSERT INTO experiments (name, created_at) VALUES ('bench', 0)").run().lastInsertRowid);
    const insert = store.db.prepare("INSERT INTO runs (uuid, experiment_id, name, status, start_time) VALUES (?, ?, ?, 'FINISHED', 0)");
    for (let run = 0; run < RUNS; run++) runIds.set(uuid(run), Number(insert.run(uuid(run), experiment, `run-${run}`).lastInsertRowid));
  })();
  return { store, runIds };
}

const BASELINE_BATCH = 100_000;

/** Wall time and this process's CPU time (SQLite runs in-process), in seconds. CPU time barely moves when other processes load the machine. */
interface Timing {
  wall: number;
  cpu: number;
}

function startTiming(): () => Timing {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { wall: (performance.now() - wall) / 1000, cpu: (used.user + used.system) / 1e6 };
  };
}

/** Baseline for the database: one SELECT of every metric row, inserted row by row in batches. */
function rawDatabaseCopy(database: string): Timing {
  const { store, runIds } = baselineStore('baseline-db');
  const source = new Database(database, { readonly: true });
  const elapsed = startTiming();
  const insert = store.db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)');
  let batch: unknown[][] = [];
  const flush = store.db.transaction((rows: unknown[][]) => {
    for (const row of rows) insert.run(row);
  });
  for (const [key, value, ts, run, step, isNan] of source.prepare('SELECT key, value, timestamp, run_uuid, step, is_nan FROM metrics').raw().iterate() as Iterable<[string, number, number, string, number, number]>) {
    batch.push([runIds.get(run), key, step, ts, isNan ? null : value]);
    if (batch.length === BASELINE_BATCH) {
      flush(batch);
      batch = [];
    }
  }
  flush(batch);
  const timing = elapsed();
  source.close();
  store.close();
  return timing;
}

/** Baseline for the folder: readFile, split into lines and fields, inserted row by row in batches. */
function rawFolderCopy(folder: string): Timing {
  const { store, runIds } = baselineStore('baseline-folder');
  const elapsed = startTiming();
  const insert = store.db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)');
  const flush = store.db.transaction((rows: unknown[][]) => {
    for (const row of rows) insert.run(row);
  });
  let batch: unknown[][] = [];
  for (const [id, runId] of runIds) {
    for (let metric = 0; metric < METRICS; metric++) {
      const key = `m${metric}`;
      for (const line of fs.readFileSync(path.join(folder, '1', id, 'metrics', key), 'utf8').split('\n')) {
        if (!line) continue;
        const [ts, v, step] = line.split(' ');
        batch.push([runId, key, Number(step ?? 0), Number(ts), Number(v)]);
      }
      if (batch.length >= BASELINE_BATCH) {
        flush(batch);
        batch = [];
      }
    }
  }
  flush(batch);
  const timing = elapsed();
  store.close();
  return timing;
}

async function timedImport(name: string, source: string): Promise<{ all: Timing; summaries: Timing; resync: number }> {
  const store = freshStore(name);
  let elapsed = startTiming();
  const [summary] = await importMlflow(store, source);
  const all = elapsed();
  if (summary!.metricPoints !== LINES || summary!.skippedCount) throw new Error(`${name}: imported ${summary!.metricPoints} of ${LINES} points, skipped ${summary!.skippedCount}`);
  // What readers then build: the chart summaries of all 10,000 new histories at once.
  elapsed = startTiming();
  refreshDirtyBlocks(store.db);
  const summaries = elapsed();
  const started = performance.now();
  const [again] = await importMlflow(store, source);
  const resync = (performance.now() - started) / 1000;
  if (again!.metricPoints !== 0) throw new Error(`${name}: the re-import added ${again!.metricPoints} points`);
  store.close();
  return { all, summaries, resync };
}

function reportImport(name: string, imported: Awaited<ReturnType<typeof timedImport>>, baseline: Timing, baselineName: string): void {
  report(`${name}.import`, LINES / imported.all.wall, 'lines/s', { value: LINES / baseline.wall, name: baselineName });
  // Per CPU second of this process: comparable even when other processes load the machine.
  report(`${name}.import_cpu`, LINES / imported.all.cpu, 'lines/cpu-s', { value: LINES / baseline.cpu, name: baselineName });
  report(`${name}.summaries`, imported.summaries.wall, 's');
  // Import plus every chart summary, as `ml-lifecycle import mlflow` does before it exits.
  report(`${name}.import_and_summaries`, LINES / (imported.all.wall + imported.summaries.wall), 'lines/s', { value: LINES / baseline.wall, name: baselineName });
  report(`${name}.resync_unchanged`, imported.resync, 's');
}

export async function run(): Promise<void> {
  const { folder, database } = cachedData();
  reportImport('mlflow.db', await timedImport('import-db', database), rawDatabaseCopy(database), 'select+insert');
  reportImport('mlflow.folder', await timedImport('import-folder', folder), rawFolderCopy(folder), 'readFile+split+insert');
  fs.rmSync(path.join(CACHE, 'stores'), { recursive: true, force: true });
}
