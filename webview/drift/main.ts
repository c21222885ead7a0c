// The drift report panel: verdict, a table of columns worst first, and a bar chart per column;
// see src/contract/drift.ts.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import type { DriftFromWebview, DriftSavedState, DriftToWebview } from '../../src/contract/drift.ts';
import type { ColumnDrift, DriftReport } from '../../src/monitoring/drift.ts';
import { formatPValue } from '../../src/monitoring/stats.ts';
import { formatMetric } from '../../src/shared/format.ts';
import { adoptStyles, connect, el } from '../shared/vscode.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

adoptStyles(`
.verdict { display: inline-block; padding: 1px 10px; border-radius: 10px; margin-left: 8px; font-size: 0.75em; vertical-align: middle; border: 1px solid var(--vscode-contrastBorder, transparent); background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.verdict.drift { background: var(--vscode-inputValidation-errorBackground, var(--vscode-badge-background)); color: var(--vscode-foreground); border-color: var(--vscode-inputValidation-errorBorder, transparent); }
.verdict.warning { background: var(--vscode-inputValidation-warningBackground, var(--vscode-badge-background)); color: var(--vscode-foreground); border-color: var(--vscode-inputValidation-warningBorder, transparent); }
.level-drift { color: var(--vscode-errorForeground); font-weight: 600; }
.level-warning { color: var(--vscode-editorWarning-foreground); font-weight: 600; }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 12px; margin: 8px 0 12px; }
.facts dt { color: var(--vscode-descriptionForeground); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
#drift-columns button.link { background: none; border: none; padding: 0; color: var(--vscode-textLink-foreground); font: inherit; cursor: pointer; text-align: left; overflow-wrap: anywhere; }
#drift-columns button.link:hover { text-decoration: underline; }
.drift-column { border-top: 1px solid var(--vscode-panel-border, var(--vscode-widget-border)); margin-top: 16px; padding-top: 4px; }
.drift-column h2 { overflow-wrap: anywhere; }
.chart-box { position: relative; height: 220px; max-width: 900px; }
.drift-column ul { margin: 6px 0; padding-left: 20px; }
`);

const vscode = connect<DriftFromWebview, DriftSavedState>();
const app = document.getElementById('app')!;
const css = getComputedStyle(document.body);
const color = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;

const LEVEL_TEXT = { stable: 'stable', warning: 'drifting', drift: 'drifted' } as const;

function pValue(column: ColumnDrift): string {
  const p = column.ks?.pValue ?? column.chiSquare?.pValue;
  return p === undefined ? 'n/a' : formatPValue(p);
}

function testText(column: ColumnDrift): string {
  if (column.ks) return `KS D = ${formatMetric(column.ks.statistic)}${column.ks.exact ? '' : ` (≤ ${formatMetric(column.ks.upperBound)})`}`;
  if (column.chiSquare) return `χ² = ${formatMetric(column.chiSquare.statistic)}, ${column.chiSquare.dof} dof`;
  return 'not tested';
}

/** Charts are built when their column scrolls into view, so a report with hundreds of columns opens at once. */
const pending = new Map<Element, () => void>();
const observer = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    pending.get(entry.target)?.();
    pending.delete(entry.target);
    observer.unobserve(entry.target);
  }
});

/** Chart colours from the theme; read again when the theme changes (VS Code swaps the body class). */
function theme() {
  return {
    text: color('--vscode-foreground', '#888'),
    grid: color('--vscode-panel-border', 'rgba(128,128,128,0.3)'),
    reference: color('--vscode-charts-blue', '#3794ff'),
    current: color('--vscode-charts-orange', '#d18616'),
  };
}

let colors = theme();
const charts: Chart<'bar'>[] = [];

/** Axis and legend colours; the bars read `colors` through scriptable options. */
function paint(target: Chart<'bar'>): void {
  const { x, y } = target.options.scales as Record<'x' | 'y', { ticks: { color: string }; grid: { color: string }; title?: { color: string } }>;
  for (const axis of [x, y]) {
    axis.ticks.color = colors.text;
    axis.grid.color = colors.grid;
  }
  y.title!.color = colors.text;
  target.options.plugins!.legend!.labels!.color = colors.text;
  target.update('none');
}

