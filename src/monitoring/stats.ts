/**
 * The statistics of the drift check, pure and small enough to check by hand (docs/monitoring.md
 * gives the formulas). Counts are plain arrays: index i of the reference and the current side
 * describe the same bin or category.
 */

import { formatMetric } from '../shared/format.ts';

/** A proportion that is 0 on one side counts as this in PSI, so an empty bin gives a large, finite term. */
export const PSI_EPSILON = 1e-4;

/**
 * Population stability index: sum over bins of (c - r) * ln(c / r), where r and c are the shares
 * of the reference and current values in the bin. A share of 0 is replaced by PSI_EPSILON
 * (shares are not renormalized afterwards). Bins empty on both sides add nothing.
 */
export function populationStabilityIndex(reference: readonly number[], current: readonly number[], epsilon = PSI_EPSILON): number {
  const refTotal = sum(reference);
  const curTotal = sum(current);
  if (refTotal === 0 || curTotal === 0) return 0;
  let psi = 0;
  for (let i = 0; i < reference.length; i++) {
    const refCount = reference[i]!;
    const curCount = current[i] ?? 0;
    if (refCount === 0 && curCount === 0) continue;
    const r = refCount === 0 ? epsilon : refCount / refTotal;
    const c = curCount === 0 ? epsilon : curCount / curTotal;
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}

export interface ChiSquareResult {
  statistic: number;
  dof: number;
  pValue: number;
}

/**
 * Chi-square test of homogeneity on a 2 x k table (reference and current counts per category):
 * expected counts come from the pooled shares, so a category seen on one side only is fine.
 * Categories empty on both sides are dropped; dof = (categories left) - 1.
 */
export function chiSquareHomogeneity(reference: readonly number[], current: readonly number[]): ChiSquareResult {
  const refTotal = sum(reference);
  const curTotal = sum(current);
  const total = refTotal + curTotal;
  let statistic = 0;
  let categories = 0;
  if (refTotal > 0 && curTotal > 0) {
    for (let i = 0; i < reference.length; i++) {
      const pooled = reference[i]! + (current[i] ?? 0);
      if (pooled === 0) continue;
      categories++;
      const expectedRef = (pooled * refTotal) / total;
      const expectedCur = (pooled * curTotal) / total;
      statistic += (reference[i]! - expectedRef) ** 2 / expectedRef + ((current[i] ?? 0) - expectedCur) ** 2 / expectedCur;
    }
  }
  const dof = Math.max(0, categories - 1);
  return { statistic, dof, pValue: dof === 0 ? 1 : chiSquareSurvival(statistic, dof) };
}

/** P(X >= statistic) for a chi-square variable with `dof` degrees of freedom. */
export function chiSquareSurvival(statistic: number, dof: number): number {
  if (dof <= 0) return 1;
  if (statistic <= 0) return 1;
  return regularizedGammaQ(dof / 2, statistic / 2);
}

/**
 * ln Γ(x) for x > 0: Lanczos approximation (g = 7, 9 coefficients), relative error below 1e-13,
 * with the reflection formula below 0.5.
 */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a): the series for P(a, x) when
 * x < a + 1, else the continued fraction for Q (modified Lentz), each to a relative 1e-15.
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (!Number.isFinite(x)) return 0;
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let total = term;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      total += term;
      if (Math.abs(term) < Math.abs(total) * 1e-15) break;
    }
    return Math.max(0, 1 - total * Math.exp(logPrefix));
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(logPrefix) * h);
}

/**
 * P(K > lambda) for the Kolmogorov distribution. For lambda >= 1.18 the alternating series
 * 2 * sum (-1)^(k-1) exp(-2 k^2 lambda^2); below it the equivalent theta-function form
 * 1 - sqrt(2 pi) / lambda * sum exp(-(2k-1)^2 pi^2 / (8 lambda^2)), each converging in a few terms.
 */
export function kolmogorovSurvival(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < 1.18) {
    const factor = -(Math.PI * Math.PI) / (8 * lambda * lambda);
    let total = 0;
    for (let k = 1; k <= 20; k++) total += Math.exp(factor * (2 * k - 1) ** 2);
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * total));
  }
  let total = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    total += k % 2 === 1 ? term : -term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * total));
}

/**
 * Asymptotic p-value of a two-sample Kolmogorov–Smirnov statistic D for samples of n and m
 * values: P(K > (sqrt(ne) + 0.12 + 0.11 / sqrt(ne)) * D) with ne = n m / (n + m)
 * (Stephens' small-sample correction, as in Numerical Recipes).
 */
