import { formatMetric } from '../shared/format.ts';
import type { CompareModel } from './model.ts';

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

/** The Summary tab as a table, for one metric or all. */
export function summaryTable(model: CompareModel, metric: string | null = null): Table {
  const items = new Map(model.items.map((item) => [item.id, item]));
  const production = model.subject.kind === 'production';
  return {
    columns: [
      { title: production ? 'Model version' : 'Run', kind: 'text' },
      { title: production ? 'Model' : 'Experiment', kind: 'text' },
      { title: 'Metric', kind: 'text' },
      { title: 'Last', kind: 'metric' },
      { title: 'Min', kind: 'metric' },
      { title: 'Max', kind: 'metric' },
      { title: 'Best', kind: 'metric' },
      { title: 'Better', kind: 'text' },
      { title: production ? 'Last time' : 'Last step', kind: production ? 'text' : 'integer' },
      { title: 'Points', kind: 'integer' },
    ],
    rows: model.summary
      .filter((s) => metric === null || s.key === metric)
      .map((s) => [
        items.get(s.id)?.name ?? String(s.id),
        items.get(s.id)?.group ?? '',
        s.key,
        s.last,
        s.min,
        s.max,
        s.best,
        s.direction === 'min' ? 'lower' : 'higher',
        production ? new Date(s.lastStep).toISOString() : s.lastStep,
        s.points,
      ]),
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
