import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listAudit } from '../../../src/store/audit.ts';
import { openStore } from '../../../src/store/database.ts';
import { decodeLineage, encodeLineage, snapshotLineage } from '../../../src/registry/lineage.ts';
import {
  AliasTakenError,
  DuplicateArtifactError,
  listModels,
  listVersions,
  registerModelVersion,
  removeAlias,
  resolveVersion,
  setAlias,
  validateAlias,
} from '../../../src/registry/models.ts';
import { tempStore } from '../helpers.ts';
import { addFraming, addRun, sha256 } from './fixtures.ts';

const artifact = (text: string) => ({ uri: `file:///models/${sha256(text).slice(0, 8)}.pkl`, sha256: sha256(text), size: text.length });

describe('registering model versions', () => {
  test('a version from a run freezes its lineage and is audited', () => {
    const store = tempStore();
    const runId = addRun(store, {
      experiment: 'churn',
      name: 'gbm-d6',
      params: { max_depth: '6', lr: '0.05' },
      metrics: { val_auc: [0.7, 0.9, 0.85], loss: [1, Infinity, 0.5] },
      primary: { metric: 'val_auc', direction: 'max' },
      git: { commit: 'abc123', branch: 'main', dirty: true },
      artifacts: [
        { path: '/data/train.csv', kind: 'data', sha256: 'd'.repeat(64), size: 10 },
        { path: '/models/model.pkl', kind: 'model', sha256: 'm'.repeat(64), size: 20 },
      ],
    });
    addFraming(store, 'churn', 'Churn framing', { evaluation: { metric: 'val_auc' } }, 0.8);
    const version = registerModelVersion(store, { modelName: 'churn-classifier', modelDescription: 'Predicts churn', runId, artifact: artifact('m1'), artifactSource: 'run', description: 'first' });
    assert.equal(version.version, 1);
    assert.equal(version.modelName, 'churn-classifier');
    assert.deepEqual(version.aliases, []);
    const lineage = version.lineage!;
    assert.equal(lineage.run!.name, 'gbm-d6');
    assert.equal(lineage.run!.experiment.name, 'churn');
    assert.deepEqual(lineage.params, { lr: '0.05', max_depth: '6' });
    // Final values read from the block summaries, refreshed before the snapshot.
    assert.deepEqual(lineage.metrics.val_auc, { last: 0.85, step: 2, min: 0.7, max: 0.9 });
    assert.deepEqual(lineage.metrics.loss, { last: 0.5, step: 2, min: 0.5, max: 1 });
    assert.deepEqual(lineage.git, { commit: 'abc123', branch: 'main', dirty: true });
    assert.deepEqual(lineage.data, [{ path: '/data/train.csv', sha256: 'd'.repeat(64), size: 10 }]);
    assert.equal(lineage.framing!.name, 'Churn framing');
    assert.equal(lineage.artifactSource, 'run');
    const audit = listAudit(store.db, { entity: 'model_version' });
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.action, 'register');
    assert.match(audit[0]!.details!, /"version":1/);
    assert.equal(listAudit(store.db, { entity: 'model' })[0]!.action, 'create');
    assert.equal(listModels(store)[0]!.description, 'Predicts churn');
  });

  test('version numbers go up per model, in any connection', () => {
    const store = tempStore();
    const runId = addRun(store, { experiment: 'e', name: 'r' });
    assert.equal(registerModelVersion(store, { modelName: 'a', runId, artifact: artifact('1'), artifactSource: 'run' }).version, 1);
    const other = openStore(store.path);
    try {
      assert.equal(registerModelVersion(other, { modelName: 'a', runId: null, artifact: artifact('2'), artifactSource: 'file' }).version, 2);
    } finally {
      other.close();
    }
    assert.equal(registerModelVersion(store, { modelName: 'b', runId, artifact: artifact('1'), artifactSource: 'run' }).version, 1);
    assert.equal(registerModelVersion(store, { modelName: 'a', runId, artifact: artifact('3'), artifactSource: 'run' }).version, 3);
    assert.deepEqual(listVersions(store, listModels(store)[0]!.id).map((v) => v.version), [3, 2, 1]);
    assert.throws(() => store.db.prepare('UPDATE model_versions SET version = 1 WHERE version = 2').run(), /UNIQUE/);
  });

  test('the same artifact twice needs a confirmation; unfinished runs are refused', () => {
    const store = tempStore();
    const runId = addRun(store, { experiment: 'e', name: 'r' });
    registerModelVersion(store, { modelName: 'a', runId, artifact: artifact('same'), artifactSource: 'run' });
    assert.throws(
      () => registerModelVersion(store, { modelName: 'a', runId, artifact: artifact('same'), artifactSource: 'run' }),
      (e: Error) => e instanceof DuplicateArtifactError && e.existing.version === 1,
    );
    assert.equal(registerModelVersion(store, { modelName: 'a', runId, artifact: artifact('same'), artifactSource: 'run', allowDuplicate: true }).version, 2);
    const running = addRun(store, { experiment: 'e', name: 'still going', status: 'RUNNING' });
    assert.throws(() => registerModelVersion(store, { modelName: 'a', runId: running, artifact: artifact('x'), artifactSource: 'run' }), /is RUNNING; only finished runs/);
    assert.throws(() => registerModelVersion(store, { modelName: '  ', runId: null, artifact: artifact('x'), artifactSource: 'file' }), /model name is empty/);
  });

  test('odd names are kept as text', () => {
    const store = tempStore();
    const name = `<script>alert(1)</script> ${'é'.repeat(900)}`;
    const version = registerModelVersion(store, { modelName: name, runId: null, artifact: artifact('x'), artifactSource: 'file' });
    assert.equal(version.modelName, name);
    assert.deepEqual(version.lineage, { run: null, git: null, params: {}, metrics: {}, data: [], framing: null, artifactSource: 'file' });
  });
});

