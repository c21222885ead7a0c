import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadComparison, subjectKey } from '../../../src/compare/model.ts';
import { categoryPosition, parallelData } from '../../../src/compare/parallel.ts';
import type { ParamTable } from '../../../src/compare/params.ts';
import { allVersions, productionSeries } from '../../../src/compare/production.ts';
import type { MetricSummary } from '../../../src/compare/summary.ts';
import { trash } from '../../../src/tracking/experiments.ts';
import { tempStore } from '../helpers.ts';
import { addExperiment, addRun, logPoints } from './fixtures.ts';

describe('comparison model', () => {
  test('charts per metric, primary metric with its target first; params and parallel axes', () => {
    const store = tempStore();
    const e1 = addExperiment(store, 'e1', { primaryMetric: 'val_auc', direction: 'max', target: 0.8 });
    const e2 = addExperiment(store, 'e2');
    const a = addRun(store, e1, 'a', { params: { lr: '0.1', opt: 'adam', seed: '1' }, status: 'RUNNING' });
    const b = addRun(store, e1, 'b', { params: { lr: '0.01', opt: 'sgd', seed: '1' } });
    const c = addRun(store, e2, 'c', { params: { lr: '0.001', seed: '1' } });
    store.db.prepare('UPDATE runs SET heartbeat_at = ? WHERE id = ?').run(Date.now(), a);
    logPoints(store, a, 'loss', [[0, 1, 1], [1, 2, 0.5]]);
    logPoints(store, b, 'loss', [[0, 1, 2]]);
    logPoints(store, c, 'loss', [[0, 1, 3]]);
    logPoints(store, a, 'val_auc', [[0, 1, 0.7]]);
    logPoints(store, b, 'val_auc', [[0, 1, Number.NaN]]);
    logPoints(store, c, 'zeta', [[0, 1, 1]]);
    const { model, missing } = loadComparison(store, { kind: 'runs', runIds: [a, b, c] }, Date.now() - 60_000);
    assert.deepEqual(missing, []);
    assert.equal(model.title, 'Compare 3 runs');
    assert.deepEqual(model.items.map((i) => [i.name, i.group, i.status]), [['a', 'e1', 'RUNNING'], ['b', 'e1', 'FINISHED'], ['c', 'e2', 'FINISHED']]);
    assert.equal(model.live, true);
    assert.deepEqual(model.charts.map((ch) => [ch.key, ch.ids, ch.direction, ch.targets]), [
      ['val_auc', [a, b], 'max', [{ value: 0.8, label: 'target' }]],
      ['loss', [a, b, c], 'min', []],
      ['zeta', [c], 'max', []],
    ]);
    assert.equal(model.sharedMetrics, 2);
    assert.deepEqual(model.params!.keys, ['lr', 'opt', 'seed']);
    const parallel = model.parallel!;
    assert.deepEqual(parallel.axes.map((ax) => [ax.key, ax.kind, ax.numeric]), [
      ['lr', 'param', true],
      ['opt', 'param', false],
      ['val_auc', 'metric', true],
      ['loss', 'metric', true],
      ['zeta', 'metric', true],
    ]);
    assert.deepEqual(parallel.positions[0], [1, 0, 0.5, 0, null]);
    assert.deepEqual(parallel.labels[1], ['0.01', 'sgd', 'NaN', '2', null]);
    assert.equal(parallel.positions[1]![2], null, 'a NaN final value leaves a gap on its axis');
  });

  test('a run moved to the trash leaves the comparison and is reported', () => {
    const store = tempStore();
    const e = addExperiment(store, 'e');
    const keep = addRun(store, e, 'keep');
    const gone = addRun(store, e, '<script>gone</script>');
    trash(store, [{ kind: 'run', id: gone }]);
    const { model, missing } = loadComparison(store, { kind: 'runs', runIds: [keep, gone, 999] }, 0);
    assert.deepEqual(model.subject, { kind: 'runs', runIds: [keep] });
    assert.deepEqual(missing, [
      { id: gone, name: '<script>gone</script>', trashed: true },
      { id: 999, name: null, trashed: false },
    ]);
    trash(store, [{ kind: 'experiment', id: e }]);
    assert.deepEqual(loadComparison(store, { kind: 'runs', runIds: [keep] }, 0).missing, [{ id: keep, name: 'keep', trashed: true }]);
  });

  test('an empty subject gives an empty model', () => {
    const store = tempStore();
    const { model } = loadComparison(store, { kind: 'runs', runIds: [] }, 0);
    assert.deepEqual([model.items, model.charts, model.parallel], [[], [], null]);
  });

  test('production metrics: one line per model version over wall time', () => {
    const store = tempStore();
    const modelId = Number(store.db.prepare("INSERT INTO registered_models (name, created_at) VALUES ('churn', 1)").run().lastInsertRowid);
    const v1 = Number(store.db.prepare("INSERT INTO model_versions (model_id, version, artifact_uri, created_at) VALUES (?, 1, 'a', 100)").run(modelId).lastInsertRowid);
    const v2 = Number(store.db.prepare("INSERT INTO model_versions (model_id, version, artifact_uri, created_at) VALUES (?, 2, 'b', 200)").run(modelId).lastInsertRowid);
    store.db.prepare("INSERT INTO model_aliases (model_id, alias, version_id) VALUES (?, 'champion', ?)").run(modelId, v2);
    const insert = store.db.prepare('INSERT INTO production_metrics (version_id, key, timestamp, value) VALUES (?, ?, ?, ?)');
    for (let i = 0; i < 5000; i++) insert.run(v1, 'accuracy', 1_000_000 + i * 60_000, i === 2500 ? null : 0.9 - (i % 7) / 100);
    insert.run(v2, 'accuracy', 1_000_000, 0.95);
    insert.run(v2, 'latency_ms', 1_000_000, 40);
    assert.deepEqual(allVersions(store).map((v) => [v.id, v.aliases]), [[v2, ['champion']], [v1, []]]);
    const { model } = loadComparison(store, { kind: 'production', versionIds: [v2, v1] }, 0);
    assert.deepEqual(model.items.map((i) => i.name), ['churn v2 @champion', 'churn v1']);
    assert.deepEqual(model.xModes, ['wall']);
    assert.deepEqual(model.charts.map((c) => [c.key, c.direction]), [['accuracy', 'max'], ['latency_ms', 'min']]);
    const accuracy = model.summary.find((s) => s.id === v1 && s.key === 'accuracy')!;
    assert.equal(accuracy.points, 5000);
    assert.equal(accuracy.nonfinite, 1);
    assert.equal(accuracy.max, 0.9);
    const set = productionSeries(store, [v1, v2], 'accuracy', { buckets: 100 });
    const line = set.series[0]!;
    assert.ok(line.x.length <= 100 * 5 && line.x.length > 100);
    assert.equal(Math.max(...line.y.filter((y) => !Number.isNaN(y))), 0.9);
    assert.ok(line.y.some((y) => Number.isNaN(y)), 'the missing value is a gap');
    assert.deepEqual(line.x, line.t, 'x is wall time');
  });
});

