/**
 * The selected rows of the Runs table as a table to copy (CSV or Markdown, with the escaping of
 * compare/export.ts): the visible columns in order, times in ISO 8601, durations in seconds.
 */
import { type ColumnKind, type Table, toCsv, toMarkdown } from '../compare/export.ts';
import type { TableColumn, TableRow } from './table.ts';

export function rowsTable(columns: readonly TableColumn[], rows: readonly TableRow[]): Table {
  const kind = (column: TableColumn): ColumnKind => (column.group === 'Metrics' ? 'metric' : column.type === 'number' || column.type === 'duration' ? 'integer' : 'text');
  return {
    columns: columns.map((column) => ({ title: column.type === 'duration' ? `${column.label} (s)` : column.label, kind: kind(column) })),
    rows: rows.map((row) => columns.map((column, i) => cell(row.values[i], column))),
  };
}

function cell(value: unknown, column: TableColumn): string | number | null {
  if (value === null || value === undefined) return null;
  if (column.type === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (column.type === 'time') return new Date(value).toISOString();
    if (column.type === 'duration') return value / 1000;
    return value;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function rowsAsCsv(columns: readonly TableColumn[], rows: readonly TableRow[]): string {
  return toCsv(rowsTable(columns, rows));
}

export function rowsAsMarkdown(columns: readonly TableColumn[], rows: readonly TableRow[]): string {
  return toMarkdown(rowsTable(columns, rows));
}
