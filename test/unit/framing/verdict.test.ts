import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CRITERIA } from '../../../src/framing/criteria.ts';
import { CRITERION_IDS, type Answer } from '../../../src/framing/document.ts';
import { assess } from '../../../src/framing/assess.ts';
import { applyFieldEdit } from '../../../src/framing/edit.ts';
import { exampleFraming } from '../../../src/framing/examples.ts';
import { describeRoi, roi } from '../../../src/framing/roi.ts';
import { planRisks } from '../../../src/framing/risks.ts';
import { STEPS } from '../../../src/framing/steps.ts';
import { type Answers, verdict } from '../../../src/framing/verdict.ts';

const all = (answer: Answer): Answers => Object.fromEntries(CRITERION_IDS.map((id) => [id, answer]));

describe('verdict', () => {
  test('every criterion yes is a strong fit', () => {
    const v = verdict(all('yes'));
    assert.equal(v.level, 'strong-fit');
    assert.deepEqual(v.atRisk, []);
    assert.ok(v.reasons.some((r) => r.includes('All four essentials hold')));
  });

  test('one essential "no" points to a non-ML solution and says why', () => {
    const v = verdict({ ...all('yes'), complexPatterns: 'no' });
    assert.equal(v.level, 'consider-non-ml');
    assert.ok(v.reasons[0]!.includes('Patterns too complex for rules'));
    assert.deepEqual(
      v.atRisk.map((r) => [r.id, r.answer]),
      [['complexPatterns', 'no']],
    );
  });

  test('three missing supporting conditions outweigh the essentials', () => {
    const v = verdict({ ...all('yes'), similarData: 'no', repetitive: 'no', atScale: 'no' });
    assert.equal(v.level, 'consider-non-ml');
    assert.match(v.reasons[0]!, /3 of the 4 conditions/);
  });

  test('two "not sure" answers or one supporting "no" call for care', () => {
    assert.equal(verdict({ ...all('yes'), similarData: 'not-sure' }).level, 'strong-fit');
    assert.equal(verdict({ ...all('yes'), similarData: 'not-sure', cheapErrors: 'not-sure' }).level, 'proceed-with-care');
    const oneNo = verdict({ ...all('yes'), cheapErrors: 'no' });
    assert.equal(oneNo.level, 'proceed-with-care');
    assert.equal(oneNo.atRisk[0]!.id, 'cheapErrors');
    assert.match(oneNo.atRisk[0]!.risk, /human in the loop/);
  });

  test('stable patterns ("no" on the bonus criterion) never block a strong fit but are listed at risk', () => {
    const v = verdict({ ...all('yes'), changingPatterns: 'no' });
    assert.equal(v.level, 'strong-fit');
    assert.equal(v.atRisk[0]!.id, 'changingPatterns');
  });

  test('unanswered questions make the verdict provisional, never a strong fit', () => {
    const none = verdict({});
    assert.equal(none.level, 'proceed-with-care');
    assert.match(none.reasons.at(-1)!, /Nothing is answered yet/);
    const { atScale: _omitted, ...rest } = all('yes');
    const partial = verdict(rest);
    assert.equal(partial.level, 'proceed-with-care');
    assert.ok(partial.reasons.some((r) => r.includes('Unanswered (1 of 9)') && r.includes('Runs at scale')));
  });

  test('a negative ROI downgrades a strong fit and is named in the reasons', () => {
    const losing = roi({ gains: [{ amount: 1000 }], costs: [{ amount: 50_000, recurring: false }], period: 'month', horizon: 12 });
    const v = verdict(all('yes'), { roi: losing });
    assert.equal(v.level, 'proceed-with-care');
    assert.ok(v.reasons.some((r) => r.includes('costs exceed the gains')));
    const winning = roi({ gains: [{ amount: 10_000 }], costs: [{ amount: 50_000, recurring: false }], period: 'month', horizon: 12 });
    assert.equal(verdict(all('yes'), { roi: winning }).level, 'strong-fit');
  });

  test('baseline first: a solution without ML that meets the threshold points away from ML; one that could launch calls for care', () => {
    const bar = { threshold: 0.95, direction: 'max' as const };
    const meets = verdict(all('yes'), { baseline: { withoutMl: 'no', score: 0.96, ...bar } });
    assert.equal(meets.level, 'consider-non-ml');
    assert.ok(meets.reasons.some((r) => r.startsWith('The solution without ML already meets the success threshold (it scores 0.96; the success threshold is 0.95)')));
    assert.deepEqual(meets.atRisk.map((r) => [r.id, r.step]), [['baseline.score', 'criteria']]);
    const lowerIsBetter = verdict(all('yes'), { baseline: { withoutMl: 'yes', score: 0.24, threshold: 0.15, direction: 'min' } });
    assert.equal(lowerIsBetter.level, 'proceed-with-care', 'a launchable solution that misses the bar still means care');
    assert.match(lowerIsBetter.atRisk[0]!.risk, /Ship it first, measure it/);
    assert.equal(verdict(all('yes'), { baseline: { withoutMl: 'not-sure', score: null, ...bar } }).level, 'proceed-with-care');
    const fallsShort = verdict(all('yes'), { baseline: { withoutMl: 'no', score: 0.81, ...bar } });
    assert.equal(fallsShort.level, 'strong-fit');
    assert.ok(fallsShort.reasons.some((r) => r.includes('Without ML the best option falls short (it scores 0.81')));
    assert.equal(fallsShort.baseline, fallsShort.reasons.find((r) => r.startsWith('Without ML')), 'the wizard shows it beside the baseline questions');
    assert.equal(verdict(all('yes')).baseline, null);
  });

  test('the cost of ownership counts in the ROI, and a better next-best use downgrades a strong fit', () => {
    const input = { gains: [{ amount: 10_000 }], costs: [{ amount: 50_000, recurring: false }], period: 'month' as const, horizon: 12 };
    const owned = roi({ ...input, ownership: [1_000, null, 500, 2_500] });
    assert.equal(owned.ownershipPerPeriod, 4_000);
    assert.equal(owned.recurringCostPerPeriod, 4_000);
    assert.equal(owned.totalCost, 50_000 + 4_000 * 12);
    assert.equal(owned.paybackPeriods, 50_000 / 6_000);
    const better = roi({ ...input, ownership: [4_000], opportunityPerPeriod: 2_000 });
    assert.equal(better.netOfOpportunity, 120_000 - 98_000 - 24_000);
    assert.match(describeRoi(better), /; the next-best use would bring 2,000 more$/);
    const v = verdict(all('yes'), { roi: better });
    assert.equal(v.level, 'proceed-with-care');
    assert.ok(v.reasons.some((r) => r.startsWith('The next-best use of the same people and money would bring 2,000 more')));
  });

  test('risks in the plan: leakage, late labels without a drift monitor, no human for costly errors, personal data without a basis, unmeasured fairness, missing owners, incomplete kill criteria', () => {
    let document = exampleFraming('spam');
    assert.deepEqual(planRisks(document).map((r) => r.id), ['prediction.featureAvailability.2']);
    const set = (path: string, value: string | boolean | null) => {
      const result = applyFieldEdit(document, path, value);
      assert.equal(result.issue, null, result.issue?.message);
      document = result.document;
    };
    set('data.labelDelayDays', '30');
    set('lifecycle.killCriteria.2.signal', 'metric');
    set('prediction.humanInLoop', 'none');
    set('criteria.cheapErrors.answer', 'no');
    set('data.rights.0.permission', '');
    set('requirements.fairnessGap', '');
    set('lifecycle.owners.2.owner', '');
    set('lifecycle.killCriteria.3.limit', '');
    const risks = planRisks(document);
    assert.deepEqual(risks.map((r) => r.id), [
      'prediction.featureAvailability.2',
      'data.labelDelayDays',
      'prediction.humanInLoop',
      'data.rights.0',
      'requirements.fairnessMetric',
      'lifecycle.owners.on-call',
      'lifecycle.killCriteria.2',
      'lifecycle.killCriteria.3',
    ]);
    assert.match(risks[1]!.risk, /known 30 days after each prediction/);
    assert.equal(risks[3]!.status, 'no consent, legal basis or licence');
    assert.match(risks[6]!.risk, /because it names no production metric/);
    // The verdict lists them after the criteria, each pointing at its step.
    const { atRisk } = assess(document).verdict;
    assert.ok(atRisk.some((r) => r.id === 'lifecycle.owners.on-call' && r.step === 'lifecycle' && r.label === 'Nobody owns the on-call'));
  });

  test('every question has guidance and an example; both worked examples answer every one', () => {
    for (const step of STEPS) {
      for (const field of step.fields) {
        assert.ok(field.guidance.length > 10, field.path);
        assert.ok(field.example.length > 0, field.path);
      }
    }
    for (const id of ['spam', 'sales'] as const) assert.deepEqual(assess(exampleFraming(id)).missing, [], id);
  });

  test('every criterion has guidance and an example', () => {
    assert.equal(CRITERIA.length, 9);
    for (const c of CRITERIA) {
      assert.ok(c.question.endsWith('?'), c.id);
      assert.ok(c.guidance.length > 40, c.id);
      assert.ok(c.example.length > 20, c.id);
    }
  });
});

