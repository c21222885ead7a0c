import { recordAudit } from '../store/audit.ts';
import { type Store, writeTransaction } from '../store/database.ts';
import { guessDirection } from './metricDirection.ts';
import type { MetricDirection } from './model.ts';

/**
 * An experiment without a primary metric gets one by default: the first metric its first run
 * logged (system/… metrics aside), with the direction its name suggests. It is stored like a
 * chosen one, so Set Primary Metric… changes it; an experiment whose primary metric someone has
 * set or cleared is left alone.
 */
export interface DefaultPrimaryMetric {
  experimentId: number;
  experimentName: string;
  metric: string;
  direction: MetricDirection;
}

/** Runs looked at per experiment for a first metric: runs that logged nothing yet are skipped. */
const RUNS_TO_LOOK_AT = 20;

/** The metric and direction an experiment would get by default, or null while its runs have logged none. */
export function firstLoggedMetric(store: Store, experimentId: number): { metric: string; direction: MetricDirection } | null {
  const runs = store.db
    .prepare('SELECT id FROM runs WHERE experiment_id = ? AND deleted_at IS NULL ORDER BY start_time, id LIMIT ?')
    .all(experimentId, RUNS_TO_LOOK_AT) as { id: number }[];
  // Every logged point is either summarized (metric_blocks) or waiting to be (metric_dirty): a few rows per metric.
  const keysOf = store.db.prepare(
    `SELECT key FROM metric_dirty WHERE run_id = @run AND key NOT LIKE 'system/%'
     UNION SELECT DISTINCT key FROM metric_blocks WHERE run_id = @run AND shift = 12 AND key NOT LIKE 'system/%'`,
  );
  const firstTime = store.db.prepare('SELECT timestamp FROM metrics WHERE run_id = ? AND key = ? ORDER BY step, timestamp LIMIT 1');
  for (const { id } of runs) {
    const keys = (keysOf.all({ run: id }) as { key: string }[]).map((k) => k.key);
    const firsts = keys
      .map((key) => ({ key, at: (firstTime.get(id, key) as { timestamp: number } | undefined)?.timestamp }))
      .filter((k): k is { key: string; at: number } => k.at !== undefined)
      // Metrics logged together (same time) are told apart by name, so the choice never depends on row order.
      .sort((a, b) => a.at - b.at || a.key.localeCompare(b.key));
    if (firsts[0]) return { metric: firsts[0].key, direction: guessDirection(firsts[0].key) };
  }
  return null;
}

/** Gives every experiment still without a primary metric its default, once its runs have logged one. */
export function assignDefaultPrimaryMetrics(store: Store): DefaultPrimaryMetric[] {
  const open = store.db.prepare('SELECT id, name FROM experiments WHERE primary_metric IS NULL AND deleted_at IS NULL').all() as { id: number; name: string }[];
  if (open.length === 0) return [];
  const decided = store.db.prepare(
    "SELECT 1 FROM audit_log WHERE entity = 'experiment' AND entity_id = ? AND action IN ('set-primary-metric', 'default-primary-metric') LIMIT 1",
  );
  const chosen: DefaultPrimaryMetric[] = [];
  for (const experiment of open) {
    const first = firstLoggedMetric(store, experiment.id);
    if (!first || decided.get(String(experiment.id))) continue;
    chosen.push({ experimentId: experiment.id, experimentName: experiment.name, ...first });
  }
  if (chosen.length === 0) return [];
  writeTransaction(store, () => {
    const update = store.db.prepare('UPDATE experiments SET primary_metric = ?, metric_direction = ? WHERE id = ? AND primary_metric IS NULL');
    for (const c of chosen) {
      if (update.run(c.metric, c.direction, c.experimentId).changes === 0) continue;
      recordAudit(store.db, { entity: 'experiment', entityId: c.experimentId, action: 'default-primary-metric', reason: 'the first metric logged', details: { metric: c.metric, direction: c.direction } });
    }
  });
  return chosen;
}
