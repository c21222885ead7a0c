/**
 * Round tick values for a numeric axis (parallel coordinates): the axis is widened to round
 * bounds so both ends carry a tick, with at least `minTicks` ticks and never more than `maxTicks`,
 * so labels stay apart on an axis a few hundred pixels tall.
 */
export interface NiceScale {
  /** The axis' bottom and top: round values at or beyond the data's min and max. */
  lo: number;
  hi: number;
  /** Tick values from lo to hi, evenly spaced. */
  ticks: number[];
}

const MULTIPLES = [5, 2.5, 2, 1] as const;

export function niceScale(min: number, max: number, options: { minTicks?: number; maxTicks?: number } = {}): NiceScale {
  const minTicks = Math.max(2, options.minTicks ?? 5);
  const maxTicks = Math.max(minTicks, options.maxTicks ?? 11);
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new RangeError(`niceScale needs finite bounds, got ${min} and ${max}`);
  if (min > max) [min, max] = [max, min];
  // One value: a lone tick in the middle of the axis says it all.
  if (min === max) return { lo: min, hi: max, ticks: [min] };
  let magnitude = 10 ** Math.ceil(Math.log10(max - min));
  let fallback: NiceScale | undefined;
  // From the coarsest step down, the first that gives enough ticks (and not too many).
  for (let tries = 0; tries < 40; tries++, magnitude /= 10) {
    for (const multiple of MULTIPLES) {
      const step = multiple * magnitude;
      const lo = Math.floor(min / step) * step;
      const hi = Math.ceil(max / step) * step;
      const count = Math.round((hi - lo) / step) + 1;
      if (count < minTicks) continue;
      const scale = { lo: clean(lo, step), hi: clean(hi, step), ticks: Array.from({ length: count }, (_, i) => clean(lo + i * step, step)) };
      if (count <= maxTicks) return scale;
      fallback ??= scale;
    }
  }
  return fallback ?? { lo: min, hi: max, ticks: [min, max] };
}

/** Drops the float noise of `lo + i * step` (0.30000000000000004 -> 0.3). */
function clean(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  const rounded = Number(value.toFixed(Math.min(20, decimals)));
  return Object.is(rounded, -0) ? 0 : rounded;
}
