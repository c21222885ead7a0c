import { assess } from './assess.ts';
import { CRITERIA, answerLabel } from './criteria.ts';
import type { Answer, CriterionId } from './document.ts';
import { STEPS, type StepId } from './steps.ts';
import { formatMetric } from '../shared/format.ts';
import type { TreeEntry } from '../shared/treeEntry.ts';
import type { FramingRecord } from './store.ts';
import { VERDICT_LABELS, summarizeVerdict, type VerdictLevel } from './verdict.ts';

/**
 * What the Framing view shows for one framing, computed without `vscode` so it is tested in
 * plain Node. The glue turns each entry into a TreeItem one to one; tooltips are plain text.
 */
export interface ChecklistEntry extends Omit<TreeEntry, 'collapsible'> {
  /** Criteria only: the checkbox, checked when the answer is yes. */
  checked?: boolean;
  criterion?: { framingId: number; id: CriterionId; answer: Answer | null };
  /** Clicking opens the wizard at this step. */
  open?: { framingId: number; step: StepId };
  children: ChecklistEntry[];
}

const ANSWER_ICONS: Record<Answer | 'unanswered', { id: string; color?: string }> = {
  yes: { id: 'pass-filled', color: 'testing.iconPassed' },
  no: { id: 'circle-slash', color: 'list.errorForeground' },
  'not-sure': { id: 'question', color: 'list.warningForeground' },
  unanswered: { id: 'circle-large-outline' },
};

const VERDICT_ICONS: Record<VerdictLevel, { id: string; color: string }> = {
  'strong-fit': { id: 'verified-filled', color: 'testing.iconPassed' },
  'proceed-with-care': { id: 'warning', color: 'list.warningForeground' },
  'consider-non-ml': { id: 'circle-slash', color: 'list.errorForeground' },
};

export function framingChecklist(record: FramingRecord, linkedExperiments: readonly string[] = []): ChecklistEntry {
  const { document } = record;
  const assessment = assess(document);
  const { verdict } = assessment;
  const key = `framing:${record.id}`;

  const verdictEntry: ChecklistEntry = {
    id: `${key}:verdict`,
    label: `Verdict: ${VERDICT_LABELS[verdict.level]}`,
    ...(verdict.atRisk.length ? { description: `${verdict.atRisk.length} at risk` } : {}),
    tooltip: [VERDICT_LABELS[verdict.level], '', ...verdict.reasons.map((r) => `• ${r}`), ...(verdict.atRisk.length ? ['', 'At risk:', ...verdict.atRisk.map((r) => `• ${r.label} (${r.status}): ${r.risk}`)] : [])].join('\n'),
    icon: VERDICT_ICONS[verdict.level],
    contextValue: `verdict.${verdict.level}`,
    expanded: false,
    open: { framingId: record.id, step: 'review' },
    children: [
      ...verdict.reasons.map((reason, i) => ({ id: `${key}:reason:${i}`, label: reason, tooltip: reason, icon: { id: 'info' }, contextValue: 'verdictReason', children: [] })),
      ...verdict.atRisk.map((risk) => ({
        id: `${key}:risk:${risk.id}`,
        label: `${risk.label}: ${risk.status}`,
        description: risk.risk,
        tooltip: `${risk.risk}\n\nClick to open this in the Framing Wizard.`,
        icon: risk.answer ? ANSWER_ICONS[risk.answer] : { id: 'warning', color: 'list.warningForeground' },
        contextValue: 'verdictRisk',
        open: { framingId: record.id, step: risk.step },
        children: [],
      })),
    ],
  };

  const answered = CRITERIA.filter((c) => document.criteria[c.id].answer !== null).length;
  const criteriaEntry: ChecklistEntry = {
    id: `${key}:criteria`,
    label: 'Should we use ML?',
    description: `${answered}/${CRITERIA.length} answered`,
    tooltip: 'Check a criterion when it holds (yes). Use the inline button for "no" or "not sure".',
    icon: { id: 'checklist' },
    contextValue: 'criteria',
    expanded: true,
    children: CRITERIA.map((c): ChecklistEntry => {
      const answer = document.criteria[c.id].answer;
      const note = document.criteria[c.id].note.trim();
      return {
        id: `${key}:criterion:${c.id}`,
        label: c.label,
        description: answerLabel(answer),
        tooltip: [c.question, '', c.guidance, '', `Example: ${c.example}`, ...(note ? ['', `Note: ${note}`] : []), '', `Answer: ${answerLabel(answer)}`].join('\n'),
        icon: ANSWER_ICONS[answer ?? 'unanswered'],
        contextValue: 'criterion',
        checked: answer === 'yes',
        criterion: { framingId: record.id, id: c.id, answer },
        children: [],
      };
    }).concat(baselineEntry(record)),
  };

  const steps: ChecklistEntry[] = assessment.completion
    .filter((c) => c.step !== 'criteria')
    .map((c) => {
      const step = STEPS.find((s) => s.id === c.step)!;
      const missing = assessment.missing.filter((m) => m.step === c.step).map((m) => m.label);
      const icon = c.done === c.total ? { id: 'pass', color: 'testing.iconPassed' } : c.done === 0 ? { id: 'circle-large-outline' } : { id: 'circle-large-filled', color: 'list.warningForeground' };
      return {
        id: `${key}:step:${c.step}`,
        label: `${c.number}. ${c.title}`,
        description: `${c.done}/${c.total}`,
        tooltip: [step.intro, '', missing.length ? `Missing: ${missing.join(', ')}` : 'Complete.', '', 'Click to open this step in the Framing Wizard.'].join('\n'),
        icon,
        contextValue: 'framingStep',
        open: { framingId: record.id, step: c.step },
        children: [],
      };
    });

  const links: ChecklistEntry[] = linkedExperiments.length
    ? [
        {
          id: `${key}:links`,
          label: 'Linked experiments',
          description: linkedExperiments.join(', '),
          tooltip: `These experiments take the offline-evaluation metric, direction and threshold of this framing:\n${linkedExperiments.map((n) => `• ${n}`).join('\n')}`,
          icon: { id: 'link' },
          contextValue: 'framingLinks',
          children: [],
        },
      ]
    : [];

  return {
    id: key,
    label: record.name,
    description: summarizeVerdict(verdict, assessment.roi),
    tooltip: `${record.name}\nRevision ${record.revision}`,
    icon: { id: 'target' },
    contextValue: 'framing',
    expanded: true,
    children: [verdictEntry, criteriaEntry, ...steps, ...links],
  };
}

