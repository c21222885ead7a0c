/**
 * A sweep of runs written straight into a real store, with the same data kept in memory so tests
 * can check every search result against a plain JavaScript predicate.
 */
import type { Store } from '../../../src/store/database.ts';
import { MARK_DIRTY_SQL, refreshDirtyBlocks } from '../../../src/store/metricBlocks.ts';

export interface SweepRun {
  id: number;
  uuid: string;
  name: string;
  experiment: string;
  status: 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';
  startTime: number;
  endTime: number | null;
  user: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  /** Points per key, in step order. NaN is a logged NaN. */
  metrics: Record<string, number[]>;
}

export const BASE_TIME = 1_700_000_000_000;

/** Run i of a sweep: every value is a function of i, so any size gives the same mix. */
export function sweepRun(i: number): Omit<SweepRun, 'id'> {
  const params: Record<string, string> = {};
  if (i % 10 !== 0) params.lr = ['0.1', '0.01', '0.001'][i % 3]!;
  params.batch_size = String(16 << i % 4);
  params.optimizer = ['adam', 'sgd', 'AdamW', 'Adam'][i % 4]!;
  if (i % 13 === 0) params['model/depth'] = String(i % 5);
  const tags: Record<string, string> = { dataset: `v${1 + (i % 3)}-${i % 2 ? 'clean' : 'raw'}` };
  if (i % 50 === 0) tags.note = `it's "quoted" 100%_done`;
  if (i % 19 === 0) tags['ml_lifecycle.starred'] = 'true';
  else if (i % 23 === 0) tags['ml_lifecycle.starred'] = 'false'; // unstarred again
  const auc = 0.5 + ((i * 37) % 100) / 200;
  const metrics: Record<string, number[]> = {
    val_auc: [auc - 0.2, auc - 0.05, auc + 0.03, auc],
    loss: [2, 1, 0.5 + (i % 9) / 10],
  };
  if (i % 97 === 0) metrics.val_auc!.push(NaN);
  if (i % 5 === 0) metrics['val loss'] = [1 / (1 + i)];
  const status = i % 7 === 0 ? 'FAILED' : i % 11 === 0 ? 'KILLED' : i % 503 === 0 ? 'RUNNING' : 'FINISHED';
  const startTime = BASE_TIME + i * 1000;
  return {
    uuid: i.toString(16).padStart(32, '0'),
    name: `run-${i}${i % 17 === 0 ? '-Best' : ''}`,
    experiment: i % 3 === 0 ? 'sweep-b' : 'sweep-a',
    status,
    startTime,
    endTime: status === 'RUNNING' ? null : startTime + 60_000 + i,
    user: i % 2 ? 'alice' : 'bob',
    params,
    tags,
    metrics,
  };
}

/** Writes `count` sweep runs; the last metric point of every 4th run is left unsummarized (dirty). */
export function writeSweep(store: Store, count: number): SweepRun[] {
  const db = store.db;
  const experiments = new Map<string, number>();
  const experimentId = (name: string) => {
    let id = experiments.get(name);
    if (id === undefined) {
      id = Number(db.prepare('INSERT INTO experiments (name, created_at) VALUES (?, ?)').run(name, BASE_TIME).lastInsertRowid);
      experiments.set(name, id);
    }
    return id;
  };
  const insertRun = db.prepare(
    'INSERT INTO runs (uuid, experiment_id, name, status, start_time, end_time, heartbeat_at, user_name, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertParam = db.prepare('INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)');
  const insertTag = db.prepare('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)');
  const insertPoint = db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)');
  const markDirty = db.prepare(MARK_DIRTY_SQL);
  const runs: SweepRun[] = [];
  const held: (() => void)[] = [];
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const run = sweepRun(i);
      const heartbeat = run.status === 'RUNNING' ? Date.now() : run.startTime;
      const id = Number(insertRun.run(run.uuid, experimentId(run.experiment), run.name, run.status, run.startTime, run.endTime, heartbeat, run.user, 'python').lastInsertRowid);
      for (const [key, value] of Object.entries(run.params)) insertParam.run(id, key, value);
      for (const [key, value] of Object.entries(run.tags)) insertTag.run(id, key, value);
      for (const [key, values] of Object.entries(run.metrics)) {
        const hold = i % 4 === 0 && values.length > 1;
        const now = hold ? values.length - 1 : values.length;
        for (let step = 0; step < now; step++) insertPoint.run(id, key, step, run.startTime + step, Number.isNaN(values[step]) ? null : values[step]);
        markDirty.run(id, key, 0, now - 1);
        if (hold) {
          const step = values.length - 1;
          held.push(() => {
            insertPoint.run(id, key, step, run.startTime + step, Number.isNaN(values[step]) ? null : values[step]);
            markDirty.run(id, key, step, step);
          });
        }
      }
      runs.push({ id, ...run });
    }
  })();
  refreshDirtyBlocks(db);
  db.transaction(() => held.forEach((write) => write()))();
  return runs;
}
