// The compare panel's script; src/contract/compare.ts holds the messages it exchanges.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import { CategoryScale, Chart, LinearScale, LineController, LineElement, LogarithmicScale, type Plugin, PointElement, ScatterController, Tooltip } from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import type { CompareModel, XMode } from '../../src/compare/model.ts';
import { MAX_STRENGTH, type SmoothingMode, windowFor } from '../../src/compare/smoothing.ts';
import type { CompareSavedState, CompareFromWebview, Tab, CompareToWebview } from '../../src/contract/compare.ts';
import { truncateLabel } from '../../src/shared/format.ts';
import { adoptStyles, connect, el } from '../shared/vscode.ts';
import { type ChartHost, type ChartView, MetricChart } from './charts.ts';
import { type PlotView, parallelChart, plotCanvas, scatterChart } from './parallel.ts';
import { COMPARE_CSS } from './style.ts';
import { paramsTable, summaryTable } from './tables.ts';
import { readTheme, runSlot, slotColor, watchTheme } from './theme.ts';

// The package's types describe its CommonJS build; the bundle takes the ES module, whose default is the plugin.
Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, Tooltip, zoomPlugin as unknown as Plugin);
adoptStyles(COMPARE_CSS);

const vscode = connect<CompareFromWebview, CompareSavedState>();
const TAB_ORDER: Tab[] = ['charts', 'summary', 'params', 'parallel'];
const X_LABELS: Record<XMode, string> = { step: 'Step', relative: 'Relative time', wall: 'Wall time' };
const SMOOTHING_LABELS: Record<SmoothingMode, string> = { off: 'Off', ema: 'Exponential (EMA)', mean: 'Running average' };

const state: CompareSavedState = {
  subject: { kind: 'runs', runIds: [] },
  tab: 'charts',
  xAxis: 'step',
  smoothing: 'off',
  strength: 0.6,
  logScale: false,
  onlyDifferences: true,
  summaryMetric: null,
  summarySort: { column: 2, descending: false },
  scatter: { param: null, metric: null },
  hidden: [],
  colors: {},
  ...vscode.getState(),
};
let model: CompareModel | undefined;
let notes: string[] = [];
const dismissed = new Set<string>();
let theme = readTheme();
const charts = new Map<string, MetricChart>();
const requests = new Map<number, string>();
let nextRequest = 1;
let parallelPlot: Chart | undefined;
let scatterPlot: Chart | undefined;

function save(): void {
  vscode.setState(state);
}

function post(message: CompareFromWebview): void {
  vscode.postMessage(message);
}

// ---- colours: a run keeps its palette slot while it stays in the comparison ----------------

function assignColors(ids: readonly number[]): void {
  const kept = Object.fromEntries(Object.entries(state.colors).filter(([id]) => ids.includes(Number(id))));
  const used = new Set(Object.values(kept));
  for (const id of ids) {
    if (kept[String(id)] !== undefined) continue;
    // A run's own slot (from its id) when free, so it looks the same in every panel and its page.
    let slot = runSlot(id);
    while (used.has(slot)) slot++;
    kept[String(id)] = slot;
    used.add(slot);
  }
  state.colors = kept;
}

const color = (id: number) => slotColor(theme, state.colors[String(id)] ?? 0);
const hidden = (id: number) => state.hidden.includes(id);

// ---- layout ---------------------------------------------------------------------------------

const app = document.getElementById('app')!;
const title = el('h1', { 'data-testid': 'compare-title' });
const liveBadge = el('span', { class: 'live-badge', 'data-testid': 'live', title: 'Some runs are still logging: charts follow new points.' }, '● live');
const addButton = el('vscode-button', { icon: 'add', secondary: '', 'data-testid': 'add-runs' }, 'Add runs…');
const xSelect = el('vscode-single-select', { 'data-testid': 'x-axis', 'aria-label': 'X axis' });
const smoothingSelect = el('vscode-single-select', { 'data-testid': 'smoothing', 'aria-label': 'Smoothing' });
const strength = el('input', {
  type: 'range',
  class: 'strength',
  min: '0',
  max: String(MAX_STRENGTH),
  step: '0.01',
  'data-testid': 'smoothing-strength',
  'aria-label': 'Smoothing strength',
});
const strengthValue = el('span', { class: 'strength-value muted', 'aria-hidden': 'true' });
const logScale = el('vscode-checkbox', { 'data-testid': 'log-scale' }, 'Log scale');
const resetAll = el('vscode-button', { icon: 'discard', secondary: '', 'data-testid': 'reset-zoom', title: 'Show every chart whole again' }, 'Reset zoom');
const legend = el('div', { class: 'legend', role: 'group', 'aria-label': 'Runs in the comparison', 'data-testid': 'legend' });
const notesList = el('ul', { class: 'notes', role: 'status', 'data-testid': 'notes' });
const toolbar = el(
  'div',
  { class: 'compare-toolbar', role: 'toolbar', 'aria-label': 'Chart settings', 'data-testid': 'compare-toolbar' },
  addButton,
  el('span', { class: 'control' }, el('span', { class: 'muted' }, 'X axis'), xSelect),
  el('span', { class: 'control' }, el('span', { class: 'muted' }, 'Smoothing'), smoothingSelect, strength, strengthValue),
  logScale,
  resetAll,
);
const header = el('div', { class: 'compare-header' }, el('div', { class: 'title-row' }, title, liveBadge), toolbar, legend, notesList);

