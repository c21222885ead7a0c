/**
 * The shapes of the wizard's catalogue: steps, their questions (fields) and list columns. Paths
 * are dotted paths into the FramingDocument ("evaluation.threshold", "roi.costs.2.amount").
 */
import type { CriterionId } from './document.ts';

export const STEP_IDS = ['problem', 'criteria', 'value', 'stakeholders', 'data', 'prediction', 'evaluation', 'requirements', 'roi', 'lifecycle', 'review'] as const;
export type StepId = (typeof STEP_IDS)[number];

export interface ChoiceOption {
  value: string;
  label: string;
  description?: string;
}

interface FieldBase {
  path: string;
  label: string;
  guidance: string;
  example: string;
  /** Left out of completion counts: a note that only some projects need. */
  optional?: boolean;
  /** Not asked (left out of completion counts) while another answer makes it moot. */
  skipWhen?: { path: string; equals: string };
}

export type ColumnSpec =
  | { key: string; label: string; kind: 'text'; placeholder: string; /** A row counts as answered without it. */ optional?: boolean }
  | { key: string; label: string; kind: 'choice'; options: readonly ChoiceOption[] }
  | { key: string; label: string; kind: 'money' }
  | { key: string; label: string; kind: 'number' }
  | { key: string; label: string; kind: 'flag' };

export type FieldSpec =
  | (FieldBase & { kind: 'text' | 'textarea'; placeholder?: string })
  | (FieldBase & { kind: 'choice'; options: readonly ChoiceOption[]; style: 'radio' | 'select' })
  | (FieldBase & { kind: 'number'; unit: string; integer?: boolean; min?: number })
  | (FieldBase & { kind: 'quality' })
  | (FieldBase & { kind: 'flags'; flags: readonly { path: string; label: string }[] })
  | (FieldBase & { kind: 'criterion'; criterion: CriterionId })
  | (FieldBase & { kind: 'list'; columns: readonly ColumnSpec[]; addLabel: string; blankRow: Readonly<Record<string, string | boolean | null>> });

export interface StepSpec {
  id: StepId;
  number: number;
  title: string;
  intro: string;
  fields: readonly FieldSpec[];
}

/** Choice options from a document enum, with labels and optional descriptions. */
export const options = (values: readonly string[], labels: Record<string, string>, descriptions: Record<string, string> = {}): ChoiceOption[] =>
  values.map((value) => ({ value, label: labels[value] ?? value, ...(descriptions[value] ? { description: descriptions[value] } : {}) }));

/** Yes / No / Not sure, for questions answered like the checklist. */
export const ANSWER_OPTIONS = options(['yes', 'no', 'not-sure'], { yes: 'Yes', no: 'No', 'not-sure': 'Not sure' });