new MutationObserver(() => {
  colors = theme();
  charts.forEach(paint);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

function chart(column: ColumnDrift): HTMLElement {
  const canvas = el('canvas', { role: 'img', 'aria-label': `Share of values per ${column.kind === 'numeric' ? 'bin' : 'category'} of ${column.name}, reference and current` });
  const box = el('div', { class: 'chart-box' }, canvas);
  const refTotal = column.histogram.reduce((s, b) => s + b.reference, 0) || 1;
  const curTotal = column.histogram.reduce((s, b) => s + b.current, 0) || 1;
  pending.set(box, () => {
    const created = new Chart(canvas, {
      type: 'bar',
      data: {
        labels: column.histogram.map((b) => (b.label.length > 40 ? `${b.label.slice(0, 39)}…` : b.label)),
        datasets: [
          { label: 'Reference', data: column.histogram.map((b) => (100 * b.reference) / refTotal), backgroundColor: () => colors.reference, borderColor: () => colors.reference, borderWidth: 1 },
          { label: 'Current', data: column.histogram.map((b) => (100 * b.current) / curTotal), backgroundColor: () => colors.current, borderColor: () => colors.current, borderWidth: 1 },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { ticks: { autoSkip: false, maxRotation: 60 }, grid: {} },
          y: { beginAtZero: true, title: { display: true, text: '% of values' }, ticks: {}, grid: {} },
        },
        plugins: {
          legend: { labels: {} },
          tooltip: {
            callbacks: {
              title: (items) => column.histogram[items[0]?.dataIndex ?? 0]?.label ?? '',
              label: (item) => {
                const bar = column.histogram[item.dataIndex]!;
                const count = item.datasetIndex === 0 ? bar.reference : bar.current;
                return `${item.dataset.label}: ${formatMetric(item.parsed.y ?? 0)}% (${count.toLocaleString()} values)`;
              },
            },
          },
        },
      },
    });
    charts.push(created);
    paint(created);
  });
  observer.observe(box);
  return box;
}

function columnSection(column: ColumnDrift): HTMLElement {
  const counts = (side: ColumnDrift['reference']) =>
    `${side.rows.toLocaleString()} rows${side.missing ? `, ${side.missing.toLocaleString()} missing` : ''}${side.nonNumeric ? `, ${side.nonNumeric.toLocaleString()} not numbers` : ''}`;
  return el(
    'section',
    { class: 'drift-column', 'data-column': column.name, id: `column-${encodeURIComponent(column.name)}` },
    el('h2', {}, column.name, ' ', el('span', { class: `level-${column.level}` }, LEVEL_TEXT[column.level])),
    el(
      'p',
      { class: 'muted' },
      `${column.kind} · PSI ${formatMetric(column.psi)} · ${testText(column)} · p ${pValue(column)}${column.significant ? ' (significant)' : ''} · reference ${counts(column.reference)} · current ${counts(column.current)}`,
    ),
    column.histogram.length ? chart(column) : el('p', { class: 'muted' }, 'No values to chart.'),
    ...(column.notes.length ? [el('ul', {}, ...column.notes.map((n) => el('li', {}, n)))] : []),
  );
}

function render(report: DriftReport, subject: string | null, reportId: number): void {
  const drifted = report.columns.filter((c) => c.level === 'drift').length;
  const drifting = report.columns.filter((c) => c.level === 'warning').length;
  const { psiWarning, psiAlert, pValue: alpha } = report.thresholds;
  const binned = report.columns.some((c) => c.ks && !c.ks.exact);
  const sections = report.columns.map(columnSection);
  const rows = report.columns.map((column, index) =>
    el(
      'tr',
      { 'data-column': column.name, 'data-level': column.level },
      el('td', {}, el('button', { class: 'link', type: 'button', 'data-index': String(index) }, column.name)),
      el('td', {}, column.kind),
      el('td', { class: 'number' }, formatMetric(column.psi)),
      el('td', {}, testText(column)),
      el('td', { class: 'number' }, pValue(column)),
      el('td', { class: `level-${column.level}` }, `${LEVEL_TEXT[column.level]}${column.significant ? ' *' : ''}`),
    ),
  );
  const table = el(
    'table',
    { id: 'drift-columns' },
    el('thead', {}, el('tr', {}, ...['Column', 'Kind', 'PSI', 'Test', 'p-value', 'Level'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...rows),
  );
  table.addEventListener('click', (event) => {
    const index = (event.target as HTMLElement).closest('button')?.getAttribute('data-index');
    if (index !== null && index !== undefined) sections[Number(index)]?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  });
  app.replaceChildren(
    el('h1', {}, 'Data drift', el('span', { class: `verdict ${report.verdict}`, id: 'drift-verdict' }, { stable: 'Stable', warning: 'Warning', drift: 'Drift' }[report.verdict])),
    el(
      'p',
      { id: 'drift-summary' },
      `${drifted} of ${report.columns.length} columns drifted (PSI ≥ ${psiAlert}), ${drifting} drifting (PSI ≥ ${psiWarning}), ${report.significantColumns} significantly changed (p < ${alpha}).` +
        (drifted ? ' Consider retraining on recent data.' : ''),
    ),
    el(
      'dl',
      { class: 'facts' },
      ...(subject ? [el('dt', {}, 'Model version'), el('dd', {}, subject)] : []),
      el('dt', {}, 'Reference'),
      el('dd', {}, `${report.referencePath} (${report.referenceRows.toLocaleString()} rows)`),
      el('dt', {}, 'Current'),
      el('dd', {}, `${report.currentPath} (${report.currentRows.toLocaleString()} rows)`),
      el('dt', {}, 'Checked'),
      el('dd', {}, `${new Date(report.createdAt).toLocaleString()} · report #${reportId}`),
    ),
    el(
      'details',
      {},
      el('summary', {}, 'How this is computed'),
      el(
        'p',
        { class: 'muted' },
        `Numeric columns (≥ ${report.method.numericShare * 100}% numbers): ${report.method.bins} bins at the reference's quantiles, PSI over them (an empty bin counts as ${report.method.psiEpsilon}), and the two-sample Kolmogorov–Smirnov test. ` +
          `Categorical columns: PSI and the chi-square test of homogeneity over the categories (the first ${report.method.categoryLimit.toLocaleString()} distinct values one by one). Missing values form a bin of their own. ` +
          (binned
            ? `Files larger than the ${report.method.sampleSize.toLocaleString()}-value sample get the KS statistic from fine bins: the true value lies between D and the bound shown.`
            : 'Every KS statistic here is exact.') +
          ' With very large files tiny shifts are significant (*): judge by PSI.',
      ),
    ),
    table,
    ...sections,
  );
}

window.addEventListener('message', (event: MessageEvent<DriftToWebview>) => {
  const message = event.data;
  vscode.setState({ reportId: message.reportId });
  if (message.type === 'missing') {
    app.replaceChildren(el('h1', {}, 'Data drift'), el('p', { class: 'empty-state' }, `Drift report #${message.reportId} is no longer in the store.`));
    return;
  }
  render(message.report, message.subject, message.reportId);
});

vscode.postMessage({ type: 'ready' });