const emptyState = el('div', { class: 'empty-state', 'data-testid': 'empty-state' });
const chartsNote = el('p', { class: 'muted', 'data-testid': 'charts-note' });
const chartGrid = el('div', { class: 'chart-grid', 'data-testid': 'chart-grid' });
const chartsHint = el('p', { class: 'chart-hint' }, 'Drag across a chart to zoom in (Ctrl+wheel zooms too, Shift+drag pans); double-click or press 0 to reset. Zoomed ranges are read again in full detail.');
const summaryMetric = el('vscode-single-select', { 'data-testid': 'summary-metric', 'aria-label': 'Metric shown in the summary' });
const summaryHost = el('div');
const onlyDifferences = el('vscode-checkbox', { 'data-testid': 'only-differences' }, 'Only params that differ');
const paramsHost = el('div');
const parallelCanvas = plotCanvas('parallel-chart', 'Parallel coordinates of params and final metric values, one line per run');
const parallelNote = el('p', { class: 'muted', 'data-testid': 'parallel-note' });
const scatterParam = el('vscode-single-select', { 'data-testid': 'scatter-param', 'aria-label': 'Param on the x axis' });
const scatterMetric = el('vscode-single-select', { 'data-testid': 'scatter-metric', 'aria-label': 'Metric on the y axis' });
const scatterCanvas = plotCanvas('scatter-chart', 'Scatter of a final metric value against a param, one point per run');
const scatterNote = el('p', { class: 'muted' });

function copyButton(table: 'summary' | 'params', format: 'csv' | 'markdown'): HTMLElement {
  const button = el('vscode-button', { secondary: '', icon: 'copy', 'data-testid': `copy-${table}-${format}` }, `Copy as ${format === 'csv' ? 'CSV' : 'Markdown'}`);
  button.addEventListener('click', () => post({ type: 'copy', table, format, onlyDifferences: state.onlyDifferences, metric: state.summaryMetric }));
  return button;
}

const tabs = el(
  'vscode-tabs',
  { 'data-testid': 'tabs', panel: '' },
  ...TAB_ORDER.map((tab) =>
    el('vscode-tab-header', { slot: 'header', 'data-testid': `tab-${tab}` }, { charts: 'Charts', summary: 'Summary', params: 'Params', parallel: 'Parallel coordinates' }[tab]),
  ),
  el('vscode-tab-panel', {}, chartsNote, chartGrid, chartsHint),
  el(
    'vscode-tab-panel',
    {},
    el('div', { class: 'table-tools' }, el('span', { class: 'control' }, el('span', { class: 'muted' }, 'Metric'), summaryMetric), copyButton('summary', 'csv'), copyButton('summary', 'markdown')),
    summaryHost,
  ),
  el('vscode-tab-panel', {}, el('div', { class: 'table-tools' }, onlyDifferences, copyButton('params', 'csv'), copyButton('params', 'markdown')), paramsHost),
  el(
    'vscode-tab-panel',
    {},
    parallelNote,
    el('div', { class: 'parallel-box' }, parallelCanvas),
    el('h2', {}, 'Final metric value against a param'),
    el('div', { class: 'table-tools' }, el('span', { class: 'control' }, el('span', { class: 'muted' }, 'Param'), scatterParam), el('span', { class: 'control' }, el('span', { class: 'muted' }, 'Metric'), scatterMetric)),
    scatterNote,
    el('div', { class: 'scatter-box' }, scatterCanvas),
  ),
);
app.append(header, emptyState, tabs);

