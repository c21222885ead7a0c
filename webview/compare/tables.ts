// The Summary (runs × metrics, sortable) and Params (only what differs) tables. Text only: names never become markup.
import type { CompareModel } from '../../src/compare/model.ts';
import type { MetricValue } from '../../src/compare/summary.ts';
import { type SummarySort, type SummaryValue, endedEarly, nextSort, sortWide, wideSummary } from '../../src/compare/wideSummary.ts';
import { formatMetric, truncateLabel } from '../../src/shared/format.ts';
import { el } from '../shared/vscode.ts';
import { endedMark } from './legend.ts';

function metricText(value: MetricValue | null): string {
  if (value === null) return '—';
  return typeof value === 'number' ? formatMetric(value) : value;
}

/** The Summary tab: a row per run, a column per metric, the best value of each metric marked. */
export function summaryTable(model: CompareModel, value: SummaryValue, order: SummarySort, color: (id: number) => string, onSort: (order: SummarySort) => void): HTMLElement {
  const production = model.subject.kind === 'production';
  const wide = wideSummary(model, value);
  const rows = sortWide(wide, order);
  const header = (column: string, title: string, options: { numeric?: boolean; hint?: string; better?: string; system?: boolean } = {}) => {
    const sorted = order.column === column;
    const button = el(
      'button',
      { class: 'sort', type: 'button', 'data-column': column, ...(options.hint ? { title: `${column}\n${options.hint}` } : {}) },
      title,
      sorted ? (order.descending ? ' ↓' : ' ↑') : '',
      ...(options.better ? [el('span', { class: 'better' }, options.better)] : []),
    );
    button.addEventListener('click', () => onSort(nextSort(order, column, wide)));
    const classes = [options.numeric ? 'number' : '', options.system ? 'system' : ''].join(' ').trim();
    return el('th', { scope: 'col', class: classes, 'aria-sort': sorted ? (order.descending ? 'descending' : 'ascending') : 'none' }, button);
  };
  const head = el(
    'tr',
    {},
    header('run', production ? 'Model version' : 'Run'),
    header('experiment', production ? 'Model' : 'Experiment'),
    ...(production ? [] : [header('status', 'Status')]),
    ...wide.columns.map((c) =>
      header(c.key, truncateLabel(c.key, 40), {
        numeric: true,
        // More CPU or memory is neither better nor worse: system columns name no direction and star no cell.
        better: c.system ? 'system' : `${c.direction === 'min' ? 'lower' : 'higher'} is better${c.directionFrom === 'name' ? ' (guess)' : ''}`,
        system: c.system,
        hint: c.system
          ? 'A system metric (CPU, memory, disk, network, GPU): no value is better. Click to sort.'
          : `${c.direction === 'min' ? 'Lower' : 'Higher'} is better (${c.directionFrom === 'experiment' ? "the experiment's primary metric" : 'guessed from the name'}). Click to sort.`,
      }),
    ),
  );
  const body = rows.map((row) => {
    const chip = el('span', { class: 'swatch chip', 'aria-hidden': 'true' });
    chip.style.backgroundColor = color(row.id);
    const ended = endedEarly(row.status);
    return el(
      'tr',
      { 'data-testid': 'summary-row', 'data-id': String(row.id), ...(ended ? { 'data-ended': ended } : {}) },
      el('th', { scope: 'row', class: 'run-name', title: row.name }, chip, truncateLabel(row.name, 80)),
      el('td', { title: row.group }, truncateLabel(row.group, 60)),
      ...(production ? [] : [el('td', {}, ended ? endedMark(ended) : (row.status ?? '').toLowerCase())]),
      ...row.cells.map((cell, index) => {
        const best = row.best[index]!;
        const td = el('td', { class: best ? 'number best' : 'number' }, metricText(cell), best ? ' ★' : '');
        if (typeof cell === 'number') td.title = String(cell);
        if (best) td.setAttribute('aria-label', `${metricText(cell)}, best ${wide.columns[index]!.key}`);
        return td;
      }),
    );
  });
  const table = el('table', { 'data-testid': 'summary-table', class: 'wide-summary' }, el('thead', {}, head), el('tbody', {}, ...body));
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

/** Replaces a table, keeping where it was scrolled to (live runs re-render it every second). */
export function replaceKeepingScroll(host: HTMLElement, content: HTMLElement): void {
  const wrap = host.querySelector('.table-wrap');
  const [top, left] = wrap ? [wrap.scrollTop, wrap.scrollLeft] : [0, 0];
  host.replaceChildren(content);
  const next = host.querySelector('.table-wrap');
  if (next) {
    next.scrollTop = top;
    next.scrollLeft = left;
  }
}
