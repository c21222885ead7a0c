import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { logProductionMetrics } from '../../../src/monitoring/productionMetrics.ts';
import { registerModelVersion, setAlias, aliasTarget } from '../../../src/registry/models.ts';
import { versionsWithProblems } from '../../../src/registry/status.ts';
import { describeModel, describeVersion, modelChildren } from '../../../src/registry/treeModel.ts';
import { tempStore } from '../helpers.ts';
import { addFraming, addRun, sha256 } from './fixtures.ts';

describe('Models view', () => {
  test('models, then versions with aliases, production value and warnings', () => {
    const store = tempStore();
    const runId = addRun(store, { experiment: 'churn', name: 'r', metrics: { val_auc: [0.86] }, primary: { metric: 'val_auc', direction: 'max' } });
    addFraming(store, 'churn', 'Churn', { evaluation: { metric: 'val_auc', direction: 'max', threshold: 0.8 }, requirements: { latencyMs: 100 } }, 0.8);
    const v1 = registerModelVersion(store, { modelName: 'churn-classifier', runId, artifact: { uri: 'file:///m1', sha256: sha256('1'), size: 1 }, artifactSource: 'run' });
    const v2 = registerModelVersion(store, { modelName: 'churn-classifier', runId, artifact: { uri: 'file:///m2', sha256: sha256('2'), size: 1 }, artifactSource: 'run' });
    setAlias(store, { versionId: v1.id, alias: 'champion' });
    setAlias(store, { versionId: v1.id, alias: 'challenger' });
    logProductionMetrics(store, v1.id, [
      { key: 'latency_p95_ms', value: 40, timestamp: 3000 },
      { key: 'auc', value: 0.83, timestamp: 2000 },
    ]);
    logProductionMetrics(store, v2.id, [{ key: 'auc', value: 0.7, timestamp: 2000 }]);

    const [modelNode] = modelChildren(store, undefined);
    assert.equal(modelNode!.kind, 'model');
    const model = describeModel(modelNode!.kind === 'model' ? modelNode!.model : (undefined as never), aliasTarget(store, v1.modelId, 'champion'));
    assert.equal(model.description, '2 versions · @champion v1');
    assert.equal(model.contextValue, 'model');

    const versions = modelChildren(store, modelNode);
    assert.deepEqual(versions.map((n) => n.kind === 'version' && [n.versionId, n.version.version]), [[v2.id, 2], [v1.id, 1]]);
    const [second, first] = versions as Extract<(typeof versions)[number], { kind: 'version' }>[];
    const entry1 = describeVersion(first!, { status: 'ok', path: '/m1' });
    assert.equal(entry1.label, 'v1');
    // The primary metric's production value is shown even when another key was logged later.
    assert.equal(entry1.description, '@champion @challenger · auc 0.83');
    assert.equal(entry1.contextValue, 'modelVersion.aliased');
    assert.equal(entry1.icon.id, 'star-full');
    assert.match(entry1.tooltip, /Artifact verified: unchanged since registration/);

    const entry2 = describeVersion(second!, { status: 'changed', path: '/m2', sha256: 'x', size: 2 });
    assert.equal(entry2.description, 'auc 0.7 · ⚠ below floor · ⚠ artifact changed');
    assert.equal(entry2.contextValue, 'modelVersion.warning');
    assert.equal(entry2.icon.id, 'warning');
    assert.match(entry2.tooltip, /⚠ auc 0.7 is below the floor 0.8 \(framing "Churn", experiment "churn"\). Consider retraining./);
    assert.match(entry2.tooltip, /The artifact changed on disk since it was registered/);
    assert.match(describeVersion(second!, { status: 'missing', path: '/m2' }).description!, /⚠ artifact missing/);

    assert.deepEqual(versionsWithProblems(store).map((s) => s.version.id), [v2.id]);
  });
});
