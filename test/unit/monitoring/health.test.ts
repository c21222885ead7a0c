import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assessHealth, latencyMs, matchesMetric, type MonitoringTargets } from '../../../src/monitoring/health.ts';
import { latestProductionMetrics, logProductionMetrics, parseMetricValue, productionMetricKeys } from '../../../src/monitoring/productionMetrics.ts';
import { registerModelVersion } from '../../../src/registry/models.ts';
import { tempStore } from '../helpers.ts';

const targets: MonitoringTargets = { metric: 'val_auc', direction: 'max', threshold: 0.8, latencyBudgetMs: 100, source: 'framing "F"' };
const point = (key: string, value: number | null) => [key, { key, value, timestamp: 1000 }] as const;

describe('production health', () => {
  test('production keys match offline metrics without their evaluation prefix', () => {
    assert.ok(matchesMetric('auc', 'val_auc'));
    assert.ok(matchesMetric('val_auc', 'val_auc'));
    assert.ok(matchesMetric('AUC', 'test/auc'));
    assert.ok(!matchesMetric('auc_pr', 'val_auc'));
  });
  test('latency keys are read in their unit', () => {
    assert.equal(latencyMs('latency_p95_ms', 120), 120);
    assert.equal(latencyMs('p99_latency_s', 0.2), 200);
    assert.equal(latencyMs('latency_us', 1500), 1.5);
    assert.equal(latencyMs('auc', 0.9), null);
  });
  test('below the floor, over the budget, or NaN', () => {
    assert.deepEqual(assessHealth(targets, new Map([point('auc', 0.85), point('latency_p95_ms', 90)])), []);
    const problems = assessHealth(targets, new Map([point('auc', 0.71), point('latency_p95_ms', 120)]));
    assert.deepEqual(problems.map((p) => [p.kind, p.key]), [['below-floor', 'auc'], ['over-latency', 'latency_p95_ms']]);
    assert.equal(problems[0]!.message, 'auc 0.71 is below the floor 0.8 (framing "F")');
    assert.equal(problems[1]!.message, 'latency_p95_ms 120 ms is over the latency budget of 100 ms (framing "F")');
    assert.match(assessHealth(targets, new Map([point('auc', null)]))[0]!.message, /auc is NaN, so it cannot meet the floor 0.8/);
    const mae = assessHealth({ ...targets, metric: 'val_mae', direction: 'min', threshold: 5 }, new Map([point('mae', 6)]));
    assert.equal(mae[0]!.message, 'mae 6 is above the ceiling 5 (framing "F")');
    assert.deepEqual(assessHealth({ ...targets, threshold: null, latencyBudgetMs: null }, new Map([point('auc', 0.1)])), []);
  });
});

describe('production metrics in the store', () => {
  test('latest value per key; NaN is stored as NULL', () => {
    const store = tempStore();
    const v = registerModelVersion(store, { modelName: 'm', runId: null, artifact: { uri: 'file:///a', sha256: 'a', size: 1 }, artifactSource: 'file' });
    logProductionMetrics(store, v.id, [
      { key: 'auc', value: 0.9, timestamp: 1000 },
      { key: 'auc', value: 0.8, timestamp: 2000 },
      { key: 'latency_ms', value: Number.NaN, timestamp: 1500 },
      { key: 'errors', value: Infinity, timestamp: 500 },
    ]);
    const latest = latestProductionMetrics(store, [v.id]).get(v.id)!;
    assert.deepEqual(latest.get('auc'), { key: 'auc', value: 0.8, timestamp: 2000 });
    assert.equal(latest.get('latency_ms')!.value, null);
    assert.equal(latest.get('errors')!.value, Infinity);
    assert.deepEqual(productionMetricKeys(store, v.id), ['auc', 'latency_ms', 'errors']);
    assert.throws(() => logProductionMetrics(store, 999, [{ key: 'auc', value: 1, timestamp: 1 }]), /no longer exists/);
    assert.throws(() => logProductionMetrics(store, v.id, [{ key: ' ', value: 1, timestamp: 1 }]), /metric name is empty/);
  });
  test('values typed by people', () => {
    assert.equal(parseMetricValue(' 0.87 ', 'auc'), 0.87);
    assert.equal(parseMetricValue('1e-3', 'auc'), 0.001);
    assert.ok(Number.isNaN(parseMetricValue('NaN', 'auc')));
    assert.equal(parseMetricValue('-inf', 'auc'), -Infinity);
    assert.throws(() => parseMetricValue('high', 'auc'), /The value of "auc" is "high", which is not a number/);
    assert.throws(() => parseMetricValue('', 'auc'), /not a number/);
  });
});
