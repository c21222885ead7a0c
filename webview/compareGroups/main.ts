// The Compare Groups page: one chart per metric, one line per group of runs (src/contract/compare.ts).
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { Chart, Filler, LineController, LineElement, LinearScale, PointElement, Tooltip } from 'chart.js';
import type { GroupsModel } from '../../src/compare/groupsModel.ts';
import { MAX_MEMBER_LINES } from '../../src/compare/groups.ts';
import type { GroupBand, GroupsFromWebview, GroupsState, GroupsToWebview } from '../../src/contract/compare.ts';
import { truncateLabel } from '../../src/shared/format.ts';
import { adoptStyles, connect, el } from '../shared/vscode.ts';
import { GroupChart, type GroupHost, type GroupView } from '../compare/groupLines.ts';
import { COMPARE_CSS } from '../compare/style.ts';
import { readTheme, slotColor, watchTheme } from '../compare/theme.ts';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Filler);
adoptStyles(COMPARE_CSS);

const vscode = connect<GroupsFromWebview, GroupsState>();
const state: GroupsState = { subject: { by: [], groups: [] }, band: 'minmax', members: false, colors: {}, hidden: [], ...vscode.getState() };
let model: GroupsModel | undefined;
let theme = readTheme();
const charts = new Map<string, GroupChart>();
const requests = new Map<number, string>();
let nextRequest = 1;

const save = () => vscode.setState(state);
const labels = () => model?.subject.groups.map((g) => g.label) ?? [];

/** A group keeps its palette slot (by label) while it stays; a new one prefers the slot its label hashes to. */
function assignColors(): void {
  const present = labels();
  const kept = Object.fromEntries(Object.entries(state.colors).filter(([label]) => present.includes(label)));
  const used = new Set(Object.values(kept));
  for (const label of present) {
    if (kept[label] !== undefined) continue;
    let slot = [...label].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 10, 7);
    while (used.has(slot)) slot++;
    kept[label] = slot;
    used.add(slot);
  }
  state.colors = kept;
}

const colorOf = (group: number) => slotColor(theme, state.colors[labels()[group] ?? ''] ?? group);
const hiddenGroup = (group: number) => state.hidden.includes(labels()[group] ?? '');

const app = document.getElementById('app')!;
const title = el('h1', { 'data-testid': 'compare-title' });
const bandSelect = el('vscode-single-select', { 'data-testid': 'group-band', 'aria-label': 'Band around each mean' }) as HTMLElement & { value: string };
bandSelect.append(el('vscode-option', { value: 'minmax' }, 'Min–max'), el('vscode-option', { value: 'std' }, '±1 std'));
const membersBox = el('vscode-checkbox', { 'data-testid': 'group-members', title: `Draw each group's runs faintly behind its mean (up to ${MAX_MEMBER_LINES} a group)` }, 'Show member runs') as HTMLElement & { checked: boolean };
const legend = el('div', { class: 'legend', role: 'group', 'aria-label': 'Groups in the comparison', 'data-testid': 'legend' });
const notesList = el('ul', { class: 'notes', role: 'status', 'data-testid': 'notes' });
const explain = el('p', { class: 'chart-hint' }, 'Each line is the mean of its group\'s runs at each step, over the runs that logged that step; NaN values are left out. Hover a line to see how many runs it is over.');
const emptyState = el('div', { class: 'empty-state', 'data-testid': 'empty-state' });
const chartGrid = el('div', { class: 'chart-grid', 'data-testid': 'chart-grid' });
app.append(
  el(
    'div',
    { class: 'compare-header' },
    el('div', { class: 'title-row' }, title),
    el('div', { class: 'compare-toolbar', role: 'toolbar', 'aria-label': 'Group chart settings', 'data-testid': 'compare-toolbar' }, el('span', { class: 'control' }, el('span', { class: 'muted' }, 'Band'), bandSelect), membersBox),
    legend,
    notesList,
  ),
  emptyState,
  explain,
  chartGrid,
);

