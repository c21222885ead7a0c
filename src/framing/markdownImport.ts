import { assess } from './assess.ts';
import { CRITERIA } from './criteria.ts';
import { emptyFramingDocument, framingDocumentSchema, type FramingDocument } from './document.ts';
import { type RawValue, addListRow, applyFieldEdit, resolveField, valueAt } from './edit.ts';
import { EMPTY, MARKDOWN_MARKER, QUALITIES_HEADING, labelOf, unescape } from './markdown.ts';
import { FIELDS_BY_PATH, STEPS, type FieldSpec, type StepId, type StepSpec } from './steps.ts';

/**
 * Reads ML_FRAMING.md (written by src/framing/markdown.ts, possibly edited by hand) back into a
 * framing document, reporting every problem with its line and field.
 */


export interface MarkdownProblem {
  /** 1-based line in the file. */
  line: number;
  /** The field (or section) concerned, as people know it: "Offline evaluation › Success threshold". */
  field: string;
  message: string;
}

export type MarkdownImport = { ok: true; document: FramingDocument } | { ok: false; problems: MarkdownProblem[] };

const FIELD_LINE = /^[-*]\s+\*\*(.+?):\*\*(.*)$/;
const SECTION_LINE = /^##\s+(\d+)\.\s*(.*?)\s*$/;
const SUBHEADING_LINE = /^###\s+(.*?)\s*$/;
const CHECKBOX_LINE = /^\s+[-*]\s+\[([ xX])\]\s+(.*?)\s*$/;
const SEPARATOR_ROW = /^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;
const BR = /(?<!\\)<br\s*\/?>/gi;

function splitRow(line: string): string[] {
  const cells: string[] = [];
  let current = '';
  const body = line.trim().replace(/^\|/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\' && i + 1 < body.length) {
      current += c + body[i + 1];
      i++;
    } else if (c === '|') {
      cells.push(current);
      current = '';
    } else current += c;
  }
  if (current.trim() !== '') cells.push(current);
  return cells.map((cell) => cell.trim());
}

function cellValue(cell: string): string {
  if (cell === EMPTY) return '';
  return cell
    .split(BR)
    .map((part) => unescape(part.trim()))
    .join('\n');
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Labels that older exports wrote in another section, and the field they became (format 1's non-ML baseline is now asked in step 2). */
const MOVED_FIELDS: readonly { step: StepId; label: string; path: string }[] = [{ step: 'evaluation', label: 'Non-ML baseline', path: 'baseline.solution' }];

function movedField(step: StepId, label: string): FieldSpec | undefined {
  const moved = MOVED_FIELDS.find((m) => m.step === step && same(m.label, label));
  return moved && FIELDS_BY_PATH.get(moved.path)!.field;
}

/**
 * Reads ML_FRAMING.md back into a framing document. Every problem is reported with its line and
 * field; a file with any problem imports nothing.
 */
export function framingFromMarkdown(text: string): MarkdownImport {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const problems: MarkdownProblem[] = [];
  const firstContent = lines.findIndex((l) => l.trim() !== '');
  if (firstContent < 0 || !lines[firstContent]!.includes(MARKDOWN_MARKER)) {
    return {
      ok: false,
      problems: [{ line: 1, field: '(file)', message: `The file does not start with the "<!-- ${MARKDOWN_MARKER} … -->" comment of an ML Lifecycle export. Export a framing first and edit that file.` }],
    };
  }

  let document: FramingDocument = emptyFramingDocument('Untitled framing');
  for (const step of STEPS) for (const field of step.fields) if (field.kind === 'list') document = setList(document, field.path);
  const edit = (path: string, raw: RawValue, line: number) => {
    const result = applyFieldEdit(document, path, raw);
    document = result.document;
    if (result.issue) problems.push({ line, field: resolveField(path)!.label, message: result.issue.message });
  };

  // Sections by their "## N. Title" headings.
  const sections: { step: StepSpec; start: number; end: number }[] = [];
  lines.forEach((line, index) => {
    const match = SECTION_LINE.exec(line);
    if (!match) return;
    const step = STEPS.find((s) => s.number === Number(match[1]) && s.fields.length > 0);
    if (!step) problems.push({ line: index + 1, field: line.trim(), message: `There is no section ${match[1]} in a framing; sections are numbered 1 to 10.` });
    else if (!same(step.title, match[2]!)) problems.push({ line: index + 1, field: step.title, message: `Section ${step.number} should be titled "${step.title}", not "${match[2]}".` });
    else if (sections.some((s) => s.step === step)) problems.push({ line: index + 1, field: step.title, message: `Section "${step.number}. ${step.title}" appears twice; keep one.` });
    else sections.push({ step, start: index + 1, end: lines.length });
  });
  for (let i = 0; i < sections.length - 1; i++) sections[i]!.end = sections[i + 1]!.start - 1;
  for (const step of STEPS) {
    if (step.fields.length && !sections.some((s) => s.step === step)) {
      problems.push({ line: lines.length, field: step.title, message: `Section "## ${step.number}. ${step.title}" is missing. Nothing was imported; restore the section (an empty one is fine).` });
    }
  }

  for (const section of sections) parseSection(section.step, lines, section.start, section.end, edit, problems, (path) => (document = setList(document, path, true)));

  if (problems.length === 0) {
    const consistency = assess(document).issues;
    for (const issue of consistency) problems.push({ line: fieldLine(lines, sections, issue.path), field: resolveField(issue.path)!.label, message: issue.message });
  }
  if (problems.length) return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
  const parsed = framingDocumentSchema.safeParse(document);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => ({ line: 1, field: issue.path.join('.'), message: `${issue.path.join('.')}: ${issue.message}` })) };
  }
  return { ok: true, document: parsed.data };
}

