/**
 * A realistic demo workspace, written through the project's own APIs: used by `npm run demo` and
 * by the end-to-end tests (which assert on the names below, so keep them stable).
 *
 *   const ws = createDemoWorkspace();            // a new temporary folder
 *   createDemoWorkspace({ dir, steps: 200 })     // a given folder, shorter histories
 *
 * What it holds:
 * - three experiments with a primary metric each, 16 runs, params, tags and metric histories of
 *   `steps` steps (1,000 by default) for three metrics, including one FAILED and one KILLED run;
 * - a registered model with versions and aliases, and a partly answered framing, when the
 *   registry and framing modules exist (see `demoFeatures()`);
 * - a small training script and two CSV snapshots (reference / current) for the drift check.
 *
 * The data is deterministic (seeded), so screenshots are comparable from one run to the next.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openStore, type Store } from '../../src/store/database.ts';
import { STORE_DIR, STORE_FILE } from '../../src/store/location.ts';
import { createExperiment, findExperimentByName, setPrimaryMetric } from '../../src/tracking/experiments.ts';
import type { MetricDirection, RunStatus } from '../../src/tracking/model.ts';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

// ---------------------------------------------------------------------------------------------
// The plan: what the demo contains

export interface DemoRun {
  name: string;
  params: Record<string, string | number | boolean>;
  tags: Record<string, string>;
  status: Exclude<RunStatus, 'RUNNING'>;
  /** Fraction of the steps actually logged (a failed run stops early). */
  completed: number;
  /** Shapes the curves: final validation score and noise. */
  quality: number;
  noise: number;
}

export interface DemoExperiment {
  name: string;
  description: string;
  primaryMetric: string;
  direction: MetricDirection;
  metrics: readonly string[];
  runs: readonly DemoRun[];
}

const churnBaseline: DemoExperiment = {
  name: 'churn-baseline',
  description: 'Logistic regression and a small MLP on the 2024 churn snapshot.',
  primaryMetric: 'val_auc',
  direction: 'max',
  metrics: ['train_loss', 'val_loss', 'val_auc'],
  runs: [
    run('logreg-l2', { model: 'logreg', lr: 0.1, batch_size: 256, l2: 0.001 }, 0.78, 0.004),
    run('logreg-l1', { model: 'logreg', lr: 0.1, batch_size: 256, l1: 0.001 }, 0.77, 0.004),
    run('mlp-64', { model: 'mlp', hidden: 64, lr: 0.01, batch_size: 128, dropout: 0.1 }, 0.83, 0.006),
    run('mlp-128', { model: 'mlp', hidden: 128, lr: 0.01, batch_size: 128, dropout: 0.2 }, 0.845, 0.006),
    run('mlp-128-lr0.1', { model: 'mlp', hidden: 128, lr: 0.1, batch_size: 128, dropout: 0.2 }, 0.7, 0.02, { status: 'FAILED', completed: 0.37, tags: { error: 'loss diverged (NaN) at step 370' } }),
  ],
};

const churnGbm: DemoExperiment = {
  name: 'churn-gbm-sweep',
  description: 'Gradient boosting sweep over depth and learning rate.',
  primaryMetric: 'val_auc',
  direction: 'max',
  metrics: ['train_loss', 'val_loss', 'val_auc'],
  runs: [
    run('gbm-d4-lr0.05', { model: 'gbm', max_depth: 4, learning_rate: 0.05, n_estimators: 1000 }, 0.861, 0.003),
    run('gbm-d6-lr0.05', { model: 'gbm', max_depth: 6, learning_rate: 0.05, n_estimators: 1000 }, 0.872, 0.003),
    run('gbm-d8-lr0.05', { model: 'gbm', max_depth: 8, learning_rate: 0.05, n_estimators: 1000 }, 0.868, 0.004),
    run('gbm-d6-lr0.1', { model: 'gbm', max_depth: 6, learning_rate: 0.1, n_estimators: 1000 }, 0.866, 0.004),
    run('gbm-d6-lr0.02', { model: 'gbm', max_depth: 6, learning_rate: 0.02, n_estimators: 1000 }, 0.875, 0.002),
    run('gbm-d10-lr0.05', { model: 'gbm', max_depth: 10, learning_rate: 0.05, n_estimators: 1000 }, 0.85, 0.005, { status: 'KILLED', completed: 0.6, tags: { note: 'stopped by hand: overfitting' } }),
  ],
};

