import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AuditNames, describeAudit } from '../../../src/registry/auditDescribe.ts';
import { auditNames } from '../../../src/registry/auditNames.ts';
import { registerModelVersion, setAlias } from '../../../src/registry/models.ts';
import { AUDIT_ACTIONS, type AuditAction, type AuditEntity, type AuditRecord, listAudit } from '../../../src/store/audit.ts';
import { tempStore } from '../helpers.ts';
import { addRun, sha256 } from './fixtures.ts';

const names: AuditNames = {
  experiments: new Map([[1, 'churn-gbm']]),
  runs: new Map([[7, 'gbm-d6']]),
  models: new Map([[2, 'churn-classifier']]),
  versions: new Map([[9, { model: 'churn-classifier', version: 3 }]]),
  framings: new Map([[4, 'Churn framing']]),
};

function record(entity: AuditEntity, entityId: string, action: string, details?: unknown): AuditRecord {
  return { id: 1, at: 0, actor: 'ana', host: 'box', entity, entityId, action, reason: null, details: details === undefined ? null : JSON.stringify(details) };
}

/** One entry per action the extension records, as it records them, with the words the trail shows. */
const CASES: Record<AuditAction, [AuditRecord, string, string][]> = {
  create: [
    [record('experiment', '1', 'create', { name: 'churn-gbm' }), 'created', 'experiment "churn-gbm"'],
    [record('model', '2', 'create', { name: 'churn-classifier' }), 'created', 'model "churn-classifier"'],
    [record('framing', '4', 'create', { name: 'Churn framing', revision: 1 }), 'created', 'framing "Churn framing"'],
  ],
  rename: [[record('run', '7', 'rename', { from: 'old', to: 'gbm-d6' }), 'renamed from "old" to "gbm-d6"', 'run "gbm-d6"']],
  delete: [[record('run', '7', 'delete'), 'moved to the trash', 'run "gbm-d6"']],
  restore: [[record('experiment', '1', 'restore'), 'restored from the trash', 'experiment "churn-gbm"']],
  'empty-trash': [[record('store', '/w/.mllifecycle/store.db', 'empty-trash', [{ kind: 'run', id: 8, name: 'x' }]), 'emptied the trash (1 item removed for good)', 'store /w/.mllifecycle/store.db']],
  'set-primary-metric': [
    [record('experiment', '1', 'set-primary-metric', { metric: 'val_auc', direction: 'max' }), 'set the primary metric to val_auc (higher is better)', 'experiment "churn-gbm"'],
    [record('experiment', '1', 'set-primary-metric', { metric: null, direction: null }), 'cleared the primary metric', 'experiment "churn-gbm"'],
  ],
  'default-primary-metric': [
    [record('experiment', '1', 'default-primary-metric', { metric: 'val_loss', direction: 'min' }), 'took val_loss as the primary metric by default (lower is better)', 'experiment "churn-gbm"'],
  ],
  'link-framing': [[record('experiment', '1', 'link-framing', { framingId: 4, framing: 'Churn framing', metric: 'val_auc' }), 'linked to framing "Churn framing"', 'experiment "churn-gbm"']],
  'unlink-framing': [[record('experiment', '1', 'unlink-framing', { framingId: 4 }), 'unlinked from framing "Churn framing"', 'experiment "churn-gbm"']],
  'sync-framing-target': [
    [record('experiment', '1', 'sync-framing-target', { framingId: 4, metric: 'val_auc', direction: 'max', target: 0.8 }), 'took val_auc (target 0.8) from framing "Churn framing"', 'experiment "churn-gbm"'],
  ],
  save: [[record('framing', '4', 'save', { name: 'Churn framing', revision: 3, changed: ['problem.name', 'evaluation.metric'] }), 'saved revision 3 (2 fields changed)', 'framing "Churn framing"']],
  'restore-revision': [[record('framing', '4', 'restore-revision', { name: 'Churn framing', revision: 5, restoredFrom: 2 }), 'restored revision 2 as revision 5', 'framing "Churn framing"']],
  register: [[record('model_version', '9', 'register', { model: 'churn-classifier', version: 3 }), 'registered version 3', 'model "churn-classifier" version 3']],
  set: [[record('alias', 'churn-classifier@staging', 'set', { model: 'churn-classifier', alias: 'staging', version: 3, previousVersion: null }), 'set @staging on version 3', 'model "churn-classifier"']],
  move: [[record('alias', 'churn-classifier@staging', 'move', { model: 'churn-classifier', alias: 'staging', version: 3, previousVersion: 2 }), 'moved @staging from version 2 to version 3', 'model "churn-classifier"']],
  promote: [
    [record('alias', 'churn-classifier@champion', 'promote', { model: 'churn-classifier', alias: 'champion', version: 3, previousVersion: 2, gatePassed: true }), 'promoted version 3 to @champion (was version 2)', 'model "churn-classifier"'],
    [record('alias', 'churn-classifier@champion', 'promote', { model: 'churn-classifier', alias: 'champion', version: 1, previousVersion: null, gatePassed: false }), 'promoted version 1 to @champion past a failed gate', 'model "churn-classifier"'],
  ],
  remove: [[record('alias', 'churn-classifier@challenger', 'remove', { model: 'churn-classifier', alias: 'challenger', version: 3 }), 'removed @challenger from version 3', 'model "churn-classifier"']],
  'set-tag': [[record('run', '7', 'set-tag', { key: 'team', from: null, to: 'growth' }), 'set tag team to "growth"', 'run "gbm-d6"']],
  'remove-tag': [[record('run', '7', 'remove-tag', { key: 'team', from: 'growth' }), 'removed tag team (was "growth")', 'run "gbm-d6"']],
  'edit-note': [
    [record('run', '7', 'edit-note', { from: null, to: 'hi' }), 'added a note', 'run "gbm-d6"'],
    [record('run', '7', 'edit-note', { from: 'hi', to: 'hello' }), 'edited the note', 'run "gbm-d6"'],
    [record('run', '7', 'edit-note', { from: 'hi', to: null }), 'cleared the note', 'run "gbm-d6"'],
  ],
  check: [[record('drift', '11', 'check', { versionId: 9, verdict: 'warning', worstPsi: 0.15 }), 'checked data drift: warning (worst PSI 0.15)', 'model "churn-classifier" version 3']],
  import: [
    [record('model', '2', 'import', { name: 'churn-classifier' }), 'imported from MLflow', 'model "churn-classifier"'],
    [record('model_version', '9', 'import', { model: 'churn-classifier', version: 3 }), 'imported version 3 from MLflow', 'model "churn-classifier" version 3'],
    [record('alias', '2@prod', 'import', { model: 'churn-classifier', alias: 'prod', version: 3 }), 'imported @prod on version 3 from MLflow', 'model "churn-classifier"'],
  ],
  'set-stage': [[record('model_version', '9', 'set-stage', { from: null, to: 'Production' }), 'set the stage to Production', 'model "churn-classifier" version 3']],
  'import-mlflow': [[record('store', 's.db', 'import-mlflow', { experiments: 1, runs: 12, versions: 0 }), 'imported from MLflow: 1 experiment, 12 runs, 0 model versions', 'store s.db']],
  'import-tensorboard': [[record('store', 's.db', 'import-tensorboard', { runs: 2, metricPoints: 3000 }), 'imported from TensorBoard: 2 runs, 3,000 points', 'store s.db']],
  'push-mlflow': [[record('store', 'http://mlflow:5000', 'push-mlflow', {}), 'pushed to an MLflow server', 'store http://mlflow:5000']],
  'push-mlflow-failed': [[record('store', 'http://mlflow:5000', 'push-mlflow-failed', {}), 'push to an MLflow server failed', 'store http://mlflow:5000']],
  'push-mlflow-cancelled': [[record('store', 'http://mlflow:5000', 'push-mlflow-cancelled', {}), 'push to an MLflow server was cancelled', 'store http://mlflow:5000']],
  'browse-mlflow': [[record('store', 'http://mlflow:5000', 'browse-mlflow', { runs: 3 }), 'read runs from an MLflow server', 'store http://mlflow:5000']],
  'browse-mlflow-cancelled': [[record('store', 'http://mlflow:5000', 'browse-mlflow-cancelled', {}), 'reading runs from an MLflow server was cancelled', 'store http://mlflow:5000']],
  'promote-remote': [[record('alias', 'http://mlflow:5000 churn-classifier@champion', 'promote-remote', { server: 'http://mlflow:5000', model: 'churn-classifier', version: '4', previous: '2', gatePassed: true }), 'promoted version 4 to @champion on http://mlflow:5000 (was version 2)', 'model "churn-classifier"']],
  'promote-remote-refused': [[record('alias', 'http://mlflow:5000 churn-classifier@champion', 'promote-remote-refused', { server: 'http://mlflow:5000', model: 'churn-classifier', version: '5', previous: '4', gatePassed: false }), 'refused to promote version 5 to @champion on http://mlflow:5000: the gate failed', 'model "churn-classifier"']],
  'remove-mlflow-server': [[record('store', 'http://mlflow:5000', 'remove-mlflow-server', { runs: 2 }), 'removed an MLflow server and its 2 cached runs', 'store http://mlflow:5000']],
};

