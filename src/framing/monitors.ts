import type { CriterionMonitor } from '../monitoring/health.ts';
import { formatMetric } from '../shared/format.ts';
import { type KillCriterion, killCriterionSchema } from './document.ts';

/**
 * Kill criteria become monitors: each complete row of the life-cycle step's "Kill criteria" is a
 * production floor or ceiling on a metric, or a limit on the drift of a column, which the Models
 * view and `ml-lifecycle monitor status` check for every version trained under the framing.
 */

export interface UnusableCriterion {
  /** Row index in lifecycle.killCriteria. */
  index: number;
  criterion: string;
  /** What is missing, e.g. "it has no limit". */
  why: string;
}

export interface CriterionMonitors {
  monitors: CriterionMonitor[];
  /** Rows begun but not checkable yet, so they can be reported instead of silently ignored. */
  unusable: UnusableCriterion[];
}

/** The monitors of a framing's kill criteria; `framingName` names the framing in breach messages. */
export function killCriteriaMonitors(rows: readonly KillCriterion[], framingName: string): CriterionMonitors {
  const monitors: CriterionMonitor[] = [];
  const unusable: UnusableCriterion[] = [];
  rows.forEach((row, index) => {
    const key = row.key.trim();
    const begun = row.criterion.trim() !== '' || key !== '' || row.limit !== null;
    if (!begun) return;
    const signal = row.signal ?? 'metric';
    const comparison = row.comparison ?? (signal === 'drift' ? 'above' : null);
    const name = row.criterion.trim() || `${key || 'drift'} ${comparison ?? ''} ${row.limit === null ? '' : formatMetric(row.limit)}`.replace(/\s+/g, ' ').trim();
    const why =
      row.limit === null ? 'it has no limit' : signal === 'metric' && key === '' ? 'it names no production metric' : comparison === null ? 'it does not say whether it is breached below or above the limit' : null;
    if (why) unusable.push({ index, criterion: name, why });
    else monitors.push({ criterion: name, signal, key, comparison: comparison!, limit: row.limit!, action: row.action, source: `framing "${framingName}"` });
  });
  return { monitors, unusable };
}

/** The kill criteria of a stored document that may be damaged: rows that fail validation are left out. */
export function killCriteriaOf(lifecycle: unknown): KillCriterion[] {
  const rows = typeof lifecycle === 'object' && lifecycle !== null ? (lifecycle as { killCriteria?: unknown }).killCriteria : undefined;
  if (!Array.isArray(rows)) return [];
  return rows.flatMap((row) => {
    const parsed = killCriterionSchema.safeParse(row);
    return parsed.success ? [parsed.data] : [];
  });
}

/** "f1 below 0.9 → retrain", for lists and the wizard's summary. */
export function describeMonitor(monitor: CriterionMonitor): string {
  const what = monitor.signal === 'drift' ? `PSI of ${monitor.key ? `column "${monitor.key}"` : 'the worst column'}` : monitor.key;
  const then = monitor.action ? ` → ${monitor.action === 'rollback' ? 'roll back' : monitor.action === 'stop' ? 'stop the project' : 'retrain'}` : '';
  return `${what} ${monitor.comparison} ${formatMetric(monitor.limit)}${then}`;
}
