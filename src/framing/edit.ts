import { validateName } from '../tracking/experiments.ts';
import { ANSWER_LABELS, CRITERIA_BY_ID } from './criteria.ts';
import { ANSWERS, LIST_MAX, NAME_MAX, QUALITY_IDS, TEXT_MAX, type CriterionId, type FramingDocument } from './document.ts';
import { thresholdProblem } from './metrics.ts';
import { FIELDS_BY_PATH, STEPS, type ChoiceOption, type ColumnSpec, type FieldSpec, type StepSpec } from './steps.ts';
import { formatCount } from '../shared/format.ts';

/**
 * Field-by-field edits of a framing document, shared by the wizard, the checklist and the
 * Markdown import, so every way in validates the same way. An edit that is not acceptable
 * returns an issue for that field and leaves the document as it was: nothing saved is lost.
 */

/** What a form control sends: text as typed, a checkbox state, or null for "not answered". */
export type RawValue = string | boolean | null;

export interface FieldIssue {
  path: string;
  /** Names the field and says what to do, e.g. `ROI › Costs row 2 › Amount: "12k" is not a number…`. */
  message: string;
}

type Target =
  | { kind: 'text'; max: number; name?: boolean }
  | { kind: 'choice'; options: readonly ChoiceOption[]; nullable: boolean }
  | { kind: 'number'; min?: number; integer?: boolean; nullable: boolean; money?: 'gain' | 'cost' }
  | { kind: 'flag' };

export interface ResolvedField {
  path: string;
  step: StepSpec;
  /** For messages: "Evaluation › Success threshold". */
  label: string;
  target: Target;
}

const ANSWER_OPTIONS: ChoiceOption[] = ANSWERS.map((value) => ({ value, label: ANSWER_LABELS[value] }));
const NON_NULLABLE_CHOICES = new Set(['roi.period']);
const LIST_CELL = /^(.+)\.(\d+)\.([A-Za-z]+)$/;

/** The field an edit path points at, or undefined when the path is not a field of the document. */
export function resolveField(path: string): ResolvedField | undefined {
  const direct = FIELDS_BY_PATH.get(path);
  if (direct) {
    const target = fieldTarget(direct.field);
    return target && { path, step: direct.step, label: `${direct.step.title} › ${direct.field.label}`, target };
  }
  const parts = path.split('.');
  if (parts.length === 3 && parts[0] === 'criteria' && CRITERIA_BY_ID.has(parts[1] as CriterionId)) {
    const step = STEPS[1]!;
    const label = `${step.title} › ${CRITERIA_BY_ID.get(parts[1] as CriterionId)!.label}`;
    if (parts[2] === 'answer') return { path, step, label, target: { kind: 'choice', options: ANSWER_OPTIONS, nullable: true } };
    if (parts[2] === 'note') return { path, step, label: `${label} › Note`, target: { kind: 'text', max: TEXT_MAX } };
  }
  if (parts.length === 3 && parts[0] === 'requirements' && (QUALITY_IDS as readonly string[]).includes(parts[1]!)) {
    const found = FIELDS_BY_PATH.get(`requirements.${parts[1]}`)!;
    const label = `${found.step.title} › ${found.field.label}`;
    if (parts[2] === 'required') return { path, step: found.step, label: `${label} › Required`, target: { kind: 'flag' } };
    if (parts[2] === 'note') return { path, step: found.step, label: `${label} › Note`, target: { kind: 'text', max: TEXT_MAX } };
  }
  for (const step of STEPS) {
    for (const field of step.fields) {
      if (field.kind === 'flags') {
        const flag = field.flags.find((f) => f.path === path);
        if (flag) return { path, step, label: `${step.title} › ${field.label} › ${flag.label}`, target: { kind: 'flag' } };
      }
    }
  }
  const cell = LIST_CELL.exec(path);
  if (cell) {
    const list = FIELDS_BY_PATH.get(cell[1]!);
    if (list?.field.kind !== 'list') return undefined;
    const column = list.field.columns.find((c) => c.key === cell[3]);
    if (!column) return undefined;
    const row = Number(cell[2]) + 1;
    const label = `${list.step.title} › ${list.field.label} row ${row} › ${column.label}`;
    return { path, step: list.step, label, target: columnTarget(column, cell[1]!) };
  }
  return undefined;
}

