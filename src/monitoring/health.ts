import { formatMetric } from '../shared/format.ts';
import { type MetricDirection, isBetter } from '../tracking/model.ts';
import type { ProductionPoint } from './productionMetrics.ts';

/** What a model version must keep up in production, from its framing (see src/registry/targets.ts). */
export interface MonitoringTargets {
  /** The offline metric with a success threshold, e.g. val_auc. */
  metric: string | null;
  direction: MetricDirection | null;
  /** The success threshold: production must not be worse than it. */
  threshold: number | null;
  latencyBudgetMs: number | null;
  /** Where the targets come from, for messages: e.g. 'framing "Churn"'. */
  source: string;
  /** The framing's kill criteria, as monitors (src/framing/monitors.ts). */
  monitors?: readonly CriterionMonitor[];
}

/** A kill criterion of a framing, watched in production: a metric floor or ceiling, or a drift limit. */
export interface CriterionMonitor {
  /** The criterion in the framing's words, e.g. "F1 on reviewed mail falls too low". */
  criterion: string;
  signal: 'metric' | 'drift';
  /** The production metric key; for drift the column, or '' for the worst column. */
  key: string;
  comparison: 'below' | 'above';
  limit: number;
  action: 'retrain' | 'rollback' | 'stop' | null;
  /** The framing it comes from, for messages: 'framing "Churn"'. */
  source: string;
}

/** A version's latest drift report, as the drift monitors read it. */
export interface DriftReading {
  worstPsi: number | null;
  /** PSI per column; read only when a monitor names a column. */
  columns: ReadonlyMap<string, number | null>;
  createdAt: number;
}

export interface HealthProblem {
  kind: 'below-floor' | 'over-latency' | 'kill-criterion';
  key: string;
  value: number | null;
  limit: number;
  timestamp: number;
  /** One sentence for people, e.g. 'auc 0.71 is below the floor 0.8 (framing "Churn")'. */
  message: string;
  /** Kill criteria only: the criterion breached, its framing ('framing "Churn"') and what the framing says to do. */
  criterion?: string;
  source?: string;
  action?: CriterionMonitor['action'];
}

const ACTION_TEXT: Record<NonNullable<CriterionMonitor['action']>, string> = { retrain: 'retrain', rollback: 'roll back', stop: 'stop the project' };

const EVALUATION_PREFIX = /^(val|valid|validation|test|eval|holdout|offline)[_.\-/]/i;

/** A production key checks an offline metric when the names match once a val_/test_/eval_ prefix is set aside (auc ~ val_auc). */
export function matchesMetric(productionKey: string, metric: string): boolean {
  const strip = (name: string) => name.trim().replace(EVALUATION_PREFIX, '').toLowerCase();
  return strip(productionKey) === strip(metric);
}

/** A latency reading in ms, from keys such as latency_p95_ms, p99_latency_s or latency_us; null when the key is no latency. */
export function latencyMs(key: string, value: number): number | null {
  const name = key.toLowerCase();
  if (!name.includes('latency')) return null;
  if (/(_|\.|-)(us|micros|microseconds)$/.test(name)) return value / 1000;
  if (/(_|\.|-)(s|sec|secs|seconds)$/.test(name)) return value * 1000;
  return value;
}

function breaches(value: number | null, monitor: CriterionMonitor): boolean {
  if (value === null) return true; // NaN meets no limit
  return monitor.comparison === 'below' ? value < monitor.limit : value > monitor.limit;
}

/** `reading` names the value, e.g. "f1 0.87" or "the worst column’s PSI in the latest drift report, 0.31,". */
function criterionProblem(monitor: CriterionMonitor, key: string, value: number | null, timestamp: number, reading: string): HealthProblem {
  const limit = formatMetric(monitor.limit);
  const finding = value === null ? `${reading} is NaN, so it cannot stay ${monitor.comparison === 'below' ? 'at or above' : 'at or below'} ${limit}` : `${reading} is ${monitor.comparison} ${limit}`;
  const then = monitor.action ? `; the framing says: ${ACTION_TEXT[monitor.action]}` : '';
  return {
    kind: 'kill-criterion',
    key,
    value,
    limit: monitor.limit,
    timestamp,
    criterion: monitor.criterion,
    source: monitor.source,
    action: monitor.action,
    message: `Kill criterion "${monitor.criterion}" of ${monitor.source} is breached: ${finding}${then}`,
  };
}

/** The kill criteria breached by the latest production metrics and drift report. */
function criterionProblems(monitors: readonly CriterionMonitor[], latest: ReadonlyMap<string, ProductionPoint>, drift: DriftReading | undefined): HealthProblem[] {
  const problems: HealthProblem[] = [];
  for (const monitor of monitors) {
    if (monitor.signal === 'metric') {
      const point = latest.get(monitor.key) ?? [...latest.values()].find((p) => matchesMetric(p.key, monitor.key));
      if (point && breaches(point.value, monitor)) {
        problems.push(criterionProblem(monitor, point.key, point.value, point.timestamp, point.value === null ? point.key : `${point.key} ${formatMetric(point.value)}`));
      }
    } else if (drift) {
      const value = monitor.key ? drift.columns.get(monitor.key) : drift.worstPsi;
      if (value === undefined || value === null) continue;
      if (breaches(value, monitor)) {
        const where = monitor.key ? `the PSI of column "${monitor.key}"` : 'the worst column’s PSI';
        problems.push(criterionProblem(monitor, monitor.key ? `psi:${monitor.key}` : 'psi', value, drift.createdAt, `${where} in the latest drift report, ${formatMetric(value)},`));
      }
    }
  }
  return problems;
}

/** The problems in a version's latest production metrics and drift report; empty when it is healthy or has no targets. */
export function assessHealth(targets: MonitoringTargets, latest: ReadonlyMap<string, ProductionPoint>, drift?: DriftReading): HealthProblem[] {
  const problems: HealthProblem[] = criterionProblems(targets.monitors ?? [], latest, drift);
  const { metric, direction, threshold, latencyBudgetMs } = targets;
  for (const point of latest.values()) {
    if (metric && direction && threshold !== null && matchesMetric(point.key, metric)) {
      const ok = point.value !== null && (point.value === threshold || isBetter(point.value, threshold, direction));
      if (!ok) {
        const relation = point.value === null ? 'is NaN, so it cannot meet' : direction === 'max' ? 'is below' : 'is above';
        problems.push({
          kind: 'below-floor',
          key: point.key,
          value: point.value,
          limit: threshold,
          timestamp: point.timestamp,
          message: `${point.key} ${point.value === null ? '' : `${formatMetric(point.value)} `}${relation} the ${direction === 'max' ? 'floor' : 'ceiling'} ${formatMetric(threshold)} (${targets.source})`,
        });
      }
    }
    if (latencyBudgetMs !== null && point.value !== null) {
      const ms = latencyMs(point.key, point.value);
      if (ms !== null && ms > latencyBudgetMs) {
        problems.push({
          kind: 'over-latency',
          key: point.key,
          value: point.value,
          limit: latencyBudgetMs,
          timestamp: point.timestamp,
          message: `${point.key} ${formatMetric(ms)} ms is over the latency budget of ${formatMetric(latencyBudgetMs)} ms (${targets.source})`,
        });
      }
    }
  }
  return problems;
}