const demandForecast: DemoExperiment = {
  name: 'demand-forecast',
  description: 'Weekly demand forecast per store; lower MAE is better.',
  primaryMetric: 'val_mae',
  direction: 'min',
  metrics: ['train_loss', 'val_loss', 'val_mae'],
  runs: [
    run('seasonal-naive', { model: 'seasonal_naive', season: 52 }, 0.6, 0.004),
    run('lstm-2x64', { model: 'lstm', layers: 2, hidden: 64, lr: 0.001, window: 26 }, 0.78, 0.008),
    run('lstm-2x128', { model: 'lstm', layers: 2, hidden: 128, lr: 0.001, window: 26 }, 0.8, 0.008),
    run('tft-small', { model: 'tft', heads: 4, hidden: 64, lr: 0.0005, window: 52 }, 0.84, 0.006),
    run('tft-small-dropout', { model: 'tft', heads: 4, hidden: 64, lr: 0.0005, window: 52, dropout: 0.3 }, 0.83, 0.006),
  ],
};

export const DEMO_EXPERIMENTS: readonly DemoExperiment[] = [churnBaseline, churnGbm, demandForecast];

/** The registered model, made from the best GBM runs (only when the registry module exists). */
export const DEMO_MODEL = {
  name: 'churn-classifier',
  description: 'Predicts 90-day churn for subscription customers.',
  versions: [
    { experiment: 'churn-baseline', run: 'mlp-128' },
    { experiment: 'churn-gbm-sweep', run: 'gbm-d6-lr0.05' },
    { experiment: 'churn-gbm-sweep', run: 'gbm-d6-lr0.02' },
  ],
  /** alias -> version number (1-based, in the order above). */
  aliases: { champion: 2, challenger: 3 } as Record<string, number>,
};

function run(
  name: string,
  params: DemoRun['params'],
  quality: number,
  noise: number,
  extra: Partial<Pick<DemoRun, 'status' | 'completed' | 'tags'>> = {},
): DemoRun {
  return {
    name,
    params,
    tags: { 'git.branch': 'main', dataset: 'snapshot-2024-06', ...extra.tags },
    status: extra.status ?? 'FINISHED',
    completed: extra.completed ?? 1,
    quality,
    noise,
  };
}

// ---------------------------------------------------------------------------------------------
// Writing it

export interface DemoOptions {
  /** Folder to fill; default a new temporary folder. It must not already hold a store. */
  dir?: string;
  /** Metric history length per run; default 1,000. */
  steps?: number;
}

/** Which optional parts the demo could fill, given the modules present in src/. */
export function demoFeatures(): { runLogger: boolean; registry: boolean; framing: boolean } {
  return {
    runLogger: fs.existsSync(path.join(SRC, 'tracking', 'runLogger.ts')),
    registry: fs.existsSync(path.join(SRC, 'registry')),
    framing: fs.existsSync(path.join(SRC, 'framing')),
  };
}

/** Creates the demo workspace and returns its folder. */
export async function createDemoWorkspace(options: DemoOptions = {}): Promise<string> {
  const dir = options.dir ? path.resolve(options.dir) : fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-demo-'));
  const steps = options.steps ?? 1000;
  const storePath = path.join(dir, STORE_DIR, STORE_FILE);
  if (fs.existsSync(storePath)) throw new Error(`${storePath} already exists; the demo only fills a new workspace`);
  writeWorkspaceFiles(dir);

  const logger = await loadRunLogger(storePath);
  const random = mulberry32(20240601);
  const store = openStore(storePath, { create: true });
  try {
    for (const experiment of DEMO_EXPERIMENTS) {
      const existing = findExperimentByName(store, experiment.name);
      const created = existing ?? createExperiment(store, experiment.name, experiment.description);
      setPrimaryMetric(store, created.id, experiment.primaryMetric, experiment.direction);
    }
  } finally {
    store.close();
  }

  for (const experiment of DEMO_EXPERIMENTS) {
    for (const spec of experiment.runs) {
      const handle = logger({ experiment: experiment.name, name: spec.name, storePath });
      handle.logParams(spec.params);
      for (const [key, value] of Object.entries(spec.tags)) handle.setTag(key, value);
      const last = Math.max(1, Math.round(steps * spec.completed));
      for (let step = 0; step < last; step++) {
        for (const [key, value] of Object.entries(curves(experiment, spec, step, steps, random))) {
          handle.logMetric(key, value, step);
        }
      }
      handle.end(spec.status);
    }
  }
  return dir;
}

