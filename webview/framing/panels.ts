// Panels of the wizard's steps for the questions of format 2: what the extension computed from
// the baseline-first answers and the kill criteria, shown next to them.
import type { FramingAssessment } from '../../src/framing/assess.ts';
import type { VerdictLevel } from '../../src/framing/verdict.ts';
import { el } from '../shared/vscode.ts';

/** What the verdict makes of the baseline-first answers (step 2). */
export function baselinePanel(assessment: FramingAssessment, verdictLabels: Record<VerdictLevel, string>): HTMLElement {
  const { verdict } = assessment;
  return el(
    'section',
    { class: 'fw-panel', 'data-testid': 'baseline-summary', 'aria-label': 'Baseline first' },
    el('h3', {}, `Verdict: ${verdictLabels[verdict.level]}`),
    verdict.baseline
      ? el('p', {}, el('strong', {}, 'Baseline first: '), verdict.baseline)
      : el('p', { class: 'muted' }, 'Answer the baseline questions below: a solution without ML that meets the success threshold changes the verdict.'),
  );
}

/** The kill criteria as the monitors production will be checked against (step 10). */
export function monitorsPanel(monitors: readonly string[]): HTMLElement {
  return el(
    'section',
    { class: 'fw-panel', 'data-testid': 'monitors', 'aria-label': 'Monitors from the kill criteria' },
    el('h3', {}, `Monitors from the kill criteria (${monitors.length})`),
    monitors.length
      ? el('ul', {}, ...monitors.map((m) => el('li', {}, m)))
      : el('p', { class: 'muted' }, 'Add kill criteria below: each complete row is checked in the Models view and by "ml-lifecycle monitor status".'),
  );
}
