import { CRITERIA } from './criteria.ts';
import { emptyFramingDocument, type FramingDocument, type ObjectiveCategory } from './document.ts';
import { type FieldIssue, changedPaths, valueAt } from './edit.ts';
import { metricInfo, thresholdProblem, type MetricInfo } from './metrics.ts';
import { describeRoi, roi, type RoiResult } from './roi.ts';
import { STEPS, type FieldSpec, type StepId } from './steps.ts';
import { describeMonitor, killCriteriaMonitors } from './monitors.ts';
import { planRisks } from './risks.ts';
import { type BaselineCheck, verdict, type Verdict } from './verdict.ts';

/** Everything the views show beside the answers themselves, computed from one document. */
export interface FramingAssessment {
  verdict: Verdict;
  roi: RoiResult;
  /** "ROI 155% over 12 months; pays back in 2.9 months", or null while no amount is entered. */
  roiSummary: string | null;
  completion: StepCompletion[];
  missing: MissingField[];
  conflicts: StakeholderConflict[];
  sentence: SentencePart[];
  metric: MetricInfo | null;
  issues: FieldIssue[];
  /** The kill criteria as the monitors production is checked against: "f1 below 0.9 → retrain". */
  monitors: string[];
}

export function assess(document: FramingDocument): FramingAssessment {
  const roiResult = roiOf(document);
  return {
    verdict: verdict(answersOf(document), { roi: roiResult, baseline: baselineOf(document), risks: planRisks(document) }),
    roi: roiResult,
    roiSummary: roiResult.hasAmounts ? describeRoi(roiResult) : null,
    completion: completion(document),
    missing: missingFields(document),
    conflicts: stakeholderConflicts(document),
    sentence: valueSentence(document),
    metric: metricInfo(document.evaluation.metric) ?? null,
    issues: documentIssues(document),
    monitors: killCriteriaMonitors(document.lifecycle.killCriteria, document.problem.name).monitors.map(describeMonitor),
  };
}

function answersOf(document: FramingDocument) {
  return Object.fromEntries(CRITERIA.map((c) => [c.id, document.criteria[c.id].answer]));
}

function baselineOf(document: FramingDocument): BaselineCheck {
  const { withoutMl, score } = document.baseline;
  const { threshold, direction, metric } = document.evaluation;
  return { withoutMl, score, threshold, direction: direction ?? metricInfo(metric)?.direction ?? null };
}

function roiOf(document: FramingDocument): RoiResult {
  const { gains, costs, period, horizon, servingCost, monitoringCost, retrainingCost, peopleCost, opportunityCost } = document.roi;
  return roi({ gains, costs, ownership: [servingCost, monitoringCost, retrainingCost, peopleCost], opportunityPerPeriod: opportunityCost, period, horizon });
}

/** Problems that involve more than one field, reported at the field to fix. */
function documentIssues(document: FramingDocument): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const { metric, threshold } = document.evaluation;
  if (threshold !== null) {
    const problem = thresholdProblem(metric, threshold);
    if (problem) issues.push({ path: 'evaluation.threshold', message: `Offline evaluation › Success threshold: ${problem}` });
  }
  return issues;
}

// ---- completion -------------------------------------------------------------------------------

export interface StepCompletion {
  step: StepId;
  number: number;
  title: string;
  done: number;
  total: number;
}

export interface MissingField {
  step: StepId;
  stepTitle: string;
  path: string;
  label: string;
}

const filledText = (value: unknown) => typeof value === 'string' && value.trim() !== '';

/** Whether a question counts as answered: a list needs a row with all its text filled in. */
function isAnswered(document: FramingDocument, field: FieldSpec): boolean {
  const value = valueAt(document, field.path.split('.'));
  switch (field.kind) {
    case 'text':
    case 'textarea':
      return filledText(value);
    case 'choice':
    case 'number':
      return value !== null && value !== undefined;
    case 'criterion':
      return (value as { answer: unknown }).answer !== null;
    case 'quality': {
      const quality = value as { required: boolean; note: string };
      return quality.required || filledText(quality.note);
    }
    case 'flags':
      return field.flags.some((flag) => valueAt(document, flag.path.split('.')) === true);
    case 'list': {
      // A row counts once its text is written: prefilled labels ("False positive") alone do not.
      const texts = field.columns.filter((c) => c.kind === 'text' && !c.optional).map((c) => c.key);
      return (value as Record<string, unknown>[]).some((row) => texts.every((key) => filledText(row[key])));
    }
  }
}