function fieldTarget(field: FieldSpec): Target | undefined {
  switch (field.kind) {
    case 'text':
    case 'textarea':
      return field.path === 'problem.name' ? { kind: 'text', max: NAME_MAX, name: true } : { kind: 'text', max: field.path === 'roi.currency' ? 20 : field.path === 'evaluation.metric' ? 250 : TEXT_MAX };
    case 'choice':
      return { kind: 'choice', options: field.options, nullable: !NON_NULLABLE_CHOICES.has(field.path) };
    case 'number':
      return { kind: 'number', nullable: field.path !== 'roi.horizon', ...(field.min === undefined ? {} : { min: field.min }), ...(field.integer ? { integer: true } : {}) };
    default:
      return undefined;
  }
}

function columnTarget(column: ColumnSpec, listPath: string): Target {
  switch (column.kind) {
    case 'text':
      return { kind: 'text', max: TEXT_MAX };
    case 'choice':
      return { kind: 'choice', options: column.options, nullable: true };
    case 'money':
      return { kind: 'number', min: 0, nullable: true, money: listPath === 'roi.gains' ? 'gain' : 'cost' };
    case 'number':
      return { kind: 'number', nullable: true };
    case 'flag':
      return { kind: 'flag' };
  }
}

/** Reads a number as people type it: "120,000", "1 250.50", "0.95", "1e6". NaN when it is not one. */
export function parseNumber(text: string): number {
  const compact = text.replace(/[\s\u00a0\u202f,_]/g, '');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(compact)) return Number.NaN;
  return Number(compact);
}

const MAX_MAGNITUDE = 1e15;

function coerce(target: Target, raw: RawValue, label: string): { value: unknown } | { problem: string } {
  switch (target.kind) {
    case 'text': {
      if (typeof raw !== 'string') return raw === null ? { value: '' } : { problem: `${label} expects text.` };
      if (target.name) {
        try {
          return { value: validateName('project', raw) };
        } catch (error) {
          return { problem: `${label}: ${(error as Error).message}` };
        }
      }
      if (raw.length > target.max) return { problem: `${label} is ${formatCount(raw.length)} characters long; keep it under ${formatCount(target.max)}.` };
      return { value: raw };
    }
    case 'choice': {
      const wanted = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
      if (wanted === null || wanted === '' || wanted === '—') {
        return target.nullable ? { value: null } : { problem: `${label} needs one of: ${target.options.map((o) => o.label).join(', ')}.` };
      }
      const option = target.options.find((o) => o.value.toLowerCase() === wanted || o.label.toLowerCase() === wanted);
      if (option) return { value: option.value };
      return { problem: `${label}: "${String(raw)}" is not one of ${target.options.map((o) => o.label).join(', ')}.` };
    }
    case 'number': {
      if (typeof raw === 'boolean') return { problem: `${label} expects a number.` };
      const text = raw === null ? '' : raw.trim();
      if (text === '' || text === '—') return target.nullable ? { value: null } : { problem: `${label} needs a number.` };
      const value = parseNumber(text);
      if (Number.isNaN(value)) return { problem: `${label}: "${text}" is not a number. Type digits only, e.g. 12000 or 0.95 (no currency signs or units).` };
      if (!Number.isFinite(value) || Math.abs(value) > MAX_MAGNITUDE) return { problem: `${label}: ${text} is too large; keep it under 1e15.` };
      if (target.min !== undefined && value < target.min) {
        const why = target.money === 'cost' ? 'Costs cannot be negative; enter the amount without a minus sign.' : target.money === 'gain' ? 'Gains cannot be negative; enter a loss as a cost instead.' : `It cannot be less than ${target.min}.`;
        return { problem: `${label}: ${text} is negative. ${why}` };
      }
      if (target.integer && !Number.isInteger(value)) return { problem: `${label}: ${text} is not a whole number.` };
      return { value };
    }
    case 'flag': {
      if (typeof raw === 'boolean') return { value: raw };
      const word = (raw ?? '').trim().toLowerCase();
      if (['yes', 'true', 'x', 'required'].includes(word)) return { value: true };
      if (['no', 'false', '', '—'].includes(word)) return { value: false };
      return { problem: `${label}: "${String(raw)}" should be yes or no.` };
    }
  }
}

