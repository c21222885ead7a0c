import type { Store } from '../store/database.ts';
import type { StepRange } from '../store/metricBlocks.ts';
import { Bucketer } from './bucketer.ts';
import { type SeriesSet, emptySeries } from './m4.ts';
import { type MetricSummary, directionOf, toMetricValue } from './summary.ts';

/** A model version as the production view names it. */
export interface VersionInfo {
  id: number;
  modelName: string;
  version: number;
  createdAt: number;
  runId: number | null;
  aliases: string[];
}

export function versionInfos(store: Store, versionIds: readonly number[]): VersionInfo[] {
  if (versionIds.length === 0) return [];
  const rows = store.db
    .prepare(
      `SELECT v.id, m.name AS modelName, v.version, v.created_at AS createdAt, v.run_id AS runId,
         (SELECT json_group_array(a.alias) FROM model_aliases a WHERE a.version_id = v.id) AS aliases
       FROM model_versions v JOIN registered_models m ON m.id = v.model_id WHERE v.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(versionIds)) as (Omit<VersionInfo, 'aliases'> & { aliases: string })[];
  const order = new Map(versionIds.map((id, index) => [id, index]));
  return rows
    .map((row) => ({ ...row, aliases: (JSON.parse(row.aliases) as string[]).sort() }))
    .sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}

/** Every model version, newest first, for a picker. */
export function allVersions(store: Store): VersionInfo[] {
  const ids = (store.db.prepare('SELECT id FROM model_versions ORDER BY created_at DESC, id DESC').all() as { id: number }[]).map((r) => r.id);
  return versionInfos(store, ids);
}

/** Last, min, max and best of each production metric of the versions; lastStep is the last timestamp. */
export function productionSummaries(store: Store, versionIds: readonly number[]): MetricSummary[] {
  if (versionIds.length === 0) return [];
  const rows = store.db
    .prepare(
      `SELECT version_id AS id, key, count(*) AS points, sum(value IS NULL OR abs(value) > 1.7976931348623157e308) AS nonfinite,
         min(CASE WHEN abs(value) <= 1.7976931348623157e308 THEN value END) AS min,
         max(CASE WHEN abs(value) <= 1.7976931348623157e308 THEN value END) AS max,
         max(timestamp) AS lastStep,
         (SELECT l.value FROM production_metrics l WHERE l.version_id = p.version_id AND l.key = p.key ORDER BY l.timestamp DESC LIMIT 1) AS last
       FROM production_metrics p WHERE version_id IN (SELECT value FROM json_each(?)) GROUP BY version_id, key`,
    )
    .all(JSON.stringify(versionIds)) as { id: number; key: string; points: number; nonfinite: number; min: number | null; max: number | null; lastStep: number; last: number | null }[];
  const order = new Map(versionIds.map((id, index) => [id, index]));
  return rows
    .map((row) => {
      const direction = directionOf(row.key, undefined);
      return { ...row, last: toMetricValue(row.last), best: direction.direction === 'min' ? row.min : row.max, ...direction };
    })
    .sort((a, b) => a.key.localeCompare(b.key) || order.get(a.id)! - order.get(b.id)!);
}

/**
 * M4 series of one production metric per version over wall time. Production metrics have no
 * block summaries, so the points in range are read and bucketed by timestamp.
 */
export function productionSeries(store: Store, versionIds: readonly number[], key: string, options: { range?: StepRange | undefined; buckets: number }): SeriesSet {
  const range = options.range ?? timeRange(store, versionIds, key);
  if (!range) return { key, range: null, plan: null, series: versionIds.map((id) => emptySeries(id)) };
  const plan = { origin: range.lo, width: Math.floor((range.hi - range.lo) / Math.max(1, Math.floor(options.buckets))) + 1, shift: null };
  const statement = store.db
    .prepare('SELECT timestamp, value FROM production_metrics WHERE version_id = ? AND key = ? AND timestamp BETWEEN ? AND ? ORDER BY timestamp')
    .raw(true);
  const series = versionIds.map((id) => {
    const bucketer = new Bucketer(plan, id, range);
    for (const [timestamp, value] of statement.all(id, key, range.lo, range.hi) as [number, number | null][]) bucketer.addPoint(timestamp, timestamp, value);
    return bucketer.finish();
  });
  return { key, range, plan, series };
}

function timeRange(store: Store, versionIds: readonly number[], key: string): StepRange | null {
  const row = store.db
    .prepare('SELECT min(timestamp) AS lo, max(timestamp) AS hi FROM production_metrics WHERE key = ? AND version_id IN (SELECT value FROM json_each(?))')
    .get(key, JSON.stringify(versionIds)) as { lo: number | null; hi: number | null };
  return row.lo === null || row.hi === null ? null : { lo: row.lo, hi: row.hi };
}
