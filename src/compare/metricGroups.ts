/**
 * System metrics (CPU, memory, GPU… logged under `system/`, as MLflow and W&B name them) describe
 * the machine, not the model: Compare draws them in their own collapsed group.
 */
export const SYSTEM_PREFIX = 'system/';

export function isSystemMetric(key: string): boolean {
  return key.startsWith(SYSTEM_PREFIX);
}

/** Keys in their order, split into the model's metrics and the system group. */
export function splitSystemMetrics<T extends { key: string }>(items: readonly T[]): { main: T[]; system: T[] } {
  return { main: items.filter((i) => !isSystemMetric(i.key)), system: items.filter((i) => isSystemMetric(i.key)) };
}
