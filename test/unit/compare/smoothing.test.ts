import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ema, runningMean, smooth, windowFor } from '../../../src/compare/smoothing.ts';

test('off and strength 0 leave the line as it is', () => {
  const values = [1, null, 3, 5];
  assert.deepEqual(smooth(values, 'off', 0.9), values);
  assert.deepEqual(smooth(values, 'ema', 0), values);
  assert.deepEqual(smooth(values, 'mean', 0), values);
});

test('EMA is debiased: a constant line stays constant from the first point (TensorBoard)', () => {
  for (const value of ema([2, 2, 2, 2], 0.9)) assert.ok(Math.abs(value! - 2) < 1e-12);
  // By hand: weight 0.5 on 0, 10: last = 0, then 5; debias 1 - 0.5^1 = 0.5, then 0.75.
  const [a, b] = ema([0, 10], 0.5);
  assert.equal(a, 0);
  assert.ok(Math.abs(b! - 5 / 0.75) < 1e-12);
});

test('EMA follows a step change gradually and skips gaps', () => {
  const out = smooth([0, 0, 0, 10, 10, null, 10, 10], 'ema', 0.6);
  assert.equal(out[5], null, 'a gap stays a gap');
  const finite = out.filter((v): v is number => v !== null);
  for (let i = 1; i < finite.length; i++) assert.ok(finite[i]! >= finite[i - 1]!);
  assert.ok(finite[3]! > 0 && finite[3]! < 10);
});

test('running mean averages the trailing window of finite values', () => {
  assert.deepEqual(runningMean([1, 2, 3, 4, 5], 2), [1, 1.5, 2.5, 3.5, 4.5]);
  assert.deepEqual(runningMean([1, null, 3, Infinity, 5], 2), [1, null, 2, null, 4]);
  assert.equal(windowFor(0), 1);
  assert.equal(windowFor(0.5), 2);
  assert.equal(windowFor(0.9), 10);
  assert.equal(windowFor(0.99), 100);
  assert.equal(windowFor(5), 100, 'clamped to the slider range');
  assert.deepEqual(smooth([1, 2, 3, 4, 5], 'mean', 0.5), [1, 1.5, 2.5, 3.5, 4.5]);
});

test('a huge spike leaving the window leaves no rounding error behind', () => {
  const values = [1e300, ...Array.from({ length: 50 }, () => 1)];
  const out = runningMean(values, 4);
  assert.equal(out.at(-1), 1);
});
