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
import type { SummaryValue } from '../../src/compare/wideSummary.ts';
import type { CompareSavedState, CompareFromWebview, Tab, CompareToWebview } from '../../src/contract/compare.ts';
import { adoptStyles, connect, el } from '../shared/vscode.ts';
import { ChartGrid } from './chartGrid.ts';
import type { ChartView } from './charts.ts';
import { legendEntries, noteItems } from './legend.ts';
import type { PlotView } from './parallel.ts';
import { PlotsTab } from './plotsTab.ts';
import { fillSelect, selectValue } from './selects.ts';
import { COMPARE_CSS } from './style.ts';
import { paramsTable, replaceKeepingScroll, summaryTable } from './tables.ts';
import { readTheme, runSlot, slotColor, watchTheme } from './theme.ts';

// The package's types describe its CommonJS build; the bundle takes the ES module, whose default is the plugin.
Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, Tooltip, zoomPlugin as unknown as Plugin);
adoptStyles(COMPARE_CSS);

const vscode = connect<CompareFromWebview, CompareSavedState>();
const TAB_ORDER: Tab[] = ['charts', 'summary', 'params', 'parallel'];
const X_LABELS: Record<XMode, string> = { step: 'Step', relative: 'Relative time', wall: 'Wall time' };
const SMOOTHING_LABELS: Record<SmoothingMode, string> = { off: 'Off', ema: 'Exponential (EMA)', mean: 'Running average' };
const VALUE_LABELS: Record<SummaryValue, string> = { last: 'Last value', best: 'Best value', min: 'Minimum', max: 'Maximum' };

const state: CompareSavedState = {
  subject: { kind: 'runs', runIds: [] },
  tab: 'charts',
  xAxis: 'step',
  smoothing: 'off',
  strength: 0.6,
  logScale: false,
  onlyDifferences: true,
  summaryValue: 'last',
  summarySort: { column: 'run', descending: false },
  scatter: { param: null, metric: null },
  hidden: [],
  colors: {},
  systemOpen: false,
  ...vscode.getState(),
};
let model: CompareModel | undefined;
/** Each run's last step per metric, so a chart knows where a run really ended. */
let lastSteps = new Map<string, number>();
let notes: string[] = [];
const dismissed = new Set<string>();
let theme = readTheme();

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
/** Controls that only change the Charts tab: hidden on the others. */
const chartControls = [
  el('span', { class: 'control', 'data-testid': 'x-axis-control' }, el('span', { class: 'muted' }, 'X axis'), xSelect),
  el('span', { class: 'control', 'data-testid': 'smoothing-control' }, el('span', { class: 'muted' }, 'Smoothing'), smoothingSelect, strength, strengthValue),
  logScale,
  resetAll,
];
const legend = el('div', { class: 'legend', role: 'group', 'aria-label': 'Runs in the comparison', 'data-testid': 'legend' });
const notesList = el('ul', { class: 'notes', role: 'status', 'data-testid': 'notes' });
const toolbar = el(
  'div',
  { class: 'compare-toolbar', role: 'toolbar', 'aria-label': 'Chart settings', 'data-testid': 'compare-toolbar' },
  addButton,
  ...chartControls,
);
const header = el('div', { class: 'compare-header' }, el('div', { class: 'title-row' }, title, liveBadge), toolbar, legend, notesList);

const emptyState = el('div', { class: 'empty-state', 'data-testid': 'empty-state' });
const chartsNote = el('p', { class: 'muted', 'data-testid': 'charts-note' });
const grid = new ChartGrid({
  view: chartView,
  request: (requestId, key, pixels, range) => post({ type: 'series', requestId, key, pixels, range }),
  systemToggled(open) {
    state.systemOpen = open;
    save();
  },
});
const chartsHint = el('p', { class: 'chart-hint' }, 'Drag across a chart to zoom in (Ctrl+wheel zooms too, Shift+drag pans); double-click or press 0 to reset. Zoomed ranges are read again in full detail.');
const summaryValue = el('vscode-single-select', { 'data-testid': 'summary-value', 'aria-label': 'Number shown for each metric' });
const summaryHost = el('div');
const onlyDifferences = el('vscode-checkbox', { 'data-testid': 'only-differences' }, 'Only params that differ');
const paramsHost = el('div');
function copyButton(table: 'summary' | 'params', format: 'csv' | 'markdown'): HTMLElement {
  const button = el('vscode-button', { secondary: '', icon: 'copy', 'data-testid': `copy-${table}-${format}` }, `Copy as ${format === 'csv' ? 'CSV' : 'Markdown'}`);
  button.addEventListener('click', () => post({ type: 'copy', table, format, onlyDifferences: state.onlyDifferences, value: state.summaryValue }));
  return button;
}

