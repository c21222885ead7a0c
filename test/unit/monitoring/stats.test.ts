import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  PSI_EPSILON,
  binIndex,
  chiSquareHomogeneity,
  chiSquareSurvival,
  kolmogorovSurvival,
  ksFromBins,
  ksPValue,
  ksStatistic,
  logGamma,
  populationStabilityIndex,
  quantileEdges,
  regularizedGammaQ,
} from '../../../src/monitoring/stats.ts';

const close = (actual: number, expected: number, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${actual} is not within ${tolerance} of ${expected}`);

describe('population stability index', () => {
  test('matches the formula on shares', () => {
    // r = .5 .3 .2, c = .4 .4 .2: (.4-.5) ln(.4/.5) + (.4-.3) ln(.4/.3) + 0 = .1 ln 1.25 + .1 ln(4/3)
    close(populationStabilityIndex([50, 30, 20], [40, 40, 20]), 0.1 * Math.log(1.25) + 0.1 * Math.log(4 / 3));
    close(populationStabilityIndex([50, 30, 20], [40, 40, 20]), 0.05108256237659907);
  });
  test('an empty bin counts as epsilon, so the index stays finite', () => {
    // r = [1, eps], c = [.5, .5]: (.5 - 1) ln .5 + (.5 - eps) ln(.5 / eps)
    const expected = -0.5 * Math.log(0.5) + (0.5 - PSI_EPSILON) * Math.log(0.5 / PSI_EPSILON);
    close(populationStabilityIndex([10, 0], [5, 5]), expected);
    close(expected, 4.60431846666895);
  });
  test('is zero for identical shares and ignores bins empty on both sides', () => {
    assert.equal(populationStabilityIndex([1, 2, 0, 3], [10, 20, 0, 30]), 0);
  });
});

describe('chi-square', () => {
  test('homogeneity on a 2x2 table', () => {
    // pooled 50/50, every expected count 25: 4 * 5^2 / 25 = 4 with 1 dof; P(X >= 4) = erfc(sqrt 2) = 0.0455003
    const result = chiSquareHomogeneity([30, 20], [20, 30]);
    close(result.statistic, 4);
    assert.equal(result.dof, 1);
    close(result.pValue, 0.04550026389635857, 1e-12);
  });
  test('with 2 degrees of freedom the p-value is exp(-x / 2)', () => {
    // expected 20 in every cell: four cells off by 10 -> 4 * 100 / 20 = 20; P = exp(-10)
    const result = chiSquareHomogeneity([10, 20, 30], [30, 20, 10]);
    close(result.statistic, 20);
    assert.equal(result.dof, 2);
    close(result.pValue, Math.exp(-10), 1e-12);
  });
  test('a category seen on one side only is part of the table', () => {
    const result = chiSquareHomogeneity([2, 1, 0], [1, 0, 1]);
    // pooled 3, 1, 1 of 5; expected ref 1.8 .6 .6, cur 1.2 .4 .4
    close(result.statistic, 0.2 ** 2 / 1.8 + 0.2 ** 2 / 1.2 + 0.4 ** 2 / 0.6 + 0.4 ** 2 / 0.4 + 0.6 ** 2 / 0.6 + 0.6 ** 2 / 0.4);
    assert.equal(result.dof, 2);
  });
  test('survival function at textbook critical values', () => {
    close(chiSquareSurvival(3.841458820694124, 1), 0.05, 1e-12);
    close(chiSquareSurvival(5.991464547107979, 2), 0.05, 1e-12);
    close(chiSquareSurvival(2, 2), Math.exp(-1), 1e-12);
    close(regularizedGammaQ(1, 3), Math.exp(-3), 1e-12);
    assert.equal(chiSquareSurvival(0, 3), 1);
  });
  test('log gamma', () => {
    close(logGamma(1), 0, 1e-12);
    close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-12);
    close(logGamma(10), Math.log(362880), 1e-12);
  });
});

describe('Kolmogorov–Smirnov', () => {
  test('two-sample statistic is the largest ECDF gap', () => {
    // F_a(5) = 1, F_b(5) = 3/6: the gap is 0.5 there and smaller everywhere else.
    assert.equal(ksStatistic([1, 2, 3, 4, 5], [3, 4, 5, 6, 7, 8]), 0.5);
    assert.equal(ksStatistic([1, 2, 3], [1, 2, 3]), 0);
    assert.equal(ksStatistic([1, 1, 2], [1, 2, 2]), 1 / 3);
  });
  test('Kolmogorov distribution at its critical values', () => {
    close(kolmogorovSurvival(1.3581), 0.05, 1e-4);
    close(kolmogorovSurvival(1.6276), 0.01, 1e-4);
    close(kolmogorovSurvival(0.5), 0.9639452436648751, 1e-12);
    close(kolmogorovSurvival(1.18), 0.1234538094297657, 1e-12); // where the two series meet
    assert.equal(kolmogorovSurvival(0), 1);
  });
  test('p-value uses the effective size with the small-sample correction', () => {
    // n = 5, m = 6: ne = 30/11; lambda = (sqrt(ne) + 0.12 + 0.11 / sqrt(ne)) * 0.5 = 0.919027
    const root = Math.sqrt(30 / 11);
    const lambda = (root + 0.12 + 0.11 / root) * 0.5;
    close(lambda, 0.919026977739843);
    close(ksPValue(0.5, 5, 6), 0.3670013850902251, 1e-10);
  });
  test('from bins: exact at the edges, bounded in between', () => {
    const { statistic, upperBound } = ksFromBins([2, 2, 0], [0, 2, 2]);
    assert.equal(statistic, 0.5);
    assert.equal(upperBound, 1);
  });
});

describe('bins', () => {
  test('decile edges of 1..10 are 1..9, and equal values collapse', () => {
    assert.deepEqual(quantileEdges([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(quantileEdges([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]), [0, 1]);
    assert.deepEqual(quantileEdges([]), []);
  });
  test('bins are closed on the right', () => {
    const edges = [1, 2, 3];
    assert.deepEqual([0, 1, 1.5, 2, 3, 3.1].map((v) => binIndex(edges, v)), [0, 0, 1, 1, 2, 3]);
  });
});
