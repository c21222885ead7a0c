import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, test } from 'node:test';
import { type BucketPlan, type Series, type SeriesSet, fullSeries, interpolateTimes, m4Series, metricRange, planBuckets, segments } from '../../../src/compare/m4.ts';
import { openStore } from '../../../src/store/database.ts';
import { hasDirtyBlocks } from '../../../src/store/metricBlocks.ts';
import { tempStore } from '../helpers.ts';
import { addExperiment, addRun, logPoints, noisyHistory } from './fixtures.ts';

interface BucketTruth {
  firstX: number;
  firstY: number | null;
  lastX: number;
  lastY: number | null;
  lastT: number;
  min: number | null;
  max: number | null;
  gap: boolean;
}

function gapToNull(y: number): number | null {
  return Number.isNaN(y) ? null : y;
}

function bucketOf(plan: BucketPlan, x: number): number {
  return Math.floor((x - plan.origin) / plan.width);
}

/** What a chart drawn from every point shows in each bucket (pixel column). */
function truth(full: Series, plan: BucketPlan): Map<number, BucketTruth> {
  const buckets = new Map<number, BucketTruth>();
  for (let i = 0; i < full.x.length; i++) {
    const b = bucketOf(plan, full.x[i]!);
    const y = gapToNull(full.y[i]!);
    let entry = buckets.get(b);
    if (!entry) {
      entry = { firstX: full.x[i]!, firstY: y, lastX: 0, lastY: null, lastT: 0, min: null, max: null, gap: false };
      buckets.set(b, entry);
    }
    entry.lastX = full.x[i]!;
    entry.lastY = y;
    entry.lastT = full.t[i]!;
    if (y === null) entry.gap = true;
    else {
      entry.min = entry.min === null ? y : Math.min(entry.min, y);
      entry.max = entry.max === null ? y : Math.max(entry.max, y);
    }
  }
  return buckets;
}

function assertDrawsLikeFull(set: SeriesSet, full: Series[], buckets: number): void {
  const plan = set.plan!;
  const range = set.range!;
  const used = bucketOf(plan, range.hi) - bucketOf(plan, range.lo) + 1;
  assert.ok(used <= buckets, `${used} buckets for a budget of ${buckets}`);
  for (const [index, series] of set.series.entries()) {
    const expected = truth(full[index]!, plan);
    const approx = new Set(series.approx);
    const got = new Map<number, { xs: number[]; ys: (number | null)[]; ts: number[]; exact: boolean[] }>();
    for (let i = 0; i < series.x.length; i++) {
      assert.ok(i === 0 || series.x[i]! >= series.x[i - 1]!, 'points are in x order');
      assert.ok(i === 0 || series.t[i]! >= series.t[i - 1]!, 'times grow with the steps');
      if (series.x[i]! < range.lo || series.x[i]! > range.hi) continue; // context points at the edges
      const b = bucketOf(plan, series.x[i]!);
      const entry = got.get(b) ?? { xs: [], ys: [], ts: [], exact: [] };
      entry.xs.push(series.x[i]!);
      entry.ys.push(gapToNull(series.y[i]!));
      entry.ts.push(series.t[i]!);
      entry.exact.push(!approx.has(i));
      got.set(b, entry);
    }
    assert.deepEqual([...got.keys()].sort((a, b) => a - b), [...expected.keys()].sort((a, b) => a - b), 'same buckets hold points');
    for (const [b, want] of expected) {
      const have = got.get(b)!;
      const finiteYs = have.ys.filter((y): y is number => y !== null);
      assert.equal(finiteYs.length ? Math.min(...finiteYs) : null, want.min, `bucket ${b}: min`);
      assert.equal(finiteYs.length ? Math.max(...finiteYs) : null, want.max, `bucket ${b}: max`);
      assert.equal(have.xs[0], want.firstX, `bucket ${b}: first step`);
      assert.equal(have.ys[0], want.firstY, `bucket ${b}: first value`);
      assert.equal(have.xs.at(-1), want.lastX, `bucket ${b}: last step`);
      assert.equal(have.ys.at(-1), want.lastY, `bucket ${b}: last value`);
      assert.equal(have.ts.at(-1), want.lastT, `bucket ${b}: last time is exact`);
      assert.equal(have.ys.includes(null), want.gap, `bucket ${b}: gap where NaN/Inf was logged`);
      assert.ok(have.xs.length <= 5, `bucket ${b}: at most first, min, max, gap, last`);
      for (let i = 0; i < have.xs.length; i++) {
        if (have.exact[i]) {
          const at = full[index]!.x.indexOf(have.xs[i]!);
          assert.ok(at >= 0, `bucket ${b}: exact point at a logged step`);
        }
      }
    }
  }
}