/** Empties a list (the import rebuilds it from its table), or appends one blank row. */
function setList(document: FramingDocument, path: string, addRow = false): FramingDocument {
  if (addRow) return addListRow(document, path).document;
  const copy = structuredClone(document);
  const parts = path.split('.');
  (valueAt(copy, parts.slice(0, -1)) as Record<string, unknown>)[parts[parts.length - 1]!] = [];
  return copy;
}

type Edit = (path: string, raw: RawValue, line: number) => void;

function parseSection(step: StepSpec, lines: readonly string[], start: number, end: number, edit: Edit, problems: MarkdownProblem[], addRow: (listPath: string) => void): void {
  const seen = new Set<string>();
  let tableContext: { kind: 'criteria' } | { kind: 'qualities' } | { kind: 'list'; field: Extract<FieldSpec, { kind: 'list' }> } | null = step.id === 'criteria' ? { kind: 'criteria' } : null;
  let headerSeen = false;
  let rowIndex = 0;
  const where = (index: number) => ({ line: index + 1 });

  for (let i = start; i < end; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (trimmed === '' || /^<!--.*-->$/.test(trimmed)) continue;

    const sub = SUBHEADING_LINE.exec(line);
    if (sub) {
      const title = sub[1]!;
      const list = step.fields.find((f): f is Extract<FieldSpec, { kind: 'list' }> => f.kind === 'list' && same(f.label, title));
      if (list) tableContext = { kind: 'list', field: list };
      else if (same(title, QUALITIES_HEADING) && step.fields.some((f) => f.kind === 'quality')) tableContext = { kind: 'qualities' };
      else {
        problems.push({ ...where(i), field: `${step.title} › ${title}`, message: `"### ${title}" is not a table of section "${step.title}". Keep the headings as exported.` });
        tableContext = null;
      }
      headerSeen = false;
      rowIndex = 0;
      continue;
    }

    if (trimmed.startsWith('|')) {
      if (!tableContext) {
        problems.push({ ...where(i), field: step.title, message: 'A table row outside any known table. Keep tables under their "###" headings as exported.' });
        continue;
      }
      if (SEPARATOR_ROW.test(trimmed)) continue;
      const cells = splitRow(trimmed);
      const expected = tableContext.kind === 'criteria' ? ['Criterion', 'Answer', 'Note'] : tableContext.kind === 'qualities' ? ['Quality', 'Required', 'Note'] : tableContext.field.columns.map((c) => c.label);
      const tableName = tableContext.kind === 'list' ? `${step.title} › ${tableContext.field.label}` : `${step.title} › ${tableContext.kind === 'criteria' ? 'checklist' : QUALITIES_HEADING}`;
      if (!headerSeen) {
        headerSeen = true;
        if (cells.length !== expected.length || cells.some((c, k) => !same(c, expected[k]!))) {
          problems.push({ ...where(i), field: tableName, message: `${tableName}: the table header should be "| ${expected.join(' | ')} |".` });
          tableContext = null;
        }
        continue;
      }
      if (cells.length !== expected.length) {
        problems.push({ ...where(i), field: tableName, message: `${tableName}: this row has ${cells.length} cells; it needs ${expected.length} (${expected.join(', ')}). Escape a "|" inside text as "\\|".` });
        continue;
      }
      if (tableContext.kind === 'criteria') {
        const label = cellValue(cells[0]!);
        const criterion = CRITERIA.find((c) => same(c.label, label) || same(c.question, label));
        if (!criterion) {
          problems.push({ ...where(i), field: `${step.title} › ${label}`, message: `"${label}" is not one of the criteria: ${CRITERIA.map((c) => c.label).join('; ')}.` });
          continue;
        }
        if (seen.has(criterion.id)) problems.push({ ...where(i), field: `${step.title} › ${criterion.label}`, message: `"${criterion.label}" appears twice; keep one row.` });
        seen.add(criterion.id);
        const answer = cellValue(cells[1]!);
        edit(`criteria.${criterion.id}.answer`, same(answer, 'unanswered') ? null : answer, i + 1);
        edit(`criteria.${criterion.id}.note`, cellValue(cells[2]!), i + 1);
      } else if (tableContext.kind === 'qualities') {
        const label = cellValue(cells[0]!);
        const quality = step.fields.find((f) => f.kind === 'quality' && same(f.label, label));
        if (!quality) {
          problems.push({ ...where(i), field: `${step.title} › ${label}`, message: `"${label}" is not a quality; use one of ${step.fields.filter((f) => f.kind === 'quality').map((f) => f.label).join(', ')}.` });
          continue;
        }
        edit(`${quality.path}.required`, cellValue(cells[1]!), i + 1);
        edit(`${quality.path}.note`, cellValue(cells[2]!), i + 1);
      } else {
        const list = tableContext.field;
        addRow(list.path);
        list.columns.forEach((column, k) => edit(`${list.path}.${rowIndex}.${column.key}`, cellValue(cells[k]!), i + 1));
        rowIndex++;
      }
      continue;
    }

    const fieldMatch = FIELD_LINE.exec(line);
    if (fieldMatch) {
      tableContext = null;
      const label = fieldMatch[1]!;
      const field = step.fields.find((f) => f.kind !== 'list' && f.kind !== 'quality' && f.kind !== 'criterion' && same(labelOf(f), label)) ?? movedField(step.id, label);
      if (!field) {
        const known = step.fields.filter((f) => f.kind !== 'list' && f.kind !== 'quality' && f.kind !== 'criterion').map(labelOf);
        problems.push({ ...where(i), field: `${step.title} › ${label}`, message: `"${label}" is not a field of "${step.title}"${known.length ? `; its fields are ${known.join(', ')}` : ''}. Keep the labels as exported.` });
        continue;
      }
      if (seen.has(field.path)) problems.push({ ...where(i), field: `${step.title} › ${field.label}`, message: `"${field.label}" appears twice; keep one.` });
      seen.add(field.path);
      // The value: the rest of the line, then indented (or directly following) continuation lines.
      const valueLines = [fieldMatch[2]!.trim()];
      let j = i + 1;
      for (; j < end; j++) {
        const next = lines[j]!;
        if (field.kind === 'flags') {
          if (next.trim() === '') break;
          const box = CHECKBOX_LINE.exec(next);
          if (!box) break;
          const flag = field.flags.find((f) => same(f.label, unescape(box[2]!)));
          if (!flag) problems.push({ ...where(j), field: `${step.title} › ${field.label}`, message: `"${box[2]}" is not a box of "${field.label}"; its boxes are ${field.flags.map((f) => f.label).join('; ')}.` });
          else edit(flag.path, box[1] !== ' ', j + 1);
          continue;
        }
        if (next.trim() === '') {
          const following = lines.slice(j + 1, end).find((l) => l.trim() !== '');
          if (following === undefined || !/^\s{2,}\S/.test(following)) break;
          valueLines.push('');
          continue;
        }
        if (/^\s{2,}\S/.test(next)) valueLines.push(next.replace(/^ {2}/, '').trimEnd());
        else if (FIELD_LINE.test(next) || SUBHEADING_LINE.test(next) || SECTION_LINE.test(next) || next.trim().startsWith('|') || next.trim().startsWith('#')) break;
        else valueLines.push(next.trimEnd());
      }
      if (field.kind !== 'flags') {
        const raw = valueLines.join('\n').trim();
        edit(field.path, raw === EMPTY ? '' : unescape(raw), i + 1);
      }
      i = j - 1;
      continue;
    }

    problems.push({ ...where(i), field: step.title, message: `Text outside any field is not imported: "${trimmed.slice(0, 60)}". Put it after a field's label or remove it.` });
  }
}

/** The line of the field a consistency issue points at, for the message. */
function fieldLine(lines: readonly string[], sections: readonly { step: StepSpec; start: number; end: number }[], path: string): number {
  for (const section of sections) {
    const field = section.step.fields.find((f) => f.path === path);
    if (!field) continue;
    for (let i = section.start; i < section.end; i++) {
      const match = FIELD_LINE.exec(lines[i]!);
      if (match && same(match[1]!, labelOf(field))) return i + 1;
    }
    return section.start;
  }
  return 1;
}
