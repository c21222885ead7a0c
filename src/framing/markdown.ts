import { displayText } from '../shared/format.ts';
import { assess, sentenceText } from './assess.ts';
import { CRITERIA, answerLabel } from './criteria.ts';
import { FRAMING_VERSION, type FramingDocument } from './document.ts';
import { valueAt } from './edit.ts';
import { describeRoi, formatAmount } from './roi.ts';
import { STEPS, type ColumnSpec, type FieldSpec, type StepSpec } from './steps.ts';
import { VERDICT_LABELS } from './verdict.ts';

/**
 * ML_FRAMING.md: the framing as Markdown that reads well in a pull request and can be edited by
 * hand and imported back. Layout:
 * - a marker comment, a title and a computed summary (verdict, ROI, risks, conflicts), which the
 *   import ignores and recomputes;
 * - one "## N. Title" section per wizard step, with `- **Label:** value` lines (continuation
 *   lines indented by two spaces), `- [x]` boxes under a label, and tables for the checklist,
 *   the qualities and every list.
 * User text is escaped so that it is always shown as text: no HTML, links or emphasis sneak in.
 * Reading it back is src/framing/markdownImport.ts.
 */

export const MARKDOWN_MARKER = 'ml-lifecycle framing';
export const EMPTY = '—';
export const QUALITIES_HEADING = 'Qualities';

// ---- escaping ----------------------------------------------------------------------------------

