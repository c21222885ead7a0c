/**
 * A realistic demo workspace, written through the project's own APIs: used by `npm run demo` and
 * by the end-to-end tests (which assert on the names below, so keep them stable).
 *
 *   const ws = createDemoWorkspace();            // a new temporary folder
 *   createDemoWorkspace({ dir, steps: 200 })     // a given folder, shorter histories
 *
 * What it holds:
 * - three experiments with a primary metric each, 16 runs, params, tags and metric histories of
 *   `steps` steps (1,000 by default) for three metrics, including one FAILED and one KILLED run,
 *   all logged through the Node run logger (src/tracking/runLogger.ts), as training code would;
 * - a registered model `churn-classifier` with three versions (artifacts logged by their runs)
 *   and the aliases champion and challenger (src/registry/models.ts);
 * - a partly answered framing linked to the churn experiments (src/framing/store.ts);
 * - runs that took 20 to 70 minutes over the last days, so time axes mean something;
 * - an artifact tree for the champion's run: a PNG and an SVG plot, predictions as CSV, metrics
 *   as JSON, the config as YAML, notes as Markdown and the model file;
 * - six weeks of daily production metrics for the champion (one day dips below the framing's
 *   floor) and a saved drift report (src/monitoring/);
 * - a small training script and two CSV snapshots (reference / current) for the drift check;
 * - while `npm run demo` is open, one more run still training: startLiveDemoRun, run in its own
 *   process by test/e2e/liveDemoRun.ts, which demo.ts starts and stops.
 *
 * The data is deterministic (seeded), so screenshots are comparable from one run to the next.
 */
import * as fs from 'node:fs';
import Database from 'better-sqlite3';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { emptyFramingDocument, type FramingDocument } from '../../src/framing/document.ts';
import { createFraming, linkExperimentToFraming } from '../../src/framing/store.ts';
import { artifactUri } from '../../src/registry/artifacts.ts';
import { hashPath } from '../../src/shared/hashPath.ts';
import { registerModelVersion, setAlias } from '../../src/registry/models.ts';
import { checkDrift } from '../../src/monitoring/drift.ts';
import { saveDriftReport } from '../../src/monitoring/driftReports.ts';
import { logProductionMetrics } from '../../src/monitoring/productionMetrics.ts';
import { openStore } from '../../src/store/database.ts';
import { STORE_DIR, STORE_FILE } from '../../src/store/location.ts';
import { createExperiment, findExperimentByName, setPrimaryMetric } from '../../src/tracking/experiments.ts';
import type { MetricDirection, RunStatus } from '../../src/tracking/model.ts';
import { startRun } from '../../src/tracking/runLogger.ts';
import { seededRandom } from '../../src/shared/random.ts';

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

/** The registered model, made from good churn runs. */
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

/** The framing: problem, criteria and evaluation answered; the later steps left open. */
export const DEMO_FRAMING_NAME = 'Churn reduction';
/** Experiments linked to the framing. */
export const DEMO_FRAMING_EXPERIMENTS = ['churn-baseline', 'churn-gbm-sweep'] as const;

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

