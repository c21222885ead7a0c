import { FramingFormatError, QUALITY_IDS, type QualityId, migrateFramingDocument, parseFramingJson } from '../framing/document.ts';
import { killCriteriaMonitors, killCriteriaOf } from '../framing/monitors.ts';
import { valueAt } from '../framing/edit.ts';
import { metricInfo } from '../framing/metrics.ts';
import type { CriterionMonitor, MonitoringTargets } from '../monitoring/health.ts';
import type { Store } from '../store/database.ts';
import { type Experiment, getExperiment, getRun } from '../tracking/experiments.ts';
import type { MetricDirection } from '../tracking/model.ts';
import type { ModelVersion } from './models.ts';

/**
 * What the registry reads from a framing: the parts a model card, the promotion gate and the
 * production checks need. Read field by field with type checks, so a damaged or newer document
 * still gives what it can; `problems` lists what failed validation.
 */
export interface FramingView {
  id: number;
  name: string;
  revision: number;
  updatedAt: number;
  problems: readonly string[];
  problem: { businessMetric: string; whyNow: string; endUser: string };
  value: { targetCustomer: string; need: string; product: string; benefit: string; persona: string };
  prediction: { taskType: string; inputs: string; outputs: string };
  evaluation: { metric: string; direction: MetricDirection | null; threshold: number | null; baseline: string; errorCosts: { error: string; consequence: string }[] };
  latencyMs: number | null;
  throughputPerSecond: number | null;
  qualities: Record<QualityId, { required: boolean; note: string }>;
  lifecycle: {
    serving: string;
    monitorPerformance: boolean;
    monitorLatency: boolean;
    monitorDrift: boolean;
    monitoringNote: string;
    retrainOn: string[];
    retrainingNote: string;
    governance: string;
  };
  /** The kill criteria that monitoring checks. */
  monitors: CriterionMonitor[];
}

function readFraming(store: Store, framingId: number): FramingView | undefined {
  const row = store.db.prepare('SELECT id, name, revision, updated_at AS updatedAt, document FROM framings WHERE id = ?').get(framingId) as
    | { id: number; name: string; revision: number; updatedAt: number; document: string }
    | undefined;
  if (!row) return undefined;
  let problems: readonly string[] = [];
  try {
    parseFramingJson(row.document, `framing "${row.name}"`);
  } catch (error) {
    problems = error instanceof FramingFormatError ? error.problems : [(error as Error).message];
  }
  let raw: unknown;
  try {
    raw = migrateFramingDocument(JSON.parse(row.document));
  } catch {
    raw = {};
  }
  const text = (path: string) => {
    const value = valueAt(raw, path.split('.'));
    return typeof value === 'string' ? value : '';
  };
  const number = (path: string) => {
    const value = valueAt(raw, path.split('.'));
    return typeof value === 'number' && Number.isFinite(value) ? value : null;
  };
  const flag = (path: string) => valueAt(raw, path.split('.')) === true;
  const direction = valueAt(raw, ['evaluation', 'direction']);
  const errorCosts = valueAt(raw, ['evaluation', 'errorCosts']);
  const retrain: [string, string][] = [
    ['retrainOnDecay', 'performance decays'],
    ['retrainOnNewPattern', 'new patterns appear'],
    ['retrainOnChangedAssumptions', 'training assumptions no longer hold'],
    ['retrainOnChangedObjective', 'the business objective changes'],
  ];
  return {
    id: row.id,
    name: row.name,
    revision: row.revision,
    updatedAt: row.updatedAt,
    problems,
    problem: { businessMetric: text('problem.businessMetric'), whyNow: text('problem.whyNow'), endUser: text('problem.endUser') },
    value: { targetCustomer: text('value.targetCustomer'), need: text('value.need'), product: text('value.product'), benefit: text('value.benefit'), persona: text('value.persona') },
    prediction: { taskType: text('prediction.taskType'), inputs: text('prediction.inputs'), outputs: text('prediction.outputs') },
    evaluation: {
      metric: text('evaluation.metric').trim(),
      direction: direction === 'min' || direction === 'max' ? direction : null,
      threshold: number('evaluation.threshold'),
      baseline: text('evaluation.baseline'),
      errorCosts: Array.isArray(errorCosts)
        ? errorCosts
            .filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null)
            .map((c) => ({ error: typeof c.error === 'string' ? c.error : '', consequence: typeof c.consequence === 'string' ? c.consequence : '' }))
            .filter((c) => c.consequence.trim())
        : [],
    },
    latencyMs: number('requirements.latencyMs'),
    throughputPerSecond: number('requirements.throughputPerSecond'),
    qualities: Object.fromEntries(QUALITY_IDS.map((id) => [id, { required: flag(`requirements.${id}.required`), note: text(`requirements.${id}.note`) }])) as FramingView['qualities'],
    lifecycle: {
      serving: text('lifecycle.serving'),
      monitorPerformance: flag('lifecycle.monitorPerformance'),
      monitorLatency: flag('lifecycle.monitorLatency'),
      monitorDrift: flag('lifecycle.monitorDrift'),
      monitoringNote: text('lifecycle.monitoringNote'),
      retrainOn: retrain.filter(([key]) => flag(`lifecycle.${key}`)).map(([, label]) => label),
      retrainingNote: text('lifecycle.retrainingNote'),
      governance: text('lifecycle.governance'),
    },
    monitors: killCriteriaMonitors(killCriteriaOf(valueAt(raw, ['lifecycle'])), row.name).monitors,
  };
}

/** A version's yardsticks: its experiment's primary metric and target, filled in from the linked framing. */
export interface VersionTargets extends MonitoringTargets {
  experiment: Experiment | null;
  framing: FramingView | null;
}

/**
 * The metric, direction and success threshold that judge a version, and its latency budget.
 * The experiment's own settings win (its target is copied from the framing when linked); the
 * framing's offline evaluation fills what the experiment leaves open.
 */
export function versionTargets(store: Store, version: Pick<ModelVersion, 'runId' | 'lineage'>): VersionTargets {
  const run = version.runId === null ? undefined : getRun(store, version.runId);
  const experimentId = run?.experimentId ?? version.lineage?.run?.experiment.id;
  const experiment = experimentId === undefined ? null : (getExperiment(store, experimentId) ?? null);
  const framing = experiment?.framingId == null ? null : (readFraming(store, experiment.framingId) ?? null);
  const metric = experiment?.primaryMetric ?? (framing?.evaluation.metric || null);
  const framingMetricMatches = framing !== null && metric !== null && framing.evaluation.metric === metric;
  const direction =
    experiment?.primaryMetric ? experiment.metricDirection : framingMetricMatches ? framing.evaluation.direction : null;
  const threshold = experiment?.metricTarget ?? (framingMetricMatches ? framing.evaluation.threshold : null);
  const sources: string[] = [];
  if (framing) sources.push(`framing "${framing.name}"`);
  if (experiment) sources.push(`experiment "${experiment.name}"`);
  return {
    metric,
    direction: direction ?? (metric ? (metricInfo(metric)?.direction ?? null) : null),
    threshold,
    latencyBudgetMs: framing?.latencyMs ?? null,
    monitors: framing?.monitors ?? [],
    source: sources.join(', ') || 'no framing',
    experiment,
    framing,
  };
}
