import type { RunsLayout } from '../../src/contract/runs.ts';
import type { TableColumn } from '../../src/search/table.ts';
import { el } from '../shared/vscode.ts';
import { starHeader } from './rowCells.ts';

/** What the runs grid's header row needs from the grid: its rows, columns and sort, where cells go, and whom to tell. */
export interface HeaderContext {
  readonly groupsRow: HTMLElement;
  readonly header: HTMLElement;
  readonly columns: readonly TableColumn[];
  readonly sort: RunsLayout['sort'];
  readonly events: {
    onSort(column: string, add: boolean): void;
    onResize(column: string, width: number): void;
    onHeaderMenu(column: string, anchor: HTMLElement): void;
  };
  /** Width, pinning and ARIA of one cell, shared with the body cells. */
  readonly place: (cell: HTMLElement, index: number) => void;
  readonly width: (column: string) => number;
}

/** The column group row and the header row: sort on click, the quick filter menu, and resize handles. */
export function renderHeader(context: HeaderContext): void {
  const { groupsRow, header, columns, sort: sortKeys, events, place } = context;
  groupsRow.replaceChildren();
  header.replaceChildren();
  let previous = '';
  columns.forEach((column, index) => {
    const group = el('div', { class: 'cell column-group' }, column.group === previous ? '' : column.group);
    previous = column.group;
    place(group, index);
    group.removeAttribute('aria-colindex');
    groupsRow.append(group);
    const sortIndex = sortKeys.findIndex((key) => key.column === column.id);
    const sort = sortKeys[sortIndex];
    const cell = el('div', { class: 'cell column-header', role: 'columnheader', tabindex: '-1', 'data-column': column.id, title: `${column.id}\nClick to sort, Shift+click to add to the sort` }, column.label);
    cell.setAttribute('aria-sort', sort ? (sort.descending ? 'descending' : 'ascending') : 'none');
    if (column.type === 'boolean') starHeader(cell, column.label);
    if (sort) cell.append(el('span', { class: 'sort', 'aria-hidden': 'true' }, `${sort.descending ? '▼' : '▲'}${sortKeys.length > 1 ? sortIndex + 1 : ''}`));
    place(cell, index);
    cell.addEventListener('click', (event) => events.onSort(column.id, event.shiftKey));
    cell.addEventListener('contextmenu', (event) => {
      event.preventDefault();
      events.onHeaderMenu(column.id, cell);
    });
    const menu = el('button', { class: 'header-menu', type: 'button', tabindex: '-1', 'aria-haspopup': 'dialog', 'aria-label': `Quick filter on ${column.label}`, title: 'Quick filter (Alt+Down)', 'data-testid': 'quick-filter-button' }, '⌄');
    menu.addEventListener('click', (event) => {
      event.stopPropagation();
      events.onHeaderMenu(column.id, cell);
    });
    cell.append(menu);
    const handle = el('div', { class: 'resize', 'aria-hidden': 'true' });
    handle.addEventListener('click', (event) => event.stopPropagation());
    handle.addEventListener('pointerdown', (event) => startResize(context, event, column.id, cell));
    cell.append(handle);
    header.append(cell);
  });
}

function startResize(context: HeaderContext, event: PointerEvent, column: string, cell: HTMLElement): void {
  event.preventDefault();
  event.stopPropagation();
  const startX = event.clientX;
  const startWidth = context.width(column);
  const target = event.target as HTMLElement;
  target.setPointerCapture(event.pointerId);
  const move = (e: PointerEvent) => {
    cell.style.width = `${Math.max(40, startWidth + e.clientX - startX)}px`;
  };
  const up = (e: PointerEvent) => {
    target.removeEventListener('pointermove', move);
    target.removeEventListener('pointerup', up);
    context.events.onResize(column, Math.round(Math.min(2000, Math.max(40, startWidth + e.clientX - startX))));
  };
  target.addEventListener('pointermove', move);
  target.addEventListener('pointerup', up);
}
