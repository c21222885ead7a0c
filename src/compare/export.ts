import { formatMetric } from '../shared/format.ts';
import type { CompareModel } from './model.ts';
import { type SummaryValue, wideSummary } from './wideSummary.ts';

export type ColumnKind = 'text' | 'integer' | 'metric';

/** A table to copy out: text, whole numbers, or metric values (NaN/±Inf spelled out). */
export interface Table {
  columns: { title: string; kind: ColumnKind }[];
  /** Texts, and metric values (numbers, or the spelled NaN and ±Inf). */
  rows: (string | number | null)[][];
}

/**
 * RFC 4180 CSV (CRLF lines; a field with a comma, quote or line break is quoted, quotes doubled).
 * Numbers keep full precision. A text field that a spreadsheet would run as a formula
 * (starting with = + - @ or a tab) gets a leading apostrophe.
 */
export function toCsv(table: Table): string {
  const lines = [table.columns.map((c) => csvField(c.title, 'text')), ...table.rows.map((row) => row.map((cell, i) => csvField(cell, table.columns[i]!.kind)))];
  return lines.map((fields) => fields.join(',')).join('\r\n') + '\r\n';
}

function csvField(cell: string | number | null, kind: ColumnKind): string {
  if (cell === null) return '';
  let text = typeof cell === 'number' ? String(cell) : cell;
  if (kind === 'text' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A GitHub-flavoured Markdown table. Text is escaped so names stay text: Markdown punctuation and
 * pipes get a backslash, line breaks become spaces. Metric values are rounded to 4 digits.
 */
export function toMarkdown(table: Table): string {
  const header = `| ${table.columns.map((c) => markdownText(c.title)).join(' | ')} |`;
  const rule = `| ${table.columns.map((c) => (c.kind === 'text' ? '---' : '---:')).join(' | ')} |`;
  const rows = table.rows.map((row) => `| ${row.map((cell, i) => markdownCell(cell, table.columns[i]!.kind)).join(' | ')} |`);
  return [header, rule, ...rows].join('\n') + '\n';
}

function markdownCell(cell: string | number | null, kind: ColumnKind): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return kind === 'metric' ? formatMetric(cell) : String(cell);
  return markdownText(cell);
}

export function markdownText(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(/[\\`*_[\]<>|~&#!]/g, (c) => `\\${c}`);
}

/** The Summary tab as a table: a row per run (or version), a column per metric holding `value`. */
export function summaryTable(model: CompareModel, value: SummaryValue = 'last'): Table {
  const production = model.subject.kind === 'production';
  const wide = wideSummary(model, value);
  return {
    columns: [
      { title: production ? 'Model version' : 'Run', kind: 'text' },
      { title: production ? 'Model' : 'Experiment', kind: 'text' },
      ...(production ? [] : [{ title: 'Status', kind: 'text' as const }]),
      ...wide.columns.map((c) => ({ title: `${c.key} (${value})`, kind: 'metric' as const })),
    ],
    rows: wide.rows.map((r) => [r.name, r.group, ...(production ? [] : [r.status ?? '']), ...r.cells]),
  };
}

/** The Params tab as a table: one row per param, one column per run. */
export function paramsTable(model: CompareModel, onlyDifferences: boolean): Table {
  const params = model.params;
  const names = new Map(model.items.map((item) => [item.id, item.name]));
  if (!params) return { columns: [{ title: 'Param', kind: 'text' }], rows: [] };
  return {
    columns: [{ title: 'Param', kind: 'text' }, ...params.ids.map((id) => ({ title: names.get(id) ?? String(id), kind: 'text' as const }))],
    rows: params.keys.flatMap((key, row) => (onlyDifferences && !params.differs[row] ? [] : [[key, ...params.values[row]!]])),
  };
}
