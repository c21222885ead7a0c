import type { Answer, CriterionId } from './document.ts';

/**
 * How much a criterion weighs in the verdict:
 * - essential: without it there is nothing for a model to do; a "no" means look for another approach;
 * - supporting: ML can still work without it, but it costs more or risks more;
 * - bonus: not needed, but when it holds ML beats the alternatives clearly.
 */
export type CriterionRole = 'essential' | 'supporting' | 'bonus';

export interface Criterion {
  id: CriterionId;
  /** Short name for lists, tree items and the Markdown table. */
  label: string;
  /** The question as asked in the wizard and the quick pick. */
  question: string;
  guidance: string;
  example: string;
  role: CriterionRole;
  /** What a "no" means for the project and what to do about it. */
  ifNo: string;
  /** What a "yes" adds to the case for ML, when worth saying. */
  ifYes?: string;
}

export const CRITERIA: readonly Criterion[] = [
  {
    id: 'learnable',
    label: 'Something to learn from examples',
    question: 'Are there examples of inputs paired with the right outputs for a model to learn from?',
    guidance:
      'A model generalises from examples: it needs cases where you know both what went in and what the correct answer was, or a way to obtain them.',
    example: 'Past emails (input) together with whether users reported them as spam (output).',
    role: 'essential',
    ifNo: 'With no examples that pair an input with its correct outcome there is no signal to learn from.',
  },
  {
    id: 'complexPatterns',
    label: 'Patterns too complex for rules',
    question: 'Is there a real pattern, neither pure chance nor simple enough to write down as rules?',
    guidance:
      'If the outcome is random no model can find structure; if a handful of if-statements captures it, write those instead. ML earns its keep in between.',
    example: 'Recognising spoken words varies too much to hand-code; lottery draws have no pattern; a tax rate per country is a lookup table.',
    role: 'essential',
    ifNo: 'The outcome is either chance or simple enough for explicit rules; rules are cheaper to build, test and explain.',
  },
  {
    id: 'dataAvailable',
    label: 'Data exists or can be collected',
    question: 'Does the data exist already, or can you start collecting it?',
    guidance:
      'No data, no model. Without labelled history there are still two ways in: start from a pretrained model that works zero-shot, or launch with people (or simple heuristics) making the decisions, log what they decide, and train once enough has piled up ("fake it till you make it").',
    example: 'A ticket router can go live with agents routing by hand; their choices become the training labels.',
    role: 'essential',
    ifNo: 'There is no data and no plan to gather it. Try a pretrained, zero-shot model, or run the process by hand and log the decisions to train on later.',
  },
  {
    id: 'predictive',
    label: 'Framable as predictions',
    question: 'Can the problem be phrased as "what is the output for this input?", ideally needing many cheap, approximate answers?',
    guidance:
      'A prediction can be about the future, the present or the past ("is this payment fraudulent?"). ML pays off most when you need lots of quick estimates that may be slightly off, rather than a few exact ones. If the whole problem is not a prediction, look for the part that is.',
    example: '"How many umbrellas will store 12 sell next week?", asked for every product and store, every week.',
    role: 'essential',
    ifNo: 'The problem is not phrased as a prediction. Find the part of it that is, or solve it another way.',
  },
  {
    id: 'similarData',
    label: 'Production data resembles training data',
    question: 'Will the data the model meets in production look like the data it was trained on?',
    guidance:
      'A model only knows what it has seen. New customer groups, a new market or adversaries who adapt all move live inputs away from the training set, and accuracy falls with them.',
    example: 'A demand model trained only on summer weeks, used for the December rush.',
    role: 'supporting',
    ifNo: 'Live inputs will differ from the training data, so expect accuracy to drop: monitor drift, plan retraining, or collect training data in the production setting first.',
  },
  {
    id: 'repetitive',
    label: 'Repetitive task',
    question: 'Is the same kind of decision made over and over?',
    guidance: 'Repetition produces more examples to learn from and spreads the cost of building the model over many uses.',
    example: 'Scoring every incoming loan application, as opposed to deciding one acquisition.',
    role: 'supporting',
    ifNo: 'A rarely repeated decision gives few examples and little return on the effort.',
  },
  {
    id: 'cheapErrors',
    label: 'Wrong predictions are cheap',
    question: 'Is a wrong prediction cheap, or can its damage be contained?',
    guidance:
      'Every model is wrong sometimes. Weigh what a mistake costs; when it is expensive, keep a person in the loop, add a safe fallback or only act on confident predictions.',
    example: 'A poor song suggestion costs a skip; a missed tumour on a scan can cost a life.',
    role: 'supporting',
    ifNo: 'Mistakes are expensive: keep a human in the loop, add a safe fallback, and only act automatically on confident predictions.',
  },
  {
    id: 'atScale',
    label: 'Runs at scale',
    question: 'Will it make enough predictions to repay building and running it?',
    guidance:
      'An ML system needs people, data, infrastructure and upkeep. That investment pays back when the model is used a lot: a small gain per decision times many decisions.',
    example: 'A 0.1% saving on millions of daily requests can fund a team; a report produced twice a year cannot.',
    role: 'supporting',
    ifNo: 'At low volume the system may never repay its build and running costs; check the ROI step before committing.',
  },
  {
    id: 'changingPatterns',
    label: 'Patterns keep changing',
    question: 'Do the patterns shift so often that hand-written rules could not keep up?',
    guidance:
      'When the world moves quickly, a model retrained on fresh data keeps pace better than people editing rules. It also means planning for retraining from day one.',
    example: 'Spam senders reword their messages every week to slip past filters.',
    role: 'bonus',
    ifNo: 'The patterns are stable: check whether well-maintained rules would do the job more cheaply.',
    ifYes: 'Patterns change faster than rules can be rewritten, which favours a model that is retrained on fresh data; plan retraining triggers in the life cycle step.',
  },
];

export const CRITERIA_BY_ID: ReadonlyMap<CriterionId, Criterion> = new Map(CRITERIA.map((c) => [c.id, c]));

export const ANSWER_LABELS: Record<Answer, string> = { yes: 'yes', no: 'no', 'not-sure': 'not sure' };

/** How an answer (or its absence) reads in the checklist and the Markdown file. */
export function answerLabel(answer: Answer | null): string {
  return answer === null ? 'unanswered' : ANSWER_LABELS[answer];
}
