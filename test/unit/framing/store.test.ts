import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { assess } from '../../../src/framing/assess.ts';
import { framingFromMarkdown } from '../../../src/framing/markdownImport.ts';
import { listAudit } from '../../../src/store/audit.ts';
import { emptyFramingDocument, FramingFormatError, parseFramingDocument } from '../../../src/framing/document.ts';
import { applyFieldEdit } from '../../../src/framing/edit.ts';
import { exampleFraming } from '../../../src/framing/examples.ts';
import { framingChecklist } from '../../../src/framing/checklist.ts';
import {
  FramingNameTakenError,
  createFraming,
  getFraming,
  getRevision,
  linkExperimentToFraming,
  linkedExperimentNames,
  listFramings,
  listRevisions,
  saveFraming,
  unusedFramingName,
} from '../../../src/framing/store.ts';
import { createExperiment, getExperiment } from '../../../src/tracking/experiments.ts';
import { tempStore } from '../helpers.ts';

describe('framing store', () => {
  test('answers round-trip through a real store; every save is a revision with an audit row naming the fields', () => {
    const store = tempStore();
    const created = createFraming(store, emptyFramingDocument('Churn'), { reason: 'wizard', at: 1000 });
    assert.equal(created.revision, 1);

    let document = applyFieldEdit(created.document, 'criteria.learnable.answer', 'yes').document;
    document = applyFieldEdit(document, 'criteria.cheapErrors.answer', 'not sure').document;
    document = applyFieldEdit(document, 'problem.businessMetric', 'Monthly churn <b>down</b> 2 points').document;
    const saved = saveFraming(store, created.id, document, { reason: 'checklist', at: 2000 });
    assert.equal(saved.revision, 2);

    const read = getFraming(store, created.id)!;
    assert.equal(read.document.criteria.learnable.answer, 'yes');
    assert.equal(read.document.criteria.cheapErrors.answer, 'not-sure');
    assert.equal(read.document.problem.businessMetric, 'Monthly churn <b>down</b> 2 points');
    assert.equal(read.updatedAt, 2000);
    assert.deepEqual(
      listRevisions(store, created.id).map((r) => r.revision),
      [2, 1],
    );
    assert.equal(getRevision(store, created.id, 1)!.criteria.learnable.answer, null);

    const audit = listAudit(store.db, { entity: 'framing' });
    assert.deepEqual(
      audit.map((a) => [a.action, a.reason]),
      [
        ['save', 'checklist'],
        ['create', 'wizard'],
      ],
    );
    assert.ok(audit[0]!.actor.length > 0);
    const details = JSON.parse(audit[0]!.details!) as { revision: number; changed: string[] };
    assert.equal(details.revision, 2);
    assert.deepEqual(details.changed.sort(), ['criteria.cheapErrors.answer', 'criteria.learnable.answer', 'problem.businessMetric']);
  });

  test('saving an unchanged document writes no revision', () => {
    const store = tempStore();
    const created = createFraming(store, exampleFraming('spam'));
    const again = saveFraming(store, created.id, exampleFraming('spam'));
    assert.equal(again.revision, 1);
    assert.equal(listRevisions(store, created.id).length, 1);
  });

  test('names are unique: a clash is refused and nothing changes', () => {
    const store = tempStore();
    createFraming(store, emptyFramingDocument('Fraud'));
    const other = createFraming(store, emptyFramingDocument('Churn'));
    assert.throws(() => createFraming(store, emptyFramingDocument('Fraud')), FramingNameTakenError);
    const renamed = applyFieldEdit(other.document, 'problem.name', 'Fraud').document;
    assert.throws(() => saveFraming(store, other.id, renamed), /already called "Fraud"/);
    assert.equal(getFraming(store, other.id)!.name, 'Churn');
    assert.equal(unusedFramingName(store, 'Fraud'), 'Fraud (2)');
    assert.equal(unusedFramingName(store, 'Fraud', listFramings(store).find((f) => f.name === 'Fraud')!.id), 'Fraud');
  });

  test('a damaged stored document is reported naming the field, not silently dropped', () => {
    const store = tempStore();
    const created = createFraming(store, emptyFramingDocument('Broken'));
    const damaged = JSON.parse(JSON.stringify(created.document));
    damaged.roi.horizon = 'twelve';
    store.db.prepare('UPDATE framings SET document = ? WHERE id = ?').run(JSON.stringify(damaged), created.id);
    assert.throws(
      () => getFraming(store, created.id),
      (error: unknown) => error instanceof FramingFormatError && /Framing "Broken" \(revision 1\)/.test(error.message) && /field roi\.horizon/.test(error.message),
    );
    store.db.prepare('UPDATE framings SET document = ? WHERE id = ?').run('{"version": 7}', created.id);
    assert.throws(() => getFraming(store, created.id), /newer ML Lifecycle \(format version 7\)/);
  });

  test('linking an experiment gives it the offline-evaluation metric, direction and target, and saves keep it in sync', () => {
    const store = tempStore();
    const framing = createFraming(store, exampleFraming('spam'));
    const experiment = createExperiment(store, 'spam-gbm');
    linkExperimentToFraming(store, experiment.id, framing.id);
    let linked = getExperiment(store, experiment.id)!;
    assert.equal(linked.framingId, framing.id);
    assert.equal(linked.primaryMetric, 'val_f1');
    assert.equal(linked.metricDirection, 'max');
    assert.equal(linked.metricTarget, 0.95);
    assert.deepEqual(linkedExperimentNames(store, framing.id), ['spam-gbm']);

    let document = applyFieldEdit(framing.document, 'evaluation.threshold', '0.97').document;
    document = applyFieldEdit(document, 'evaluation.metric', 'val_precision').document;
    saveFraming(store, framing.id, document);
    linked = getExperiment(store, experiment.id)!;
    assert.equal(linked.primaryMetric, 'val_precision');
    assert.equal(linked.metricTarget, 0.97);
    const actions = listAudit(store.db, { entity: 'experiment' }).map((a) => a.action);
    assert.ok(actions.includes('link-framing'));
    assert.ok(actions.includes('sync-framing-target'));

    linkExperimentToFraming(store, experiment.id, null);
    linked = getExperiment(store, experiment.id)!;
    assert.equal(linked.framingId, null);
    assert.equal(linked.metricTarget, null);
    assert.equal(linked.primaryMetric, 'val_precision');
  });

  test('the checklist shows the verdict, each criterion with its checkbox, and completion per step', () => {
    const store = tempStore();
    const record = createFraming(store, exampleFraming('sales'));
    const root = framingChecklist(record, ['forecast-lgbm']);
    assert.equal(root.label, 'Sales forecasting');
    const [verdictEntry, criteria, ...rest] = root.children;
    assert.equal(verdictEntry!.label, 'Verdict: Proceed with care');
    assert.match(verdictEntry!.tooltip, /Wrong predictions are cheap \(not sure\)/);
    assert.equal(criteria!.description, '9/9 answered');
    const cheap = criteria!.children.find((c) => c.criterion?.id === 'cheapErrors')!;
    assert.equal(cheap.description, 'not sure');
    assert.equal(cheap.checked, false);
    assert.equal(criteria!.children.find((c) => c.criterion?.id === 'learnable')!.checked, true);
    const baseline = criteria!.children.at(-1)!;
    assert.equal(baseline.label, 'Baseline first: launch without ML?');
    assert.equal(baseline.description, 'no · scores 0.24 · build');
    assert.deepEqual(baseline.open, { framingId: record.id, step: 'criteria' });
    assert.deepEqual(
      rest.map((e) => `${e.label} ${e.description}`),
      [
        '1. Business problem 5/5',
        '3. Value proposition 8/8',
        '4. Stakeholders 1/1',
        '5. Data 9/9',
        '6. Prediction task 10/10',
        '7. Offline evaluation 6/6',
        '8. Requirements 11/11',
        '9. Return on investment 7/7',
        '10. Life cycle plan 7/7',
        'Linked experiments forecast-lgbm',
      ],
    );
    const empty = framingChecklist(createFraming(store, emptyFramingDocument('New')));
    assert.equal(empty.children[1]!.children[0]!.description, 'unanswered');
    assert.equal(empty.children.find((e) => e.id.endsWith(':step:value'))!.description, '0/8');
  });
});

