import { formatMetric } from '../shared/format.ts';
import { isBetter } from '../tracking/model.ts';
import { CRITERIA, answerLabel } from './criteria.ts';
import type { Answer, CriterionId } from './document.ts';
import type { StepId } from './fieldSpec.ts';
import { describeRoi, formatAmount, formatPercent, type RoiResult } from './roi.ts';

export type VerdictLevel = 'strong-fit' | 'proceed-with-care' | 'consider-non-ml';

export const VERDICT_LABELS: Record<VerdictLevel, string> = {
  'strong-fit': 'Strong fit for ML',
  'proceed-with-care': 'Proceed with care',
  'consider-non-ml': 'Consider a non-ML solution',
};

export interface AtRisk {
  /** The criterion's id, or the path of the answer at fault ("prediction.featureAvailability.2"). */
  id: string;
  label: string;
  /** The answer or finding as it reads in a list: "no", "not sure", "not known when predicting". */
  status: string;
  /** What the answer puts at risk and what to do about it. */
  risk: string;
  /** The wizard step where it is fixed. */
  step: StepId;
  /** Set when the risk is an answer to a yes / no / not sure question (picks the icon). */
  answer?: Answer;
}

/** Baseline first: the solution without ML, and the bar it sets (src/framing/steps/discovery.ts). */
export interface BaselineCheck {
  withoutMl: Answer | null;
  score: number | null;
  threshold: number | null;
  direction: 'min' | 'max' | null;
}

export interface Verdict {
  level: VerdictLevel;
  reasons: string[];
  atRisk: AtRisk[];
  /** What the baseline-first answers say (also among the reasons or risks); null while there is nothing to say. */
  baseline: string | null;
}

export type Answers = Readonly<Partial<Record<CriterionId, Answer | null>>>;

/** Three or more missing supporting conditions outweigh four essentials that hold. */
const SUPPORTING_NO_LIMIT = 3;

/**
 * Whether ML is worth trying, from the "Should we use ML?" answers (and the ROI, when there is
 * one): an essential condition answered "no" points away from ML; all essentials "yes" with no
 * supporting "no" and at most one "not sure" is a strong fit; everything between needs care.
 */
export function verdict(answers: Answers, context: { roi?: RoiResult | null; baseline?: BaselineCheck; risks?: readonly AtRisk[] } = {}): Verdict {
  const reasons: string[] = [];
  const atRisk: AtRisk[] = [];
  const list = (labels: string[]) => labels.map((l) => `"${l}"`).join(', ');
  const of = (role: string, answer: Answer | null) => CRITERIA.filter((c) => c.role === role && (answers[c.id] ?? null) === answer);

  for (const criterion of CRITERIA) {
    const answer = answers[criterion.id] ?? null;
    const risk = answer === 'no' ? criterion.ifNo : answer === 'not-sure' ? `Not settled yet. If the answer turns out to be no: ${criterion.ifNo}` : null;
    if (risk && answer) atRisk.push({ id: criterion.id, label: criterion.label, status: answerLabel(answer), answer, risk, step: 'criteria' });
  }

  const essentialNo = of('essential', 'no');
  const supportingNo = of('supporting', 'no');
  const unanswered = CRITERIA.filter((c) => (answers[c.id] ?? null) === null);
  const notSure = CRITERIA.filter((c) => answers[c.id] === 'not-sure');
  const essentialYes = of('essential', 'yes');

  let level: VerdictLevel;
  if (essentialNo.length > 0) {
    level = 'consider-non-ml';
    for (const c of essentialNo) reasons.push(`Essential condition "${c.label}" is answered no. ${c.ifNo}`);
  } else if (supportingNo.length >= SUPPORTING_NO_LIMIT) {
    level = 'consider-non-ml';
    reasons.push(`${supportingNo.length} of the ${CRITERIA.filter((c) => c.role === 'supporting').length} conditions that make ML pay off are missing: ${list(supportingNo.map((c) => c.label))}.`);
  } else if (essentialYes.length === CRITERIA.filter((c) => c.role === 'essential').length && supportingNo.length === 0 && notSure.length <= 1 && unanswered.length === 0) {
    level = 'strong-fit';
    reasons.push('All four essentials hold: examples to learn from, a pattern too complex for rules, data, and a prediction to make.');
    reasons.push(notSure.length ? `Only one question is still open: "${notSure[0]!.label}".` : 'None of the supporting conditions is missing.');
  } else {
    level = 'proceed-with-care';
    if (essentialYes.length === 4) reasons.push('All four essentials hold.');
    if (supportingNo.length) reasons.push(`Missing: ${list(supportingNo.map((c) => c.label))}; see the risks below.`);
    if (notSure.length) reasons.push(`Not sure yet: ${list(notSure.map((c) => c.label))}. Settle these before investing heavily.`);
  }
  if (unanswered.length) {
    reasons.push(
      unanswered.length === CRITERIA.length
        ? 'Nothing is answered yet, so this verdict says nothing so far: answer the "Should we use ML?" questions.'
        : `Unanswered (${unanswered.length} of ${CRITERIA.length}): ${list(unanswered.map((c) => c.label))}. The verdict is provisional.`,
    );
  }
  let baselineNote: string | null = null;
  if (context.baseline) [level, baselineNote] = weighBaseline(context.baseline, level, reasons, atRisk);
  const changing = CRITERIA.find((c) => c.id === 'changingPatterns')!;
  if (answers.changingPatterns === 'yes' && changing.ifYes && level !== 'consider-non-ml') reasons.push(changing.ifYes);

  const result = context.roi;
  if (result?.hasAmounts && result.roi !== null) {
    if (result.roi < 0) {
      reasons.push(`Over the horizon the costs exceed the gains (${describeRoi(result)}): the numbers alone do not justify building it.`);
      if (level === 'strong-fit') level = 'proceed-with-care';
    } else reasons.push(`${describeRoi(result)}.`);
    if (result.netOfOpportunity !== null && result.netOfOpportunity < 0) {
      reasons.push(`The next-best use of the same people and money would bring ${formatAmount(-result.netOfOpportunity)} more over the horizon: fund that first, or find a larger gain.`);
      if (level === 'strong-fit') level = 'proceed-with-care';
    }
  }
  atRisk.push(...(context.risks ?? []));
  return { level, reasons, atRisk, baseline: baselineNote };
}

