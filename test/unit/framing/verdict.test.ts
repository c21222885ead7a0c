import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CRITERIA } from '../../../src/framing/criteria.ts';
import { CRITERION_IDS, type Answer } from '../../../src/framing/document.ts';
import { describeRoi, roi } from '../../../src/framing/roi.ts';
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
      v.atRisk.map((r) => [r.criterion, r.answer]),
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
    assert.equal(oneNo.atRisk[0]!.criterion, 'cheapErrors');
    assert.match(oneNo.atRisk[0]!.risk, /human in the loop/);
  });

  test('stable patterns ("no" on the bonus criterion) never block a strong fit but are listed at risk', () => {
    const v = verdict({ ...all('yes'), changingPatterns: 'no' });
    assert.equal(v.level, 'strong-fit');
    assert.equal(v.atRisk[0]!.criterion, 'changingPatterns');
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
    // The sales-forecasting example: 65,000 a month of gains; 150,000 once plus 13,000 a month of costs.
    const result = roi({
      gains: [{ amount: 40_000 }, { amount: 25_000 }],
      costs: [
        { amount: 150_000, recurring: false },
        { amount: 2_000, recurring: true },
        { amount: 3_000, recurring: true },
        { amount: 8_000, recurring: true },
      ],
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