describe('framings saved before the canvas questions (format version 1)', () => {
  const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

  test('a stored version 1 framing opens with the new questions unanswered and nothing lost; saving writes version 2', () => {
    const store = tempStore();
    const v1 = fixture('spam.v1.json');
    const old = JSON.parse(v1) as { version: number; evaluation: { nonMlBaseline: string } };
    assert.equal(old.version, 1);
    const at = 1000;
    store.db.prepare('INSERT INTO framings (name, document, revision, created_at, updated_at) VALUES (?, ?, 1, ?, ?)').run('Email spam detection', v1, at, at);
    const id = (store.db.prepare('SELECT id FROM framings').get() as { id: number }).id;
    store.db.prepare("INSERT INTO framing_revisions (framing_id, revision, document, saved_at, saved_by) VALUES (?, 1, ?, ?, 'old')").run(id, v1, at);

    const read = getFraming(store, id)!;
    assert.equal(read.document.version, 2);
    assert.equal(read.document.baseline.solution, old.evaluation.nonMlBaseline, 'the non-ML baseline moved to step 2');
    assert.equal(read.document.baseline.withoutMl, null);
    assert.equal(read.document.data.labelDelayDays, null);
    assert.deepEqual(read.document.lifecycle.killCriteria, []);
    assert.deepEqual(read.document.lifecycle.owners.map((o) => o.role), ['model', 'data', 'on-call']);
    // Every version 1 answer is still there.
    const example = exampleFraming('spam');
    for (const section of ['problem', 'criteria', 'value', 'stakeholders'] as const) assert.deepEqual(read.document[section], example[section], section);
    assert.equal(read.document.evaluation.baseline, example.evaluation.baseline);
    assert.deepEqual(read.document.roi.gains, example.roi.gains);
    assert.equal(getRevision(store, id, 1)!.version, 2, 'old revisions open too');

    const missing = assess(read.document).missing.map((m) => m.path);
    for (const path of ['baseline.withoutMl', 'data.labelDelayDays', 'prediction.decision', 'requirements.explainability', 'lifecycle.owners', 'lifecycle.killCriteria', 'roi.peopleCost']) {
      assert.ok(missing.includes(path), `${path} is asked`);
    }
    const saved = saveFraming(store, id, applyFieldEdit(read.document, 'baseline.withoutMl', 'no').document, { reason: 'wizard' });
    assert.equal(saved.revision, 2);
    const stored = JSON.parse((store.db.prepare('SELECT document FROM framings WHERE id = ?').get(id) as { document: string }).document) as { version: number; evaluation: object };
    assert.equal(stored.version, 2);
    assert.ok(!('nonMlBaseline' in stored.evaluation));
    assert.equal(JSON.parse((store.db.prepare('SELECT document FROM framing_revisions WHERE framing_id = ? AND revision = 1').get(id) as { document: string }).document).version, 1, 'revision 1 is kept as written');
  });

  test('a version 1 ML_FRAMING.md still imports, its non-ML baseline into step 2', () => {
    const markdown = fixture('ML_FRAMING.sales.v1.md');
    assert.match(markdown, /format 1/);
    const result = framingFromMarkdown(markdown);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
    assert.equal(result.document.baseline.solution, 'Seasonal naive: the same week last year, scaled by this year’s trend.');
    assert.equal(result.document.evaluation.threshold, 0.15);
    assert.equal(result.document.baseline.withoutMl, null);
    assert.deepEqual(result.document.lifecycle.killCriteria, []);
    assert.equal(result.document.roi.costs.length, 4);
  });

  test('a document from a newer ML Lifecycle is refused, not guessed at', () => {
    assert.throws(() => parseFramingDocument({ ...exampleFraming('spam'), version: 3 }, 'ML_FRAMING.json'), /newer ML Lifecycle \(format version 3\)/);
  });
});