/** Escapes one line of user text so Markdown shows it literally; `lineStart` when it begins a Markdown line. */
function escapeLine(line: string, lineStart = false): string {
  let out = line
    .replace(/[\\`*[\]<|~]/g, (c) => `\\${c}`)
    .replace(/&(?=#?\w+;)/g, '\\&')
    .replace(/(^|[^\p{L}\p{N}])_|_(?=[^\p{L}\p{N}]|$)/gu, (match) => match.replace('_', '\\_'));
  // Characters that only mean something at the start of a line (lists, headings, quotes).
  if (lineStart) out = out.replace(/^(\s*)([-+=#>])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2');
  return out;
}

/** Escaped text for a `- **Label:**` line: continuation lines are indented by two spaces. */
function escapeBlock(text: string): string {
  if (text.trim() === '') return EMPTY;
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line, i) => (i === 0 ? escapeLine(line.trimEnd()) : line.trim() === '' ? '' : `  ${escapeLine(line.trimEnd(), true)}`))
    .join('\n');
}

/** Escaped text for a table cell: line breaks become <br> (user "<" is always escaped, so this one is ours). */
function escapeCell(text: string): string {
  if (text.trim() === '') return EMPTY;
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => escapeLine(line.trim()))
    .join('<br>');
}

export function unescape(text: string): string {
  return text.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

// ---- export ------------------------------------------------------------------------------------

/** A field's bold label: its label, and its unit in brackets. */
export function labelOf(field: FieldSpec): string {
  return field.kind === 'number' && field.unit ? `${field.label} (${field.unit})` : field.label;
}

function choiceLabel(options: readonly { value: string; label: string }[], value: unknown): string {
  return value === null || value === undefined ? EMPTY : (options.find((o) => o.value === value)?.label ?? displayText(value));
}

function cellText(column: ColumnSpec, value: unknown): string {
  switch (column.kind) {
    case 'text':
      return escapeCell(displayText(value));
    case 'choice':
      return choiceLabel(column.options, value);
    case 'money':
      return typeof value === 'number' ? formatAmount(value) : EMPTY;
    case 'number':
      return typeof value === 'number' ? String(value) : EMPTY;
    case 'flag':
      return value === true ? 'yes' : 'no';
  }
}

function table(header: readonly string[], rows: readonly string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
}

function stepLines(document: FramingDocument, step: StepSpec): string[] {
  const lines: string[] = [`## ${step.number}. ${step.title}`, ''];
  const qualities: string[][] = [];
  const trailing: string[] = [];
  if (step.id === 'criteria') {
    lines.push(
      ...table(
        ['Criterion', 'Answer', 'Note'],
        CRITERIA.map((c) => [escapeCell(c.label), document.criteria[c.id].answer === null ? EMPTY : answerLabel(document.criteria[c.id].answer), escapeCell(document.criteria[c.id].note)]),
      ),
    );
  }
  for (const field of step.fields) {
    const value = valueAt(document, field.path.split('.'));
    switch (field.kind) {
      case 'text':
      case 'textarea':
        lines.push(`- **${labelOf(field)}:** ${escapeBlock(String(value))}`);
        break;
      case 'choice':
        lines.push(`- **${labelOf(field)}:** ${choiceLabel(field.options, value)}`);
        break;
      case 'number':
        lines.push(`- **${labelOf(field)}:** ${typeof value === 'number' ? String(value) : EMPTY}`);
        break;
      case 'flags':
        lines.push(`- **${labelOf(field)}:**`);
        for (const flag of field.flags) lines.push(`  - [${valueAt(document, flag.path.split('.')) === true ? 'x' : ' '}] ${flag.label}`);
        break;
      case 'quality': {
        const quality = value as { required: boolean; note: string };
        qualities.push([field.label, quality.required ? 'yes' : 'no', escapeCell(quality.note)]);
        break;
      }
      case 'list':
        trailing.push(
          '',
          `### ${field.label}`,
          '',
          ...table(
            field.columns.map((c) => c.label),
            (value as Record<string, unknown>[]).map((row) => field.columns.map((c) => cellText(c, row[c.key]))),
          ),
        );
        break;
      case 'criterion':
        break;
    }
  }
  if (qualities.length) trailing.push('', `### ${QUALITIES_HEADING}`, '', ...table(['Quality', 'Required', 'Note'], qualities));
  return [...lines, ...trailing, ''];
}

/** The framing as ML_FRAMING.md, with its verdict, ROI and risks on top. */
export function framingToMarkdown(document: FramingDocument): string {
  const assessment = assess(document);
  const done = assessment.completion.reduce((n, c) => n + c.done, 0);
  const total = assessment.completion.reduce((n, c) => n + c.total, 0);
  const summary = [`**Verdict: ${VERDICT_LABELS[assessment.verdict.level]}**`];
  if (assessment.roi.hasAmounts) summary.push(describeRoi(assessment.roi));
  summary.push(`${done}/${total} questions answered`);
  const lines = [
    `<!-- ${MARKDOWN_MARKER} · format ${FRAMING_VERSION} · Edit the text after each bold label, the table cells and the [x] boxes; keep the labels, headings and table headers. Then run "ML Lifecycle: Import Framing from Markdown…". Everything above "## 1." is recomputed on import. -->`,
    '',
    `# ML framing: ${escapeLine(document.problem.name)}`,
    '',
    summary.join(' · '),
    '',
    ...assessment.verdict.reasons.map((r) => `- ${escapeLine(r)}`),
    '',
  ];
  if (assessment.verdict.atRisk.length) {
    lines.push('**At risk**', '', ...assessment.verdict.atRisk.map((r) => `- *${escapeLine(r.label)}* (${escapeLine(r.status)}): ${escapeLine(r.risk)}`), '');
  }
  if (assessment.conflicts.length) {
    lines.push('**Conflicting objectives**', '', ...assessment.conflicts.map((c) => `- ${escapeLine(c.firstName)} vs ${escapeLine(c.secondName)}: ${escapeLine(c.why)}`), '');
  }
  lines.push(`> ${escapeLine(sentenceText(assessment.sentence).replace(/\s+/g, ' '))}`, '');
  if (assessment.missing.length) {
    lines.push(`**Still missing:** ${assessment.missing.map((m) => `${m.stepTitle} › ${m.label}`).join('; ')}`, '');
  }
  for (const step of STEPS) if (step.fields.length) lines.push(...stepLines(document, step));
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