describe('M4 series', () => {
  const store = tempStore();
  const experiment = addExperiment(store, 'm4');
  const runs = [addRun(store, experiment, 'a'), addRun(store, experiment, 'b'), addRun(store, experiment, 'c')];
  logPoints(store, runs[0]!, 'loss', noisyHistory(1, 60_000));
  logPoints(store, runs[1]!, 'loss', noisyHistory(2, 20_000, { from: 5_000 }));
  logPoints(store, runs[2]!, 'loss', [
    [0, 10, 1],
    [7, 20, Number.NaN],
    [13, 30, 3],
  ]);

  const cases: { name: string; buckets: number; range?: { lo: number; hi: number } }[] = [
    { name: 'whole history, 1000 px (256-step blocks)', buckets: 1000 },
    { name: 'whole history, 300 px', buckets: 300 },
    { name: 'whole history, 7 px (4096-step blocks)', buckets: 7 },
    { name: 'one bucket', buckets: 1 },
    { name: 'whole history, 5000 px (16-step blocks)', buckets: 5000 },
    { name: 'zoom aligned to blocks', buckets: 200, range: { lo: 4096, hi: 16383 } },
    { name: 'zoom not aligned', buckets: 640, range: { lo: 1234, hi: 56789 } },
    { name: 'zoom into 16-step blocks with partial ends', buckets: 500, range: { lo: 10_007, hi: 19_993 } },
    { name: 'deep zoom: the points themselves', buckets: 800, range: { lo: 5_003, hi: 5_900 } },
    { name: 'deep zoom, fewer steps than pixels', buckets: 800, range: { lo: 5_003, hi: 5_100 } },
  ];
  for (const c of cases) {
    test(`draws the same per-bucket extremes as every point: ${c.name}`, () => {
      const set = m4Series(store, runs, 'loss', { buckets: c.buckets, range: c.range });
      const full = fullSeries(store, runs, 'loss', set.range!);
      assertDrawsLikeFull(set, full, c.buckets);
    });
  }

  test('reads a few points per bucket, not the history', () => {
    const set = m4Series(store, runs, 'loss', { buckets: 1000 });
    assert.equal(set.plan!.shift, 4);
    const total = set.series.reduce((sum, s) => sum + s.x.length, 0);
    const logged = set.series.reduce((sum, s) => sum + s.points, 0);
    assert.ok(total <= 3 * 5 * 1000, `${total} points drawn`);
    assert.equal(logged, fullSeries(store, runs, 'loss').reduce((sum, s) => sum + s.x.length, 0));
    assert.ok(total < logged / 4, `${total} drawn for ${logged} logged`);
  });

  test('16-step blocks read from their rows where no packed copy exists draw the same', () => {
    const options = { buckets: 500, range: { lo: 10_007, hi: 19_993 } };
    const packed = m4Series(store, runs, 'loss', options);
    assert.equal(packed.plan!.shift, 4);
    const saved = store.db.prepare('SELECT run_id, key, block, fine FROM metric_blocks WHERE shift = 12').raw().all() as [number, string, number, Buffer][];
    store.db.prepare('UPDATE metric_blocks SET fine = NULL WHERE shift = 12').run();
    try {
      assert.deepEqual(m4Series(store, runs, 'loss', options), packed);
    } finally {
      const restore = store.db.prepare('UPDATE metric_blocks SET fine = ? WHERE run_id = ? AND key = ? AND shift = 12 AND block = ?');
      for (const [runId, key, block, fine] of saved) restore.run(fine, runId, key, block);
    }
  });

  test('the default range is every step any run logged', () => {
    assert.deepEqual(metricRange(store, runs, 'loss'), { lo: 0, hi: fullSeries(store, [runs[0]!], 'loss')[0]!.x.at(-1) });
    assert.equal(metricRange(store, runs, 'nope'), null);
    const set = m4Series(store, runs, 'nope', { buckets: 100 });
    assert.equal(set.range, null);
    assert.deepEqual(set.series.map((s) => s.x.length), [0, 0, 0]);
  });

  test('a NaN between finite points breaks the line; min/max skip it', () => {
    const set = m4Series(store, [runs[2]!], 'loss', { buckets: 1 });
    assert.deepEqual([...set.series[0]!.y], [1, Number.NaN, 3]);
    const wide = m4Series(store, [runs[2]!], 'loss', { buckets: 100 });
    assert.deepEqual([...wide.series[0]!.y], [1, Number.NaN, 3]);
    assert.deepEqual([...wide.series[0]!.x], [0, 7, 13]);
  });

  test('an all-NaN or infinite history draws only gaps and never breaks the axis', () => {
    const run = addRun(store, experiment, 'diverged');
    logPoints(store, run, 'loss', [
      [0, 1, Number.NaN],
      [1, 2, Infinity],
      [2, 3, -Infinity],
      [3, 4, Number.NaN],
    ]);
    for (const buckets of [1, 2, 100]) {
      const series = m4Series(store, [run], 'loss', { buckets }).series[0]!;
      assert.ok(series.y.length > 0 && series.y.every((y) => Number.isNaN(y)), String(series.y));
    }
  });

  test('a zoomed range carries the neighbouring points so lines reach the edges', () => {
    const set = m4Series(store, [runs[0]!], 'loss', { buckets: 100, range: { lo: 30_000, hi: 31_000 } });
    const xs = set.series[0]!.x;
    assert.ok(xs[0]! < 30_000 && xs.at(-1)! > 31_000);
  });

  test('a read-only store with points not yet summarized reads those steps from the points', () => {
    const run = addRun(store, experiment, 'live');
    logPoints(store, run, 'acc', noisyHistory(7, 30_000));
    logPoints(store, run, 'acc', noisyHistory(8, 9_000, { from: 30_000, start: 9_000_000 }), { refresh: false });
    assert.ok(hasDirtyBlocks(store.db));
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const copy = `${store.path}.readonly.sqlite`;
    fs.copyFileSync(store.path, copy);
    fs.chmodSync(copy, 0o444);
    const readonly = openStore(copy, { readonly: true });
    try {
      for (const buckets of [50, 997]) {
        const set = m4Series(readonly, [run], 'acc', { buckets });
        assert.equal(set.range!.hi, 38_999);
        assertDrawsLikeFull(set, fullSeries(readonly, [run], 'acc'), buckets);
      }
      assert.ok(hasDirtyBlocks(readonly.db), 'the read-only store was left as it was');
    } finally {
      readonly.close();
    }
    // The writable store catches up before reading.
    assertDrawsLikeFull(m4Series(store, [run], 'acc', { buckets: 997 }), fullSeries(store, [run], 'acc'), 997);
    assert.equal(hasDirtyBlocks(store.db), false);
  });
});

