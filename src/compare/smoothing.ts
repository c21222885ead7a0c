// Pure: the compare webview bundles this file, so it imports nothing.

export const SMOOTHING_MODES = ['off', 'ema', 'mean'] as const;
export type SmoothingMode = (typeof SMOOTHING_MODES)[number];

/** The slider's range: 0 leaves the line as it is, 0.99 smooths the most. */
export const MAX_STRENGTH = 0.99;

/**
 * Smooths a line's values; null (a NaN/±Inf gap) stays null and is skipped by the running state.
 * - ema: exponential moving average with TensorBoard's debiasing, so the start is not pulled to 0;
 * - mean: trailing running average over `windowFor(strength)` finite values.
 */
export function smooth(values: readonly (number | null)[], mode: SmoothingMode, strength: number): (number | null)[] {
  const s = Math.min(MAX_STRENGTH, Math.max(0, strength));
  if (mode === 'off' || s === 0) return [...values];
  return mode === 'ema' ? ema(values, s) : runningMean(values, windowFor(s));
}

export function ema(values: readonly (number | null)[], weight: number): (number | null)[] {
  let last = 0;
  let count = 0;
  return values.map((value) => {
    if (value === null || !Number.isFinite(value)) return null;
    last = last * weight + (1 - weight) * value;
    count++;
    return last / (1 - weight ** count);
  });
}

/** The running-average window a slider position stands for: 1 / (1 - strength) points, as an EMA's reach. */
export function windowFor(strength: number): number {
  return Math.max(1, Math.round(1 / (1 - Math.min(MAX_STRENGTH, Math.max(0, strength)))));
}

export function runningMean(values: readonly (number | null)[], window: number): (number | null)[] {
  const recent: number[] = [];
  let head = 0;
  let sum = 0;
  return values.map((value) => {
    if (value === null || !Number.isFinite(value)) return null;
    recent.push(value);
    sum += value;
    if (recent.length - head > window) {
      sum -= recent[head++]!;
      // Re-add the window now and then, so a huge spike leaving it does not leave rounding behind.
      if (head % window === 0) sum = recent.slice(head).reduce((a, b) => a + b, 0);
    }
    return sum / (recent.length - head);
  });
}
