import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listAudit } from '../../../src/store/audit.ts';
import { assignDefaultPrimaryMetrics, firstLoggedMetric } from '../../../src/tracking/defaultPrimaryMetric.ts';
import { getExperiment, setPrimaryMetric } from '../../../src/tracking/experiments.ts';
import { guessDirection } from '../../../src/tracking/metricDirection.ts';
import { addExperiment, addRun, logPoints } from '../compare/fixtures.ts';
import { tempStore } from '../helpers.ts';

test('the direction is guessed from the name: errors and losses go down, scores go up', () => {
  for (const key of ['loss', 'val/loss', 'error_rate', 'mae', 'val_rmse', 'MSE', 'perplexity', 'p99_latency_ms']) assert.equal(guessDirection(key), 'min', key);
  for (const key of ['acc', 'val_accuracy', 'auc', 'f1', 'precision', 'recall', 'reward']) assert.equal(guessDirection(key), 'max', key);
});

test('the first metric the first run logged becomes the primary metric, stored and audited', () => {
  const store = tempStore();
  const experiment = addExperiment(store, 'new');
  const empty = addRun(store, experiment, 'nothing yet', { start: 1 });
  const first = addRun(store, experiment, 'first', { start: 2 });
  const later = addRun(store, experiment, 'later', { start: 3 });
  assert.deepEqual(assignDefaultPrimaryMetrics(store), [], 'nothing logged: nothing to choose');
  // System metrics come first in time but describe the machine; val_accuracy came before loss.
  logPoints(store, first, 'system/cpu_percent', [[0, 10, 50]]);
  logPoints(store, first, 'val_accuracy', [[0, 20, 0.5], [1, 40, 0.6]], { refresh: false });
  logPoints(store, first, 'loss', [[0, 30, 1]]);
  logPoints(store, later, 'aaa_first_alphabetically', [[0, 1, 1]]);
  assert.deepEqual(firstLoggedMetric(store, experiment), { metric: 'val_accuracy', direction: 'max' });
  assert.deepEqual(assignDefaultPrimaryMetrics(store), [{ experimentId: experiment, experimentName: 'new', metric: 'val_accuracy', direction: 'max' }]);
  const stored = getExperiment(store, experiment)!;
  assert.equal(stored.primaryMetric, 'val_accuracy');
  assert.equal(stored.metricDirection, 'max');
  assert.equal(listAudit(store.db, { entity: 'experiment' })[0]?.action, 'default-primary-metric');
  assert.deepEqual(assignDefaultPrimaryMetrics(store), [], 'only once');
  assert.ok(empty);
});

test('a primary metric someone chose, or cleared, is left alone', () => {
  const store = tempStore();
  const chosen = addExperiment(store, 'chosen', { primaryMetric: 'f1', direction: 'max' });
  const cleared = addExperiment(store, 'cleared');
  const loss = addExperiment(store, 'loss first');
  for (const experiment of [chosen, cleared, loss]) logPoints(store, addRun(store, experiment, 'r'), 'train_loss', [[0, 1, 2]]);
  setPrimaryMetric(store, cleared, null, null);
  assert.deepEqual(
    assignDefaultPrimaryMetrics(store).map((d) => [d.experimentName, d.metric, d.direction]),
    [['loss first', 'train_loss', 'min']],
  );
  assert.equal(getExperiment(store, chosen)!.primaryMetric, 'f1');
  assert.equal(getExperiment(store, cleared)!.primaryMetric, null);
});

test('metrics logged at the same moment are told apart by name', () => {
  const store = tempStore();
  const experiment = addExperiment(store, 'e');
  const run = addRun(store, experiment, 'r');
  logPoints(store, run, 'val_loss', [[0, 5, 1]]);
  logPoints(store, run, 'accuracy', [[0, 5, 0.1]]);
  assert.deepEqual(firstLoggedMetric(store, experiment), { metric: 'accuracy', direction: 'max' });
});