/** For the baseline, "no" (nothing launches without ML) is the answer that supports ML. */
const BASELINE_ICONS: Record<Answer | 'unanswered', { id: string; color?: string }> = {
  yes: { id: 'warning', color: 'list.warningForeground' },
  no: { id: 'pass-filled', color: 'testing.iconPassed' },
  'not-sure': ANSWER_ICONS['not-sure'],
  unanswered: ANSWER_ICONS.unanswered,
};

/** Baseline first, under the criteria: whether a solution without ML could launch, and what it scores. */
function baselineEntry(record: FramingRecord): ChecklistEntry {
  const { withoutMl, solution, score, sourcing } = record.document.baseline;
  const parts = [answerLabel(withoutMl), ...(score === null ? [] : [`scores ${formatMetric(score)}`]), ...(sourcing ? [sourcing] : [])];
  return {
    id: `framing:${record.id}:baseline`,
    label: 'Baseline first: launch without ML?',
    description: parts.join(' · '),
    tooltip: [
      'Could rules, a heuristic, a vendor API or a pre-trained model meet the goal well enough to launch?',
      ...(solution.trim() ? ['', `Without ML: ${solution.trim()}`] : []),
      '',
      'Click to answer in the Framing Wizard.',
    ].join('\n'),
    icon: BASELINE_ICONS[withoutMl ?? 'unanswered'],
    contextValue: 'framingBaseline',
    open: { framingId: record.id, step: 'criteria' },
    children: [],
  };
}

/** A framing whose stored document cannot be read: shown with the problem instead of hiding it. */
export function damagedFramingEntry(id: number, name: string, problem: string): ChecklistEntry {
  return {
    id: `framing:${id}`,
    label: name,
    description: 'cannot be read',
    tooltip: `${problem}\n\nEarlier revisions are kept in the store (framing_revisions).`,
    icon: { id: 'error', color: 'list.errorForeground' },
    contextValue: 'framing.damaged',
    children: [],
  };
}
