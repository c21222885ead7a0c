// What the extension computed from the answers, shown beside a step: the value sentence,
// conflicting objectives, the metric's range, the verdict, ROI and the review of every answer.
import type { FramingCatalogue, FramingView } from '../../src/contract/framing.ts';
import type { FieldSpec, StepSpec } from '../../src/framing/steps.ts';
import { displayText, formatCount } from '../../src/shared/format.ts';
import { el } from '../shared/vscode.ts';
import { baselinePanel, monitorsPanel } from './panels.ts';

export const ANSWER_TEXT: Record<string, string> = { yes: 'Yes', no: 'No', 'not-sure': 'Not sure' };

/** The value at a dotted path of the framing document ("roi.currency"), or undefined. */
export function valueIn(document: unknown, path: string): unknown {
  let node: unknown = document;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** The panels shown under `step`. */
export function derivedPanels(step: StepSpec, view: FramingView, catalogue: FramingCatalogue): HTMLElement[] {
  return new DerivedPanels(view, catalogue).for(step);
}

class DerivedPanels {
  private readonly view: FramingView;
  private readonly catalogue: FramingCatalogue;

  constructor(view: FramingView, catalogue: FramingCatalogue) {
    this.view = view;
    this.catalogue = catalogue;
  }

  private valueAt(path: string): unknown {
    return valueIn(this.view.document, path);
  }

  for(step: StepSpec): HTMLElement[] {
    const assessment = this.view.assessment;
    switch (step.id) {
      case 'value':
        return [
          el(
            'p',
            { class: 'fw-sentence', 'data-testid': 'value-sentence', 'aria-label': 'Value proposition' },
            ...assessment.sentence.map((part) => (part.path ? el('span', { class: part.filled ? 'slot' : 'slot empty' }, part.text) : part.text)),
          ),
        ];
      case 'stakeholders': {
        const list = assessment.conflicts.length
          ? el('ul', { class: 'fw-conflicts' }, ...assessment.conflicts.map((c) => el('li', {}, el('strong', {}, `${c.firstName} vs ${c.secondName}: `), c.why)))
          : el('p', { class: 'muted' }, 'No conflicting kinds of objective so far. Give each stakeholder a kind of objective to check.');
        return [el('section', { class: 'fw-panel', 'data-testid': 'conflicts', 'aria-label': 'Conflicting objectives' }, el('h3', {}, `Conflicting objectives (${assessment.conflicts.length})`), list)];
      }
      case 'evaluation': {
        const metric = assessment.metric;
        const text = metric
          ? `Recognised as ${metric.family}: values from ${metric.min ?? '−∞'} to ${metric.max ?? '∞'}, ${metric.direction === 'max' ? 'higher' : 'lower'} is better.`
          : this.view.document.evaluation.metric.trim()
            ? 'Not a metric this wizard knows: the threshold is not range-checked. Set the direction yourself.'
            : 'Name the metric to see its range.';
        return [el('p', { class: 'fw-panel muted', 'data-testid': 'metric-info' }, text)];
      }
      case 'criteria':
        return [baselinePanel(assessment, this.catalogue.verdictLabels)];
      case 'roi':
        return [this.roiPanel()];
      case 'lifecycle':
        return [monitorsPanel(assessment.monitors)];
      case 'review':
        return [this.reviewPanel()];
      default:
        return [];
    }
  }

  amount(value: number): string {
    return `${this.view.document.roi.currency} ${formatCount(value, { maximumFractionDigits: 2 })}`.trim();
  }

  roiPanel(): HTMLElement {
    const { roi, roiSummary } = this.view.assessment;
    const per = roi.period;
    if (!roiSummary) return el('section', { class: 'fw-panel', 'data-testid': 'roi-summary' }, el('h3', {}, 'Return on investment'), el('p', { class: 'muted' }, 'Enter gains and costs to see the ROI and payback period.'));
    const row = (label: string, value: string, testid?: string) => el('tr', {}, el('td', {}, label), el('td', { class: 'number', ...(testid ? { 'data-testid': testid } : {}) }, value));
    return el(
      'section',
      { class: 'fw-panel fw-roi', 'data-testid': 'roi-summary', 'aria-label': 'Return on investment' },
      el('h3', {}, 'Return on investment'),
      el('p', { class: 'headline', 'data-testid': 'roi-value' }, roiSummary),
      el(
        'table',
        {},
        el(
          'tbody',
          {},
          row(`Gain per ${per}`, this.amount(roi.gainPerPeriod)),
          row(`Recurring cost per ${per}`, this.amount(roi.recurringCostPerPeriod)),
          row(`of which cost of ownership per ${per}`, this.amount(roi.ownershipPerPeriod), 'roi-ownership'),
          row('One-off cost', this.amount(roi.oneOffCost)),
          row(`Total gain over ${roi.horizon} ${per}s`, this.amount(roi.totalGain), 'roi-total-gain'),
          row(`Total cost over ${roi.horizon} ${per}s`, this.amount(roi.totalCost), 'roi-total-cost'),
          ...(roi.opportunityCost === null ? [] : [row(`Opportunity cost over ${roi.horizon} ${per}s`, this.amount(roi.opportunityCost)), row('Net of the opportunity cost', this.amount(roi.netOfOpportunity!), 'roi-net-opportunity')]),
        ),
      ),
      el('p', { class: 'muted' }, roi.roi === null ? 'ROI = (gain − cost) / cost needs a cost above zero.' : `ROI = (total gain − total cost) / total cost = (${this.amount(roi.totalGain)} − ${this.amount(roi.totalCost)}) / ${this.amount(roi.totalCost)}`),
    );
  }

  displayValue(field: FieldSpec): string | null {
    const value = this.valueAt(field.path);
    switch (field.kind) {
      case 'text':
      case 'textarea':
        return typeof value === 'string' && value.trim() ? value : null;
      case 'choice':
        return value === null ? null : (field.options.find((o) => o.value === value)?.label ?? displayText(value));
      case 'number':
        return typeof value === 'number' ? `${value}${field.unit ? ` ${field.unit}` : ''}` : null;
      case 'flags': {
        const on = field.flags.filter((f) => this.valueAt(f.path) === true).map((f) => f.label);
        return on.length ? on.join('; ') : null;
      }
      case 'quality': {
        const q = value as { required: boolean; note: string };
        return q.required || q.note.trim() ? `${q.required ? 'Required' : 'Not required'}${q.note.trim() ? `: ${q.note}` : ''}` : null;
      }
      case 'criterion': {
        const c = value as { answer: string | null; note: string };
        return c.answer === null ? null : `${ANSWER_TEXT[c.answer]}${c.note.trim() ? ` (${c.note})` : ''}`;
      }
      case 'list': {
        const rows = value as Record<string, unknown>[];
        const lines = rows.map((row) =>
          field.columns
            .map((c) => {
              const v = row[c.key];
              if (c.kind === 'choice') return v === null ? '' : (c.options.find((o) => o.value === v)?.label ?? '');
              if (c.kind === 'flag') return v ? c.label.toLowerCase() : '';
              if (c.kind === 'money') return typeof v === 'number' ? this.amount(v) : '';
              if (c.kind === 'number') return typeof v === 'number' ? String(v) : '';
              return displayText(v);
            })
            .filter(Boolean)
            .join(' · '),
        );
        return lines.filter(Boolean).length ? lines.filter(Boolean).join('\n') : null;
      }
    }
  }

  reviewPanel(): HTMLElement {
    const { assessment } = this.view;
    const verdict = assessment.verdict;
    const missingPaths = new Set(assessment.missing.map((m) => m.path));
    const sections = this.catalogue.steps
      .filter((s) => s.fields.length)
      .map((step) =>
        el(
          'section',
          { 'data-testid': `review-${step.id}` },
          el('h3', {}, `${step.number}. ${step.title}`),
          el(
            'dl',
            {},
            ...step.fields.flatMap((field) => {
              const value = this.displayValue(field);
              const label = field.kind === 'criterion' ? this.catalogue.criteria.find((c) => c.id === field.criterion)!.label : field.label;
              const missing = value === null && missingPaths.has(field.path);
              return [el('dt', {}, label), el('dd', missing ? { class: 'missing' } : {}, value ?? (missing ? 'missing' : '—'))];
            }),
          ),
        ),
      );
    return el(
      'div',
      { class: 'fw-review' },
      el(
        'section',
        { class: 'fw-panel', 'data-testid': 'review-verdict' },
        el('h3', {}, `Verdict: ${this.catalogue.verdictLabels[verdict.level]}`),
        el('ul', {}, ...verdict.reasons.map((r) => el('li', {}, r))),
        ...(verdict.atRisk.length ? [el('h3', {}, 'At risk'), el('ul', {}, ...verdict.atRisk.map((r) => el('li', {}, el('strong', {}, `${r.label} (${r.status}): `), r.risk)))] : []),
      ),
      el(
        'section',
        { class: 'fw-panel', 'data-testid': 'review-missing' },
        el('h3', {}, `What is missing (${assessment.missing.length})`),
        assessment.missing.length ? el('ul', {}, ...assessment.missing.map((m) => el('li', {}, `${m.stepTitle} › ${m.label}`))) : el('p', {}, 'Nothing: every question has an answer.'),
      ),
      ...sections,
    );
  }
}
