import assert from 'node:assert/strict';
import { test } from 'node:test';
import { m4Series } from '../../../src/compare/m4.ts';
import { packSeriesSet, unpackSeriesSet } from '../../../src/compare/seriesWire.ts';
import { tempStore } from '../helpers.ts';
import { addExperiment, addRun, logPoints, noisyHistory } from './fixtures.ts';

/** Typed arrays anywhere in a message: code-server drops messages carrying a few hundred of them. */
function typedArrays(value: unknown): number {
  if (ArrayBuffer.isView(value)) return 1;
  if (typeof value !== 'object' || value === null) return 0;
  return Object.values(value).reduce<number>((sum, v) => sum + typedArrays(v), 0);
}

test('100 runs of a metric travel as one typed array and come back exactly', () => {
  const store = tempStore();
  const experiment = addExperiment(store, 'sweep');
  const ids: number[] = [];
  for (let i = 0; i < 100; i++) {
    const run = addRun(store, experiment, `run-${i}`);
    logPoints(store, run, 'loss', noisyHistory(i + 1, 300 + i * 7));
    ids.push(run);
  }
  const set = m4Series(store, ids, 'loss', { buckets: 200 });
  assert.equal(set.series.length, 100);
  assert.ok(typedArrays(set) >= 400, 'unpacked, the set has four arrays per run');
  const packed = packSeriesSet(set);
  assert.equal(typedArrays(packed), 1);
  // postMessage copies with the structured clone algorithm.
  const back = unpackSeriesSet(structuredClone(packed));
  assert.equal(back.series.length, 100);
  assert.deepEqual(back.range, set.range);
  assert.deepEqual(back.plan, set.plan);
  back.series.forEach((line, i) => {
    const want = set.series[i]!;
    assert.equal(line.id, want.id);
    assert.equal(line.points, want.points);
    assert.deepEqual(Array.from(line.x), Array.from(want.x));
    assert.deepEqual(Array.from(line.t), Array.from(want.t));
    // NaN marks a gap and must survive.
    assert.deepEqual(Array.from(line.y).map(String), Array.from(want.y).map(String));
    assert.deepEqual(Array.from(line.approx), Array.from(want.approx));
  });
});

test('an empty set and a truncated message', () => {
  const empty = unpackSeriesSet(packSeriesSet({ key: 'k', range: null, plan: null, series: [] }));
  assert.deepEqual(empty.series, []);
  const packed = packSeriesSet({ key: 'k', range: { lo: 0, hi: 1 }, plan: null, series: [{ id: 1, x: new Float64Array([0, 1]), t: new Float64Array([5, 6]), y: new Float64Array([1, Number.NaN]), approx: new Uint32Array([1]), points: 2 }] });
  assert.equal(packed.data.length, 7);
  assert.throws(() => unpackSeriesSet({ ...packed, data: packed.data.subarray(0, 3) }), /series of k: The columns arrived incomplete \(3 of 7 numbers\)/);
});
