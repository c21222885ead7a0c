// Listing runs: one experiment of 1,000 and of 10,000 runs (a param and a metric point each),
// listed whole as `runs list` and the Experiments tree do. Linear listing keeps the ratio near 10.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore } from '../../src/store/database.ts';
import { listRuns } from '../../src/tracking/experiments.ts';
import { medianMs, report } from './format.ts';

function storeWithRuns(dir: string, count: number) {
  const store = openStore(path.join(dir, `runs-${count}`, '.ml-lifecycle', 'store.sqlite'), { create: true });
  const db = store.db;
  const experiment = Number(db.prepare("INSERT INTO experiments (name, created_at) VALUES ('big', 0)").run().lastInsertRowid);
  const run = db.prepare("INSERT INTO runs (uuid, experiment_id, name, status, start_time) VALUES (?, ?, ?, 'FINISHED', ?)");
  const param = db.prepare("INSERT INTO params (run_id, key, value) VALUES (?, 'lr', '0.1')");
  const metric = db.prepare("INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, 'loss', 0, 0, 0.5)");
  db.transaction(() => {
    for (let i = 1; i <= count; i++) {
      const id = Number(run.run(i.toString(16).padStart(32, '0'), experiment, `run ${i}`, i).lastInsertRowid);
      param.run(id);
      metric.run(id);
    }
  })();
  return { store, experiment };
}

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-bench-listing-'));
  try {
    const times = new Map<number, number>();
    for (const count of [1_000, 10_000]) {
      const { store, experiment } = storeWithRuns(dir, count);
      times.set(count, await medianMs(5, () => listRuns(store, { experimentId: experiment, limit: count })));
      store.close();
    }
    report('listing.runs_1k', times.get(1_000)!, 'ms');
    report('listing.runs_10k', times.get(10_000)!, 'ms', { value: times.get(1_000)!, name: 'listing-runs_1k' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