describe('bucket planning', () => {
  test('uses the coarsest block level that fits a bucket, with whole blocks per bucket', () => {
    assert.deepEqual(planBuckets({ lo: 0, hi: 999_999 }, 1000), { origin: 0, width: 1024, shift: 8 });
    assert.deepEqual(planBuckets({ lo: 0, hi: 9_999_999 }, 1000), { origin: 0, width: 12288, shift: 12 });
    assert.deepEqual(planBuckets({ lo: 0, hi: 9_999 }, 1000), { origin: 0, width: 16, shift: 4 });
    assert.deepEqual(planBuckets({ lo: 100, hi: 1_099 }, 1000), { origin: 100, width: 1, shift: null });
    assert.deepEqual(planBuckets({ lo: 0, hi: 3_999 }, 1000), { origin: 0, width: 4, shift: null });
    const plan = planBuckets({ lo: 4_095, hi: 4_096 + 40_000 }, 1);
    assert.equal(Math.floor((4_096 + 40_000 - plan.origin) / plan.width), 0, 'one bucket holds it all');
  });

  test('never exceeds the bucket budget', () => {
    for (const [lo, hi] of [
      [0, 0],
      [5, 5],
      [-300, 12_345],
      [1_234, 56_789],
      [4_095, 4_097],
      [0, 2 ** 40],
    ] as const) {
      for (const buckets of [1, 2, 3, 640, 1000, 4096]) {
        const plan = planBuckets({ lo, hi }, buckets);
        const count = Math.floor((hi - plan.origin) / plan.width) - Math.floor((lo - plan.origin) / plan.width) + 1;
        assert.ok(count <= buckets, `${lo}..${hi} in ${buckets}: ${count}`);
        if (plan.shift !== null) assert.equal(plan.width % 2 ** plan.shift, 0);
      }
    }
  });

  test('splits a range into whole blocks and the steps around them', () => {
    assert.deepEqual(segments({ lo: 10, hi: 100 }, 4, []), [
      { kind: 'points', lo: 10, hi: 15 },
      { kind: 'blocks', lo: 1, hi: 5 },
      { kind: 'points', lo: 96, hi: 100 },
    ]);
    assert.deepEqual(segments({ lo: 0, hi: 255 }, 4, [{ lo: 40, hi: 70 }]), [
      { kind: 'blocks', lo: 0, hi: 1 },
      { kind: 'points', lo: 32, hi: 79 },
      { kind: 'blocks', lo: 5, hi: 15 },
    ]);
    assert.deepEqual(segments({ lo: 3, hi: 9 }, 4, []), [{ kind: 'points', lo: 3, hi: 9 }]);
    assert.deepEqual(segments({ lo: 3, hi: 9 }, null, []), [{ kind: 'points', lo: 3, hi: 9 }]);
  });

  test('interpolates the times of points inside blocks between exact neighbours', () => {
    const series: Series = {
      id: 1,
      x: Float64Array.of(0, 5, 10, 20),
      t: Float64Array.of(100, Number.NaN, 200, Number.NaN),
      y: Float64Array.of(1, 2, 3, 4),
      approx: new Uint32Array(0),
      points: 4,
    };
    interpolateTimes(series);
    assert.deepEqual([...series.t], [100, 150, 200, 200]);
  });
});