const view = (): GroupView => ({ theme, band: state.band, members: state.members, labels: labels(), runNames: model?.runNames ?? {}, color: colorOf, hidden: hiddenGroup });
const host: GroupHost = {
  view,
  request(key, pixels, members) {
    const requestId = nextRequest++;
    requests.set(requestId, key);
    vscode.postMessage({ type: 'series', requestId, key, pixels, range: null, members });
    return requestId;
  },
};

function syncCharts(): void {
  const specs = model?.charts ?? [];
  for (const [key, chart] of charts) {
    if (specs.some((s) => s.key === key)) continue;
    chart.destroy();
    charts.delete(key);
  }
  for (const spec of specs) {
    let chart = charts.get(spec.key);
    if (!chart) {
      chart = new GroupChart(spec, host);
      charts.set(spec.key, chart);
    }
    chartGrid.append(chart.card);
    chart.update(spec);
  }
}

function renderLegend(): void {
  legend.replaceChildren(
    ...(model?.subject.groups ?? []).map((group, index) => {
      const swatch = el('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.backgroundColor = colorOf(index);
      const toggle = el(
        'button',
        { class: 'legend-toggle', type: 'button', 'aria-pressed': String(!hiddenGroup(index)), title: `${group.label}: ${group.runIds.length} runs\n\nClick to show or hide this group in every chart.`, 'data-testid': 'legend-item', 'data-label': group.label },
        swatch,
        el('span', { class: 'legend-name' }, truncateLabel(group.label, 120)),
        el('span', { class: 'legend-group' }, `${group.runIds.length} run${group.runIds.length === 1 ? '' : 's'}`),
      );
      toggle.addEventListener('click', () => {
        state.hidden = hiddenGroup(index) ? state.hidden.filter((l) => l !== group.label) : [...state.hidden, group.label];
        save();
        renderLegend();
        legend.querySelectorAll<HTMLElement>('[data-testid="legend-item"]')[index]?.focus();
        for (const chart of charts.values()) chart.render();
      });
      return el('span', { class: 'legend-entry' }, toggle);
    }),
  );
}

function renderModel(notes: string[]): void {
  title.textContent = model?.title ?? 'Compare Groups';
  bandSelect.value = state.band;
  membersBox.checked = state.members;
  notesList.replaceChildren(...notes.map((note) => el('li', { 'data-testid': 'note' }, note)));
  const nothing = !model || model.subject.groups.length === 0;
  emptyState.hidden = !nothing;
  explain.hidden = nothing;
  emptyState.textContent = nothing ? 'No groups to compare. In the Runs table, choose a column under "Group by", then Compare Groups.' : model!.charts.length === 0 ? 'None of these runs has logged a metric.' : '';
  if (!nothing && model!.charts.length === 0) emptyState.hidden = false;
  renderLegend();
  syncCharts();
}

bandSelect.addEventListener('change', () => {
  state.band = bandSelect.value as GroupBand;
  save();
  for (const chart of charts.values()) chart.render();
});
membersBox.addEventListener('change', () => {
  state.members = membersBox.checked;
  save();
  syncCharts();
});
watchTheme(() => {
  theme = readTheme();
  renderLegend();
  for (const chart of charts.values()) chart.render();
});

window.addEventListener('message', (event: MessageEvent<GroupsToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'model':
      model = message.model;
      state.subject = model.subject;
      assignColors();
      state.hidden = state.hidden.filter((label) => labels().includes(label));
      save();
      renderModel(message.notes);
      return;
    case 'series': {
      const key = requests.get(message.requestId);
      requests.delete(message.requestId);
      if (key !== undefined) charts.get(key)?.receive(message.requestId, message.series);
      return;
    }
    case 'seriesFailed':
      requests.delete(message.requestId);
      charts.get(message.key)?.failed(message.requestId, message.message);
      return;
  }
});

vscode.postMessage({ type: 'ready' });
