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
}

export interface HealthProblem {
  kind: 'below-floor' | 'over-latency';
  key: string;
  value: number | null;
  limit: number;
  timestamp: number;
  /** One sentence for people, e.g. 'auc 0.71 is below the floor 0.8 (framing "Churn")'. */
  message: string;
}

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

/** The problems in a version's latest production metrics; empty when it is healthy or has no targets. */
export function assessHealth(targets: MonitoringTargets, latest: ReadonlyMap<string, ProductionPoint>): HealthProblem[] {
  const problems: HealthProblem[] = [];
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
