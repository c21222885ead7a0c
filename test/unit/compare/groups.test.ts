import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type StepValues, groupLine, stepStats, stepValues } from '../../../src/compare/groups.ts';
import { packColumns, unpackColumns } from '../../../src/compare/packColumns.ts';
import { tempStore } from '../helpers.ts';
import { addExperiment, addRun, logPoints, noisyHistory } from './fixtures.ts';

const member = (pairs: [number, number][]): StepValues => ({ steps: Float64Array.from(pairs, (p) => p[0]), values: Float64Array.from(pairs, (p) => p[1]) });
const list = (a: Float64Array) => Array.from(a);

describe('group stats per step', () => {
  test('mean, population std, min and max over the members that have each step', () => {
    const stats = stepStats([
      member([[0, 1], [1, 2], [2, 3]]),
      member([[0, 3], [1, 4]]), // shorter run
      member([[0, 5], [2, 9]]), // skips step 1
    ]);
    assert.deepEqual(list(stats.step), [0, 1, 2]);
    assert.deepEqual(list(stats.mean), [3, 3, 6]);
    assert.deepEqual(list(stats.count), [3, 2, 2]);
    assert.deepEqual(list(stats.min), [1, 2, 3]);
    assert.deepEqual(list(stats.max), [5, 4, 9]);
    assert.ok(Math.abs(stats.std[0]! - Math.sqrt(8 / 3)) < 1e-12);
    assert.deepEqual(list(stats.std.subarray(1)), [1, 3]);
    assert.deepEqual(list(stats.nan), [0, 0, 0]);
  });

  test('NaN is left out and counted; a step of only NaN has no stats', () => {
    const stats = stepStats([member([[0, Number.NaN], [1, Number.NaN]]), member([[0, 4], [1, Number.NaN]])]);
    assert.deepEqual(list(stats.mean), [4, Number.NaN]);
    assert.deepEqual(list(stats.count), [1, 0]);
    assert.deepEqual(list(stats.nan), [1, 2]);
    assert.deepEqual(list(stats.std), [0, Number.NaN]);
    assert.deepEqual(list(stats.min), [4, Number.NaN]);
    assert.deepEqual(list(stats.max), [4, Number.NaN]);
  });

  test('±Inf propagate as the mean would: +Inf, -Inf, or NaN when both; the std of an infinite set is NaN', () => {
    const stats = stepStats([member([[0, Infinity], [1, Infinity], [2, -Infinity]]), member([[0, 1], [1, -Infinity], [2, 2]])]);
    assert.deepEqual(list(stats.mean), [Infinity, Number.NaN, -Infinity]);
    assert.deepEqual(list(stats.count), [2, 2, 2]);
    assert.deepEqual(list(stats.std), [Number.NaN, Number.NaN, Number.NaN]);
    assert.deepEqual(list(stats.max), [Infinity, Infinity, 2]);
    assert.deepEqual(list(stats.min), [1, -Infinity, -Infinity]);
  });

  test('no members, no steps', () => {
    assert.equal(stepStats([]).step.length, 0);
    assert.equal(groupLine(stepStats([]), 100).step.length, 0);
  });
});

describe('group line cut to a width', () => {
  test('short histories keep every step', () => {
    const stats = stepStats([member([[0, 1], [1, 2], [2, 3]])]);
    const line = groupLine(stats, 100);
    assert.deepEqual(list(line.step), [0, 1, 2]);
    assert.deepEqual(list(line.minLo), [1, 2, 3]);
    assert.equal(line.steps, 3);
  });

  test('each bucket keeps its first, lowest, highest and last mean and a gap, and its band covers every step', () => {
    const values: [number, number][] = [];
    for (let step = 0; step < 1000; step++) values.push([step, step === 500 ? Number.NaN : Math.sin(step / 7) + (step === 777 ? 50 : 0)]);
    const other = values.map(([s, v]): [number, number] => [s, v + 1]);
    const stats = stepStats([member(values), member(other)]);
    const line = groupLine(stats, 10);
    assert.ok(line.step.length <= 50, `at most five points a bucket, got ${line.step.length}`);
    assert.ok(list(line.step).includes(777), 'the spike survives');
    assert.ok(list(line.step).includes(500) && Number.isNaN(line.mean[list(line.step).indexOf(500)]!), 'the NaN step is a gap');
    // The band of the points of a bucket spans every step's min and max in it.
    const width = 100;
    for (let i = 0; i < line.step.length; i++) {
      const b = Math.floor(line.step[i]! / width);
      for (let s = b * width; s < (b + 1) * width; s++) {
        if (Number.isNaN(stats.mean[s]!)) continue;
        assert.ok(line.minLo[i]! <= stats.min[s]! && line.minHi[i]! >= stats.max[s]!);
        assert.ok(line.stdLo[i]! <= stats.mean[s]! - stats.std[s]! + 1e-12 && line.stdHi[i]! >= stats.mean[s]! + stats.std[s]! - 1e-12);
      }
    }
  });
});

