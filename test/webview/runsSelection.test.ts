import './dom.ts';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunsLayout } from '../../src/contract/runs.ts';
import type { TableColumn, TableRow } from '../../src/search/table.ts';
import { Grid, type GridResult } from '../../webview/runs/grid.ts';
import { SelectionBar, emptyHint } from '../../webview/runs/rowActions.ts';
import { Selection } from '../../webview/runs/selection.ts';
import { mount } from './dom.ts';

const IDS = [50, 40, 30, 20, 10];

// happy-dom lays nothing out: give the grid a height so the virtualizer renders its rows.
Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
  configurable: true,
  get(this: HTMLElement) {
    return this.classList.contains('grid') ? 600 : 0;
  },
});

describe('Selection (pure)', () => {
  const fresh = () => {
    const selection = new Selection();
    selection.setIds(IDS);
    return selection;
  };

  test('a click selects one row; Ctrl toggles; Shift extends from the anchor', () => {
    const s = fresh();
    s.click(1);
    assert.deepEqual(s.list(), [40]);
    s.click(3, { range: true });
    assert.deepEqual(s.list(), [40, 30, 20]);
    s.click(0, { range: true });
    assert.deepEqual(s.list(), [50, 40], 'the range is redrawn from the same anchor');
    s.click(4, { toggle: true });
    assert.deepEqual(s.list(), [50, 40, 10]);
    s.click(4, { toggle: true });
    assert.deepEqual(s.list(), [50, 40]);
    s.click(2);
    assert.deepEqual(s.list(), [30]);
  });

  test('Ctrl+Shift adds a range to what is selected', () => {
    const s = fresh();
    s.click(0);
    s.click(3, { toggle: true });
    s.click(4, { range: true, toggle: true });
    assert.deepEqual(s.list(), [50, 20, 10]);
  });

  test('Shift+arrows grow and shrink the range from the anchor', () => {
    const s = fresh();
    s.click(2);
    s.extendTo(3);
    s.extendTo(4);
    assert.deepEqual(s.list(), [30, 20, 10]);
    s.extendTo(1);
    assert.deepEqual(s.list(), [40, 30]);
  });

  test('select all; a refresh drops runs that are gone and keeps the rest by id, whatever their order', () => {
    const s = fresh();
    s.selectAll();
    assert.equal(s.size, 5);
    s.setIds([10, 60, 30, 50]);
    assert.deepEqual(s.list(), [10, 30, 50]);
    s.replace([60, 99]);
    assert.deepEqual(s.list(), [60], 'ids not in the table are ignored');
    s.clear();
    assert.equal(s.size, 0);
  });
});