/** A new folder in the OS temp folder, removed when this process exits (ML_E2E_KEEP=1 keeps it). */
export function temporaryWorkspace(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.once('exit', () => {
    if (process.env.ML_E2E_KEEP !== '1') fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Creates the demo workspace (in a temporary folder unless `dir` is given) and returns its folder. */
export async function createDemoWorkspace(options: DemoOptions = {}): Promise<string> {
  const dir = options.dir ? path.resolve(options.dir) : temporaryWorkspace('ml-lifecycle-demo-');
  const steps = options.steps ?? 1000;
  const storePath = path.join(dir, STORE_DIR, STORE_FILE);
  if (fs.existsSync(storePath)) throw new Error(`${storePath} already exists; the demo only fills a new workspace`);
  writeWorkspaceFiles(dir);

  // Experiments first, so each gets its description and primary metric.
  withStore(storePath, (store) => {
    for (const experiment of DEMO_EXPERIMENTS) {
      const created = findExperimentByName(store, experiment.name) ?? createExperiment(store, experiment.name, experiment.description);
      setPrimaryMetric(store, created.id, experiment.primaryMetric, experiment.direction);
    }
  });

  // Runs, through the run logger, as training code logs them: one every few hours over the last
  // days, each taking 20 to 70 minutes (the points carry those times).
  const random = seededRandom(20240601);
  const registered = new Set(DEMO_MODEL.versions.map((v) => `${v.experiment}/${v.run}`));
  const runIds = new Map<string, string>();
  const runCount = DEMO_EXPERIMENTS.reduce((n, e) => n + e.runs.length, 0);
  let start = Date.now() - (runCount * 3 + 2) * HOUR;
  for (const experiment of DEMO_EXPERIMENTS) {
    for (const spec of experiment.runs) {
      const run = startRun({ experiment: experiment.name, name: spec.name, storePath, params: spec.params, tags: spec.tags });
      const last = Math.max(1, Math.round(steps * spec.completed));
      const stepMs = ((20 + random() * 50) * MINUTE) / steps;
      for (let step = 0; step < last; step++) run.logMetrics(curves(experiment, spec, step, steps, random), step, Math.round(start + (step + 1) * stepMs));
      const key = `${experiment.name}/${spec.name}`;
      if (registered.has(key)) {
        const file = path.join(dir, 'models', `${spec.name}.joblib`);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        // A pickle-like binary file: protocol header, the params, a stop byte.
        fs.writeFileSync(file, Buffer.concat([Buffer.from([0x80, 0x04, 0x95, 0x00]), Buffer.from(`demo model ${key} ${JSON.stringify(spec.params)}`), Buffer.from([0x00, 0x2e])]));
        await run.logArtifact(file, 'model');
      }
      if (key === DEMO_ARTIFACT_RUN) for (const file of writeRunArtifacts(storePath, run.id, spec)) await run.logArtifact(file, file.endsWith('.csv') ? 'data' : 'file');
      run.end(spec.status);
      withStore(storePath, (store) => {
        const end = Math.round(start + (last + 1) * stepMs);
        store.db.prepare('UPDATE runs SET start_time = ?, end_time = ?, heartbeat_at = ? WHERE uuid = ?').run(Math.round(start), end, end, run.id);
      });
      runIds.set(key, run.id);
      start += 3 * HOUR;
    }
  }

  const champion = await registerDemoModel(storePath, dir, runIds);
  withStore(storePath, (store) => {
    const framing = createFraming(store, demoFramingDocument(), { reason: 'demo' });
    for (const name of DEMO_FRAMING_EXPERIMENTS) linkExperimentToFraming(store, findExperimentByName(store, name)!.id, framing.id);
    logProductionMetrics(store, champion, productionHistory());
  });
  const drift = await checkDrift(path.join(dir, 'data', 'reference.csv'), path.join(dir, 'data', 'current.csv'));
  withStore(storePath, (store) => saveDriftReport(store, drift, champion));
  return dir;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The run whose artifact tree the demo fills (the champion's run). */
export const DEMO_ARTIFACT_RUN = 'churn-gbm-sweep/gbm-d6-lr0.05';

/** Six weeks of the champion in production: AUC drifting down (one day under the floor of 0.86), and latency. */
export function productionHistory(now = Date.now()): { key: string; value: number; timestamp: number }[] {
  const points: { key: string; value: number; timestamp: number }[] = [];
  const random = seededRandom(42);
  for (let day = 42; day >= 0; day--) {
    const timestamp = now - day * DAY;
    const dip = day === 12 ? -0.02 : 0;
    points.push({ key: 'auc', value: round(0.874 - (42 - day) * 0.00025 + (random() - 0.5) * 0.004 + dip), timestamp });
    points.push({ key: 'latency_p95_ms', value: Math.round(95 + random() * 30 + (day % 7 === 1 ? 25 : 0)), timestamp });
  }
  return points;
}

/** The champion run's outputs, in its folder under the store (as the Python logger keeps them). */
function writeRunArtifacts(storePath: string, runUuid: string, spec: DemoRun): string[] {
  const root = path.join(path.dirname(storePath), 'artifacts', runUuid);
  const file = (name: string, content: string | Buffer) => {
    const full = path.join(root, name);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
    return full;
  };
  const random = seededRandom(11);
  const rows = ['customer_id,churn_probability,churned'];
  for (let i = 0; i < 5000; i++) {
    const churned = random() < 0.18;
    rows.push(`C${String(100000 + i)},${Math.min(0.999, Math.max(0.001, (churned ? 0.62 : 0.22) + (random() - 0.5) * 0.5)).toFixed(3)},${churned ? 1 : 0}`);
  }
  const roc = Array.from({ length: 21 }, (_, i) => i / 20).map((fpr) => `${(20 + fpr * 360).toFixed(1)},${(380 - Math.pow(fpr, 0.28) * 360).toFixed(1)}`);
  return [
    file('plots/roc.svg', `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400"><rect width="400" height="400" fill="#fff"/><path d="M20 380 L380 20" stroke="#999" stroke-dasharray="6 4"/><polyline points="${roc.join(' ')}" fill="none" stroke="#0072b2" stroke-width="3"/><text x="200" y="395" font-size="14" text-anchor="middle">false positive rate</text></svg>\n`),
    file('plots/confusion_matrix.png', confusionPng([[3890, 210], [160, 740]])),
    file('predictions.csv', `${rows.join('\n')}\n`),
    file('metrics.json', JSON.stringify({ val_auc: spec.quality, val_loss: 0.312, threshold: 0.41, precision: 0.78, recall: 0.82 })),
    file('config.yaml', ['model: gbm', ...Object.entries(spec.params).map(([k, v]) => `${k}: ${v}`), 'features:', '  - tenure_months', '  - monthly_spend', '  - support_tickets', '  - plan', ''].join('\n')),
    file('NOTES.md', '# gbm-d6-lr0.05\n\nBest **validation AUC** of the sweep without overfitting.\n\n- depth 6, learning rate 0.05\n- early stopping at 1,000 trees\n'),
  ];
}

/** A 2 × 2 confusion matrix as a 240 × 240 PNG heat map (blue, darker is more). */
function confusionPng(cells: number[][]): Buffer {
  const size = 240;
  const max = Math.max(...cells.flat());
  const raw = Buffer.alloc(size * (size * 3 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const share = cells[Math.floor((y * 2) / size)]![Math.floor((x * 2) / size)]! / max;
      const border = x % (size / 2) < 2 || y % (size / 2) < 2;
      const at = y * (size * 3 + 1) + 1 + x * 3;
      raw[at] = border ? 255 : Math.round(240 - share * 200);
      raw[at + 1] = border ? 255 : Math.round(245 - share * 130);
      raw[at + 2] = 255;
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Registers the versions and sets the aliases; returns the champion's version id. */
async function registerDemoModel(storePath: string, dir: string, runIds: Map<string, string>): Promise<number> {
  const artifacts = new Map<string, { uri: string; sha256: string; size: number }>();
  for (const version of DEMO_MODEL.versions) {
    const file = path.join(dir, 'models', `${version.run}.joblib`);
    artifacts.set(version.run, { uri: artifactUri(file), ...(await hashPath(file)) });
  }
  return withStore(storePath, (store) => {
    const versionIds: number[] = [];
    for (const version of DEMO_MODEL.versions) {
      const uuid = runIds.get(`${version.experiment}/${version.run}`)!;
      const row = store.db.prepare('SELECT id FROM runs WHERE uuid = ?').get(uuid) as { id: number };
      const registered = registerModelVersion(store, {
        modelName: DEMO_MODEL.name,
        modelDescription: DEMO_MODEL.description,
        runId: row.id,
        artifact: artifacts.get(version.run)!,
        artifactSource: 'run',
        description: `${version.run} from ${version.experiment}`,
      });
      versionIds.push(registered.id);
    }
    for (const [alias, number] of Object.entries(DEMO_MODEL.aliases)) {
      setAlias(store, { versionId: versionIds[number - 1]!, alias, reason: 'demo' });
    }
    return versionIds[DEMO_MODEL.aliases.champion! - 1]!;
  });
}

/** A framing as a team has it after the first workshop: the "why ML" part done, the rest open. */
export function demoFramingDocument(): FramingDocument {
  const doc = emptyFramingDocument(DEMO_FRAMING_NAME);
  doc.problem = {
    name: DEMO_FRAMING_NAME,
    businessMetric: 'Monthly churn of paying subscribers, from 3.1% to under 2.5% within two quarters.',
    whyNow: 'Churn rose after the price change; the retention team can call 400 customers a week and wants to call the right ones.',
    endUser: 'The retention team, through a ranked call list in the CRM.',
    taskKind: 'predictive',
  };
  const answers: Partial<Record<keyof FramingDocument['criteria'], [FramingDocument['criteria']['learnable']['answer'], string]>> = {
    learnable: ['yes', 'Two years of subscriptions with known outcomes.'],
    complexPatterns: ['yes', 'Usage, billing and support history interact; the current rule (no login for 30 days) misses most churners.'],
    dataAvailable: ['yes', 'Warehouse tables for usage, billing and tickets.'],
    predictive: ['yes', 'A weekly score per customer.'],
    similarData: ['not-sure', 'The price change may have shifted who leaves.'],
    repetitive: ['yes', 'Every week, for every active subscriber.'],
  };
  for (const [id, [answer, note]] of Object.entries(answers)) doc.criteria[id as keyof FramingDocument['criteria']] = { answer, note };
  doc.evaluation = { ...doc.evaluation, metric: 'val_auc', direction: 'max', threshold: 0.86, baseline: 'No-login-for-30-days rule: AUC 0.71', split: 'time-based' };
  doc.prediction = { ...doc.prediction, learning: 'supervised', taskType: 'classification', outputs: 'Probability of cancelling within 90 days' };
  doc.data.sources = [{ kind: 'internal-database', description: 'Warehouse: usage events, invoices, support tickets' }];
  return doc;
}

function withStore<T>(storePath: string, work: (store: ReturnType<typeof openStore>) => T): T {
  const store = openStore(storePath, { create: true });
  try {
    return work(store);
  } finally {
    store.close();
  }
}

/** Logs one more short finished run through the run logger (tests use it to see changes appear). */
export function logDemoRun(storePath: string, experiment: string, name: string, steps = 50): void {
  const run = startRun({ experiment, name, storePath, params: { model: 'late-arrival', steps } });
  for (let step = 0; step < steps; step++) run.logMetric('val_auc', 0.5 + (0.3 * step) / steps, step);
  run.end('FINISHED');
}

/**
 * A run that keeps training while the demo is open: ten minutes of history, then a step every two
 * seconds (with a heartbeat), so the live spinner, latest value and live charts have something to
 * follow. stop() ends it as KILLED, like a stopped training job.
 */
export function startLiveDemoRun(storePath: string, stepMs = 2000): { stop(): void } {
  const experiment = churnGbm;
  const spec = run('gbm-d6-lr0.03-live', { model: 'gbm', max_depth: 6, learning_rate: 0.03, n_estimators: 3000 }, 0.873, 0.003);
  const live = startRun({ experiment: experiment.name, name: spec.name, storePath, params: spec.params, tags: { ...spec.tags, note: 'still training' } });
  const random = seededRandom(3);
  const steps = 3000;
  const backfill = 300;
  const started = Date.now() - backfill * stepMs;
  for (let step = 0; step < backfill; step++) live.logMetrics(curves(experiment, spec, step, steps, random), step, started + step * stepMs);
  withStore(storePath, (store) => store.db.prepare('UPDATE runs SET start_time = ? WHERE uuid = ?').run(started, live.id));
  let step = backfill;
  const timer = setInterval(() => {
    if (step >= steps) return;
    live.logMetrics(curves(experiment, spec, step, steps, random), step);
    live.flush();
    step++;
  }, stepMs);
  return {
    stop() {
      clearInterval(timer);
      live.end('KILLED');
    },
  };
}

/** The store of a workspace made by createDemoWorkspace. */
export function demoStorePath(dir: string): string {
  return path.join(dir, STORE_DIR, STORE_FILE);
}

/** An empty workspace folder (no store): the extension shows its welcome content there. */
export function createEmptyWorkspace(): string {
  const dir = temporaryWorkspace('ml-lifecycle-empty-');
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
      '- *Models*: `churn-classifier`, three versions, aliases `champion` and `challenger`.',
      '- *Framing*: "Churn reduction", partly answered, linked to the two churn experiments.',
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
  const random = seededRandom(7);
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

/** Reads the store as the e2e assertions do: a read-only connection, closed at once. */
export function queryStore<T>(storePath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(storePath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Writes to the store as another process would (a second connection, waiting for the lock), closed at once. */
export function withDb<T>(storePath: string, work: (db: Database.Database) => T): T {
  const db = new Database(storePath, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  try {
    return work(db);
  } finally {
    db.close();
  }
}