test('step values from a real store: the last point logged at a step, NaN as NaN, ±Inf kept', () => {
  const store = tempStore();
  const experiment = addExperiment(store, 'groups');
  const a = addRun(store, experiment, 'a');
  const b = addRun(store, experiment, 'b');
  logPoints(store, a, 'loss', [[0, 10, 1], [1, 11, 2], [1, 12, 3], [2, 13, Number.NaN], [3, 14, Infinity]]);
  logPoints(store, b, 'loss', noisyHistory(3, 200));
  const [first, second] = stepValues(store, [a, b], 'loss');
  assert.deepEqual(list(first!.steps), [0, 1, 2, 3]);
  assert.deepEqual(list(first!.values), [1, 3, Number.NaN, Infinity]);
  const steps = list(second!.steps);
  assert.deepEqual(steps, [...new Set(steps)].sort((x, y) => x - y), 'one value per step, ascending');
  const ranged = stepValues(store, [a], 'loss', { lo: 1, hi: 2 });
  assert.deepEqual(list(ranged[0]!.steps), [1, 2]);
});

test('packColumns round-trips any number of columns, empty ones included', () => {
  const columns = Array.from({ length: 600 }, (_, i) => Float64Array.from({ length: i % 5 }, (_, j) => i * 10 + j + 0.5));
  columns.push(new Float64Array([Number.NaN, Infinity, -Infinity, -0]));
  const packed = packColumns(columns);
  assert.equal(packed.offsets.length, columns.length + 1);
  const back = unpackColumns(packed);
  assert.equal(back.length, columns.length);
  back.forEach((column, i) => assert.deepEqual(list(column), list(columns[i]!)));
  assert.ok(Object.is(back.at(-1)![3], -0));
  assert.deepEqual(unpackColumns(packColumns([])), []);
  assert.throws(() => unpackColumns({ ...packed, data: packed.data.subarray(0, 3) }), /arrived incomplete \(3 of \d+ numbers\)/);
});

test('stats match a step-by-step count over noisy runs of different lengths (NaN, ±Inf, skipped and repeated steps)', () => {
  const store = tempStore();
  const experiment = addExperiment(store, 'noisy');
  const ids = [300, 1000, 650].map((steps, i) => {
    const id = addRun(store, experiment, `r${i}`);
    logPoints(store, id, 'loss', noisyHistory(10 + i, steps));
    return id;
  });
  const members = stepValues(store, ids, 'loss');
  const stats = stepStats(members);
  for (let j = 0; j < stats.step.length; j += 7) {
    const step = stats.step[j]!;
    const values = members.flatMap((m) => {
      const i = m.steps.indexOf(step);
      return i < 0 ? [] : [m.values[i]!];
    });
    const kept = values.filter((v) => !Number.isNaN(v));
    const mean = kept.length ? kept.reduce((a, b) => a + b, 0) / kept.length : Number.NaN;
    assert.equal(stats.count[j], kept.length);
    assert.equal(stats.nan[j], values.length - kept.length);
    if (Number.isFinite(mean)) assert.ok(Math.abs(stats.mean[j]! - mean) < 1e-9 * Math.max(1, Math.abs(mean)));
    else assert.ok(Object.is(stats.mean[j], mean), `step ${step}: ${stats.mean[j]} vs ${mean}`);
    if (kept.length) {
      assert.equal(stats.min[j], Math.min(...kept));
      assert.equal(stats.max[j], Math.max(...kept));
    }
  }
});