export function ksPValue(statistic: number, n: number, m: number): number {
  if (n === 0 || m === 0) return 1;
  const ne = (n * m) / (n + m);
  const root = Math.sqrt(ne);
  return kolmogorovSurvival((root + 0.12 + 0.11 / root) * statistic);
}

/** sup |F_a(x) - F_b(x)| over all x, for two ascending arrays (the exact two-sample statistic). */
export function ksStatistic(sortedA: ArrayLike<number>, sortedB: ArrayLike<number>): number {
  const n = sortedA.length;
  const m = sortedB.length;
  if (n === 0 || m === 0) return 0;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const x = Math.min(sortedA[i]!, sortedB[j]!);
    while (i < n && sortedA[i]! === x) i++;
    while (j < m && sortedB[j]! === x) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  return d;
}

/**
 * The KS statistic from counts in shared bins (bin i holds values in (edge[i-1], edge[i]]).
 * `statistic` is the largest ECDF gap at the bin edges, which is exact there; the true statistic
 * lies in [statistic, upperBound], where the bound adds the largest share any single bin holds
 * on either side (a gap can only grow inside a bin by the mass that bin contains).
 */
export function ksFromBins(reference: ArrayLike<number>, current: ArrayLike<number>): { statistic: number; upperBound: number } {
  const n = sum(reference);
  const m = sum(current);
  if (n === 0 || m === 0) return { statistic: 0, upperBound: 0 };
  let refCumulative = 0;
  let curCumulative = 0;
  let statistic = 0;
  let widest = 0;
  for (let i = 0; i < reference.length; i++) {
    refCumulative += reference[i]!;
    curCumulative += current[i]!;
    statistic = Math.max(statistic, Math.abs(refCumulative / n - curCumulative / m));
    widest = Math.max(widest, reference[i]! / n, current[i]! / m);
  }
  return { statistic, upperBound: Math.min(1, statistic + widest) };
}

/**
 * Bin edges at the reference's deciles (or `bins`-iles): edge k is the lower empirical quantile
 * sorted[ceil(k n / bins) - 1], k = 1 .. bins - 1, with repeats dropped. Bins are then
 * (-inf, e1], (e1, e2], ..., (e_last, +inf), so a column with few distinct values gets fewer bins.
 */
export function quantileEdges(sorted: ArrayLike<number>, bins = 10): number[] {
  const n = sorted.length;
  const edges: number[] = [];
  if (n === 0) return edges;
  for (let k = 1; k < bins; k++) {
    const value = sorted[Math.max(0, Math.ceil((k * n) / bins) - 1)]!;
    if (edges.length === 0 || value > edges[edges.length - 1]!) edges.push(value);
  }
  return edges;
}

/** Index of the bin (edge[i-1], edge[i]] holding `value`, for ascending edges; edges.length for the last. */
export function binIndex(edges: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * binIndex for many values over the same edges: a uniform grid over the edges' range says where
 * the binary search starts and ends, so a value costs a few comparisons instead of log2(edges).
 */
export class BinIndexer {
  private readonly edges: ArrayLike<number>;
  private readonly low: number;
  private readonly high: number;
  private readonly scale: number;
  /** binIndex of each grid cell's lower bound. */
  private readonly starts: Int32Array;

  constructor(edges: ArrayLike<number>) {
    this.edges = edges;
    const n = edges.length;
    this.low = n ? edges[0]! : 0;
    this.high = n ? edges[n - 1]! : 0;
    const cells = Math.max(1, 2 * n);
    this.scale = this.high > this.low ? cells / (this.high - this.low) : 0;
    this.starts = new Int32Array(cells + 1);
    for (let c = 0; c <= cells; c++) this.starts[c] = this.scale ? binIndex(edges, this.low + c / this.scale) : 0;
  }

  index(value: number): number {
    const edges = this.edges;
    if (!(value > this.low)) return edges.length && value <= this.low ? 0 : binIndex(edges, value);
    if (value > this.high) return edges.length;
    const cell = Math.floor((value - this.low) * this.scale);
    const last = this.starts.length - 1;
    // One cell of slack each side covers rounding in the grid's bounds.
    let lo = this.starts[Math.max(0, Math.min(last, cell - 1))]!;
    let hi = this.starts[Math.min(last, cell + 2)]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (value <= edges[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}

/** A p-value for people: below 1e-15 the computation has no more precision, so it says so. */
export function formatPValue(p: number): string {
  return p < 1e-15 ? '< 1e-15' : formatMetric(p);
}
