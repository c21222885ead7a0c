// The Runs table: one row per run across experiments; see src/contract/runs.ts. Search, sort and
// grouping run in SQL in the extension; this page asks only for the rows on screen.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { RunsLayout, RunsFromWebview, RunsToWebview } from '../../src/contract/runs.ts';
import type { TableColumn } from '../../src/search/table.ts';
import { adoptStyles, connect, el } from '../shared/vscode.ts';
import { Grid, type GridResult } from './grid.ts';
import { NoteEditor, SelectionBar, emptyHint } from './rowActions.ts';
import { andFilter } from '../../src/search/quickFilter.ts';
import { QuickFilterMenu, quickColumn } from './quickFilterMenu.ts';
import { RUNS_CSS } from './styles.ts';
import { formatCount } from '../../src/shared/format.ts';

interface RunsState {
  layout: RunsLayout;
}

adoptStyles(RUNS_CSS);
const vscode = connect<RunsFromWebview, RunsState>();
const app = document.getElementById('app')!;

let layout: RunsLayout | undefined;
let catalog: TableColumn[] = [];
let experiments: { id: number; name: string }[] = [];

const filterField = el('vscode-textfield', { id: 'runs-filter', placeholder: "Filter, e.g. metrics.val_auc > 0.85 and params.lr = '0.01'", 'aria-label': 'Filter runs (MLflow search syntax)' }) as HTMLElement & { value: string };
const status = el('span', { id: 'runs-status', class: 'runs-status', role: 'status' });
const scope = el('span', { id: 'runs-scope', class: 'muted' });
const allExperiments = el('vscode-button', { id: 'runs-all-experiments', secondary: '', class: 'hidden' }, 'All experiments');
const columnsButton = el('vscode-button', { id: 'runs-columns', secondary: '', 'aria-expanded': 'false', 'aria-controls': 'runs-chooser' }, 'Columns…');
const groupSelect = el('vscode-single-select', { id: 'runs-group', 'aria-label': 'Group by' }) as HTMLElement & { value: string };
const thenSelect = el('vscode-single-select', { id: 'runs-group-then', 'aria-label': 'Then group by' }) as HTMLElement & { value: string };
const metricSelect = el('vscode-single-select', { id: 'runs-metric-value', 'aria-label': 'Metric value shown' }) as HTMLElement & { value: string };
for (const [value, label] of [['last', 'Last value'], ['min', 'Min'], ['max', 'Max'], ['best', 'Best']]) metricSelect.append(el('vscode-option', { value: value! }, label!));
const errorBox = el('div', { id: 'runs-filter-error', class: 'filter-error hidden', role: 'alert' });
const chooser = el('div', { id: 'runs-chooser', class: 'chooser hidden', role: 'group', 'aria-label': 'Columns' });
const grid = new Grid({
  onSort: (column, add) => changeSort(column, add),
  onResize: (column, width) => update({ widths: { ...layout!.widths, [column]: width } }),
  requestRows: (generation, start, end) => vscode.postMessage({ type: 'rows', generation, start, end }),
  onSelect: (runIds) => {
    selectionBar.update(runIds);
    vscode.postMessage({ type: 'select', runIds });
  },
  onStar: (runIds, starred) => vscode.postMessage({ type: 'star', runIds, starred }),
  onEditTag: (runId, key, value) => vscode.postMessage({ type: 'setTag', runId, key, value }),
  onHeaderMenu: (id, anchor) => {
    const column = catalog.find((c) => c.id === id) ?? { id, label: id, group: 'Attributes' as const, type: 'text' as const };
    quickMenu.open(quickColumn(column, layout!.metricValue), column.label, grid.valueAt(id), anchor);
  },
});
const selectionBar = new SelectionBar((message) => vscode.postMessage(message));
const noteEditor = new NoteEditor((message) => vscode.postMessage(message), () => grid.element.focus());
const empty = el('div', { id: 'runs-empty', class: 'runs-empty hidden', role: 'status' });
const quickMenu = new QuickFilterMenu((condition) => {
  filterField.value = andFilter(layout!.filter, condition);
  update({ filter: filterField.value });
});
const compareGroupsButton = el('vscode-button', { id: 'runs-compare-groups', secondary: '', class: 'hidden', title: 'One line per group: the mean of its runs at each step, with a band' }, 'Compare Groups');
compareGroupsButton.addEventListener('click', () => vscode.postMessage({ type: 'compareGroups' }));

app.append(
  el('div', { class: 'toolbar runs-toolbar', role: 'search' }, filterField, status),
  errorBox,
  el('div', { class: 'toolbar runs-toolbar' }, scope, allExperiments, columnsButton, el('span', { class: 'muted' }, 'Group by'), groupSelect, thenSelect, el('span', { class: 'muted' }, 'Metrics show'), metricSelect, compareGroupsButton),
  chooser,
  selectionBar.element,
  noteEditor.element,
  empty,
  grid.element,
  quickMenu.element,
);

/** Saves the layout and asks the extension to query again. */
function update(change: Partial<RunsLayout>): void {
  layout = { ...layout!, ...change };
  compareGroupsButton.classList.toggle('hidden', layout.groupBy.length === 0);
  vscode.setState({ layout });
  vscode.postMessage({ type: 'query', layout });
  grid.setLayout(layout, catalog);
}

function changeSort(column: string, add: boolean): void {
  const current = layout!.sort.find((key) => key.column === column);
  // A click cycles ascending -> descending -> unsorted; shift-click adds the column to the sort.
  const next = !current ? { column, descending: false } : !current.descending ? { column, descending: true } : undefined;
  const others = add ? layout!.sort.filter((key) => key.column !== column) : [];
  update({ sort: next ? (add ? [...others, next] : [next]) : others });
}

