import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listAudit } from '../../../src/store/audit.ts';
import { aliasTarget, getVersion, registerModelVersion, setAlias } from '../../../src/registry/models.ts';
import { evaluatePromotion, promoteToChampion, promotionGate } from '../../../src/registry/promotion.ts';
import { versionTargets } from '../../../src/registry/targets.ts';
import { tempStore } from '../helpers.ts';
import { addFraming, addRun, sha256 } from './fixtures.ts';

const base = { metric: 'val_auc', direction: 'max' as const, threshold: 0.8, source: 'framing "F"' };

describe('promotion gate (pure)', () => {
  test('passes when the threshold is met and the champion is not better', () => {
    const result = evaluatePromotion({ ...base, candidate: { version: 3, value: 0.86 }, champion: { version: 2, value: 0.85 } });
    assert.equal(result.passed, true);
    assert.deepEqual(result.checks.map((c) => c.passed), [true, true]);
    assert.match(result.checks[0]!.detail, /v3 val_auc 0.86 meets the threshold 0.8/);
    assert.match(result.checks[1]!.detail, /0.86 vs champion v2 0.85: better/);
  });
  test('fails below the threshold or below the champion', () => {
    const low = evaluatePromotion({ ...base, candidate: { version: 3, value: 0.79 }, champion: null });
    assert.equal(low.passed, false);
    assert.deepEqual(low.checks.map((c) => c.passed), [false, true]);
    const worse = evaluatePromotion({ ...base, candidate: { version: 3, value: 0.82 }, champion: { version: 2, value: 0.9 } });
    assert.equal(worse.passed, false);
    assert.match(worse.checks[1]!.detail, /worse \(higher is better\)/);
  });
  test('lower-is-better metrics', () => {
    const result = evaluatePromotion({ ...base, direction: 'min', threshold: 10, candidate: { version: 2, value: 9 }, champion: { version: 1, value: 9.5 } });
    assert.equal(result.passed, true);
    assert.equal(evaluatePromotion({ ...base, direction: 'min', threshold: 10, candidate: { version: 2, value: 11 }, champion: null }).passed, false);
  });
  test('what cannot be checked does not pass', () => {
    const noMetric = evaluatePromotion({ ...base, metric: null, candidate: { version: 1, value: 1 }, champion: null });
    assert.deepEqual(noMetric.checks.map((c) => [c.label, c.passed]), [['Primary metric', null]]);
    assert.equal(noMetric.passed, false);
    const noThreshold = evaluatePromotion({ ...base, threshold: null, candidate: { version: 1, value: 0.9 }, champion: null });
    assert.equal(noThreshold.checks[0]!.passed, null);
    assert.equal(noThreshold.passed, false);
    const nan = evaluatePromotion({ ...base, candidate: { version: 1, value: null }, champion: { version: 0, value: 0.9 } });
    assert.deepEqual(nan.checks.map((c) => c.passed), [null, null]);
    assert.match(nan.checks[1]!.detail, /v1 has NaN, champion v0 has 0.9/);
    const missing = evaluatePromotion({ ...base, candidate: { version: 1, value: undefined }, champion: null });
    assert.match(missing.checks[0]!.detail, /not logged/);
  });
});

