import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadComparison } from '../../../src/compare/model.ts';
import { endedEarly, nextSort, sortWide, wideSummary } from '../../../src/compare/wideSummary.ts';
import { tempStore } from '../helpers.ts';
import { addExperiment, addRun, logPoints } from './fixtures.ts';

function sweep() {
  const store = tempStore();
  // The experiment says its primary metric "score" is better when lower, whatever the name suggests.
  const experiment = addExperiment(store, 'sweep', { primaryMetric: 'score', direction: 'min' });
  const a = addRun(store, experiment, 'a');
  const b = addRun(store, experiment, 'b', { status: 'KILLED' });
  const c = addRun(store, experiment, 'c', { status: 'FAILED' });
  logPoints(store, a, 'score', [[0, 1, 5], [1, 2, 3]]);
  logPoints(store, b, 'score', [[0, 1, 4], [1, 2, 1]]);
  logPoints(store, c, 'score', [[0, 1, 2]]);
  logPoints(store, a, 'accuracy', [[0, 1, 0.9]]);
  logPoints(store, b, 'accuracy', [[0, 1, Number.NaN]]);
  logPoints(store, a, 'system/cpu_percent', [[0, 1, 80]]);
  logPoints(store, b, 'system/cpu_percent', [[0, 1, 20]]);
  const { model } = loadComparison(store, { kind: 'runs', runIds: [a, b, c] }, 0);
  return { model, a, b, c };
}

test('a row per run, a column per metric (system metrics last), best cell by the experiment direction', () => {
  const { model, a, b, c } = sweep();
  const wide = wideSummary(model, 'last');
  assert.deepEqual(
    wide.columns.map((col) => [col.key, col.direction, col.directionFrom, col.system]),
    [
      ['score', 'min', 'experiment', false],
      ['accuracy', 'max', 'name', false],
      ['system/cpu_percent', 'max', 'name', true],
    ],
  );
  assert.deepEqual(wide.rows.map((r) => [r.id, r.status, r.cells]), [
    [a, 'FINISHED', [3, 0.9, 80]],
    [b, 'KILLED', [1, 'NaN', 20]],
    [c, 'FAILED', [2, null, null]],
  ]);
  // Lower score is better here; a lone number (accuracy: the other is NaN) and system metrics are not marked best.
  assert.deepEqual(wide.rows.map((r) => r.best), [
    [false, false, false],
    [true, false, false],
    [false, false, false],
  ]);
  assert.deepEqual(wideSummary(model, 'max').rows[0]!.cells, [5, 0.9, 80]);
  assert.deepEqual(wideSummary(model, 'best').rows[0]!.cells, [3, 0.9, 80]);
});

test('sorting by a metric keeps runs without it last; a header click sorts best first, then reverses', () => {
  const { model, a, b, c } = sweep();
  const wide = wideSummary(model, 'last');
  const score = nextSort({ column: 'run', descending: false }, 'score', wide);
  assert.deepEqual(score, { column: 'score', descending: false }, 'lower is better: ascending first');
  assert.deepEqual(sortWide(wide, score).map((r) => r.id), [b, c, a]);
  assert.deepEqual(sortWide(wide, nextSort(score, 'score', wide)).map((r) => r.id), [a, c, b]);
  const accuracy = nextSort(score, 'accuracy', wide);
  assert.deepEqual(accuracy, { column: 'accuracy', descending: true });
  assert.deepEqual(sortWide(wide, accuracy).map((r) => r.id), [a, b, c], 'NaN and missing stay last, in comparison order');
  assert.deepEqual(sortWide(wide, { column: 'status', descending: false }).map((r) => r.status), ['FAILED', 'FINISHED', 'KILLED']);
  assert.deepEqual(sortWide(wide, { column: 'run', descending: true }).map((r) => r.name), ['c', 'b', 'a']);
  assert.deepEqual(sortWide(wide, { column: 'gone', descending: false }).map((r) => r.name), ['a', 'b', 'c'], 'an unknown column sorts by name');
});

test('only failed and killed runs count as ended early', () => {
  assert.deepEqual((['RUNNING', 'FINISHED', 'FAILED', 'KILLED', null] as const).map(endedEarly), [null, null, 'FAILED', 'KILLED', null]);
});
