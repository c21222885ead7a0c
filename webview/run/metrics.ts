// The Metrics tab: every key with last, min, max, step count and a sparkline; a key opens its
// full chart, drawn by Compare's chart (the same M4 series, zoom and keyboard).
import type { RunMetric, RunPageModel } from '../../src/runpage/model.ts';
import { formatMetric, truncateLabel, formatCount } from '../../src/shared/format.ts';
import { el } from '../shared/vscode.ts';

const SVG = 'http://www.w3.org/2000/svg';

/** A 120 × 24 line of the metric's M4 values; gaps where NaN or ±Inf was logged. */
export function sparkline(values: readonly (number | null)[], color: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('viewBox', '0 0 120 24');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('aria-hidden', 'true');
  const finite = values.filter((v): v is number => v !== null);
  if (finite.length === 0) return svg;
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const x = (i: number) => (values.length === 1 ? 60 : (i / (values.length - 1)) * 120);
  const y = (v: number) => (hi === lo ? 12 : 22 - ((v - lo) / (hi - lo)) * 20);
  let run: string[] = [];
  const flush = () => {
    if (run.length === 1) {
      const [cx, cy] = run[0]!.split(',');
      const dot = document.createElementNS(SVG, 'circle');
      dot.setAttribute('cx', cx!);
      dot.setAttribute('cy', cy!);
      dot.setAttribute('r', '1.5');
      dot.setAttribute('fill', color);
      svg.append(dot);
    } else if (run.length) {
      const line = document.createElementNS(SVG, 'polyline');
      line.setAttribute('points', run.join(' '));
      line.setAttribute('fill', 'none');
      line.setAttribute('stroke', color);
      line.setAttribute('stroke-width', '1.5');
      line.setAttribute('vector-effect', 'non-scaling-stroke');
      svg.append(line);
    }
    run = [];
  };
  values.forEach((v, i) => {
    if (v === null) flush();
    else run.push(`${x(i).toFixed(2)},${y(v).toFixed(2)}`);
  });
  flush();
  return svg;
}

function value(v: RunMetric['last'] | number | null): string {
  if (v === null) return '—';
  return typeof v === 'number' ? formatMetric(v) : v;
}

export interface MetricsView {
  page: RunPageModel;
  filter: string;
  selected: string | null;
  color: string;
  open(key: string): void;
}

/** The table of the metrics whose key contains the filter (any case). */
export function metricsTable(view: MetricsView): HTMLElement {
  const needle = view.filter.trim().toLowerCase();
  const rows = view.page.metrics.filter((m) => !needle || m.key.toLowerCase().includes(needle));
  if (view.page.metrics.length === 0) {
    return el('p', { class: 'empty-state' }, view.page.run.status === 'RUNNING' ? 'No metrics logged yet. They appear here as the run logs them.' : 'This run logged no metrics.');
  }
  if (rows.length === 0) return el('p', { class: 'muted', role: 'status' }, `No metric matches "${view.filter}".`);
  const primary = view.page.experiment.primaryMetric;
  const body = rows.map((m) => {
    const open = el('button', { class: 'link-button', type: 'button', title: `Show the full chart of ${m.key}`, 'data-testid': 'metric-key' }, truncateLabel(m.key, 80));
    open.addEventListener('click', () => view.open(m.key));
    const better = m.direction === 'min' ? 'lower is better' : 'higher is better';
    const keyCell = el('td', { class: 'key', title: `${m.key}\n${better}${m.directionFrom === 'experiment' ? ' (the experiment\'s primary metric)' : ''}` }, open);
    if (m.key === primary) keyCell.append(el('span', { class: 'muted' }, ' · primary'));
    return el(
      'tr',
      { 'data-testid': 'metric-row', 'data-key': m.key, ...(m.key === view.selected ? { class: 'selected' } : {}) },
      keyCell,
      el('td', { class: 'spark' }, sparkline(m.sparkline, view.color)),
      el('td', { class: 'number' }, value(m.last)),
      el('td', { class: 'number' }, value(m.min)),
      el('td', { class: 'number' }, value(m.max)),
      el('td', { class: 'number', title: m.nonfinite ? `${formatCount(m.nonfinite)} of them NaN or ±Inf` : '' }, formatCount(m.points)),
      el('td', { class: 'number' }, formatCount(m.lastStep)),
    );
  });
  const head = ['Metric', 'Trend', 'Last', 'Min', 'Max', 'Points', 'Last step'].map((title, i) => el('th', { scope: 'col', ...(i >= 2 ? { class: 'number' } : {}) }, title));
  return el('div', { class: 'table-wrap' }, el('table', { class: 'metrics', 'data-testid': 'metrics-table', 'aria-label': 'Metrics of this run' }, el('thead', {}, el('tr', {}, ...head)), el('tbody', {}, ...body)));
}
