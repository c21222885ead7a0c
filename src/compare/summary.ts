import type { Store } from '../store/database.ts';
import { guessDirection } from '../tracking/metricDirection.ts';
import type { MetricDirection } from '../tracking/model.ts';
import { metricRange, refreshSummaries, segments } from './m4.ts';

/** A metric value that survives JSON: NaN and ±Inf are spelled out. */
export type MetricValue = number | 'NaN' | '+Inf' | '-Inf';

export function toMetricValue(value: number | null): MetricValue {
  if (value === null || Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return value;
}

/** The headline numbers of one metric of one run (or model version). */
export interface MetricSummary {
  id: number;
  key: string;
  /** The last logged value (by step, then time), which may be NaN or ±Inf. */
  last: MetricValue;
  /** Step of the last value (for production metrics: its timestamp). */
  lastStep: number;
  /** Smallest and largest finite value; null when every value is NaN or ±Inf. */
  min: number | null;
  max: number | null;
  /** min or max by the direction. */
  best: number | null;
  direction: MetricDirection;
  /** Whether the direction is the experiment's (its primary metric) or guessed from the name. */
  directionFrom: 'experiment' | 'name';
  points: number;
  nonfinite: number;
}

export { guessDirection };

/** The experiment's direction for its primary metric, else a guess from the name. */
export function directionOf(key: string, experiment: { primaryMetric: string | null; metricDirection: MetricDirection | null } | undefined): Pick<MetricSummary, 'direction' | 'directionFrom'> {
  if (experiment?.primaryMetric === key && experiment.metricDirection) return { direction: experiment.metricDirection, directionFrom: 'experiment' };
  return { direction: guessDirection(key), directionFrom: 'name' };
}

interface Aggregate {
  points: number;
  nonfinite: number;
  min: number | null;
  max: number | null;
}

function merge(into: Aggregate, part: Aggregate): void {
  into.points += part.points;
  into.nonfinite += part.nonfinite;
  if (part.min !== null && (into.min === null || part.min < into.min)) into.min = part.min;
  if (part.max !== null && (into.max === null || part.max > into.max)) into.max = part.max;
}

/**
 * Last, min, max and best of every metric of the runs, read from the 4096-step block summaries
 * (a few rows per metric however long it is). Metrics with steps not yet summarized (a read-only
 * store) are read from the points for those steps. `experiments` maps run id to its experiment.
 */
export function runMetricSummaries(
  store: Store,
  runIds: readonly number[],
  experimentOf: (runId: number) => { primaryMetric: string | null; metricDirection: MetricDirection | null } | undefined,
): MetricSummary[] {
  if (runIds.length === 0) return [];
  refreshSummaries(store, runIds);
  const runs = JSON.stringify(runIds);
  const dirty = new Set(
    (store.db.prepare('SELECT run_id AS runId, key FROM metric_dirty WHERE run_id IN (SELECT value FROM json_each(?))').all(runs) as { runId: number; key: string }[]).map(
      (d) => `${d.runId}\u0000${d.key}`,
    ),
  );
  const rows = store.db
    .prepare(
      `SELECT run_id AS runId, key, sum(n) AS points, sum(nonfinite) AS nonfinite, min(min) AS min, max(max) AS max, max(last_step) AS lastStep,
         (SELECT l.last_value FROM metric_blocks l WHERE l.run_id = b.run_id AND l.key = b.key AND l.shift = 12 ORDER BY l.block DESC LIMIT 1) AS last
       FROM metric_blocks b WHERE shift = 12 AND run_id IN (SELECT value FROM json_each(?)) GROUP BY run_id, key`,
    )
    .all(runs) as ({ runId: number; key: string; lastStep: number; last: number | null } & Aggregate)[];
  const pairs = new Map<string, { runId: number; key: string }>();
  for (const row of rows) pairs.set(`${row.runId}\u0000${row.key}`, row);
  for (const id of dirty) {
    const [runId, key] = id.split('\u0000') as [string, string];
    pairs.set(id, { runId: Number(runId), key });
  }
  const byPair = new Map(rows.map((row) => [`${row.runId}\u0000${row.key}`, row]));
  const lastPoint = store.db.prepare('SELECT step, value FROM metrics WHERE run_id = ? AND key = ? ORDER BY step DESC, timestamp DESC, seq DESC LIMIT 1');
  const order = new Map(runIds.map((id, index) => [id, index]));
  const result: MetricSummary[] = [];
  for (const [id, { runId, key }] of pairs) {
    const clean = dirty.has(id) ? undefined : byPair.get(id);
    const aggregate = clean ?? aggregateFresh(store, runId, key);
    const last = clean ? { step: clean.lastStep, value: clean.last } : (lastPoint.get(runId, key) as { step: number; value: number | null } | undefined);
    if (!last) continue;
    const direction = directionOf(key, experimentOf(runId));
    result.push({
      id: runId,
      key,
      last: toMetricValue(last.value),
      lastStep: last.step,
      min: aggregate.min,
      max: aggregate.max,
      best: direction.direction === 'min' ? aggregate.min : aggregate.max,
      ...direction,
      points: aggregate.points,
      nonfinite: aggregate.nonfinite,
    });
  }
  return result.sort((a, b) => a.key.localeCompare(b.key) || order.get(a.id)! - order.get(b.id)!);
}

/** One metric of one run from its clean blocks plus the points of its unsummarized steps. */
function aggregateFresh(store: Store, runId: number, key: string): Aggregate {
  const total: Aggregate = { points: 0, nonfinite: 0, min: null, max: null };
  const range = metricRange(store, [runId], key);
  if (!range) return total;
  const dirty = store.db.prepare('SELECT lo, hi FROM metric_dirty WHERE run_id = ? AND key = ?').all(runId, key) as { lo: number; hi: number }[];
  const blocks = store.db.prepare(
    'SELECT sum(n) AS points, sum(nonfinite) AS nonfinite, min(min) AS min, max(max) AS max FROM metric_blocks WHERE run_id = ? AND key = ? AND shift = 12 AND block BETWEEN ? AND ?',
  );
  const points = store.db.prepare(
    `SELECT count(*) AS points, sum(value IS NULL OR abs(value) > 1.7976931348623157e308) AS nonfinite,
       min(CASE WHEN abs(value) <= 1.7976931348623157e308 THEN value END) AS min, max(CASE WHEN abs(value) <= 1.7976931348623157e308 THEN value END) AS max
     FROM metrics WHERE run_id = ? AND key = ? AND step BETWEEN ? AND ?`,
  );
  for (const segment of segments(range, 12, dirty)) {
    const part = (segment.kind === 'blocks' ? blocks : points).get(runId, key, segment.lo, segment.hi) as Aggregate;
    merge(total, { points: part.points ?? 0, nonfinite: part.nonfinite ?? 0, min: part.min, max: part.max });
  }
  return total;
}
