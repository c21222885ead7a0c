export const RUN_STATUSES = ['RUNNING', 'FINISHED', 'FAILED', 'KILLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** How a run ends: every status but RUNNING. */
export type FinalStatus = Exclude<RunStatus, 'RUNNING'>;
export const FINAL_STATUSES = RUN_STATUSES.filter((status): status is FinalStatus => status !== 'RUNNING');

export type MetricDirection = 'min' | 'max';

export function isBetter(candidate: number, reference: number, direction: MetricDirection): boolean {
  return direction === 'min' ? candidate < reference : candidate > reference;
}
