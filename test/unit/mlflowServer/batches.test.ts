import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOG_BATCH_LIMITS, type LocalPoint, metaBatches, metricBatches, toWire } from '../../../src/mlflowServer/batches.ts';
import { MlflowServerError, normalizeTrackingUri } from '../../../src/mlflowServer/client.ts';
import { authorizationHeader, credentialsFromEnv } from '../../../src/mlflowServer/credentials.ts';

const bodyBytes = (body: unknown) => Buffer.byteLength(JSON.stringify({ run_id: 'x'.repeat(32), ...(body as object) }));

test('params and tags are split at 100 of each and under 1 MB a request', () => {
  const params = Array.from({ length: 250 }, (_, i) => ({ key: `p${i}`, value: String(i) }));
  const tags = Array.from({ length: 150 }, (_, i) => ({ key: `t${i}`, value: 'x'.repeat(7000) }));
  const batches = metaBatches(params, tags);
  assert.equal(batches.flatMap((b) => b.params).length, 250);
  assert.equal(batches.flatMap((b) => b.tags).length, 150);
  for (const batch of batches) {
    assert.ok(batch.params.length <= LOG_BATCH_LIMITS.params && batch.tags.length <= LOG_BATCH_LIMITS.tags);
    assert.ok(bodyBytes(batch) < LOG_BATCH_LIMITS.bytes, `${bodyBytes(batch)} bytes`);
  }
});

test('metric points go 1,000 a request, fewer when long keys would pass 1 MB, in order, NaN and ±Inf spelled as proto3 JSON', () => {
  const points: LocalPoint[] = Array.from({ length: 2500 }, (_, step) => ({ key: 'loss', step, timestamp: step, seq: 0, value: step }));
  assert.deepEqual(metricBatches(points).map((b) => b.length), [1000, 1000, 500]);
  const long: LocalPoint[] = Array.from({ length: 1000 }, (_, step) => ({ key: 'k'.repeat(240) + 'x'.repeat(step % 10), step, timestamp: step, seq: 0, value: step }));
  const batches = metricBatches(long.concat(long, long, long));
  assert.deepEqual(batches.flat(), long.concat(long, long, long));
  for (const batch of batches) assert.ok(bodyBytes({ metrics: batch.map(toWire), params: [], tags: [] }) < LOG_BATCH_LIMITS.bytes);
  assert.deepEqual([null, Number.NaN, Infinity, -Infinity, 1.5].map((value) => toWire({ key: 'k', step: 0, timestamp: 0, seq: 0, value }).value), ['NaN', 'NaN', 'Infinity', '-Infinity', 1.5]);
});

test('tracking URIs and credentials: clear messages, the environment as MLflow reads it', () => {
  assert.equal(normalizeTrackingUri(' http://host:5000/prefix/ '), 'http://host:5000/prefix');
  assert.throws(() => normalizeTrackingUri('databricks'), MlflowServerError);
  assert.throws(() => normalizeTrackingUri('file:///tmp/mlruns'), /not an http\(s\) tracking server URI/);
  assert.throws(() => normalizeTrackingUri('http://me:secret@host'), /MLFLOW_TRACKING_USERNAME/);
  // Both set: MLflow's rest_utils sends basic auth (user name and password win over the token).
  assert.deepEqual(credentialsFromEnv({ MLFLOW_TRACKING_TOKEN: 't', MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' }), { kind: 'basic', username: 'u', password: 'p' });
  assert.deepEqual(credentialsFromEnv({ MLFLOW_TRACKING_TOKEN: 't', MLFLOW_TRACKING_USERNAME: 'u' }), { kind: 'token', token: 't' });
  assert.equal(authorizationHeader(credentialsFromEnv({ MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' })), `Basic ${Buffer.from('u:p').toString('base64')}`);
  assert.equal(credentialsFromEnv({ MLFLOW_TRACKING_USERNAME: 'u' }), undefined);
});