export type EditResult = { document: FramingDocument; issue: null } | { document: FramingDocument; issue: FieldIssue };

/** Sets one field from what a control (or a Markdown line) holds. Unknown paths are a programming error. */
export function applyFieldEdit(document: FramingDocument, path: string, raw: RawValue): EditResult {
  const field = resolveField(path);
  if (!field) throw new Error(`"${path}" is not a field of a framing.`);
  const result = coerce(field.target, raw, field.label);
  if ('problem' in result) return { document, issue: { path, message: result.problem } };
  // A threshold the metric can never reach is refused here; assess() reports one that a later metric change made wrong.
  if (path === 'evaluation.threshold' && typeof result.value === 'number') {
    const problem = thresholdProblem(document.evaluation.metric, result.value);
    if (problem) return { document, issue: { path, message: `${field.label}: ${problem}` } };
  }
  const parts = path.split('.');
  if (valueAt(document, parts) === undefined) {
    return { document, issue: { path, message: `${field.label}: that row no longer exists. Reopen the step.` } };
  }
  return { document: withValueAt(document, parts, result.value), issue: null };
}

/** Appends an empty row to a list field (stakeholders, sources, gains, costs, kinds of error, owners…). */
export function addListRow(document: FramingDocument, listPath: string): EditResult {
  const list = listSpec(listPath);
  const rows = valueAt(document, listPath.split('.')) as unknown[];
  if (rows.length >= LIST_MAX) return { document, issue: { path: listPath, message: `${list.label} holds at most ${LIST_MAX} rows.` } };
  return { document: withValueAt(document, listPath.split('.'), [...rows, { ...list.blankRow }]), issue: null };
}

export function removeListRow(document: FramingDocument, listPath: string, index: number): FramingDocument {
  listSpec(listPath);
  const rows = valueAt(document, listPath.split('.')) as unknown[];
  if (index < 0 || index >= rows.length) return document;
  return withValueAt(document, listPath.split('.'), rows.filter((_, i) => i !== index));
}

function listSpec(listPath: string): Extract<FieldSpec, { kind: 'list' }> {
  const found = FIELDS_BY_PATH.get(listPath);
  if (found?.field.kind !== 'list') throw new Error(`"${listPath}" is not a list of a framing.`);
  return found.field;
}

export function valueAt(root: unknown, parts: readonly string[]): unknown {
  let node = root;
  for (const part of parts) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function withValueAt<T>(root: T, parts: readonly string[], value: unknown): T {
  const copy = structuredClone(root);
  let node = copy as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  node[parts[parts.length - 1]!] = value;
  return copy;
}

/** The dotted paths whose values differ between two documents (for the audit log); [] when equal. */
export function changedPaths(before: unknown, after: unknown, prefix = ''): string[] {
  if (Object.is(before, after)) return [];
  const bothObjects = before !== null && after !== null && typeof before === 'object' && typeof after === 'object';
  if (!bothObjects || Array.isArray(before) !== Array.isArray(after)) return [prefix || '(document)'];
  if (Array.isArray(before) && Array.isArray(after) && before.length !== after.length) return [prefix];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].flatMap((key) =>
    changedPaths((before as Record<string, unknown>)[key], (after as Record<string, unknown>)[key], prefix ? `${prefix}.${key}` : key),
  );
}