const plots = new PlotsTab((scatter) => {
  state.scatter = { ...state.scatter, ...scatter };
  save();
  renderPlots();
});
const tabs = el(
  'vscode-tabs',
  { 'data-testid': 'tabs', panel: '' },
  ...TAB_ORDER.map((tab) =>
    el('vscode-tab-header', { slot: 'header', 'data-testid': `tab-${tab}` }, { charts: 'Charts', summary: 'Summary', params: 'Params', parallel: 'Parallel coordinates' }[tab]),
  ),
  el('vscode-tab-panel', {}, chartsNote, grid.main, grid.system, chartsHint),
  el(
    'vscode-tab-panel',
    {},
    el('div', { class: 'table-tools' }, el('span', { class: 'control' }, el('span', { class: 'muted' }, 'Show'), summaryValue), copyButton('summary', 'csv'), copyButton('summary', 'markdown')),
    summaryHost,
  ),
  el('vscode-tab-panel', {}, el('div', { class: 'table-tools' }, onlyDifferences, copyButton('params', 'csv'), copyButton('params', 'markdown')), paramsHost),
  plots.panel,
);
app.append(header, emptyState, tabs);
app.append(header, emptyState, tabs);

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
    lastStep: (id, key) => lastSteps.get(`${id}\u0000${key}`),
  };
}

function syncCharts(): void {
  grid.sync(model?.charts ?? [], state.systemOpen);
}

function renderCharts(): void {
  grid.renderAll();
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
  strength.hidden = state.smoothing === 'off';
  // Off: no value beside a slider that does nothing.
  strengthValue.textContent = state.smoothing === 'off' ? '' : state.smoothing === 'mean' ? `window ${windowFor(state.strength)}` : state.strength.toFixed(2);
  strength.setAttribute('aria-valuetext', strengthValue.textContent || 'smoothing is off');
  (logScale as HTMLElement & { checked: boolean }).checked = state.logScale;
}

function renderLegend(): void {
  if (!model) return;
  legend.replaceChildren(
    ...legendEntries(model, {
      color,
      hidden,
      toggle(id) {
        state.hidden = hidden(id) ? state.hidden.filter((h) => h !== id) : [...state.hidden, id];
        save();
        renderLegend();
        // The legend was rebuilt: keep the keyboard on the same run.
        legend.querySelector<HTMLElement>(`[data-testid="legend-item"][data-id="${id}"]`)?.focus();
        renderCharts();
        renderPlots();
        renderSummary();
      },
      remove: (id) => post({ type: 'remove', id }),
    }),
  );
}

function renderNotes(): void {
  notesList.replaceChildren(...noteItems(notes, dismissed, renderNotes));
}

/** Params and parallel coordinates are about runs: production metrics have neither. Chart controls show on the Charts tab only. */
function renderTabs(): void {
  for (const control of chartControls) control.hidden = state.tab !== 'charts';
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

function renderSummary(): void {
  const m = model;
  if (!m) return;
  fillSelect(summaryValue, Object.entries<string>(VALUE_LABELS), state.summaryValue);
  replaceKeepingScroll(
    summaryHost,
    m.summary.length
      ? summaryTable(m, state.summaryValue, state.summarySort, color, (order) => {
          state.summarySort = order;
          save();
          renderSummary();
          // The table was rebuilt: keep the keyboard on the header just used.
          [...summaryHost.querySelectorAll<HTMLElement>('th button.sort')].find((b) => b.dataset.column === order.column)?.focus();
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
  if (model && state.tab === 'parallel') plots.render(model, state.scatter, plotView());
}

// ---- events ---------------------------------------------------------------------------------

addButton.addEventListener('click', () => post({ type: 'add' }));
xSelect.addEventListener('change', (event) => {
  const value = selectValue(event) as XMode;
  if (value === state.xAxis) return;
  state.xAxis = value;
  save();
  grid.resetWindows();
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
  grid.resetZooms();
});
summaryValue.addEventListener('change', (event) => {
  state.summaryValue = (selectValue(event) as SummaryValue) || 'last';
  save();
  renderSummary();
});
onlyDifferences.addEventListener('change', () => {
  state.onlyDifferences = (onlyDifferences as HTMLElement & { checked: boolean }).checked;
  save();
  renderParams();
});
tabs.addEventListener('vsc-tabs-select', (event) => {
  state.tab = TAB_ORDER[(event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex] ?? 'charts';
  save();
  renderTabs();
  renderPlots();
});
tabs.setAttribute('selected-index', String(Math.max(0, TAB_ORDER.indexOf(state.tab))));

watchTheme(() => {
  theme = readTheme();
  renderLegend();
  renderSummary();
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
      lastSteps = new Map(model.summary.map((s) => [`${s.id}\u0000${s.key}`, s.lastStep]));
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
    case 'series':
      grid.receive(message.requestId, message.set);
      break;
    case 'seriesFailed':
      grid.failed(message.requestId, message.key, message.message);
      break;
  }
});

post({ type: 'ready' });
