import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { listAudit } from '../../../src/store/audit.ts';
import { latestProductionMetrics } from '../../../src/monitoring/productionMetrics.ts';
import { registerModelVersion, setAlias } from '../../../src/registry/models.ts';
import { tempStore } from '../helpers.ts';
import { addFraming, addRun, writeFile } from '../registry/fixtures.ts';

const CLI = path.resolve(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');

function cli(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ML_LIFECYCLE_STORE: '' } });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('ml-lifecycle drift and monitor', () => {
  const store = tempStore();
  const runId = addRun(store, { experiment: 'churn', name: 'r', metrics: { val_auc: [0.86] }, primary: { metric: 'val_auc', direction: 'max' } });
  addFraming(store, 'churn', 'Churn', { evaluation: { metric: 'val_auc', direction: 'max', threshold: 0.8 }, requirements: { latencyMs: 100 } }, 0.8);
  const version = registerModelVersion(store, { modelName: 'churn-classifier', runId, artifact: { uri: 'file:///m', sha256: 'a', size: 1 }, artifactSource: 'run' });
  setAlias(store, { versionId: version.id, alias: 'champion' });
  const ref = writeFile(store.dir, 'data/ref.csv', 'x,plan\n1,a\n2,a\n3,b\n4,b\n');
  const cur = writeFile(store.dir, 'data/cur.csv', 'x,plan\n5,a\n6,a\n7,a\n8,b\n');

  test('drift prints the verdict, exits 0 and stores the report against the version', () => {
    const run = cli(store.dir, 'drift', 'data/ref.csv', 'data/cur.csv', '--model', 'churn-classifier', '--version', 'champion');
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /^Verdict: DRIFT — 2 of 2 columns drifted \(PSI ≥ 0.25\)/);
    assert.match(run.out, /\nx +numeric +\d/);
    assert.match(run.out, /Saved as drift report 1 of churn-classifier v1/);
    const row = store.db.prepare('SELECT version_id AS versionId, verdict FROM drift_reports').get() as { versionId: number; verdict: string };
    assert.deepEqual(row, { versionId: version.id, verdict: 'drift' });
    assert.equal(listAudit(store.db, { entity: 'drift' }).length, 1);
  });

  test('--json gives the whole report', () => {
    const run = cli(store.dir, 'drift', ref, cur, '--json', '--psi-alert', '100');
    assert.equal(run.code, 0, run.err);
    const report = JSON.parse(run.out);
    assert.equal(report.verdict, 'warning');
    assert.equal(report.thresholds.psiAlert, 100);
    assert.equal(report.columns.length, 2);
    assert.equal(typeof report.reportId, 'number');
  });

  test('bad input exits non-zero with a clear message', () => {
    const missing = cli(store.dir, 'drift', 'data/ref.csv', 'data/nope.csv');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /nope\.csv was not found/);
    const other = writeFile(store.dir, 'data/other.csv', 'y\n1\n');
    assert.match(cli(store.dir, 'drift', ref, other).err, /does not have the same columns.*missing "x", "plan"; extra "y"/);
    assert.match(cli(store.dir, 'drift', ref).err, /Give two files/);
    assert.match(cli(store.dir, 'drift', ref, cur, '--model', 'churn-classifier').err, /Give --model and --version together/);
    assert.match(cli(store.dir, 'drift', ref, cur, '--model', 'churn-classifier', '--version', '9').err, /has no version 9/);
    assert.match(cli(store.dir, 'drift', ref, cur, '--p-value', '2').err, /--p-value 2 is not a number between 0 and 1/);
  });

  test('monitor log records production metrics and warns below the floor', () => {
    const run = cli(store.dir, 'monitor', 'log', 'churn-classifier', '@champion', 'auc=0.71', 'latency_p95_ms=80', '--time', '2025-06-01T00:00:00Z');
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /Logged 2 production metrics for churn-classifier v1\./);
    assert.match(run.out, /Warning: auc 0.71 is below the floor 0.8 \(framing "Churn", experiment "churn"\)\. Consider retraining/);
    const latest = latestProductionMetrics(store, [version.id]).get(version.id)!;
    assert.deepEqual(latest.get('auc'), { key: 'auc', value: 0.71, timestamp: Date.UTC(2025, 5, 1) });
    const status = JSON.parse(cli(store.dir, 'monitor', 'status', '--json').out);
    assert.deepEqual(status[0].problems.map((p: { key: string }) => p.key), ['auc']);
    assert.match(cli(store.dir, 'monitor', 'log', 'churn-classifier', '1', 'auc=high').err, /The value of "auc" is "high", which is not a number/);
    assert.match(cli(store.dir, 'monitor', 'log', 'nope', '1', 'auc=1').err, /no registered model "nope"/);
  });
});