/**
 * Sets a select's options (only when they changed: rebuilding them resets the element's choice
 * until it has processed them) and picks `wanted`, or the first option. Returns the choice.
 */
function fillSelect(select: HTMLElement, options: [string, string][], wanted: string): string {
  const chosen = options.some(([v]) => v === wanted) ? wanted : (options[0]?.[0] ?? '');
  const current = [...select.querySelectorAll('vscode-option')].map((o) => [o.getAttribute('value') ?? '', o.textContent ?? '']);
  if (JSON.stringify(current) !== JSON.stringify(options)) {
    select.replaceChildren(...options.map(([value, label]) => el('vscode-option', value === chosen ? { value, selected: '' } : { value }, label)));
  }
  (select as HTMLElement & { value: string }).value = chosen;
  return chosen;
}

// ---- charts ---------------------------------------------------------------------------------

function chartView(): ChartView {
  return {
    theme,
    items: new Map((model?.items ?? []).map((item) => [item.id, item])),
    xMode: model?.xModes.includes(state.xAxis) ? state.xAxis : (model?.xModes[0] ?? 'step'),
    smoothing: state.smoothing,
    strength: state.strength,
    logScale: state.logScale,
    bucketUnit: model?.subject.kind === 'production' ? 'ms' : 'steps',
    color,
    hidden,
  };
}

const host: ChartHost = {
  view: chartView,
  request(key, pixels, range) {
    const requestId = nextRequest++;
    requests.set(requestId, key);
    post({ type: 'series', requestId, key, pixels, range });
    return requestId;
  },
};

const visibility = new IntersectionObserver(
  (entries) => {
    for (const entry of entries) charts.get((entry.target as HTMLElement).dataset.metric ?? '')?.setVisible(entry.isIntersecting);
  },
  { rootMargin: '300px 0px' },
);

function syncCharts(): void {
  const specs = model?.charts ?? [];
  for (const [key, chart] of charts) {
    if (specs.some((s) => s.key === key)) continue;
    visibility.unobserve(chart.card);
    chart.destroy();
    charts.delete(key);
  }
  for (const spec of specs) {
    let chart = charts.get(spec.key);
    if (chart) chart.update(spec);
    else {
      chart = new MetricChart(spec, host);
      charts.set(spec.key, chart);
      visibility.observe(chart.card);
    }
    chartGrid.append(chart.card); // keeps the model's order
  }
}

function renderCharts(): void {
  for (const chart of charts.values()) chart.render();
}

// ---- header, legend, notes ------------------------------------------------------------------

function renderHeader(): void {
  const m = model;
  const production = m?.subject.kind === 'production';
  title.textContent = m?.title ?? 'Compare';
  liveBadge.hidden = !m?.live;
  addButton.textContent = production ? 'Add versions…' : 'Add runs…';
  const modes = m?.xModes ?? ['step'];
  fillSelect(xSelect, modes.map((mode) => [mode, X_LABELS[mode]]), state.xAxis);
  (xSelect as HTMLElement & { disabled: boolean }).disabled = modes.length < 2;
  fillSelect(smoothingSelect, Object.entries<string>(SMOOTHING_LABELS), state.smoothing);
  strength.value = String(state.strength);
  strength.disabled = state.smoothing === 'off';
  // Off: no value beside a slider that does nothing.
  strengthValue.textContent = state.smoothing === 'off' ? '' : state.smoothing === 'mean' ? `window ${windowFor(state.strength)}` : state.strength.toFixed(2);
  strength.setAttribute('aria-valuetext', strengthValue.textContent || 'smoothing is off');
  (logScale as HTMLElement & { checked: boolean }).checked = state.logScale;
}