/** Whether a question counts: optional notes and questions another answer made moot do not. */
function counts(document: FramingDocument, field: FieldSpec): boolean {
  if (field.optional) return false;
  return !field.skipWhen || valueAt(document, field.skipWhen.path.split('.')) !== field.skipWhen.equals;
}

/** Answered questions per step (steps 1 to 10; the review has none). */
export function completion(document: FramingDocument): StepCompletion[] {
  return STEPS.filter((step) => step.fields.length > 0).map((step) => {
    const counted = step.fields.filter((f) => counts(document, f));
    return { step: step.id, number: step.number, title: step.title, done: counted.filter((f) => isAnswered(document, f)).length, total: counted.length };
  });
}

function missingFields(document: FramingDocument): MissingField[] {
  return STEPS.flatMap((step) =>
    step.fields.filter((f) => counts(document, f) && !isAnswered(document, f)).map((f) => ({ step: step.id, stepTitle: step.title, path: f.path, label: f.label })),
  );
}

// ---- stakeholders -------------------------------------------------------------------------------

export interface StakeholderConflict {
  /** Row indexes in stakeholders.entries. */
  first: number;
  second: number;
  firstName: string;
  secondName: string;
  why: string;
}

const TENSIONS: readonly { between: readonly [ObjectiveCategory, ObjectiveCategory]; why: string }[] = [
  { between: ['model-quality', 'latency'], why: 'A more accurate model is usually bigger and slower. Agree on a latency budget first, then get the best quality within it.' },
  { between: ['model-quality', 'revenue'], why: 'Ranking by what earns most (commission, margin) is not ranking by what fits best. Decide how much relevance may be traded for revenue.' },
  { between: ['model-quality', 'cost'], why: 'Better models cost more to train, label and serve. Agree what a point of quality is worth.' },
  { between: ['model-quality', 'interpretability'], why: 'The most accurate models tend to be the hardest to explain. Decide where explanations are required.' },
  { between: ['model-quality', 'fairness'], why: 'Constraints that treat groups equally can cost some overall accuracy. Agree on the constraint before tuning.' },
  { between: ['revenue', 'user-experience'], why: 'Pushing what pays most can crowd out what users came for, and cost their trust.' },
  { between: ['revenue', 'fairness'], why: 'What maximises short-term revenue may treat some groups of customers worse.' },
  { between: ['revenue', 'cost'], why: 'Maximising sales (full shelves, more capacity) works against keeping costs and stock down.' },
  { between: ['latency', 'cost'], why: 'Meeting a tight latency budget at peak needs more, and faster, hardware.' },
];

/** Pairs of stakeholders whose kinds of objective pull in different directions. */
function stakeholderConflicts(document: FramingDocument): StakeholderConflict[] {
  const entries = document.stakeholders.entries;
  const conflicts: StakeholderConflict[] = [];
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const a = entries[i]!.category;
      const b = entries[j]!.category;
      if (!a || !b || a === b) continue;
      const tension = TENSIONS.find(({ between: [x, y] }) => (x === a && y === b) || (x === b && y === a));
      if (tension) {
        conflicts.push({ first: i, second: j, firstName: entries[i]!.name.trim() || `Stakeholder ${i + 1}`, secondName: entries[j]!.name.trim() || `Stakeholder ${j + 1}`, why: tension.why });
      }
    }
  }
  return conflicts;
}

// ---- value proposition -------------------------------------------------------------------------

/** A piece of the value-proposition sentence: fixed words, or a field (its text, or a placeholder when empty). */
export interface SentencePart {
  text: string;
  /** Set for the parts that come from a field. */
  path?: string;
  filled?: boolean;
}

/** "For [target customer] who [need], our [product] is a [category] that [benefit]." */
function valueSentence(document: FramingDocument): SentencePart[] {
  const slot = (key: keyof FramingDocument['value'], placeholder: string): SentencePart => {
    const text = String(document.value[key] ?? '').trim();
    return { path: `value.${key}`, text: text || placeholder, filled: text !== '' };
  };
  return [
    { text: 'For ' },
    slot('targetCustomer', '[target customer]'),
    { text: ' who ' },
    slot('need', '[need]'),
    { text: ', our ' },
    slot('product', '[product]'),
    { text: ' is a ' },
    slot('category', '[category]'),
    { text: ' that ' },
    slot('benefit', '[benefit]'),
    { text: '.' },
  ];
}

export function sentenceText(parts: readonly SentencePart[]): string {
  return parts.map((p) => p.text).join('');
}

/** True when nothing but the name differs from a new framing: prefilling an example loses nothing. */
export function isBlank(document: FramingDocument): boolean {
  return changedPaths(emptyFramingDocument(document.problem.name), document).length === 0;
}
