// Metric ingest: points per second through the Python module and the Node API, each measured
// beside a raw batched insert of the same rows into the same schema (Python sqlite3 executemany;
// better-sqlite3 prepared insert), in batches of the loggers' size, each in its own transaction.
// Every trial uses a fresh store; trials alternate between the two sides and the best of each is
// reported (as timeit does). Rates are points per second of the process's CPU time (user + system,
// every thread, so the logger's background thread counts): on a shared machine wall time mostly
// measures the neighbours, CPU time measures the code. The Python side also reports the wall time
// of the module over the raw insert (issue 19: at most 2), from the same trials.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/database.ts';
import { BATCH_SIZE } from '../../src/tracking/loggingInput.ts';
import { startRun } from '../../src/tracking/runLogger.ts';
import { report } from './format.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const STEPS = 100_000;
const KEYS = ['loss', 'acc'];
const POINTS = STEPS * KEYS.length;
const TRIALS = 5;

const PYTHON = `
import json, os, shutil, sqlite3, sys, tempfile, time
import ml_lifecycle as m

STEPS, KEYS, TRIALS, BATCH = ${STEPS}, ${JSON.stringify(KEYS)}, ${TRIALS}, ${BATCH_SIZE}
root = tempfile.mkdtemp(prefix="mll-bench-")

def fresh(name):
    return os.path.join(root, name, "store.sqlite")

def timed(started):
    """(CPU seconds, wall seconds) since started = (process_time, perf_counter)."""
    return time.process_time() - started[0], time.perf_counter() - started[1]

def module(trial):
    run = m.start_run(experiment="bench", store=fresh("module%d" % trial), log_system_metrics=False)
    started = time.process_time(), time.perf_counter()
    for step in range(STEPS):
        for key in KEYS:
            run.log_metric(key, 0.5, step=step)
    run.end()
    return timed(started)

def raw(trial):
    path = fresh("raw%d" % trial)
    m.start_run(experiment="bench", store=path, log_system_metrics=False).end()  # the same schema and pragmas
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = NORMAL")
    steps_per_batch = BATCH // len(KEYS)
    started = time.process_time(), time.perf_counter()
    # The leanest code that makes the same rows and inserts them: one tuple per point, as the
    # logger makes, in batches of the logger's size.
    for first in range(0, STEPS, steps_per_batch):
        now = time.time_ns() // 1000000
        rows = [(1, key, step, now, 0.5) for step in range(first, min(first + steps_per_batch, STEPS)) for key in KEYS]
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
    conn.close()  # closing checkpoints the WAL, as the logger's end() does
    return timed(started)

results = {"module": [], "raw": []}
module(-1)
for trial in range(TRIALS):
    # Alternate the order, so drift in the machine's speed hits both alike.
    for name in (("module", "raw") if trial % 2 == 0 else ("raw", "module")):
        results[name].append((module if name == "module" else raw)(trial))
shutil.rmtree(root, True)
print(json.dumps(results))
`;

function best(values: readonly number[]): number {
  return Math.max(...values);
}

/** CPU seconds (user + system, all threads) spent by this process in `work`. */
function cpuSeconds(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

function nodeModule(dir: string, trial: number): number {
  const run = startRun({ experiment: 'bench', storePath: path.join(dir, `module${trial}`, 'store.sqlite') });
  return (
    POINTS /
    cpuSeconds(() => {
      for (let step = 0; step < STEPS; step++) for (const key of KEYS) run.logMetric(key, 0.5, step);
      run.end();
    })
  );
}

function nodeRaw(dir: string, trial: number): number {
  const storePath = path.join(dir, `raw${trial}`, 'store.sqlite');
  startRun({ experiment: 'bench', storePath }).end(); // the same schema and pragmas
  const store = openStore(storePath);
  const insert = store.db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)');
  const now = Date.now();
  const batch = store.db.transaction((from: number) => {
    for (let i = from; i < Math.min(from + BATCH_SIZE, POINTS); i++) insert.run(1, KEYS[i % KEYS.length], Math.floor(i / KEYS.length), now, 0.5);
  });
  return (
    POINTS /
    cpuSeconds(() => {
      for (let from = 0; from < POINTS; from += BATCH_SIZE) batch.immediate(from);
      store.close(); // closing checkpoints the WAL, as the logger's end() does
    })
  );
}

export function run(): void {
  const done = spawnSync('python3', ['-c', PYTHON], { env: { ...process.env, PYTHONPATH: path.join(ROOT, 'python') }, encoding: 'utf8', timeout: 600_000 });
  if (done.status !== 0) throw new Error(`The Python ingest benchmark failed: ${done.stderr}`);
  // Each trial is [CPU seconds, wall seconds] for the same points.
  const python = JSON.parse(done.stdout) as { module: [number, number][]; raw: [number, number][] };
  const rates = (trials: [number, number][], which: 0 | 1) => trials.map((t) => POINTS / t[which]);
  const pythonRaw = best(rates(python.raw, 0));
  report('ingest.python', best(rates(python.module, 0)), 'points/cpu-s', { value: pythonRaw, name: 'python.executemany' });
  report('ingest.python.executemany', pythonRaw, 'points/cpu-s');
  const wall = (trials: [number, number][]) => Math.min(...trials.map((t) => t[1]));
  report('ingest.python.wall', wall(python.module), 's', { value: wall(python.raw), name: 'python.executemany.wall' });
  report('ingest.python.executemany.wall', wall(python.raw), 's');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-bench-'));
  try {
    nodeModule(dir, -1); // warm the JIT
    nodeRaw(dir, -1);
    const module: number[] = [];
    const raw: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      if (trial % 2 === 0) {
        module.push(nodeModule(dir, trial));
        raw.push(nodeRaw(dir, trial));
      } else {
        raw.push(nodeRaw(dir, trial));
        module.push(nodeModule(dir, trial));
      }
    }
    report('ingest.node', best(module), 'points/cpu-s', { value: best(raw), name: 'better-sqlite3.insert' });
    report('ingest.node.better-sqlite3', best(raw), 'points/cpu-s');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
