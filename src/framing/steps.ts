import type { FieldSpec, StepSpec } from './fieldSpec.ts';
import { DISCOVERY_STEPS } from './steps/discovery.ts';
import { MODELLING_STEPS } from './steps/modelling.ts';
import { OPERATION_STEPS } from './steps/operations.ts';

export { STEP_IDS, type ChoiceOption, type ColumnSpec, type FieldSpec, type StepId, type StepSpec } from './fieldSpec.ts';

/**
 * The wizard's steps and every question in them, with guidance and an example each. One
 * catalogue drives the wizard's form, the checklist's completion counts, the review of what is
 * missing and the Markdown labels, so they never disagree.
 */
export const STEPS: readonly StepSpec[] = [
  ...DISCOVERY_STEPS,
  ...MODELLING_STEPS,
  ...OPERATION_STEPS,
  {
    id: 'review',
    number: 11,
    title: 'Review',
    intro: 'Every answer on one page, what is still missing, and the verdict. Export it as Markdown to discuss it in a pull request.',
    fields: [],
  },
];

/** Every field by path, including the parts of composite fields (criterion answer/note, quality required/note, flags). */
export const FIELDS_BY_PATH: ReadonlyMap<string, { step: StepSpec; field: FieldSpec }> = new Map(
  STEPS.flatMap((step) => step.fields.map((field) => [field.path, { step, field }] as const)),
);
