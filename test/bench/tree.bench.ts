// Expanding an experiment of 10,000 runs in the Experiments tree (every run shown, a primary
// metric and three params each): the page's headlines and params read in one query each, against
// the per-row way (two queries per row, as getTreeItem used to do) measured in the same run.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Store, openStore } from '../../src/store/database.ts';
import { refreshDirtyBlocks } from '../../src/store/metricBlocks.ts';
import { type Experiment, getParams, listRuns, metricHeadlines } from '../../src/tracking/experiments.ts';
import { type ExperimentsNode, type RunDetails, type TreeOptions, childrenOf, describeNode, describeRun } from '../../src/tracking/treeModel.ts';
import { medianMs, report } from './format.ts';

const RUNS = 10_000;

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-bench-tree-'));
  try {
    const store = openStore(path.join(dir, '.ml-lifecycle', 'store.sqlite'), { create: true });
    const db = store.db;
    const experimentId = Number(db.prepare("INSERT INTO experiments (name, created_at, primary_metric, metric_direction) VALUES ('big', 0, 'val_loss', 'min')").run().lastInsertRowid);
    const insertRun = db.prepare("INSERT INTO runs (uuid, experiment_id, name, status, start_time) VALUES (?, ?, ?, 'FINISHED', ?)");
    const param = db.prepare('INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)');
    const metric = db.prepare("INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, 'val_loss', ?, ?, ?)");
    const dirty = db.prepare("INSERT INTO metric_dirty (run_id, key, lo, hi) VALUES (?, 'val_loss', 0, 9)");
    db.transaction(() => {
      for (let i = 1; i <= RUNS; i++) {
        const id = Number(insertRun.run(i.toString(16).padStart(32, '0'), experimentId, `run ${i}`, i).lastInsertRowid);
        for (const [key, value] of [['lr', String(10 ** -(i % 4))], ['batch', String(32 << i % 3)], ['model', `m${i % 7}`]]) param.run(id, key, value);
        for (let step = 0; step < 10; step++) metric.run(id, step, step, 1 / (step + 1 + (i % 10)));
        dirty.run(id);
      }
    })();
    refreshDirtyBlocks(db);
    const options: TreeOptions = { pageSize: RUNS, staleBefore: 0, runDescription: 'last', shown: new Map() };
    const experiment = childrenOf(store, undefined, options)[0] as Extract<ExperimentsNode, { kind: 'experiment' }>;
    const batched = await medianMs(5, () => childrenOf(store, experiment, options).map((node) => describeNode(node, options)));
    // The per-row way: the same page, each row reading its own headline and params.
    const perRow = await medianMs(5, () =>
      listRuns(store, { experimentId, parentRunId: null, limit: RUNS, staleBefore: 0 }).runs.map((r) => describeRun(r, experiment.experiment, perRowDetails(store, r.id, experiment.experiment), 'last')),
    );
    report('tree.expand_10k_per_row', perRow, 'ms');
    report('tree.expand_10k', batched, 'ms', { value: perRow, name: 'tree-expand_10k_per_row' });
    store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function perRowDetails(store: Store, runId: number, experiment: Experiment): RunDetails {
  const headline = experiment.primaryMetric ? metricHeadlines(store, [runId], experiment.primaryMetric, experiment.metricDirection).get(runId) : undefined;
  return { headline, params: Object.entries(getParams(store, runId)) };
}
