import type { MetricDirection } from './model.ts';

/** Words in metric names that mean lower is better (rmse contains mse). */
const LOWER_IS_BETTER = ['loss', 'error', 'mae', 'mse', 'mape', 'perplexity', 'latency'];

/**
 * Lower is better for names that contain loss, error, mae, mse (so rmse), mape, perplexity or
 * latency (any case); higher is better for everything else (accuracy, f1, auc, precision, recall...).
 */
export function guessDirection(key: string): MetricDirection {
  const lower = key.toLowerCase();
  return LOWER_IS_BETTER.some((word) => lower.includes(word)) ? 'min' : 'max';
}