/** Logs one more short finished run through the run logger (tests use it to see changes appear). */
export async function logDemoRun(storePath: string, experiment: string, name: string, steps = 50): Promise<void> {
  const handle = (await loadRunLogger(storePath))({ experiment, name, storePath });
  handle.logParams({ model: 'late-arrival', steps });
  for (let step = 0; step < steps; step++) handle.logMetric('val_auc', 0.5 + (0.3 * step) / steps, step);
  handle.end('FINISHED');
}

/** The store of a workspace made by createDemoWorkspace. */
export function demoStorePath(dir: string): string {
  return path.join(dir, STORE_DIR, STORE_FILE);
}

/** An empty workspace folder (no store): the extension shows its welcome content there. */
export function createEmptyWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-empty-'));
  fs.writeFileSync(path.join(dir, 'README.md'), '# Empty workspace\n\nNo ML Lifecycle store here yet.\n');
  return dir;
}

/** Training curves shaped like real ones: a decaying loss with noise, a saturating score. */
function curves(experiment: DemoExperiment, spec: DemoRun, step: number, steps: number, random: () => number): Record<string, number> {
  const t = step / Math.max(1, steps - 1);
  const jitter = (scale: number) => (random() - 0.5) * 2 * scale;
  const decay = Math.exp(-5 * t);
  const trainLoss = (1 - spec.quality) * 0.6 + 0.7 * decay + jitter(spec.noise * 4);
  const overfit = spec.name.includes('d10') || spec.name.includes('lr0.1') ? 0.15 * t * t : 0;
  const valLoss = trainLoss + 0.04 + overfit + jitter(spec.noise * 6);
  const values: Record<string, number> = { train_loss: round(Math.max(0.01, trainLoss)), val_loss: round(Math.max(0.01, valLoss)) };
  const score = experiment.primaryMetric;
  if (experiment.direction === 'max') {
    values[score] = round(Math.min(0.999, 0.5 + (spec.quality - 0.5) * (1 - decay) - overfit * 0.3 + jitter(spec.noise)));
  } else {
    values[score] = round(Math.max(0.5, 40 * (1 - spec.quality) + 30 * decay + overfit * 10 + jitter(spec.noise * 20)));
  }
  return values;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Small deterministic PRNG (mulberry32). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// The run logger

/** The part of src/tracking/runLogger.ts that the demo uses. */
export interface RunLoggerHandle {
  logParams(params: Record<string, string | number | boolean>): void;
  logMetric(key: string, value: number, step: number): void;
  setTag(key: string, value: string): void;
  end(status: Exclude<RunStatus, 'RUNNING'>): void;
}
export type StartRun = (options: { experiment: string; name: string; storePath: string }) => RunLoggerHandle;

/**
 * The project's run logger (src/tracking/runLogger.ts) when it is present; otherwise a stand-in
 * that writes the same rows through the project's store module (openStore), so the demo works
 * while the logger is being written.
 */
async function loadRunLogger(storePath: string): Promise<StartRun> {
  if (demoFeatures().runLogger) {
    const modulePath = pathToFileURL(path.join(SRC, 'tracking', 'runLogger.ts')).href;
    const module = (await import(modulePath)) as { startRun?: StartRun };
    if (typeof module.startRun === 'function') return module.startRun;
  }
  return storeRunLogger(storePath);
}

function storeRunLogger(storePath: string): StartRun {
  return ({ experiment, name }) => {
    const store: Store = openStore(storePath, { create: true });
    const db = store.db;
    const experimentId = (db.prepare('SELECT id FROM experiments WHERE name = ?').get(experiment) as { id: number } | undefined)?.id
      ?? Number(db.prepare('INSERT INTO experiments (name, created_at) VALUES (?, ?)').run(experiment, Date.now()).lastInsertRowid);
    const now = Date.now();
    const runId = Number(
      db.prepare(
        `INSERT INTO runs (uuid, experiment_id, name, status, start_time, heartbeat_at, host, user_name, source, entry_point, git_branch)
         VALUES (?, ?, ?, 'RUNNING', ?, ?, ?, ?, 'demo', 'train.py', 'main')`,
      ).run(crypto.randomUUID().replaceAll('-', ''), experimentId, name, now, now, os.hostname(), os.userInfo().username).lastInsertRowid,
    );
    const insertMetric = db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)');
    const upsertParam = db.prepare('INSERT INTO params (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value');
    const upsertTag = db.prepare('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value');
    const pending: [string, number, number][] = [];
    const flush = (): void => {
      const at = Date.now();
      db.transaction(() => {
        for (const [key, value, step] of pending) insertMetric.run(runId, key, step, at, Number.isFinite(value) || Math.abs(value) === Infinity ? value : null);
      })();
      pending.length = 0;
    };
    return {
      logParams(params) {
        db.transaction(() => {
          for (const [key, value] of Object.entries(params)) upsertParam.run(runId, key, String(value));
        })();
      },
      logMetric(key, value, step) {
        pending.push([key, value, step]);
        if (pending.length >= 500) flush();
      },
      setTag(key, value) {
        upsertTag.run(runId, key, value);
      },
      end(status) {
        flush();
        db.prepare('UPDATE runs SET status = ?, end_time = ?, heartbeat_at = ? WHERE id = ?').run(status, Date.now(), Date.now(), runId);
        store.close();
      },
    };
  };
}