const BASELINE_LABEL = 'Baseline first';

/**
 * Baseline first (Rules of ML #1: launch without ML when you can). A solution without ML that
 * already meets the success threshold points away from ML; one that could launch, or that nobody
 * has tried yet, means care.
 */
function weighBaseline(baseline: BaselineCheck, level: VerdictLevel, reasons: string[], atRisk: AtRisk[]): [VerdictLevel, string | null] {
  const { withoutMl, score, threshold, direction } = baseline;
  const scored = score !== null && threshold !== null && direction !== null;
  const meets = scored && (score === threshold || isBetter(score, threshold, direction));
  const bar = scored ? ` (it scores ${formatMetric(score)}; the success threshold is ${formatMetric(threshold)})` : '';
  if (meets) {
    const risk = `The solution without ML already meets the success threshold${bar}: launch it, and turn to ML once it no longer keeps up.`;
    reasons.push(risk);
    atRisk.push({ id: 'baseline.score', label: BASELINE_LABEL, status: 'meets the threshold without ML', risk, step: 'criteria' });
    return ['consider-non-ml', risk];
  }
  if (withoutMl === 'yes') {
    const risk = `A solution without ML could launch${bar}. Ship it first, measure it, and make its score the bar the model has to clear.`;
    reasons.push(risk);
    atRisk.push({ id: 'baseline.withoutMl', label: BASELINE_LABEL, status: 'yes', answer: 'yes', risk, step: 'criteria' });
    return [level === 'strong-fit' ? 'proceed-with-care' : level, risk];
  }
  if (withoutMl === 'not-sure') {
    const risk = 'Nobody has tried a solution without ML yet. Measure the best rule, heuristic, vendor API or pre-trained model before building: if it is good enough, launch that first.';
    atRisk.push({ id: 'baseline.withoutMl', label: BASELINE_LABEL, status: 'not sure', answer: 'not-sure', risk, step: 'criteria' });
    return [level === 'strong-fit' ? 'proceed-with-care' : level, risk];
  }
  if (withoutMl === 'no' && scored) {
    const note = `Without ML the best option falls short${bar}: that is the bar a model has to clear.`;
    reasons.push(note);
    return [level, note];
  }
  return [level, withoutMl === 'no' ? 'No solution without ML is good enough to launch. Give its score to know the bar a model has to clear.' : null];
}

/** One line for a tree item's description or a heading: "Proceed with care · 2 at risk". */
export function summarizeVerdict(v: Verdict, roiResult?: RoiResult | null): string {
  const parts = [VERDICT_LABELS[v.level]];
  if (v.atRisk.length) parts.push(`${v.atRisk.length} at risk`);
  if (roiResult?.hasAmounts && roiResult.roi !== null) parts.push(`ROI ${formatPercent(roiResult.roi)}`);
  return parts.join(' · ');
}