describe('Runs grid keyboard selection (happy-dom)', () => {
  const columns: TableColumn[] = [
    { id: 'attributes.starred', label: 'Starred', group: 'Attributes', type: 'boolean' },
    { id: 'attributes.run_name', label: 'Name', group: 'Attributes', type: 'text' },
    { id: 'tags.stage', label: 'stage', group: 'Tags', type: 'text' },
  ];
  const layout: RunsLayout = { filter: '', columns: columns.map((c) => c.id), pinned: 1, widths: {}, sort: [], groupBy: [], metricValue: 'last', experimentIds: null };
  const rows: TableRow[] = IDS.map((id, i) => ({ id, uuid: `uuid-${id}`, experimentId: 1, values: [i === 0 ? 1 : 0, `run-${id}`, i === 1 ? 'it\'s "prod"' : null] }));
  const result = (live = false): GridResult => ({ type: 'result', generation: 1, total: IDS.length, error: null, groups: [], groupMetrics: [], elapsedMs: 1, reveal: null, ids: IDS, live });

  function setup() {
    const calls = { select: [] as number[][], star: [] as [number[], boolean][], tag: [] as [number, string, string][] };
    const grid = new Grid({
      onSort: () => undefined,
      onResize: () => undefined,
      requestRows: () => undefined,
      onSelect: (ids) => calls.select.push(ids),
      onStar: (ids, starred) => calls.star.push([ids, starred]),
      onEditTag: (id, key, value) => calls.tag.push([id, key, value]),
      onHeaderMenu: () => undefined,
    });
    mount(grid.element);
    grid.setLayout(layout, columns);
    grid.setResult(result());
    grid.setRows(1, 0, rows);
    return { grid, calls };
  }

  const key = (grid: Grid, name: string, init: KeyboardEventInit = {}) => {
    const target = grid.element.querySelector('[tabindex="0"]') ?? grid.element;
    target.dispatchEvent(new KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true, ...init }));
  };
  const selected = (grid: Grid) => [...grid.element.querySelectorAll('.grid-row[aria-selected="true"]')].map((row) => row.getAttribute('aria-rowindex'));

  test('the grid says it is multi-selectable; arrows move focus without selecting', () => {
    const { grid, calls } = setup();
    assert.equal(grid.element.getAttribute('aria-multiselectable'), 'true');
    key(grid, 'ArrowDown');
    key(grid, 'ArrowDown');
    assert.deepEqual(calls.select, []);
    assert.deepEqual(selected(grid), []);
  });

  test('Space toggles the focused row, Shift+ArrowDown extends, Ctrl+A selects all', () => {
    const { grid, calls } = setup();
    key(grid, 'ArrowDown'); // first run row
    key(grid, ' ');
    assert.deepEqual(calls.select.at(-1), [50]);
    key(grid, 'ArrowDown', { shiftKey: true });
    key(grid, 'ArrowDown', { shiftKey: true });
    assert.deepEqual(calls.select.at(-1), [50, 40, 30]);
    assert.deepEqual(selected(grid), ['2', '3', '4']);
    key(grid, ' ');
    assert.deepEqual(calls.select.at(-1), [50, 40], 'Space on a selected row deselects it');
    key(grid, 'a', { ctrlKey: true });
    assert.deepEqual(calls.select.at(-1), IDS);
  });

  test('click, Shift+click and Ctrl+click select as in a list', () => {
    const { grid, calls } = setup();
    const row = (i: number) => grid.element.querySelector(`.grid-row[aria-rowindex="${i + 2}"]`)!;
    row(1).dispatchEvent(new MouseEvent('click', { bubbles: true }));
    row(3).dispatchEvent(new MouseEvent('click', { bubbles: true, shiftKey: true }));
    assert.deepEqual(calls.select.at(-1), [40, 30, 20]);
    row(0).dispatchEvent(new MouseEvent('click', { bubbles: true, ctrlKey: true }));
    assert.deepEqual(calls.select.at(-1), [50, 40, 30, 20]);
    assert.equal(JSON.parse(row(0).getAttribute('data-vscode-context')!).runId, 50, 'the context menu knows the row');
  });

  test('Enter on the star cell toggles the star; Enter on a tag cell edits it in place', () => {
    const { grid, calls } = setup();
    key(grid, 'ArrowDown');
    key(grid, 'Enter');
    assert.deepEqual(calls.star, [[[50], false]], 'run 50 was starred');
    const star = grid.element.querySelector('.grid-row[aria-rowindex="2"] .star')!;
    assert.equal(star.getAttribute('aria-label'), 'Starred');
    key(grid, 'ArrowDown');
    key(grid, 'ArrowRight');
    key(grid, 'ArrowRight');
    key(grid, 'Enter');
    const input = grid.element.querySelector<HTMLInputElement>('input.cell-editor')!;
    assert.equal(input.value, 'it\'s "prod"');
    input.value = 'say "hi" | it\'s';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    assert.deepEqual(calls.tag, [[40, 'stage', 'say "hi" | it\'s']]);
    assert.equal(grid.element.querySelector('input.cell-editor'), null, 'the editor closes');
  });

  test('a double-click on a tag cell edits it; Escape cancels', () => {
    const { grid, calls } = setup();
    const cell = grid.element.querySelector('.grid-row[aria-rowindex="3"]')!.children[2]!;
    cell.dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
    const input = grid.element.querySelector<HTMLInputElement>('input.cell-editor')!;
    assert.equal(input.value, 'it\'s "prod"');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    assert.equal(grid.element.querySelector('input.cell-editor'), null);
    assert.deepEqual(calls.tag, []);
  });

  test('a live refresh keeps the selection by run id and shows the old values until new rows come', () => {
    const { grid } = setup();
    grid.selectRuns([30]);
    grid.setResult({ ...result(true), ids: [60, ...IDS], total: 6 });
    assert.deepEqual(grid.selection.list(), [30]);
    const names = [...grid.element.querySelectorAll('.grid-row')].map((row) => row.children[1]!.textContent);
    assert.deepEqual(names.slice(0, 3), ['…', 'run-50', 'run-40'], 'the new run is waiting for its values; the others moved down');
  });
});

describe('Selection bar and empty hint (happy-dom)', () => {
  test('the bar counts the selection; one-run actions need exactly one run', () => {
    const posted: unknown[] = [];
    const bar = new SelectionBar((message) => posted.push(message));
    mount(bar.element);
    const button = (action: string) => bar.element.querySelector(`#runs-action-${action}`)!;
    assert.equal(bar.element.querySelector('#runs-selected')!.textContent, 'No runs selected');
    assert.ok(button('compare').hasAttribute('disabled'));
    bar.update([7, 8]);
    assert.equal(bar.element.querySelector('#runs-selected')!.textContent, '2 selected');
    assert.ok(!button('compare').hasAttribute('disabled'));
    assert.ok(button('register').hasAttribute('disabled'), 'a version comes from one run');
    button('copyCsv').dispatchEvent(new MouseEvent('click'));
    button('star').dispatchEvent(new MouseEvent('click'));
    assert.deepEqual(posted, [
      { type: 'act', action: 'copyCsv', runIds: [7, 8] },
      { type: 'star', runIds: [7, 8], starred: true },
    ]);
  });

  test('a filter that matches nothing says so and offers to clear it; an empty store says how to log', () => {
    const hint = mount(document.createElement('div'));
    let cleared = 0;
    emptyHint(hint, 0, 'metrics.auc > 2', false, () => cleared++);
    assert.match(hint.textContent, /No runs match the filter metrics\.auc > 2/);
    hint.querySelector('#runs-clear-filter')!.dispatchEvent(new MouseEvent('click'));
    assert.equal(cleared, 1);
    emptyHint(hint, 0, '', false, () => cleared++);
    assert.match(hint.textContent, /No runs yet/);
    emptyHint(hint, 5, 'x', false, () => cleared++);
    assert.ok(hint.classList.contains('hidden'));
  });
});
