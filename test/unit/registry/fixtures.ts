import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Store } from '../../../src/store/database.ts';
import { MARK_DIRTY_SQL } from '../../../src/store/metricBlocks.ts';
import { createExperiment, findExperimentByName, setPrimaryMetric } from '../../../src/tracking/experiments.ts';
import type { MetricDirection } from '../../../src/tracking/model.ts';

export interface RunSpec {
  experiment: string;
  name: string;
  status?: 'FINISHED' | 'RUNNING' | 'FAILED' | 'KILLED';
  params?: Record<string, string>;
  /** key -> values at steps 0, 1, 2 ... */
  metrics?: Record<string, number[]>;
  primary?: { metric: string; direction: MetricDirection };
  git?: { commit: string; branch: string; dirty: boolean };
  artifacts?: { path: string; kind: 'file' | 'model' | 'data'; sha256?: string; size?: number }[];
}

/** Writes a run the way the loggers do (rows plus metric_dirty), returning its id. */
export function addRun(store: Store, spec: RunSpec): number {
  const experiment = findExperimentByName(store, spec.experiment) ?? createExperiment(store, spec.experiment);
  if (spec.primary) setPrimaryMetric(store, experiment.id, spec.primary.metric, spec.primary.direction);
  const db = store.db;
  const now = Date.now();
  return db.transaction(() => {
    const id = Number(
      db
        .prepare(
          `INSERT INTO runs (uuid, experiment_id, name, status, start_time, end_time, heartbeat_at, git_commit, git_branch, git_dirty, entry_point)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'train.py')`,
        )
        .run(
          crypto.randomUUID().replaceAll('-', ''),
          experiment.id,
          spec.name,
          spec.status ?? 'FINISHED',
          now - 60_000,
          spec.status === 'RUNNING' ? null : now,
          now,
          spec.git?.commit ?? null,
          spec.git?.branch ?? null,
          spec.git ? Number(spec.git.dirty) : null,
        ).lastInsertRowid,
    );
    for (const [key, value] of Object.entries(spec.params ?? {})) db.prepare('INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)').run(id, key, value);
    for (const [key, values] of Object.entries(spec.metrics ?? {})) {
      values.forEach((value, step) => db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)').run(id, key, step, now + step, Number.isNaN(value) ? null : value));
      db.prepare(MARK_DIRTY_SQL).run(id, key, 0, values.length - 1);
    }
    for (const artifact of spec.artifacts ?? []) {
      db.prepare('INSERT INTO artifacts (run_id, path, sha256, size, kind, logged_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, artifact.path, artifact.sha256 ?? null, artifact.size ?? null, artifact.kind, now);
    }
    return id;
  })();
}

export function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

export function writeFile(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** Links an experiment to a new framing whose document holds the given parts (merged over nothing: a partial document). */
export function addFraming(store: Store, experiment: string, name: string, document: unknown, target?: number): number {
  const now = Date.now();
  const id = Number(store.db.prepare('INSERT INTO framings (name, document, revision, created_at, updated_at) VALUES (?, ?, 1, ?, ?)').run(name, JSON.stringify(document), now, now).lastInsertRowid);
  store.db.prepare('UPDATE experiments SET framing_id = ?, metric_target = ? WHERE name = ?').run(id, target ?? null, experiment);
  return id;
}
