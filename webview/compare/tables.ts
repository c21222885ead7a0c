// The Summary (sortable) and Params (only what differs) tables. Text only: names never become markup.
import type { CompareItem, CompareModel } from '../../src/compare/model.ts';
import type { MetricSummary, MetricValue } from '../../src/compare/summary.ts';
import { formatMetric } from '../../src/shared/format.ts';
import { el } from '../shared/vscode.ts';

export interface SortOrder {
  column: number;
  descending: boolean;
}

interface Column {
  title: string;
  numeric: boolean;
  value(row: MetricSummary, item: CompareItem | undefined): string | number | null;
  text(row: MetricSummary, item: CompareItem | undefined): string;
}

function metricNumber(value: MetricValue | null): number | null {
  return typeof value === 'number' ? value : null;
}

function metricText(value: MetricValue | null): string {
  if (value === null) return '—';
  return typeof value === 'number' ? formatMetric(value) : value;
}

function summaryColumns(production: boolean): Column[] {
  return [
    { title: production ? 'Model version' : 'Run', numeric: false, value: (_r, i) => i?.name ?? '', text: (r, i) => i?.name ?? String(r.id) },
    { title: production ? 'Model' : 'Experiment', numeric: false, value: (_r, i) => i?.group ?? '', text: (_r, i) => i?.group ?? '' },
    { title: 'Metric', numeric: false, value: (r) => r.key, text: (r) => r.key },
    { title: 'Last', numeric: true, value: (r) => metricNumber(r.last), text: (r) => metricText(r.last) },
    { title: 'Min', numeric: true, value: (r) => r.min, text: (r) => metricText(r.min) },
    { title: 'Max', numeric: true, value: (r) => r.max, text: (r) => metricText(r.max) },
    { title: 'Best', numeric: true, value: (r) => r.best, text: (r) => metricText(r.best) },
    {
      title: 'Better',
      numeric: false,
      value: (r) => r.direction,
      text: (r) => `${r.direction === 'min' ? 'lower' : 'higher'}${r.directionFrom === 'name' ? ' (guessed)' : ''}`,
    },
    {
      title: production ? 'Last time' : 'Last step',
      numeric: true,
      value: (r) => r.lastStep,
      text: (r) => (production ? new Date(r.lastStep).toLocaleString() : r.lastStep.toLocaleString('en-US')),
    },
    { title: 'Points', numeric: true, value: (r) => r.points, text: (r) => `${r.points.toLocaleString('en-US')}${r.nonfinite ? ` (${r.nonfinite.toLocaleString('en-US')} NaN/Inf)` : ''}` },
  ];
}

function compare(a: string | number | null, b: string | number | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** The summary table; clicking (or Enter/Space on) a header sorts by it, twice reverses. */
export function summaryTable(model: CompareModel, metric: string | null, order: SortOrder, onSort: (order: SortOrder) => void): HTMLElement {
  const production = model.subject.kind === 'production';
  const columns = summaryColumns(production);
  const items = new Map(model.items.map((item) => [item.id, item]));
  const rows = model.summary.filter((r) => metric === null || r.key === metric);
  const column = columns[Math.min(order.column, columns.length - 1)]!;
  rows.sort((a, b) => {
    const byColumn = compare(column.value(a, items.get(a.id)), column.value(b, items.get(b.id)));
    // Missing values stay last in both directions.
    const missing = column.value(a, items.get(a.id)) === null || column.value(b, items.get(b.id)) === null;
    return (order.descending && !missing ? -byColumn : byColumn) || a.key.localeCompare(b.key) || model.items.findIndex((i) => i.id === a.id) - model.items.findIndex((i) => i.id === b.id);
  });
  // The best value of each metric across runs gets a mark.
  const bestOf = new Map<string, number>();
  for (const r of model.summary) {
    if (r.best === null) continue;
    const current = bestOf.get(r.key);
    if (current === undefined || (r.direction === 'min' ? r.best < current : r.best > current)) bestOf.set(r.key, r.best);
  }
  const head = el(
    'tr',
    {},
    ...columns.map((c, index) => {
      const sorted = index === order.column;
      const button = el('button', { class: 'sort', type: 'button' }, c.title, sorted ? (order.descending ? ' ↓' : ' ↑') : '');
      button.addEventListener('click', () => onSort({ column: index, descending: sorted && !order.descending }));
      return el('th', { class: c.numeric ? 'number' : '', scope: 'col', 'aria-sort': sorted ? (order.descending ? 'descending' : 'ascending') : 'none' }, button);
    }),
  );
  const body = rows.map((r) => {
    const item = items.get(r.id);
    return el(
      'tr',
      {},
      ...columns.map((c, index) => {
        const isBest = index === 6 && r.best !== null && bestOf.get(r.key) === r.best;
        const cell = el('td', { class: [c.numeric ? 'number' : '', isBest ? 'best' : ''].join(' ').trim() }, c.text(r, item), isBest ? ' ★' : '');
        const raw = c.value(r, item);
        if (c.numeric && typeof raw === 'number') cell.title = String(raw);
        if (isBest) cell.setAttribute('aria-label', `${c.text(r, item)}, best ${r.key}`);
        return cell;
      }),
    );
  });
  const table = el('table', { 'data-testid': 'summary-table' }, el('thead', {}, head), el('tbody', {}, ...body));
  return el('div', { class: 'table-wrap' }, table);
}

/** Params, one row per key and one column per run; optionally only the rows that differ. */
export function paramsTable(model: CompareModel, onlyDifferences: boolean, color: (id: number) => string): HTMLElement {
  const params = model.params;
  if (!params || params.keys.length === 0) return el('p', { class: 'empty-state', 'data-testid': 'params-empty' }, 'None of these runs logged params.');
  const names = new Map(model.items.map((item) => [item.id, item]));
  const rows = params.keys.map((key, index) => ({ key, values: params.values[index]!, differs: params.differs[index]! })).filter((row) => !onlyDifferences || row.differs);
  if (rows.length === 0) return el('p', { class: 'empty-state', 'data-testid': 'params-empty' }, `All ${params.keys.length} params have the same value in every run.`);
  const head = el(
    'tr',
    {},
    el('th', { scope: 'col' }, 'Param'),
    ...params.ids.map((id) => {
      const swatch = el('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.backgroundColor = color(id);
      const name = names.get(id)?.name ?? String(id);
      return el('th', { scope: 'col', title: name }, swatch, ' ', name);
    }),
  );
  const body = rows.map((row) =>
    el(
      'tr',
      { class: row.differs && !onlyDifferences ? 'differs' : '' },
      el('th', { scope: 'row', class: 'param-name' }, row.key),
      ...row.values.map((value) => (value === null ? el('td', { class: 'missing', 'aria-label': 'not logged' }, '—') : el('td', {}, value))),
    ),
  );
  return el('div', { class: 'table-wrap' }, el('table', { 'data-testid': 'params-table' }, el('thead', {}, head), el('tbody', {}, ...body)));
}
