// Tick positions and labels of time axes: the unit follows the visible range, so a two-second
// run reads 0.5 s, 1 s, 1.5 s… and a six-week one reads in days, never "0s 0s 0s".

export interface TimeUnit {
  name: 'ms' | 's' | 'min' | 'h' | 'd';
  ms: number;
}

const UNITS: readonly TimeUnit[] = [
  { name: 'ms', ms: 1 },
  { name: 's', ms: 1000 },
  { name: 'min', ms: 60_000 },
  { name: 'h', ms: 3_600_000 },
  { name: 'd', ms: 86_400_000 },
];

/** The largest unit of which the span holds at least two. */
export function unitFor(spanMs: number): TimeUnit {
  let chosen = UNITS[0]!;
  for (const unit of UNITS) if (Math.abs(spanMs) >= 2 * unit.ms) chosen = unit;
  return chosen;
}

/** Steps that read well in each unit (minutes and hours by 15 and 30, days by 7). */
const NICE: Record<TimeUnit['name'], readonly number[]> = {
  ms: [1, 2, 5, 10, 20, 50, 100, 200, 500],
  s: [0.5, 1, 2, 5, 10, 15, 30],
  min: [1, 2, 5, 10, 15, 30],
  h: [1, 2, 3, 6, 12],
  d: [1, 2, 7, 14, 30, 60, 90, 180, 365],
};

/** Tick values (ms) for a time range: about `count` of them, on round multiples of the unit. */
export function timeTicks(min: number, max: number, count = 6): { ticks: number[]; unit: TimeUnit; step: number } {
  const span = max - min;
  const unit = unitFor(span);
  if (!(span > 0)) return { ticks: [min], unit, step: unit.ms };
  const ideal = span / unit.ms / Math.max(1, count);
  const multiples = NICE[unit.name];
  let step = multiples.find((m) => m >= ideal);
  if (step === undefined) {
    // More than the largest nice step: a power of ten of the unit.
    step = 10 ** Math.ceil(Math.log10(ideal));
  }
  const stepMs = step * unit.ms;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / stepMs) * stepMs; t <= max + stepMs * 1e-9; t += stepMs) ticks.push(Math.round(t * 1000) / 1000);
  return { ticks, unit, step: stepMs };
}

/** A duration on an axis whose ticks are `stepMs` apart: as many decimals as the step needs. */
export function formatElapsed(ms: number, unit: TimeUnit, stepMs: number): string {
  const sign = ms < 0 ? '-' : '';
  const value = Math.abs(ms) / unit.ms;
  const step = stepMs / unit.ms;
  const decimals = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step)));
  return `${sign}${value.toFixed(decimals)} ${unit.name}`;
}

/** A wall-clock tick on an axis whose ticks are `stepMs` apart: precise enough that no two read alike. */
export function formatWallTick(ms: number, stepMs: number, spanMs: number): string {
  const date = new Date(ms);
  if (stepMs >= 86_400_000) return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  const time = date.toLocaleTimeString(undefined, stepMs < 60_000 ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : { hour: '2-digit', minute: '2-digit' });
  const precise = stepMs < 1000 ? `${time}.${String(date.getMilliseconds()).padStart(3, '0')}` : time;
  return spanMs >= 86_400_000 ? `${date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${precise}` : precise;
}
