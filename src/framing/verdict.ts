import { CRITERIA } from './criteria.ts';
import type { Answer, CriterionId } from './document.ts';
import { describeRoi, formatPercent, type RoiResult } from './roi.ts';

export type VerdictLevel = 'strong-fit' | 'proceed-with-care' | 'consider-non-ml';

export const VERDICT_LABELS: Record<VerdictLevel, string> = {
  'strong-fit': 'Strong fit for ML',
  'proceed-with-care': 'Proceed with care',
  'consider-non-ml': 'Consider a non-ML solution',
};

export interface AtRisk {
  criterion: CriterionId;
  label: string;
  answer: Answer;
  /** What the answer puts at risk and what to do about it. */
  risk: string;
}

export interface Verdict {
  level: VerdictLevel;
  reasons: string[];
  atRisk: AtRisk[];
}

export type Answers = Readonly<Partial<Record<CriterionId, Answer | null>>>;

/** Three or more missing supporting conditions outweigh four essentials that hold. */
const SUPPORTING_NO_LIMIT = 3;

/**
 * Whether ML is worth trying, from the "Should we use ML?" answers (and the ROI, when there is
 * one): an essential condition answered "no" points away from ML; all essentials "yes" with no
 * supporting "no" and at most one "not sure" is a strong fit; everything between needs care.
 */
export function verdict(answers: Answers, context: { roi?: RoiResult | null } = {}): Verdict {
  const reasons: string[] = [];
  const atRisk: AtRisk[] = [];
  const list = (labels: string[]) => labels.map((l) => `"${l}"`).join(', ');
  const of = (role: string, answer: Answer | null) => CRITERIA.filter((c) => c.role === role && (answers[c.id] ?? null) === answer);

  for (const criterion of CRITERIA) {
    const answer = answers[criterion.id] ?? null;
    if (answer === 'no') atRisk.push({ criterion: criterion.id, label: criterion.label, answer, risk: criterion.ifNo });
    if (answer === 'not-sure') atRisk.push({ criterion: criterion.id, label: criterion.label, answer, risk: `Not settled yet. If the answer turns out to be no: ${criterion.ifNo}` });
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
  const changing = CRITERIA.find((c) => c.id === 'changingPatterns')!;
  if (answers.changingPatterns === 'yes' && changing.ifYes && level !== 'consider-non-ml') reasons.push(changing.ifYes);

  const result = context.roi;
  if (result?.hasAmounts && result.roi !== null) {
    if (result.roi < 0) {
      reasons.push(`Over the horizon the costs exceed the gains (${describeRoi(result)}): the numbers alone do not justify building it.`);
      if (level === 'strong-fit') level = 'proceed-with-care';
    } else reasons.push(`${describeRoi(result)}.`);
  }
  return { level, reasons, atRisk };
}

/** One line for a tree item's description or a heading: "Proceed with care · 2 at risk". */
export function summarizeVerdict(v: Verdict, roiResult?: RoiResult | null): string {
  const parts = [VERDICT_LABELS[v.level]];
  if (v.atRisk.length) parts.push(`${v.atRisk.length} at risk`);
  if (roiResult?.hasAmounts && roiResult.roi !== null) parts.push(`ROI ${formatPercent(roiResult.roi)}`);
  return parts.join(' · ');
}