describe('aliases', () => {
  test('one version per alias per model; moving needs consent and is audited with the reason', () => {
    const store = tempStore();
    const v1 = registerModelVersion(store, { modelName: 'm', runId: null, artifact: artifact('1'), artifactSource: 'file' });
    const v2 = registerModelVersion(store, { modelName: 'm', runId: null, artifact: artifact('2'), artifactSource: 'file' });
    assert.deepEqual(setAlias(store, { versionId: v1.id, alias: '@challenger' }), { previous: undefined });
    assert.throws(() => setAlias(store, { versionId: v2.id, alias: 'challenger' }), (e: Error) => e instanceof AliasTakenError && e.current.version === 1);
    const moved = setAlias(store, { versionId: v2.id, alias: 'challenger', move: true, reason: 'better recall' });
    assert.equal(moved.previous!.version, 1);
    assert.deepEqual(listVersions(store, v1.modelId).map((v) => [v.version, v.aliases]), [[2, ['challenger']], [1, []]]);
    setAlias(store, { versionId: v2.id, alias: 'champion' });
    assert.deepEqual(resolveVersion(store, 'm', 'v2').aliases, ['champion', 'challenger']);
    const audit = listAudit(store.db, { entity: 'alias' });
    assert.deepEqual(audit.map((a) => [a.entityId, a.action, a.reason]), [
      ['m@champion', 'set', null],
      ['m@challenger', 'move', 'better recall'],
      ['m@challenger', 'set', null],
    ]);
    assert.match(audit[1]!.details!, /"previousVersion":1/);
    removeAlias(store, v1.modelId, 'challenger', 'retired');
    assert.equal(listAudit(store.db, { entity: 'alias' })[0]!.action, 'remove');
    assert.throws(() => removeAlias(store, v1.modelId, 'challenger'), /already gone/);
  });

  test('alias names', () => {
    assert.equal(validateAlias(' @staging '), 'staging');
    assert.throws(() => validateAlias('v3'), /read as a version number/);
    assert.throws(() => validateAlias('latest'), /read as a version number/);
    assert.throws(() => validateAlias('1st'), /start with a letter/);
    assert.throws(() => validateAlias('a b'), /start with a letter/);
  });

  test('versions are found by number or alias, with helpful errors', () => {
    const store = tempStore();
    const v1 = registerModelVersion(store, { modelName: 'm', runId: null, artifact: artifact('1'), artifactSource: 'file' });
    setAlias(store, { versionId: v1.id, alias: 'champion' });
    assert.equal(resolveVersion(store, 'm', '1').id, v1.id);
    assert.equal(resolveVersion(store, 'm', '@champion').id, v1.id);
    assert.equal(resolveVersion(store, 'm', 'champion').id, v1.id);
    assert.throws(() => resolveVersion(store, 'm', '7'), /has no version 7; its versions go up to 1/);
    assert.throws(() => resolveVersion(store, 'm', 'staging'), /Its aliases: @champion/);
    assert.throws(() => resolveVersion(store, 'nope', '1'), /no registered model "nope". Registered models: "m"/);
  });
});

describe('lineage encoding', () => {
  test('infinite metric values survive JSON', () => {
    const store = tempStore();
    const runId = addRun(store, { experiment: 'e', name: 'r', metrics: { loss: [Infinity], gain: [-Infinity, NaN] } });
    const version = registerModelVersion(store, { modelName: 'm', runId, artifact: artifact('1'), artifactSource: 'run' });
    assert.equal(version.lineage!.metrics.loss!.last, Infinity);
    assert.equal(version.lineage!.metrics.gain!.last, null);
    const lineage = snapshotLineage(store, runId, 'run');
    assert.deepEqual(decodeLineage(encodeLineage(lineage)), lineage);
    assert.equal(decodeLineage('not json'), undefined);
    assert.equal(decodeLineage('{"source": "mlflow"}'), undefined);
  });
});
