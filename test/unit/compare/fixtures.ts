import type { Store } from '../../../src/store/database.ts';
import { writeTransaction } from '../../../src/store/database.ts';
import { TouchedRanges, refreshDirtyBlocks } from '../../../src/store/metricBlocks.ts';
import { seededRandom } from '../../../src/shared/random.ts';

/** [step, timestamp, value]; NaN is stored as NULL like every writer does. */
export type Point = [number, number, number];

export function addExperiment(store: Store, name: string, extra: { primaryMetric?: string; direction?: 'min' | 'max'; target?: number } = {}): number {
  return Number(
    store.db
      .prepare('INSERT INTO experiments (name, created_at, primary_metric, metric_direction, metric_target) VALUES (?, ?, ?, ?, ?)')
      .run(name, 1, extra.primaryMetric ?? null, extra.direction ?? null, extra.target ?? null).lastInsertRowid,
  );
}

export function addRun(store: Store, experimentId: number, name: string, options: { start?: number; status?: string; params?: Record<string, string> } = {}): number {
  const id = Number(
    store.db
      .prepare('INSERT INTO runs (uuid, experiment_id, name, status, start_time) VALUES (?, ?, ?, ?, ?)')
      .run(`${name}-${Math.random().toString(16).slice(2)}`, experimentId, name, options.status ?? 'FINISHED', options.start ?? 1_000).lastInsertRowid,
  );
  for (const [key, value] of Object.entries(options.params ?? {})) store.db.prepare('INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)').run(id, key, value);
  return id;
}

/** Writes points the way loggers do (points plus dirty ranges in one transaction); refreshes blocks unless told not to. */
export function logPoints(store: Store, runId: number, key: string, points: readonly Point[], options: { refresh?: boolean } = {}): void {
  writeTransaction(store, () => {
    const insert = store.db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)');
    const touched = new TouchedRanges();
    for (const [step, timestamp, value] of points) {
      insert.run(runId, key, step, timestamp, Number.isNaN(value) ? null : value);
      touched.add(runId, key, step);
    }
    touched.markDirty(store.db);
  });
  if (options.refresh !== false) refreshDirtyBlocks(store.db);
}


/**
 * A noisy history: a random walk with spikes, NaN and ±Inf, skipped steps and the odd step logged
 * twice (a resumed run). Timestamps grow with the steps.
 */
export function noisyHistory(seed: number, steps: number, options: { from?: number; start?: number } = {}): Point[] {
  const next = seededRandom(seed);
  const points: Point[] = [];
  let value = 0;
  let time = options.start ?? 1_000_000;
  for (let step = options.from ?? 0; step < (options.from ?? 0) + steps; step++) {
    if (next() < 0.1) continue;
    value += next() - 0.5;
    time += 1 + Math.floor(next() * 20);
    const roll = next();
    const v = roll < 0.003 ? Number.NaN : roll < 0.004 ? Infinity : roll < 0.005 ? -Infinity : roll < 0.01 ? value * 100 + 50 : roll < 0.015 ? value - 80 : value;
    points.push([step, time, v]);
    if (next() < 0.01) points.push([step, time + 1, value + 1]);
  }
  return points;
}
