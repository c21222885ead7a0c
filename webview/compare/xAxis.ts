// The x axis of a metric chart: steps, time since the run started, or wall time.
import type { Series } from '../../src/compare/m4.ts';
import type { CompareItem, XMode } from '../../src/compare/model.ts';
import { formatElapsed, formatWallTick, timeTicks } from '../../src/compare/timeAxis.ts';
import { formatCount } from '../../src/shared/format.ts';

/** Steps as numbers; times in the unit the visible range calls for. */
export function formatX(value: number, mode: XMode, min = value, max = value): string {
  if (mode === 'step') return formatCount(Math.round(value));
  const { unit, step } = timeTicks(min, max);
  return mode === 'relative' ? formatElapsed(value, unit, step) : formatWallTick(value, step, max - min);
}

export const X_TITLES: Record<XMode, string> = { step: 'step', relative: 'time since run start', wall: 'wall time' };

export function displayX(series: Series, item: CompareItem, mode: XMode): Float64Array {
  if (mode === 'step') return series.x;
  if (mode === 'relative') return series.t.map((t) => t - item.startTime);
  return series.t;
}

export function tooltipTitle(x: number, mode: XMode): string {
  if (mode === 'step') return `step ${formatX(x, mode)}`;
  if (mode === 'relative') return `${formatX(x, mode, 0, Math.abs(x))} after start`;
  return new Date(x).toLocaleString();
}
