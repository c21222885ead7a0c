import type { Store } from '../store/database.ts';
import { truncateLabel } from '../shared/format.ts';
import { type Experiment, type RunSummary, getExperiment, getRunsByIds } from '../tracking/experiments.ts';
import type { MetricDirection, RunStatus } from '../tracking/model.ts';
import { type ParallelData, parallelData } from './parallel.ts';
import { type ParamTable, paramTable } from './params.ts';
import { productionSummaries, versionInfos } from './production.ts';
import { type MetricSummary, runMetricSummaries } from './summary.ts';

/** What a compare panel shows: runs (step charts) or model versions (production metrics over time). */
export type Subject = { kind: 'runs'; runIds: number[] } | { kind: 'production'; versionIds: number[] };

/** Identifies a subject whatever the order its runs (or versions) were picked in. */
export function subjectKey(subject: Subject): string {
  const ids = subject.kind === 'runs' ? subject.runIds : subject.versionIds;
  return `${subject.kind}:${[...new Set(ids)].sort((a, b) => a - b).join(',')}`;
}

/** More lines than this make charts unreadable and slow; the rest are left out with a note. */
export const MAX_ITEMS = 100;

export const X_MODES = ['step', 'relative', 'wall'] as const;
export type XMode = (typeof X_MODES)[number];

/** A run or model version: one line per chart. */
export interface CompareItem {
  id: number;
  name: string;
  /** Experiment name (runs) or model name (versions). */
  group: string;
  status: RunStatus | null;
  /** Run start or version creation, ms since epoch: the zero of "relative time". */
  startTime: number;
  /** Plain text for a tooltip. */
  detail: string;
}

export interface TargetLine {
  value: number;
  label: string;
}

export interface ChartSpec {
  key: string;
  /** The items that logged this metric. */
  ids: number[];
  direction: MetricDirection;
  /** Dashed lines for experiments whose primary metric this is and that have a target (from framing). */
  targets: TargetLine[];
  /** Changes whenever one of its lines gets new points, so only those charts are re-read. */
  signature: string;
}

export interface CompareModel {
  subject: Subject;
  title: string;
  items: CompareItem[];
  charts: ChartSpec[];
  /** Metrics logged by at least two of the items. */
  sharedMetrics: number;
  xModes: XMode[];
  summary: MetricSummary[];
  /** Runs only. */
  params: ParamTable | null;
  parallel: ParallelData | null;
  /** True while some run is RUNNING: the panel shows that it follows new points. */
  live: boolean;
}

/** An item of the subject that is gone from the store, for the panel's note. */
export interface MissingItem {
  id: number;
  name: string | null;
  trashed: boolean;
}

export interface Comparison {
  model: CompareModel;
  missing: MissingItem[];
}

export function loadComparison(store: Store, subject: Subject, staleBefore: number): Comparison {
  return subject.kind === 'runs' ? loadRuns(store, subject.runIds, staleBefore) : loadProduction(store, subject.versionIds);
}

function loadRuns(store: Store, runIds: readonly number[], staleBefore: number): Comparison {
  const runs = getRunsByIds(store, runIds, staleBefore);
  const experiments = new Map<number, Experiment>();
  for (const run of runs) {
    if (!experiments.has(run.experimentId)) experiments.set(run.experimentId, getExperiment(store, run.experimentId)!);
  }
  // A run whose experiment went to the trash went with it.
  const present = runs.filter((run) => experiments.get(run.experimentId)!.deletedAt === null);
  const ids = present.map((run) => run.id);
  const missing = missingRuns(store, runIds.filter((id) => !ids.includes(id)));
  const experimentOf = new Map(present.map((run) => [run.id, experiments.get(run.experimentId)!]));
  const summary = runMetricSummaries(store, ids, (id) => experimentOf.get(id));
  const charts = chartSpecs(summary, ids, (key) =>
    [...new Set(present.map((run) => experimentOf.get(run.id)!))].filter((e) => e.primaryMetric === key && e.metricTarget !== null),
  );
  const params = paramTable(store, ids);
  const groups = new Set(present.map((run) => run.experimentId));
  const title =
    groups.size === 1
      ? `Compare ${present.length} run${present.length === 1 ? '' : 's'} · ${truncateLabel(experiments.get(present[0]!.experimentId)!.name, 60)}`
      : `Compare ${present.length} runs`;
  return {
    model: {
      subject: { kind: 'runs', runIds: ids },
      title,
      items: present.map((run) => runItem(run, experiments.get(run.experimentId)!)),
      charts,
      sharedMetrics: charts.filter((c) => c.ids.length >= 2).length,
      xModes: [...X_MODES],
      summary,
      params,
      parallel: ids.length ? parallelData(ids, params, summary, charts.map((c) => c.key)) : null,
      live: present.some((run) => run.status === 'RUNNING'),
    },
    missing,
  };
}

