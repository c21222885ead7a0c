import { m4Series } from '../compare/m4.ts';
import { type ChartSpec, type CompareItem, loadComparison } from '../compare/model.ts';
import { type MetricSummary, runMetricSummaries } from '../compare/summary.ts';
import type { Store } from '../store/database.ts';
import { type Experiment, type RunSummary, getExperiment, getParams, getRun, getTags } from '../tracking/experiments.ts';

/** Points in each metric's sparkline: enough to show a trend, few enough for hundreds of keys. */
export const SPARKLINE_BUCKETS = 32;

/** Another run, as a link on the page. */
export interface RunLink {
  id: number;
  name: string;
  status: RunSummary['status'];
}

export interface RegisteredFromRun {
  versionId: number;
  modelName: string;
  version: number;
  aliases: string[];
}

export interface RunMetric extends MetricSummary {
  /** The M4 values of a narrow chart (null marks a gap: NaN or ±Inf), for the sparkline. */
  sparkline: (number | null)[];
}

/** Everything the run page shows except the artifacts (listed from disk on demand). */
export interface RunPageModel {
  run: RunSummary & { host: string | null; userName: string | null; source: string | null; externalId: string | null };
  experiment: Pick<Experiment, 'id' | 'name' | 'primaryMetric' | 'metricDirection' | 'metricTarget'>;
  parent: RunLink | null;
  children: RunLink[];
  params: [string, string][];
  tags: [string, string][];
  metrics: RunMetric[];
  /** One chart spec per metric, as Compare builds them, for the full chart of a key. */
  charts: ChartSpec[];
  /** The run as a chart line (relative and wall time axes need its start). */
  item: CompareItem;
  versions: RegisteredFromRun[];
  framing: { id: number; name: string } | null;
}

/** The run page of `runId`, or undefined when the run is gone (deleted for good). */
export function loadRunPage(store: Store, runId: number, staleBefore: number): RunPageModel | undefined {
  const run = getRun(store, runId, staleBefore);
  if (!run) return undefined;
  const experiment = getExperiment(store, run.experimentId)!;
  const extra = store.db
    .prepare('SELECT host, user_name AS userName, source, external_id AS externalId FROM runs WHERE id = ?')
    .get(runId) as { host: string | null; userName: string | null; source: string | null; externalId: string | null };
  const metrics = runMetricSummaries(store, [runId], () => experiment);
  const comparison = loadComparison(store, { kind: 'runs', runIds: [runId] }, staleBefore).model;
  const primaryFirst = (a: MetricSummary, b: MetricSummary) => Number(b.key === experiment.primaryMetric) - Number(a.key === experiment.primaryMetric) || a.key.localeCompare(b.key);
  const link = (row: RunSummary): RunLink => ({ id: row.id, name: row.name, status: row.status });
  const parent = run.parentRunId === null ? undefined : getRun(store, run.parentRunId, staleBefore);
  const children = store.db.prepare('SELECT id FROM runs WHERE parent_run_id = ? AND deleted_at IS NULL ORDER BY start_time, id').all(runId) as { id: number }[];
  return {
    run: { ...run, ...extra },
    experiment: {
      id: experiment.id,
      name: experiment.name,
      primaryMetric: experiment.primaryMetric,
      metricDirection: experiment.metricDirection,
      metricTarget: experiment.metricTarget,
    },
    parent: parent && parent.deletedAt === null ? link(parent) : null,
    children: children.map((c) => getRun(store, c.id, staleBefore)!).map(link),
    params: Object.entries(getParams(store, runId)),
    tags: Object.entries(getTags(store, runId)),
    metrics: metrics.sort(primaryFirst).map((summary) => ({ ...summary, sparkline: sparkline(store, runId, summary.key) })),
    charts: comparison.charts,
    item: comparison.items[0] ?? { id: run.id, name: run.name, group: experiment.name, status: run.status, startTime: run.startTime, detail: run.name },
    versions: registeredFrom(store, runId),
    framing: experiment.framingId === null ? null : ((store.db.prepare('SELECT id, name FROM framings WHERE id = ?').get(experiment.framingId) as { id: number; name: string } | undefined) ?? null),
  };
}

function sparkline(store: Store, runId: number, key: string): (number | null)[] {
  const series = m4Series(store, [runId], key, { buckets: SPARKLINE_BUCKETS }).series[0];
  return series ? Array.from(series.y, (y) => (Number.isFinite(y) ? y : null)) : [];
}

function registeredFrom(store: Store, runId: number): RegisteredFromRun[] {
  const rows = store.db
    .prepare(
      `SELECT v.id AS versionId, m.name AS modelName, v.version,
         (SELECT json_group_array(alias) FROM (SELECT alias FROM model_aliases a WHERE a.version_id = v.id ORDER BY alias)) AS aliases
       FROM model_versions v JOIN registered_models m ON m.id = v.model_id WHERE v.run_id = ? ORDER BY m.name, v.version`,
    )
    .all(runId) as (Omit<RegisteredFromRun, 'aliases'> & { aliases: string })[];
  return rows.map((row) => ({ ...row, aliases: JSON.parse(row.aliases) as string[] }));
}
