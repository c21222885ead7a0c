import type { MetricDirection } from '../tracking/model.ts';

/** What is known about an offline-evaluation metric from its name, so thresholds can be checked. */
export interface MetricInfo {
  /** The family it was recognised as, for people ("F1 score"). */
  family: string;
  min: number | null;
  max: number | null;
  direction: MetricDirection;
}

interface MetricFamily extends MetricInfo {
  aliases: readonly string[];
}

const FRACTION_UP = { min: 0, max: 1, direction: 'max' } as const;
const FRACTION_DOWN = { min: 0, max: 1, direction: 'min' } as const;
const ERROR = { min: 0, max: null, direction: 'min' } as const;

const FAMILIES: readonly MetricFamily[] = [
  { family: 'accuracy', aliases: ['accuracy', 'acc', 'balanced_accuracy', 'top_k_accuracy'], ...FRACTION_UP },
  { family: 'precision', aliases: ['precision', 'ppv'], ...FRACTION_UP },
  { family: 'recall', aliases: ['recall', 'sensitivity', 'tpr', 'true_positive_rate', 'hit_rate', 'specificity', 'tnr'], ...FRACTION_UP },
  { family: 'F1 score', aliases: ['f1', 'f1_score', 'fbeta', 'f_score', 'f2'], ...FRACTION_UP },
  { family: 'area under the curve', aliases: ['auc', 'roc_auc', 'auroc', 'pr_auc', 'auprc', 'average_precision', 'ap'], ...FRACTION_UP },
  { family: 'ranking quality', aliases: ['ndcg', 'map', 'mrr', 'mean_average_precision'], ...FRACTION_UP },
  { family: 'overlap', aliases: ['iou', 'jaccard', 'dice'], ...FRACTION_UP },
  { family: 'error rate', aliases: ['error_rate', 'fpr', 'fnr', 'false_positive_rate', 'false_negative_rate', 'miss_rate'], ...FRACTION_DOWN },
  { family: 'correlation', aliases: ['mcc', 'matthews_corrcoef', 'pearson', 'spearman'], min: -1, max: 1, direction: 'max' },
  { family: 'coefficient of determination', aliases: ['r2', 'r_squared', 'r2_score'], min: null, max: 1, direction: 'max' },
  { family: 'loss', aliases: ['loss', 'log_loss', 'logloss', 'cross_entropy', 'nll', 'perplexity'], ...ERROR },
  {
    family: 'prediction error',
    aliases: ['mse', 'rmse', 'mae', 'mape', 'smape', 'wape', 'mase', 'rmsle', 'mean_squared_error', 'mean_absolute_error', 'root_mean_squared_error', 'mean_absolute_percentage_error'],
    ...ERROR,
  },
];

const BY_ALIAS = new Map(FAMILIES.flatMap((family) => family.aliases.map((alias) => [alias, family] as const)));

/**
 * Recognises a metric from the key the training code logs ("val_f1", "test/roc_auc",
 * "hit_rate@10"): the longest known suffix of its words wins. Undefined when unknown.
 */
export function metricInfo(key: string): MetricInfo | undefined {
  const words = key
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  while (words.length && /^\d+$/.test(words[words.length - 1]!)) words.pop();
  for (let start = 0; start < words.length; start++) {
    const family = BY_ALIAS.get(words.slice(start).join('_'));
    if (family) return { family: family.family, min: family.min, max: family.max, direction: family.direction };
  }
  return undefined;
}

/** Why `threshold` cannot be a value of `metric`, or undefined when it can (or the metric is unknown). */
export function thresholdProblem(metric: string, threshold: number): string | undefined {
  const info = metricInfo(metric);
  if (!info) return undefined;
  const below = info.min !== null && threshold < info.min;
  const above = info.max !== null && threshold > info.max;
  if (!below && !above) return undefined;
  const range = `${info.min ?? '-∞'} to ${info.max ?? '∞'}`;
  const hint = info.min === 0 && info.max === 1 && threshold > 1 && threshold <= 100 ? ` Write percentages as fractions: ${threshold}% is ${threshold / 100}.` : '';
  return `${threshold} is outside the range of ${info.family} (${range}).${hint}`;
}
