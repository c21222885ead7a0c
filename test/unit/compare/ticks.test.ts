import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSystemMetric, splitSystemMetrics } from '../../../src/compare/metricGroups.ts';
import { niceScale } from '../../../src/compare/ticks.ts';

test('an axis gets at least five round ticks spanning its values, evenly spaced', () => {
  const ranges: [number, number][] = [
    [0.81, 0.87],
    [32, 128],
    [1e-4, 0.1],
    [-3.2, 7.9],
    [0, 1],
    [123_456, 987_654],
    [0.4999, 0.5001],
    [-1e-9, 1e-9],
    [5, 5.000001],
    [-40, -3],
  ];
  for (const [min, max] of ranges) {
    const { lo, hi, ticks } = niceScale(min, max);
    const label = `${min}..${max}`;
    assert.ok(ticks.length >= 5 && ticks.length <= 11, `${label}: ${ticks.length} ticks`);
    assert.ok(lo <= min && hi >= max, `${label}: [${lo}, ${hi}] covers the values`);
    assert.equal(ticks[0], lo, label);
    assert.equal(ticks.at(-1), hi, label);
    const step = ticks[1]! - ticks[0];
    for (let i = 1; i < ticks.length; i++) assert.ok(Math.abs(ticks[i]! - ticks[i - 1]! - step) <= Math.abs(step) * 1e-6, `${label}: even spacing`);
    // Round values: the step is 1, 2, 2.5 or 5 times a power of ten.
    const mantissa = step / 10 ** Math.floor(Math.log10(step));
    assert.ok([1, 2, 2.5, 5].some((m) => Math.abs(mantissa - m) < 1e-6), `${label}: step ${step}`);
    // No more than a fifth of the axis is padding beyond the values on either side.
    assert.ok(hi - lo <= (max - min) * 5, `${label}: the values use the axis`);
  }
});

test('tick values carry no floating-point noise', () => {
  assert.deepEqual(niceScale(0.1, 0.3).ticks, [0.1, 0.15, 0.2, 0.25, 0.3]);
  assert.deepEqual(niceScale(0.81, 0.87).ticks, [0.8, 0.82, 0.84, 0.86, 0.88]);
});

test('a constant axis has one tick; reversed or non-finite bounds are handled', () => {
  assert.deepEqual(niceScale(3, 3), { lo: 3, hi: 3, ticks: [3] });
  assert.deepEqual(niceScale(10, 0).ticks[0], 0);
  assert.throws(() => niceScale(0, Infinity), /finite/);
});

test('the tick count stays within the asked bounds', () => {
  for (let span = 0.001; span < 1e6; span *= 1.7) {
    const { ticks } = niceScale(1, 1 + span, { minTicks: 5, maxTicks: 11 });
    assert.ok(ticks.length >= 5 && ticks.length <= 11, `span ${span}: ${ticks.length}`);
  }
});

test('system metrics are those under system/', () => {
  assert.equal(isSystemMetric('system/cpu_utilization_percentage'), true);
  assert.equal(isSystemMetric('val/system_loss'), false);
  assert.equal(isSystemMetric('System/cpu'), false);
  const { main, system } = splitSystemMetrics([{ key: 'loss' }, { key: 'system/gpu_0_memory_usage_megabytes' }, { key: 'acc' }]);
  assert.deepEqual(main.map((m) => m.key), ['loss', 'acc']);
  assert.deepEqual(system.map((m) => m.key), ['system/gpu_0_memory_usage_megabytes']);
});
