export const RUN_STATUSES = ['RUNNING', 'FINISHED', 'FAILED', 'KILLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export type MetricDirection = 'min' | 'max';

export function isBetter(candidate: number, reference: number, direction: MetricDirection): boolean {
  return direction === 'min' ? candidate < reference : candidate > reference;
}