// ---------------------------------------------------------------------------------------------
// Files beside the store

function writeWorkspaceFiles(dir: string): void {
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'README.md'),
    [
      '# ML Lifecycle demo workspace',
      '',
      'Open the **ML Lifecycle** view in the activity bar:',
      '',
      '- *Experiments*: three experiments, 16 runs with 1,000-step metric histories.',
      '  Select two runs and use **Compare Runs**.',
      '- *Models*: `churn-classifier` with aliases `champion` and `challenger` (when the registry is built).',
      '- *Framing*: a partly answered framing for the churn project (when framing is built).',
      '',
      '`data/reference.csv` and `data/current.csv` are two snapshots for **Check Data Drift…**.',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'train.py'),
    [
      '"""Example training script that logs to the workspace store."""',
      'import ml_lifecycle as mll',
      '',
      'with mll.start_run(experiment="churn-gbm-sweep", name="gbm-d6-lr0.03") as run:',
      '    run.log_params({"model": "gbm", "max_depth": 6, "learning_rate": 0.03})',
      '    for step in range(1000):',
      '        run.log_metric("val_auc", 0.5 + 0.37 * (1 - 0.995 ** step), step=step)',
      '',
    ].join('\n'),
  );
  const random = mulberry32(7);
  const rows = (shift: number, n: number) => {
    const lines = ['tenure_months,monthly_spend,support_tickets,plan'];
    for (let i = 0; i < n; i++) {
      const tenure = Math.floor(random() * 60 + shift * 6);
      const spend = (20 + random() * 80 + shift * 15).toFixed(2);
      const tickets = Math.floor(random() * (3 + shift * 2));
      const plan = ['basic', 'plus', 'pro'][Math.floor(random() * (3 - (shift > 0.5 ? 0 : 1)))]!;
      lines.push(`${tenure},${spend},${tickets},${plan}`);
    }
    return `${lines.join('\n')}\n`;
  };
  fs.writeFileSync(path.join(dir, 'data', 'reference.csv'), rows(0, 2000));
  fs.writeFileSync(path.join(dir, 'data', 'current.csv'), rows(1, 2000));
}
