import { formatMetric } from '../shared/format.ts';
import { type Store, writeTransaction } from '../store/database.ts';
import { metricHeadlines } from '../tracking/experiments.ts';
import { type MetricDirection, isBetter } from '../tracking/model.ts';
import { CHALLENGER, CHAMPION, type ModelVersion, aliasTarget, getVersion, removeAlias, setAlias } from './models.ts';
import { versionTargets } from './targets.ts';

/** A version's value of a metric; undefined when it never logged the metric, null when it is NaN. */
export type MetricReading = number | null | undefined;

export interface GateInput {
  metric: string | null;
  direction: MetricDirection | null;
  threshold: number | null;
  /** Where metric and threshold come from, e.g. 'framing "Churn", experiment "churn-gbm"'. */
  source: string;
  candidate: { version: number; value: MetricReading };
  champion: { version: number; value: MetricReading } | null;
}

export interface GateCheck {
  label: string;
  /** null: could not be checked (missing metric, threshold or value). */
  passed: boolean | null;
  detail: string;
}

export interface GateResult {
  /** Every check passed. Anything else needs an explicit confirmation and a reason. */
  passed: boolean;
  checks: GateCheck[];
}

function notWorse(value: number, reference: number, direction: MetricDirection): boolean {
  return value === reference || isBetter(value, reference, direction);
}

function reading(value: MetricReading): string {
  return value === undefined ? 'not logged' : formatMetric(value);
}

/** The promotion gate: the candidate must meet the framing's success threshold and be no worse than the champion on the primary metric. */
export function evaluatePromotion(input: GateInput): GateResult {
  const { metric, direction, threshold, candidate, champion } = input;
  const checks: GateCheck[] = [];
  if (!metric || !direction) {
    checks.push({
      label: 'Primary metric',
      passed: null,
      detail: 'The source experiment has no primary metric with a direction, so nothing can be compared. Set one (Set Primary Metric…) or link a framing.',
    });
    return { passed: false, checks };
  }
  const better = direction === 'max' ? 'higher' : 'lower';
  const value = candidate.value;
  const usable = typeof value === 'number' && !Number.isNaN(value);
  if (threshold === null) {
    checks.push({ label: 'Success threshold', passed: null, detail: `No success threshold for ${metric} (${input.source}). Link the experiment to a framing with an offline-evaluation threshold.` });
  } else if (!usable) {
    checks.push({ label: 'Success threshold', passed: null, detail: `v${candidate.version} has ${metric} ${reading(value)}; the threshold is ${formatMetric(threshold)}.` });
  } else {
    const passed = notWorse(value, threshold, direction);
    checks.push({
      label: 'Success threshold',
      passed,
      detail: `v${candidate.version} ${metric} ${formatMetric(value)} ${passed ? 'meets' : 'misses'} the threshold ${formatMetric(threshold)} (${better} is better; ${input.source}).`,
    });
  }
  if (!champion) {
    checks.push({ label: 'Current champion', passed: true, detail: 'There is no champion yet.' });
  } else if (champion.version === candidate.version) {
    checks.push({ label: 'Current champion', passed: true, detail: `v${candidate.version} is already the champion.` });
  } else {
    const championValue = champion.value;
    if (!usable || typeof championValue !== 'number' || Number.isNaN(championValue)) {
      checks.push({
        label: 'Current champion',
        passed: null,
        detail: `Cannot compare ${metric}: v${candidate.version} has ${reading(value)}, champion v${champion.version} has ${reading(championValue)}.`,
      });
    } else {
      const passed = notWorse(value, championValue, direction);
      checks.push({
        label: 'Current champion',
        passed,
        detail: `v${candidate.version} ${metric} ${formatMetric(value)} vs champion v${champion.version} ${formatMetric(championValue)}: ${passed ? (value === championValue ? 'equal' : 'better') : 'worse'} (${better} is better).`,
      });
    }
  }
  return { passed: checks.every((c) => c.passed === true), checks };
}

/** A version's value of `metric`: frozen in its lineage at registration, else the source run's last value. */
function versionMetric(store: Store, version: ModelVersion, metric: string): MetricReading {
  const frozen = version.lineage?.metrics[metric];
  if (frozen) return frozen.last;
  if (version.runId === null) return undefined;
  const headline = metricHeadlines(store, [version.runId], metric, null).get(version.runId);
  return headline ? headline.last : undefined;
}

/** The gate for promoting `version` to champion of its model, with everything read from the store. */
export function promotionGate(store: Store, version: ModelVersion): GateResult & { input: GateInput } {
  const targets = versionTargets(store, version);
  const champion = aliasTarget(store, version.modelId, CHAMPION);
  const metric = targets.metric;
  const input: GateInput = {
    metric,
    direction: targets.direction,
    threshold: targets.threshold,
    source: targets.source,
    candidate: { version: version.version, value: metric ? versionMetric(store, version, metric) : undefined },
    champion: champion ? { version: champion.version, value: metric ? versionMetric(store, champion, metric) : undefined } : null,
  };
  return { ...evaluatePromotion(input), input };
}

/**
 * Makes `version` the champion. A failed gate needs a reason; the gate's checks and the reason
 * go to the audit log with the change. A challenger that wins drops @challenger in the same
 * transaction (audited too), so one version never reads "@champion @challenger" by accident.
 */
export function promoteToChampion(
  store: Store,
  version: ModelVersion,
  gate: GateResult,
  reason: string | undefined,
): { previous: ModelVersion | undefined; droppedChallenger: boolean } {
  if (!gate.passed && !reason?.trim()) throw new Error('The promotion gate did not pass, so a reason is required. Say why this version should be the champion anyway.');
  return writeTransaction(store, () => {
    const { previous } = setAlias(store, {
      versionId: version.id,
      alias: CHAMPION,
      move: true,
      reason,
      action: 'promote',
      details: { gatePassed: gate.passed, checks: gate.checks.map((c) => ({ label: c.label, passed: c.passed, detail: c.detail })) },
    });
    const droppedChallenger = getVersion(store, version.id)?.aliases.includes(CHALLENGER) ?? false;
    if (droppedChallenger) removeAlias(store, version.modelId, CHALLENGER, `v${version.version} was promoted to @${CHAMPION}`);
    return { previous, droppedChallenger };
  });
}
