import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatElapsed, formatWallTick, timeTicks, unitFor } from '../../../src/compare/timeAxis.ts';

test('the unit follows the range', () => {
  assert.equal(unitFor(800).name, 'ms');
  assert.equal(unitFor(3_000).name, 's');
  assert.equal(unitFor(25 * 60_000).name, 'min');
  assert.equal(unitFor(5 * 3_600_000).name, 'h');
  assert.equal(unitFor(42 * 86_400_000).name, 'd');
});

for (const span of [120, 1_500, 4_000, 90_000, 40 * 60_000, 30 * 3_600_000, 42 * 86_400_000]) {
  test(`ticks over ${span} ms read differently, elapsed and wall clock`, () => {
    const start = Date.UTC(2024, 5, 1, 9, 30, 12, 345);
    const { ticks, unit, step } = timeTicks(0, span);
    assert.ok(ticks.length >= 2 && ticks.length <= 13, `${ticks.length} ticks`);
    const labels = ticks.map((t) => formatElapsed(t, unit, step));
    assert.equal(new Set(labels).size, labels.length, labels.join(' | '));
    const wall = timeTicks(start, start + span);
    const wallLabels = wall.ticks.map((t) => formatWallTick(t, wall.step, span));
    assert.equal(new Set(wallLabels).size, wallLabels.length, wallLabels.join(' | '));
  });
}

test('a short run reads in seconds with the decimals its step needs', () => {
  const { ticks, unit, step } = timeTicks(0, 3_000, 6);
  assert.deepEqual(ticks.map((t) => formatElapsed(t, unit, step)), ['0.0 s', '0.5 s', '1.0 s', '1.5 s', '2.0 s', '2.5 s', '3.0 s']);
});