let typing: ReturnType<typeof setTimeout> | undefined;
filterField.addEventListener('input', () => {
  clearTimeout(typing);
  typing = setTimeout(() => update({ filter: filterField.value }), 300);
});
filterField.addEventListener('keydown', (event) => {
  if ((event).key === 'Enter') {
    clearTimeout(typing);
    update({ filter: filterField.value });
  }
});
allExperiments.addEventListener('click', () => update({ experimentIds: null }));
columnsButton.addEventListener('click', () => {
  const open = chooser.classList.toggle('hidden') === false;
  columnsButton.setAttribute('aria-expanded', String(open));
  if (open) renderChooser();
});
const changeGrouping = () => update({ groupBy: [groupSelect.value, groupSelect.value ? thenSelect.value : ''].filter(Boolean) });
groupSelect.addEventListener('change', changeGrouping);
thenSelect.addEventListener('change', changeGrouping);
metricSelect.addEventListener('change', () => update({ metricValue: metricSelect.value as RunsLayout['metricValue'] }));

function renderChooser(): void {
  chooser.replaceChildren();
  const pinned = el('vscode-single-select', { id: 'runs-pinned', 'aria-label': 'Pinned columns' }) as HTMLElement & { value: string };
  for (let n = 0; n <= 5; n++) pinned.append(el('vscode-option', { value: String(n) }, String(n)));
  pinned.value = String(layout!.pinned);
  pinned.addEventListener('change', () => update({ pinned: Number(pinned.value) }));
  chooser.append(el('div', { class: 'toolbar' }, el('span', {}, 'Pinned columns'), pinned));
  for (const group of ['Attributes', 'Params', 'Metrics', 'Tags'] as const) {
    const members = catalog.filter((c) => c.group === group);
    if (members.length === 0) continue;
    const set = el('fieldset', {}, el('legend', {}, `${group} (${members.length})`));
    for (const column of members) {
      const box = el('input', { type: 'checkbox', id: `col-${column.id}`, 'data-column': column.id });
      box.checked = layout!.columns.includes(column.id);
      box.addEventListener('change', () => update({ columns: box.checked ? [...layout!.columns, column.id] : layout!.columns.filter((c) => c !== column.id) }));
      set.append(el('label', {}, box, ` ${column.label}`));
    }
    chooser.append(set);
  }
}

function fillGroupSelects(): void {
  const candidates = catalog.filter((c) => c.group === 'Params' || c.group === 'Tags' || ['attributes.status', 'attributes.experiment', 'attributes.user_id', 'attributes.git_commit'].includes(c.id));
  for (const select of [groupSelect, thenSelect]) {
    select.replaceChildren(el('vscode-option', { value: '' }, select === groupSelect ? '(none)' : '(then none)'));
    for (const c of candidates) select.append(el('vscode-option', { value: c.id }, `${c.group === 'Attributes' ? '' : `${c.group.slice(0, -1).toLowerCase()} `}${c.label}`));
  }
  groupSelect.value = layout!.groupBy[0] ?? '';
  thenSelect.value = layout!.groupBy[1] ?? '';
}

function showError(error: { message: string; column: number } | null): void {
  errorBox.classList.toggle('hidden', !error);
  filterField.setAttribute('aria-invalid', String(!!error));
  if (!error) return;
  const text = layout!.filter;
  errorBox.replaceChildren(
    el('div', {}, text),
    el('div', { class: 'caret', 'aria-hidden': 'true' }, `${' '.repeat(Math.max(0, error.column - 1))}^`),
    el('div', { class: 'message' }, `Column ${error.column}: ${error.message}`),
  );
}

function showScope(): void {
  const ids = layout!.experimentIds;
  const names = ids ? experiments.filter((e) => ids.includes(e.id)).map((e) => e.name) : [];
  scope.textContent = ids ? `Experiment: ${names.join(', ') || '(none)'}` : 'All experiments';
  allExperiments.classList.toggle('hidden', !ids);
}

window.addEventListener('message', (event: MessageEvent<RunsToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'columns':
      layout = message.layout;
      catalog = message.columns;
      experiments = message.experiments;
      filterField.value = layout.filter;
      metricSelect.value = layout.metricValue;
      fillGroupSelects();
      showScope();
      if (!chooser.classList.contains('hidden')) renderChooser();
      update({});
      return;
    case 'result': {
      showError(message.error);
      const result: GridResult = message;
      const shown = message.groups.length ? `${formatCount(message.groups.filter((g) => g.depth === 0).length)} groups of ` : '';
      status.textContent = message.error ? 'The filter has an error' : `${shown}${formatCount(message.total)} runs · ${message.elapsedMs} ms`;
      grid.setResult(result);
      selectionBar.update(grid.selection.list());
      emptyHint(empty, message.error ? 1 : message.total, layout!.filter, layout!.experimentIds !== null, () => {
        filterField.value = '';
        update({ filter: '', experimentIds: null });
      });
      return;
    }
    case 'select':
      grid.selectRuns(message.runIds);
      selectionBar.update(grid.selection.list());
      return;
    case 'note':
      noteEditor.open(message.runId, message.runName, message.note);
      return;
    case 'rows':
      grid.setRows(message.generation, message.start, message.rows);
      return;
  }
});

vscode.postMessage({ type: 'ready', layout: vscode.getState()?.layout ?? null });