function runItem(run: RunSummary, experiment: Experiment): CompareItem {
  const detail = [run.name, `${run.status} · experiment ${experiment.name}`, `started ${new Date(run.startTime).toISOString()}`];
  if (run.gitCommit) detail.push(`git ${run.gitCommit.slice(0, 10)}${run.gitBranch ? ` on ${run.gitBranch}` : ''}`);
  return { id: run.id, name: run.name, group: experiment.name, status: run.status, startTime: run.startTime, detail: detail.join('\n') };
}

function missingRuns(store: Store, ids: readonly number[]): MissingItem[] {
  if (ids.length === 0) return [];
  const rows = store.db
    .prepare(
      `SELECT r.id, r.name, (r.deleted_at IS NOT NULL OR e.deleted_at IS NOT NULL) AS trashed
       FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(ids)) as { id: number; name: string; trashed: number }[];
  const found = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => ({ id, name: found.get(id)?.name ?? null, trashed: found.get(id)?.trashed === 1 }));
}

function loadProduction(store: Store, versionIds: readonly number[]): Comparison {
  const versions = versionInfos(store, versionIds);
  const ids = versions.map((v) => v.id);
  const summary = productionSummaries(store, ids);
  const items: CompareItem[] = versions.map((v) => ({
    id: v.id,
    name: `${v.modelName} v${v.version}${v.aliases.length ? ` @${v.aliases.join(' @')}` : ''}`,
    group: v.modelName,
    status: null,
    startTime: v.createdAt,
    detail: `${v.modelName} version ${v.version}${v.aliases.length ? ` (${v.aliases.map((a) => `@${a}`).join(', ')})` : ''}\nregistered ${new Date(v.createdAt).toISOString()}`,
  }));
  const charts = chartSpecs(summary, ids, () => []);
  const models = [...new Set(versions.map((v) => v.modelName))];
  return {
    model: {
      subject: { kind: 'production', versionIds: ids },
      title: `Production metrics · ${models.length === 1 ? truncateLabel(models[0]!, 60) : `${versions.length} versions`}`,
      items,
      charts,
      sharedMetrics: charts.filter((c) => c.ids.length >= 2).length,
      xModes: ['wall'],
      summary,
      params: null,
      parallel: null,
      live: false,
    },
    missing: versionIds.filter((id) => !ids.includes(id)).map((id) => ({ id, name: null, trashed: false })),
  };
}

/**
 * One chart per metric: primary metrics (those with a target line) first, then the metrics most
 * items share, then by name.
 */
function chartSpecs(summary: readonly MetricSummary[], ids: readonly number[], targetsOf: (key: string) => Experiment[]): ChartSpec[] {
  const byKey = new Map<string, MetricSummary[]>();
  for (const s of summary) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s]);
  const order = new Map(ids.map((id, index) => [id, index]));
  const specs = [...byKey].map(([key, rows]): ChartSpec => {
    const experiments = targetsOf(key);
    const primary = rows.find((r) => r.directionFrom === 'experiment') ?? rows[0]!;
    return {
      key,
      ids: rows.map((r) => r.id).sort((a, b) => order.get(a)! - order.get(b)!),
      direction: primary.direction,
      targets: experiments.map((e) => ({ value: e.metricTarget!, label: experiments.length > 1 ? `target · ${truncateLabel(e.name, 40)}` : 'target' })),
      signature: rows.map((r) => `${r.id}:${r.points}:${r.lastStep}`).join(','),
    };
  });
  const isPrimary = (spec: ChartSpec) => summary.some((s) => s.key === spec.key && s.directionFrom === 'experiment');
  return specs.sort((a, b) => Number(isPrimary(b)) - Number(isPrimary(a)) || b.ids.length - a.ids.length || a.key.localeCompare(b.key));
}

/** A run as a picker lists it. */
export interface RunChoice {
  id: number;
  name: string;
  experimentName: string;
  status: RunStatus;
  startTime: number;
}

/** Runs not in the trash, newest first, optionally of one experiment (child runs included). */
export function recentRuns(store: Store, options: { experimentId?: number; limit: number }): { runs: RunChoice[]; total: number } {
  const filter = options.experimentId === undefined ? '' : 'AND r.experiment_id = @experiment';
  const args = { experiment: options.experimentId ?? null, limit: options.limit };
  const runs = store.db
    .prepare(
      `SELECT r.id, r.name, e.name AS experimentName, r.status, r.start_time AS startTime FROM runs r JOIN experiments e ON e.id = r.experiment_id
       WHERE r.deleted_at IS NULL AND e.deleted_at IS NULL ${filter} ORDER BY r.start_time DESC, r.id DESC LIMIT @limit`,
    )
    .all(args) as RunChoice[];
  const total = store.db
    .prepare(`SELECT count(*) AS n FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.deleted_at IS NULL AND e.deleted_at IS NULL ${filter}`)
    .get(args) as { n: number };
  return { runs, total: total.n };
}
