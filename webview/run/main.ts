// The run page's script; src/contract/run.ts holds the messages it exchanges.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import { Chart, LinearScale, LineController, LineElement, LogarithmicScale, type Plugin, PointElement, Tooltip } from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import type { RunFromWebview, RunSavedState, RunTab, RunToWebview } from '../../src/contract/run.ts';
import type { RunPageModel } from '../../src/runpage/model.ts';
import { truncateLabel } from '../../src/shared/format.ts';
import { type ChartHost, type ChartView, MetricChart } from '../compare/charts.ts';
import { readTheme, runSlot, slotColor, watchTheme } from '../compare/theme.ts';
import { adoptStyles, connect, el } from '../shared/vscode.ts';
import { ArtifactsView } from './artifacts.ts';
import { NoteEditor, keyValueTable, metaList, statusBadge, tagForm } from './details.ts';
import { metricsTable } from './metrics.ts';
import { RUN_CSS } from './style.ts';

// The package's types describe its CommonJS build; the bundle takes the ES module, whose default is the plugin.
Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, zoomPlugin as unknown as Plugin);
adoptStyles(RUN_CSS);

const vscode = connect<RunFromWebview, RunSavedState>();
const TAB_ORDER: RunTab[] = ['metrics', 'params', 'tags', 'artifacts'];
const saved = vscode.getState();
let state: RunSavedState | undefined = saved;
let page: RunPageModel | null = null;
let editable = false;
let theme = readTheme();
let chart: MetricChart | undefined;
let nextRequest = 1;
const filters = { metrics: '', params: '', tags: '' };

function post(message: RunFromWebview): void {
  vscode.postMessage(message);
}

function save(patch: Partial<RunSavedState>): void {
  if (!page) return;
  state = { runId: page.run.id, tab: 'metrics', chart: null, artifact: null, filter: '', ...state, ...patch };
  vscode.setState(state);
}

// ---- layout ---------------------------------------------------------------------------------

const app = document.getElementById('app')!;
app.setAttribute('aria-live', 'off');
const title = el('h1', { 'data-testid': 'run-name', tabindex: '-1' });
const renameButton = el('button', { class: 'icon-button', type: 'button', title: 'Rename the run', 'aria-label': 'Rename the run', 'data-testid': 'rename' }, el('span', { class: 'codicon codicon-edit', 'aria-hidden': 'true' }));
const renameInput = el('input', { type: 'text', class: 'rename', 'aria-label': 'Run name', 'data-testid': 'rename-input', maxlength: '1000' });
renameInput.hidden = true;
const status = el('span');
const compareButton = el('vscode-button', { icon: 'graph-line', secondary: '', 'data-testid': 'compare-with' }, 'Compare with…');
const meta = el('div');
const gone = el('p', { class: 'gone empty-state', 'data-testid': 'run-gone', role: 'alert' });
const header = el('header', { class: 'run-header' }, el('div', { class: 'title-row' }, title, renameInput, renameButton, status, el('span', { class: 'spacer' }), compareButton), meta);

function search(label: string, testId: string, onInput: (value: string) => void): HTMLInputElement {
  const input = el('input', { type: 'search', class: 'filter', placeholder: `Search ${label}`, 'aria-label': `Search ${label}`, 'data-testid': testId });
  input.addEventListener('input', () => onInput(input.value));
  return input;
}

const metricsSearch = search('metrics', 'metrics-search', (value) => {
  filters.metrics = value;
  renderMetrics();
});
const chartSlot = el('div', { 'data-testid': 'chart-slot' });
const metricsHost = el('div');
const paramsSearch = search('params', 'params-search', (value) => {
  filters.params = value;
  renderParams();
});
const paramsHost = el('div');
const tagsSearch = search('tags', 'tags-search', (value) => {
  filters.tags = value;
  renderTags();
});
const tagsHost = el('div');
const tags = tagForm(post, false);
const note = new NoteEditor(post);
const artifacts = new ArtifactsView(post, saved?.artifact ?? null, (display) => save({ artifact: display }));

const tabs = el(
  'vscode-tabs',
  { 'data-testid': 'tabs', panel: '' },
  ...TAB_ORDER.map((tab) => el('vscode-tab-header', { slot: 'header', 'data-testid': `tab-${tab}` }, { metrics: 'Metrics', params: 'Params', tags: 'Tags & note', artifacts: 'Artifacts' }[tab])),
  el('vscode-tab-panel', {}, el('div', { class: 'section-tools' }, metricsSearch), chartSlot, metricsHost),
  el('vscode-tab-panel', {}, el('div', { class: 'section-tools' }, paramsSearch), paramsHost),
  el('vscode-tab-panel', {}, el('h2', {}, 'Tags'), el('div', { class: 'section-tools' }, tagsSearch), tags.form, tagsHost, note.element),
  el('vscode-tab-panel', {}, artifacts.element),
);
tabs.setAttribute('selected-index', String(Math.max(0, TAB_ORDER.indexOf(saved?.tab ?? 'metrics'))));
gone.hidden = true;
app.append(header, gone, tabs);

// ---- rendering ------------------------------------------------------------------------------

const runColor = () => slotColor(theme, page ? runSlot(page.run.id) : 0);

function renderHeader(): void {
  if (!page) return;
  title.textContent = page.run.name;
  title.title = page.run.name;
  status.replaceChildren(statusBadge(page, Date.now()));
  meta.replaceChildren(metaList(page, post));
  renameButton.hidden = !editable || !renameInput.hidden;
}

