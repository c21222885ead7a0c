import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emptyFramingDocument } from '../../../src/framing/document.ts';
import { applyFieldEdit } from '../../../src/framing/edit.ts';
import { NothingToRestoreError, changeSummary, restoreRevision, revisionHistory, revisionMarkdown } from '../../../src/framing/revisions.ts';
import { createFraming, getFraming, saveFraming } from '../../../src/framing/store.ts';
import { listAudit } from '../../../src/store/audit.ts';
import { tempStore } from '../helpers.ts';

function edited(document: ReturnType<typeof emptyFramingDocument>, edits: Record<string, string>) {
  let next = document;
  for (const [path, value] of Object.entries(edits)) next = applyFieldEdit(next, path, value).document;
  return next;
}

describe('framing revisions', () => {
  test('the history lists every revision, newest first, with what it changed in words', () => {
    const store = tempStore();
    const created = createFraming(store, emptyFramingDocument('Churn'), { at: 1000 });
    saveFraming(store, created.id, edited(created.document, { 'evaluation.metric': 'val_auc', 'evaluation.threshold': '0.8' }), { at: 2000 });
    const current = getFraming(store, created.id)!;
    saveFraming(store, created.id, edited(current.document, { 'problem.businessMetric': 'Churn', 'problem.endUser': 'Retention', 'problem.whyNow': 'Churn doubled', 'evaluation.threshold': '0.85' }), { at: 3000 });

    const history = revisionHistory(store, created.id);
    assert.deepEqual(history.map((h) => [h.revision, h.savedAt, h.current]), [[3, 3000, true], [2, 2000, false], [1, 1000, false]]);
    assert.equal(history[2]!.summary, 'created');
    assert.match(history[1]!.summary, /^(Metric|Success threshold).*, (Metric|Success threshold).*$/);
    assert.match(history[0]!.summary, / \+1 more$/, history[0]!.summary);
    assert.ok(history.every((h) => h.savedBy.length > 0));
  });

  test('the Markdown of two revisions differs where the answers do', () => {
    const store = tempStore();
    const created = createFraming(store, emptyFramingDocument('Churn'));
    saveFraming(store, created.id, edited(created.document, { 'problem.businessMetric': 'Monthly churn rate' }));
    const one = revisionMarkdown(store, created.id, 1)!;
    const two = revisionMarkdown(store, created.id, 2)!;
    assert.ok(!one.includes('Monthly churn rate') && two.includes('Monthly churn rate'));
    assert.equal(revisionMarkdown(store, created.id, 9), undefined);
  });

  test('restoring is a new revision, audited with the revision it came from; nothing is lost', () => {
    const store = tempStore();
    const created = createFraming(store, emptyFramingDocument('Churn'));
    saveFraming(store, created.id, edited(created.document, { 'problem.businessMetric': 'Monthly churn rate' }));
    assert.throws(() => restoreRevision(store, created.id, 2), NothingToRestoreError);
    assert.throws(() => restoreRevision(store, created.id, 7), /has no revision 7/);

    const restored = restoreRevision(store, created.id, 1);
    assert.equal(restored.revision, 3);
    assert.equal(getFraming(store, created.id)!.document.problem.businessMetric, '');
    assert.equal(revisionHistory(store, created.id).length, 3, 'revision 2 is still there');
    const [latest] = listAudit(store.db, { entity: 'framing' });
    assert.equal(latest!.action, 'restore-revision');
    assert.equal(latest!.reason, 'restored revision 1');
    assert.deepEqual([JSON.parse(latest!.details!).restoredFrom, JSON.parse(latest!.details!).revision], [1, 3]);
  });

  test('a summary of equal documents says so', () => {
    const document = emptyFramingDocument('A');
    assert.equal(changeSummary(document, document), 'no change');
  });
});