describe('promotion from the store', () => {
  function setup() {
    const store = tempStore();
    const good = addRun(store, { experiment: 'churn', name: 'good', metrics: { val_auc: [0.6, 0.88] }, primary: { metric: 'val_auc', direction: 'max' } });
    const weak = addRun(store, { experiment: 'churn', name: 'weak', metrics: { val_auc: [0.5, 0.75] } });
    const v1 = registerModelVersion(store, { modelName: 'm', runId: good, artifact: { uri: 'file:///a', sha256: sha256('a'), size: 1 }, artifactSource: 'run' });
    const v2 = registerModelVersion(store, { modelName: 'm', runId: weak, artifact: { uri: 'file:///b', sha256: sha256('b'), size: 1 }, artifactSource: 'run' });
    return { store, v1, v2 };
  }

  test('targets come from the experiment, else from the linked framing', () => {
    const { store, v1 } = setup();
    assert.equal(versionTargets(store, v1).threshold, null);
    addFraming(store, 'churn', 'Churn', { evaluation: { metric: 'val_auc', direction: 'max', threshold: 0.8 }, requirements: { latencyMs: 50 } });
    const targets = versionTargets(store, v1);
    assert.deepEqual([targets.metric, targets.direction, targets.threshold, targets.latencyBudgetMs], ['val_auc', 'max', 0.8, 50]);
    assert.equal(targets.source, 'framing "Churn", experiment "churn"');
    assert.ok(targets.framing!.problems.length > 0, 'a partial document is reported, not refused');
    store.db.prepare("UPDATE experiments SET metric_target = 0.85 WHERE name = 'churn'").run();
    assert.equal(versionTargets(store, v1).threshold, 0.85);
  });

  test('a failed gate needs a reason; both land in the audit log', () => {
    const { store, v1, v2 } = setup();
    addFraming(store, 'churn', 'Churn', { evaluation: { metric: 'val_auc', direction: 'max', threshold: 0.8 } }, 0.8);
    const gate1 = promotionGate(store, v1);
    assert.equal(gate1.passed, true);
    assert.equal(gate1.input.candidate.value, 0.88);
    promoteToChampion(store, v1, gate1, undefined);
    assert.equal(aliasTarget(store, v1.modelId, 'champion')!.id, v1.id);

    const gate2 = promotionGate(store, v2);
    assert.equal(gate2.passed, false);
    assert.deepEqual(gate2.input.champion, { version: 1, value: 0.88 });
    assert.throws(() => promoteToChampion(store, v2, gate2, '  '), /a reason is required/);
    const { previous } = promoteToChampion(store, v2, gate2, 'faster at serving time');
    assert.equal(previous!.version, 1);
    const [latest] = listAudit(store.db, { entity: 'alias' });
    assert.equal(latest!.action, 'promote');
    assert.equal(latest!.reason, 'faster at serving time');
    const details = JSON.parse(latest!.details!);
    assert.equal(details.gatePassed, false);
    assert.equal(details.previousVersion, 1);
    assert.deepEqual(details.checks.map((c: { passed: boolean }) => c.passed), [false, false]);
  });

  test('a challenger promoted to champion drops @challenger, audited with the promotion', () => {
    const { store, v1, v2 } = setup();
    setAlias(store, { versionId: v1.id, alias: 'champion' });
    setAlias(store, { versionId: v2.id, alias: 'challenger' });
    const result = promoteToChampion(store, getVersion(store, v2.id)!, { passed: true, checks: [] }, undefined);
    assert.deepEqual([result.previous?.version, result.droppedChallenger], [1, true]);
    assert.deepEqual(getVersion(store, v2.id)!.aliases, ['champion']);
    assert.deepEqual(getVersion(store, v1.id)!.aliases, []);
    const [removed, promoted] = listAudit(store.db, { entity: 'alias' });
    assert.deepEqual([removed!.action, removed!.reason, promoted!.action, promoted!.reason], ['remove', 'v2 was promoted to @champion', 'promote', null]);

    // Asked for explicitly, the two aliases may share a version.
    setAlias(store, { versionId: v2.id, alias: 'challenger' });
    assert.deepEqual(getVersion(store, v2.id)!.aliases.sort(), ['challenger', 'champion']);
    assert.equal(promoteToChampion(store, getVersion(store, v1.id)!, { passed: true, checks: [] }, 'rollback').droppedChallenger, false);
  });

  test('the champion compares on the candidate experiment metric', () => {
    const { store, v1, v2 } = setup();
    setAlias(store, { versionId: v2.id, alias: 'champion' });
    const gate = promotionGate(store, v1);
    assert.deepEqual(gate.input.champion, { version: 2, value: 0.75 });
    assert.equal(gate.checks.find((c) => c.label === 'Current champion')!.passed, true);
  });
});