function renderMetrics(): void {
  if (!page) return;
  metricsHost.replaceChildren(metricsTable({ page, filter: filters.metrics, selected: state?.chart ?? null, color: runColor(), open: openChart }));
}

function renderParams(): void {
  if (!page) return;
  paramsHost.replaceChildren(keyValueTable('params', page.params, filters.params, 'This run logged no params.'));
}

function renderTags(): void {
  if (!page) return;
  tags.form.hidden = !editable;
  const actions = editable
    ? (key: string, value: string) => {
        const edit = el('button', { class: 'icon-button', type: 'button', 'aria-label': `Edit tag ${truncateLabel(key, 60)}`, title: 'Edit' }, el('span', { class: 'codicon codicon-edit', 'aria-hidden': 'true' }));
        edit.addEventListener('click', () => tags.edit(key, value));
        const remove = el('button', { class: 'icon-button', type: 'button', 'aria-label': `Remove tag ${truncateLabel(key, 60)}`, title: 'Remove', 'data-testid': 'tag-remove' }, el('span', { class: 'codicon codicon-trash', 'aria-hidden': 'true' }));
        remove.addEventListener('click', () => post({ type: 'removeTag', key }));
        return [edit, remove];
      }
    : undefined;
  tagsHost.replaceChildren(keyValueTable('tags', page.tags, filters.tags, editable ? 'No tags yet. Add one above.' : 'This run has no tags.', actions));
  note.update(page.run.notes, editable);
}

// ---- the full chart of one metric (Compare's chart and M4 reader) ---------------------------

function chartView(): ChartView {
  return {
    theme,
    items: new Map(page ? [[page.item.id, page.item]] : []),
    xMode: 'step',
    smoothing: 'off',
    strength: 0,
    logScale: false,
    bucketUnit: 'steps',
    color: runColor,
    hidden: () => false,
    // The page says how the run ended; its chart needs no end mark.
    lastStep: () => undefined,
  };
}

const chartHost: ChartHost = {
  view: chartView,
  request(key, pixels, range) {
    const requestId = nextRequest++;
    post({ type: 'series', requestId, key, pixels, range });
    return requestId;
  },
};

function openChart(key: string): void {
  save({ chart: key });
  syncChart();
  renderMetrics();
  chart?.card.scrollIntoView({ block: 'nearest' });
  chart?.card.querySelector<HTMLElement>('canvas')?.focus();
}

function syncChart(): void {
  const spec = page?.charts.find((c) => c.key === state?.chart);
  if (!spec) {
    chart?.destroy();
    chart = undefined;
    chartSlot.replaceChildren();
    return;
  }
  if (chart && chart.key !== spec.key) {
    chart.destroy();
    chart = undefined;
  }
  if (chart) chart.update(spec);
  else {
    chart = new MetricChart(spec, chartHost);
    const close = el('button', { class: 'icon-button', type: 'button', title: 'Close the chart', 'aria-label': 'Close the chart', 'data-testid': 'chart-close' }, el('span', { class: 'codicon codicon-close', 'aria-hidden': 'true' }));
    close.addEventListener('click', () => {
      save({ chart: null });
      syncChart();
      renderMetrics();
    });
    chart.card.querySelector('header')!.append(close);
    chartSlot.replaceChildren(chart.card);
    chart.setVisible(true);
  }
}

// ---- events ---------------------------------------------------------------------------------

function finishRename(commit: boolean): void {
  if (renameInput.hidden) return;
  const name = renameInput.value.trim();
  renameInput.hidden = true;
  title.hidden = false;
  renameButton.hidden = !editable;
  if (commit && page && name && name !== page.run.name) {
    title.textContent = name;
    post({ type: 'rename', name });
  }
  renameButton.focus();
}

renameButton.addEventListener('click', () => {
  if (!page) return;
  renameInput.value = page.run.name;
  renameInput.hidden = false;
  title.hidden = true;
  renameButton.hidden = true;
  renameInput.focus();
  renameInput.select();
});
renameInput.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') finishRename(true);
  if (event.key === 'Escape') finishRename(false);
});
renameInput.addEventListener('blur', () => finishRename(true));
compareButton.addEventListener('click', () => post({ type: 'compareWith' }));
tabs.addEventListener('vsc-tabs-select', (event) => {
  save({ tab: TAB_ORDER[(event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex] ?? 'metrics' });
});

watchTheme(() => {
  theme = readTheme();
  renderMetrics();
  chart?.render();
});

// The duration of a running run ticks on without a store change.
setInterval(() => {
  if (page?.run.status === 'RUNNING') status.replaceChildren(statusBadge(page, Date.now()));
}, 1000);

window.addEventListener('message', (event: MessageEvent<RunToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'model':
      page = message.page;
      editable = message.editable;
      gone.hidden = message.gone === null;
      gone.textContent = message.gone ?? '';
      header.hidden = tabs.hidden = page === null;
      if (!page) return;
      compareButton.hidden = message.gone !== null;
      save({});
      renderHeader();
      renderMetrics();
      renderParams();
      renderTags();
      syncChart();
      return;
    case 'artifacts':
      artifacts.setFiles(message);
      return;
    case 'preview':
      artifacts.showPreview(message);
      return;
    case 'hash':
      artifacts.setHash(message.display, message.sha256);
      return;
    case 'series':
      chart?.receive(message.requestId, message.set);
      return;
    case 'seriesFailed':
      chart?.failed(message.requestId, message.message);
      return;
  }
});

post({ type: 'ready' });