function renderLegend(): void {
  const m = model;
  if (!m) return;
  const noun = m.subject.kind === 'runs' ? 'run' : 'version';
  legend.replaceChildren(
    ...m.items.map((item) => {
      const swatch = el('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.backgroundColor = color(item.id);
      const toggle = el(
        'button',
        { class: 'legend-toggle', type: 'button', 'aria-pressed': String(!hidden(item.id)), title: `${item.detail}\n\nClick to show or hide this ${noun} in every chart.`, 'data-testid': 'legend-item', 'data-id': String(item.id) },
        swatch,
        el('span', { class: 'legend-name' }, truncateLabel(item.name, 200)),
        el('span', { class: 'legend-group' }, truncateLabel(item.group, 80)),
      );
      toggle.addEventListener('click', () => {
        state.hidden = hidden(item.id) ? state.hidden.filter((id) => id !== item.id) : [...state.hidden, item.id];
        save();
        renderLegend();
        // The legend was rebuilt: keep the keyboard on the same run.
        legend.querySelector<HTMLElement>(`[data-testid="legend-item"][data-id="${item.id}"]`)?.focus();
        renderCharts();
        renderPlots();
      });
      const remove = el(
        'button',
        { class: 'icon-button', type: 'button', title: `Remove from the comparison`, 'aria-label': `Remove ${noun} ${truncateLabel(item.name, 80)} from the comparison`, 'data-testid': 'remove-run', 'data-id': String(item.id) },
        el('span', { class: 'codicon codicon-close', 'aria-hidden': 'true' }),
      );
      remove.addEventListener('click', () => post({ type: 'remove', id: item.id }));
      return el('span', { class: 'legend-entry' }, toggle, remove);
    }),
  );
}

function renderNotes(): void {
  notesList.replaceChildren(
    ...notes
      .filter((note) => !dismissed.has(note))
      .map((note) => {
        const close = el('button', { class: 'icon-button', type: 'button', 'aria-label': 'Dismiss this note' }, el('span', { class: 'codicon codicon-close', 'aria-hidden': 'true' }));
        close.addEventListener('click', () => {
          dismissed.add(note);
          renderNotes();
        });
        return el('li', { 'data-testid': 'note' }, el('span', {}, note), close);
      }),
  );
}

/** Params and parallel coordinates are about runs: production metrics have neither. */
function renderTabs(): void {
  const runs = model?.subject.kind !== 'production';
  for (const tab of ['params', 'parallel'] as const) tabs.querySelector(`[data-testid="tab-${tab}"]`)!.toggleAttribute('hidden', !runs);
  if (!runs && (state.tab === 'params' || state.tab === 'parallel')) {
    state.tab = 'charts';
    tabs.setAttribute('selected-index', '0');
  }
}

function renderEmpty(): void {
  const m = model;
  const noun = m?.subject.kind === 'production' ? 'model versions' : 'runs';
  const nothing = !m || m.items.length === 0;
  emptyState.hidden = !nothing;
  tabs.hidden = nothing;
  if (nothing) {
    emptyState.textContent =
      noun === 'runs'
        ? 'No runs to compare. Select runs in the Experiments view and choose Compare Runs, or use Add runs… above.'
        : 'No model versions to show. Use Add versions… above, or Show Production Metrics on a version in the Models view.';
    return;
  }
  if (m.charts.length === 0) {
    chartsNote.textContent = m.live ? `None of these ${noun} has logged a metric yet. Charts appear as soon as they do.` : `None of these ${noun} has logged a metric.`;
  } else if (m.items.length >= 2 && m.sharedMetrics === 0) {
    chartsNote.textContent = `These ${noun} have no metric in common, so no chart compares them: each chart shows only the ${noun} that logged its metric.`;
  } else chartsNote.textContent = '';
  chartsNote.hidden = chartsNote.textContent === '';
}

// ---- tables and plots -----------------------------------------------------------------------

/** Replaces a table, keeping where it was scrolled to (live runs re-render it every second). */
function replaceKeepingScroll(host: HTMLElement, content: HTMLElement): void {
  const wrap = host.querySelector('.table-wrap');
  const [top, left] = wrap ? [wrap.scrollTop, wrap.scrollLeft] : [0, 0];
  host.replaceChildren(content);
  const next = host.querySelector('.table-wrap');
  if (next) {
    next.scrollTop = top;
    next.scrollLeft = left;
  }
}

function renderSummary(): void {
  const m = model;
  if (!m) return;
  const keys = [...new Set(m.summary.map((s) => s.key))];
  if (state.summaryMetric !== null && !keys.includes(state.summaryMetric)) state.summaryMetric = null;
  fillSelect(summaryMetric, [['', 'All metrics'], ...keys.map((k): [string, string] => [k, truncateLabel(k, 80)])], state.summaryMetric ?? '');
  replaceKeepingScroll(
    summaryHost,
    m.summary.length
      ? summaryTable(m, state.summaryMetric, state.summarySort, (order) => {
          state.summarySort = order;
          save();
          renderSummary();
          summaryHost.querySelectorAll<HTMLElement>('th button.sort')[order.column]?.focus();
        })
      : el('p', { class: 'empty-state' }, 'No metrics logged yet.'),
  );
}

function renderParams(): void {
  if (!model) return;
  (onlyDifferences as HTMLElement & { checked: boolean }).checked = state.onlyDifferences;
  replaceKeepingScroll(paramsHost, paramsTable(model, state.onlyDifferences, color));
}

function plotView(): PlotView {
  return { theme, color, hidden };
}

function renderPlots(): void {
  const m = model;
  if (!m || state.tab !== 'parallel') return;
  const data = m.parallel;
  parallelNote.textContent = !data || data.axes.length === 0 ? 'Parallel coordinates need params that differ between the runs, or metrics.' : data.omitted ? `${data.omitted} more axes are left out to keep the chart readable.` : '';
  parallelPlot = parallelChart(parallelCanvas, m, plotView(), parallelPlot);
  const params = m.params;
  const paramKeys = params ? [...params.keys.filter((_, i) => params.differs[i]), ...params.keys.filter((_, i) => !params.differs[i])] : [];
  const metricKeys = m.charts.map((c) => c.key);
  const param = fillSelect(scatterParam, paramKeys.map((k) => [k, truncateLabel(k, 80)]), state.scatter.param ?? '');
  const metric = fillSelect(scatterMetric, metricKeys.map((k) => [k, truncateLabel(k, 80)]), state.scatter.metric ?? '');
  scatterNote.textContent = paramKeys.length && metricKeys.length ? '' : 'A scatter needs runs with params and metrics.';
  scatterPlot = param && metric ? scatterChart(scatterCanvas, m, param, metric, plotView(), scatterPlot) : (scatterPlot?.destroy(), undefined);
}

// ---- events ---------------------------------------------------------------------------------

function selectValue(event: Event): string {
  return (event.target as HTMLElement & { value: string }).value;
}

addButton.addEventListener('click', () => post({ type: 'add' }));
xSelect.addEventListener('change', (event) => {
  const value = selectValue(event) as XMode;
  if (value === state.xAxis) return;
  state.xAxis = value;
  save();
  for (const chart of charts.values()) chart.resetWindow();
});
smoothingSelect.addEventListener('change', (event) => {
  state.smoothing = selectValue(event) as SmoothingMode;
  save();
  renderHeader();
  renderCharts();
});
strength.addEventListener('input', () => {
  state.strength = Math.min(MAX_STRENGTH, Math.max(0, Number(strength.value)));
  save();
  renderHeader();
  renderCharts();
});
logScale.addEventListener('change', () => {
  state.logScale = (logScale as HTMLElement & { checked: boolean }).checked;
  save();
  renderCharts();
});
resetAll.addEventListener('click', () => {
  for (const chart of charts.values()) chart.resetZoom();
});
summaryMetric.addEventListener('change', (event) => {
  state.summaryMetric = selectValue(event) || null;
  save();
  renderSummary();
});
onlyDifferences.addEventListener('change', () => {
  state.onlyDifferences = (onlyDifferences as HTMLElement & { checked: boolean }).checked;
  save();
  renderParams();
});
scatterParam.addEventListener('change', (event) => {
  state.scatter = { ...state.scatter, param: selectValue(event) };
  save();
  renderPlots();
});
scatterMetric.addEventListener('change', (event) => {
  state.scatter = { ...state.scatter, metric: selectValue(event) };
  save();
  renderPlots();
});
tabs.addEventListener('vsc-tabs-select', (event) => {
  state.tab = TAB_ORDER[(event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex] ?? 'charts';
  save();
  renderPlots();
});
tabs.setAttribute('selected-index', String(Math.max(0, TAB_ORDER.indexOf(state.tab))));

watchTheme(() => {
  theme = readTheme();
  renderLegend();
  renderParams();
  renderCharts();
  renderPlots();
});

window.addEventListener('message', (event: MessageEvent<CompareToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'model': {
      model = message.model;
      notes = message.notes;
      state.subject = model.subject;
      const ids = model.items.map((i) => i.id);
      state.hidden = state.hidden.filter((id) => ids.includes(id));
      assignColors(ids);
      save();
      renderHeader();
      renderLegend();
      renderNotes();
      renderTabs();
      renderEmpty();
      syncCharts();
      renderSummary();
      renderParams();
      renderPlots();
      break;
    }
    case 'series': {
      const key = requests.get(message.requestId);
      requests.delete(message.requestId);
      if (key !== undefined) charts.get(key)?.receive(message.requestId, message.set);
      break;
    }
    case 'seriesFailed':
      requests.delete(message.requestId);
      charts.get(message.key)?.failed(message.requestId, message.message);
      break;
  }
});

post({ type: 'ready' });