test('a subject is known by its runs whatever their order, so Compare Runs finds the panel already showing them', () => {
  assert.equal(subjectKey({ kind: 'runs', runIds: [3, 1, 2] }), subjectKey({ kind: 'runs', runIds: [1, 2, 3, 3] }));
  assert.notEqual(subjectKey({ kind: 'runs', runIds: [1, 2] }), subjectKey({ kind: 'runs', runIds: [1, 2, 3] }));
  assert.notEqual(subjectKey({ kind: 'runs', runIds: [1] }), subjectKey({ kind: 'production', versionIds: [1] }));
});

describe('parallel coordinates', () => {
  test('numeric axes span round bounds around their range, categories get evenly spaced ticks, constant params and system metrics are left out', () => {
    const params: ParamTable = {
      ids: [1, 2, 3],
      keys: ['batch', 'model', 'seed'],
      values: [
        ['32', '64', '128'],
        ['mlp', 'gbm', null],
        ['7', '7', '7'],
      ],
      differs: [true, true, false],
    };
    const summaries: MetricSummary[] = [1, 2, 3].map((id) => ({
      id,
      key: 'acc',
      last: id === 3 ? '+Inf' : id / 10,
      lastStep: 0,
      min: null,
      max: null,
      best: null,
      direction: 'max',
      directionFrom: 'name',
      points: 1,
      nonfinite: 0,
    }));
    const system = summaries.map((s) => ({ ...s, key: 'system/cpu_percent', last: 50 }));
    const data = parallelData([1, 2, 3], params, [...summaries, ...system], ['acc', 'system/cpu_percent']);
    assert.deepEqual(data.axes.map((a) => [a.key, a.numeric, a.min, a.max, a.categories]), [
      ['batch', true, 25, 150, []],
      ['model', false, null, null, ['gbm', 'mlp']],
      ['acc', true, 0.1, 0.2, []],
    ]);
    assert.deepEqual(data.axes[0]!.ticks, [25, 50, 75, 100, 125, 150]);
    assert.deepEqual(data.positions, [
      [(32 - 25) / 125, 1, 0],
      [(64 - 25) / 125, 0, 1],
      [(128 - 25) / 125, null, null],
    ]);
    assert.deepEqual(data.labels[2], ['128', null, '+Inf']);
    assert.equal(categoryPosition(0, 1), 0.5);
    assert.equal(data.omitted, 0);
  });
});