describe('roi', () => {
  test('ROI = (gain − cost) / cost over the horizon, with the payback period', () => {
    // The sales-forecasting example: 65,000 a month of gains; 150,000 once plus 13,000 a month of costs, 11,000 of them the cost of ownership.
    const result = roi({
      gains: [{ amount: 40_000 }, { amount: 25_000 }],
      costs: [
        { amount: 150_000, recurring: false },
        { amount: 2_000, recurring: true },
      ],
      ownership: [1_500, 1_000, 1_500, 7_000],
      period: 'month',
      horizon: 12,
    });
    assert.equal(result.totalGain, 780_000);
    assert.equal(result.totalCost, 306_000);
    assert.equal(result.roi, (780_000 - 306_000) / 306_000);
    assert.equal(result.paybackPeriods, 150_000 / 52_000);
    assert.equal(describeRoi(result), 'ROI 155% over 12 months; pays back in 2.9 months');
  });

  test('rows without an amount are ignored; no costs means no ratio', () => {
    const result = roi({ gains: [{ amount: 100 }, { amount: null }], costs: [{ amount: null, recurring: true }], period: 'year', horizon: 3 });
    assert.equal(result.totalGain, 300);
    assert.equal(result.roi, null);
    assert.equal(result.paybackPeriods, 0);
    assert.equal(result.hasAmounts, true);
    assert.equal(roi({ gains: [], costs: [], period: 'month', horizon: 12 }).hasAmounts, false);
  });

  test('recurring costs above the gains never pay back', () => {
    const result = roi({ gains: [{ amount: 1_000 }], costs: [{ amount: 5_000, recurring: false }, { amount: 2_000, recurring: true }], period: 'quarter', horizon: 4 });
    assert.equal(result.paybackPeriods, null);
    assert.ok(result.roi! < 0);
    assert.match(describeRoi(result), /never pays back/);
  });
});