describe('audit entries in words', () => {
  for (const action of AUDIT_ACTIONS) {
    test(action, () => {
      assert.ok(CASES[action].length > 0);
      for (const [entry, description, subject] of CASES[action]) assert.deepEqual(describeAudit(entry, names), { description, subject });
    });
  }

  test('things removed since fall back to the names the entry kept, never to a bare id', () => {
    const none: AuditNames = { experiments: new Map(), runs: new Map(), models: new Map(), versions: new Map(), framings: new Map() };
    assert.equal(describeAudit(record('model_version', '9', 'register', { model: 'm', version: 2 }), none).subject, 'model "m" version 2');
    assert.equal(describeAudit(record('run', '7', 'delete'), none).subject, 'run (removed since)');
    assert.deepEqual(describeAudit(record('model', '2', 'archive-from-the-future', 'not json{'), none), { description: 'archive from the future', subject: 'model (removed since)' });
  });

  test('names come from the store for what the entries point at', () => {
    const store = tempStore();
    const runId = addRun(store, { experiment: 'churn', name: 'gbm-d6', metrics: { val_auc: [0.8] } });
    const version = registerModelVersion(store, { modelName: 'churn-classifier', runId, artifact: { uri: 'file:///m.pkl', sha256: sha256('m'), size: 1 }, artifactSource: 'run' });
    setAlias(store, { versionId: version.id, alias: 'champion' });
    // Ids follow renames; an alias entry keeps the model name it was recorded with.
    store.db.prepare('UPDATE registered_models SET name = ?').run('renamed-model');
    const records = listAudit(store.db);
    const described = records.map((r) => describeAudit(r, auditNames(store, records)));
    assert.deepEqual(described.map((d) => `${d.description} | ${d.subject}`).sort(), [
      'created | experiment "churn"',
      'created | model "renamed-model"',
      'registered version 1 | model "renamed-model" version 1',
      'set @champion on version 1 | model "churn-classifier"',
    ]);
  });
});
