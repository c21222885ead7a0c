// The Runs grid: an ARIA grid whose rows are virtualised with @tanstack/virtual-core, so only the
// rows on screen are in the DOM. Sizes and offsets are set through the CSSOM (the CSP forbids
// inline style attributes).
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from '@tanstack/virtual-core';
import type { RunsLayout, RunsToWebview } from '../../src/contract/runs.ts';
import type { TableColumn, TableGroupRow, TableRow } from '../../src/search/table.ts';
import { displayText, formatDuration, formatMetric, formatTime } from '../../src/shared/format.ts';
import { el } from '../shared/vscode.ts';
import { renderHeader } from './gridHeader.ts';
import { editTagCell, rowContext, selectionKey, starCell } from './rowCells.ts';
import { Selection } from './selection.ts';

export type GridResult = Extract<RunsToWebview, { type: 'result' }>;

const ROW = 24;
const HEADER = 46;
const DEFAULT_WIDTH = 140;
const STAR_WIDTH = 44;

export interface GridEvents {
  onSort(column: string, add: boolean): void;
  onResize(column: string, width: number): void;
  requestRows(generation: number, start: number, end: number): void;
  /** The selected runs changed (by the user), in table order. */
  onSelect(runIds: number[]): void;
  onStar(runIds: number[], starred: boolean): void;
  /** An inline tag edit; an empty value removes the tag. */
  onEditTag(runId: number, key: string, value: string): void;
  /** The header's quick filter menu (right-click, the menu button, or Alt+Down / Shift+F10 on the header). */
  onHeaderMenu(column: string, anchor: HTMLElement): void;
}

export class Grid {
  readonly element = el('div', { class: 'grid', role: 'grid', 'aria-label': 'Runs', 'aria-multiselectable': 'true', tabindex: '0', id: 'runs-grid' });
  readonly selection = new Selection();
  private readonly groupsRow = el('div', { class: 'grid-groups', role: 'presentation' });
  private readonly header = el('div', { class: 'grid-header', role: 'row', 'aria-rowindex': '1' });
  private readonly body = el('div', { class: 'grid-body', role: 'rowgroup' });
  private readonly virtualizer: Virtualizer<HTMLDivElement, Element>;
  private layout: RunsLayout | undefined;
  private columns: TableColumn[] = [];
  private result: GridResult | undefined;
  private rows = new Map<number, TableRow>();
  /** After a live refresh, the previous values of rows at their new index until fresh ones arrive. */
  private stale = new Map<number, TableRow>();
  /** Set while a cell is edited: rendering waits, so the editor is not replaced. */
  private editing = false;
  private requested = new Set<number>();
  /** The focused cell: row -1 is the header. */
  private active = { row: -1, col: 0 };
  private readonly events: GridEvents;

  constructor(events: GridEvents) {
    this.events = events;
    this.element.append(this.groupsRow, this.header, this.body);
    this.virtualizer = new Virtualizer<HTMLDivElement, Element>({
      count: 0,
      getScrollElement: () => this.element,
      estimateSize: () => ROW,
      overscan: 12,
      scrollMargin: HEADER,
      scrollToFn: elementScroll,
      observeElementRect,
      observeElementOffset,
      onChange: () => this.renderRows(),
    });
    this.virtualizer._didMount();
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    // On the body, not each cell: the first click of a double-click redraws the rows.
    this.body.addEventListener('dblclick', (event) => this.onDoubleClick(event));
    this.element.addEventListener('focus', () => this.focusActive());
  }

  setLayout(layout: RunsLayout, catalog: readonly TableColumn[]): void {
    this.layout = layout;
    const byId = new Map(catalog.map((c) => [c.id, c]));
    this.columns = layout.columns.map((id) => byId.get(id) ?? { id, label: id, group: 'Attributes', type: 'text' });
    this.element.setAttribute('aria-colcount', String(this.columns.length));
    this.renderHeader();
  }

  setResult(result: GridResult): void {
    const anchor = result.live ? this.firstVisible() : undefined;
    const shown = [...this.stale.values(), ...this.rows.values()];
    this.stale = new Map();
    if (result.live) {
      const at = new Map(result.ids.map((id, index) => [id, index]));
      for (const row of shown) if (at.has(row.id)) this.stale.set(at.get(row.id)!, row);
    }
    this.result = result;
    this.selection.setIds(result.ids);
    this.rows.clear();
    this.requested.clear();
    const count = this.grouped() ? result.groups.length : result.total;
    this.element.setAttribute('aria-rowcount', String(count + 1));
    this.virtualizer.setOptions({ ...this.virtualizer.options, count });
    this.body.style.height = `${count * ROW}px`;
    this.virtualizer._willUpdate();
    this.virtualizer.measure();
    if (result.reveal !== null) {
      this.active.row = result.reveal;
      this.selection.replace([result.ids[result.reveal]!]);
      this.virtualizer.scrollToIndex(result.reveal, { align: 'center' });
    } else if (anchor) {
      // Keep the first visible run where it was, wherever the refresh moved it.
      const index = result.ids.indexOf(anchor.id);
      if (index >= 0) this.element.scrollTop = index * ROW + anchor.offset;
    }
    this.renderRows();
  }

  setRows(generation: number, start: number, rows: readonly TableRow[]): void {
    if (generation !== this.result?.generation) return;
    rows.forEach((row, i) => this.rows.set(start + i, row));
    this.renderRows();
  }

  /** A column's value in the selected run (else the first run loaded), to start a quick filter with. */
  valueAt(column: string): unknown {
    const index = this.columns.findIndex((c) => c.id === column);
    const selected = this.selection.list()[0];
    const at = selected === undefined || !this.result ? -1 : this.result.ids.indexOf(selected);
    const row = this.rows.get(at) ?? this.rows.values().next().value;
    return index < 0 || !row ? null : row.values[index];
  }

  private grouped(): boolean {
    return !!this.result && this.result.groups.length > 0;
  }

  private width(column: string): number {
    return this.layout?.widths[column] ?? (column === 'attributes.starred' ? STAR_WIDTH : DEFAULT_WIDTH);
  }

  /** Width, pinning and ARIA of one cell, shared by header and body cells. */
  private place(cell: HTMLElement, index: number): void {
    const column = this.columns[index]!;
    cell.style.width = `${this.width(column.id)}px`;
    cell.setAttribute('aria-colindex', String(index + 1));
    if (index < (this.layout?.pinned ?? 0)) {
      let left = 0;
      for (let i = 0; i < index; i++) left += this.width(this.columns[i]!.id);
      cell.classList.add('pinned');
      if (index === this.layout!.pinned - 1) cell.classList.add('last-pinned');
      cell.style.left = `${left}px`;
    }
    if (column.type !== 'text') cell.classList.add('number');
  }

  private renderHeader(): void {
    renderHeader({
      groupsRow: this.groupsRow,
      header: this.header,
      columns: this.columns,
      sort: this.layout!.sort,
      events: this.events,
      place: (cell, index) => this.place(cell, index),
      width: (column) => this.width(column),
    });
  }

  /** The run at the top of the scrolled area and how far it is scrolled past. */
  private firstVisible(): { id: number; offset: number } | undefined {
    const index = Math.floor(this.element.scrollTop / ROW);
    const id = this.result?.ids[index];
    return id === undefined || this.grouped() ? undefined : { id, offset: this.element.scrollTop - index * ROW };
  }

  /** Selects runs from outside (the Experiments view), scrolling to the first if it is off screen. */
  selectRuns(runIds: readonly number[]): void {
    this.selection.replace(runIds);
    const index = this.result && runIds.length ? this.result.ids.indexOf(runIds[0]!) : -1;
    if (index >= 0 && !this.grouped()) {
      this.active.row = index;
      const top = this.element.scrollTop / ROW;
      if (index < top || index > top + this.element.clientHeight / ROW - 3) this.virtualizer.scrollToIndex(index, { align: 'center' });
    }
    this.renderRows();
  }

  private changeSelection(change: () => void): void {
    change();
    this.events.onSelect(this.selection.list());
    this.renderRows();
  }

  private renderRows(): void {
    if (!this.result || this.editing) return;
    const items = this.virtualizer.getVirtualItems();
    const missing = items.filter((item) => !this.grouped() && !this.rows.has(item.index) && !this.requested.has(item.index));
    if (missing.length) {
      const start = missing[0]!.index;
      const end = missing.at(-1)!.index + 1;
      for (let i = start; i < end; i++) this.requested.add(i);
      this.events.requestRows(this.result.generation, start, end);
    }
    const fragment = document.createDocumentFragment();
    for (const item of items) {
      const row = el('div', { class: 'grid-row', role: 'row', 'aria-rowindex': String(item.index + 2) });
      row.style.transform = `translateY(${item.start - HEADER}px)`;
      if (this.grouped()) this.fillGroup(row, this.result.groups[item.index]!);
      else this.fillRun(row, item.index);
      fragment.append(row);
    }
    this.body.replaceChildren(fragment);
    if (this.element.contains(document.activeElement) && document.activeElement !== this.element) this.focusActive();
  }

  private fillRun(row: HTMLElement, index: number): void {
    const run = this.rows.get(index) ?? this.stale.get(index);
    const id = this.result!.ids[index];
    row.setAttribute('aria-selected', String(this.selection.has(id)));
    if (run) row.dataset.runId = run.uuid;
    if (id !== undefined) row.dataset.vscodeContext = rowContext(id);
    this.columns.forEach((column, col) => {
      const value = run?.values[col];
      const cell = el('div', { class: 'cell', role: 'gridcell', tabindex: index === this.active.row && col === this.active.col ? '0' : '-1' }, run ? format(value, column) : '…');
      if (column.id === 'attributes.status' && typeof value === 'string') cell.classList.add(`status-${value}`);
      if (column.type === 'boolean' && run) starCell(cell, !!value, () => this.events.onStar(this.selection.has(run.id) ? this.selection.list() : [run.id], !value));
      this.place(cell, col);
      row.append(cell);
    });
    row.addEventListener('click', (event) => {
      // The second click of a double-click leaves the rows as they are, so the dblclick reaches its cell.
      if (event.detail > 1) return;
      this.active.row = index;
      this.changeSelection(() => this.selection.click(index, { range: event.shiftKey, toggle: event.ctrlKey || event.metaKey }));
    });
    row.addEventListener('contextmenu', () => {
      if (!this.selection.has(id)) this.changeSelection(() => this.selection.click(index));
    });
  }

  private onDoubleClick(event: MouseEvent): void {
    const cell = (event.target as Element).closest('.cell');
    const index = Number(cell?.parentElement?.getAttribute('aria-rowindex')) - 2;
    const col = Number(cell?.getAttribute('aria-colindex')) - 1;
    const run = this.rows.get(index);
    if (cell instanceof HTMLElement && run && !this.grouped() && this.columns[col]?.group === 'Tags') this.editTag(cell, run, col);
  }

  /** Swaps a tag cell for a text box: Enter saves (empty removes the tag), Escape or leaving cancels. */
  private editTag(cell: HTMLElement, run: TableRow, col: number): void {
    const column = this.columns[col]!;
    const value = run.values[col];
    if (!cell.isConnected) return;
    this.editing = true;
    editTagCell(cell, column.label, typeof value === 'string' ? value : '', (next) => {
      this.editing = false;
      if (next !== null) this.events.onEditTag(run.id, column.label, next);
      this.renderRows();
      this.focusActive();
    });
  }

  private fillGroup(row: HTMLElement, group: TableGroupRow): void {
    row.classList.add('group-row');
    row.setAttribute('aria-level', String(group.depth + 1));
    const metrics = this.result!.groupMetrics;
    this.columns.forEach((column, col) => {
      let text = '';
      if (col === 0) text = `${'  '.repeat(group.depth)}${group.keys.at(-1) === null ? '(none)' : String(group.keys.at(-1))} · ${group.count} runs`;
      const metric = metrics.findIndex((m) => m === column.id || m.endsWith(`(${column.id})`));
      if (metric >= 0) {
        const stats = group.stats[metric]!;
        text = stats.mean === null ? '' : `${formatMetric(stats.mean)} (${formatMetric(stats.min)}–${formatMetric(stats.max)})`;
      }
      const cell = el('div', { class: 'cell', role: 'gridcell', tabindex: '-1', title: metric >= 0 ? `${text}: mean (min–max)` : text }, text);
      this.place(cell, col);
      row.append(cell);
    });
  }

  private count(): number {
    return this.grouped() ? this.result!.groups.length : (this.result?.total ?? 0);
  }

  private onKey(event: KeyboardEvent): void {
    if (this.editing) return;
    if (!this.grouped() && this.selectionKeys(event)) return;
    const last = this.count() - 1;
    const page = Math.max(1, Math.floor(this.element.clientHeight / ROW) - 3);
    const { row, col } = this.active;
    if (row < 0 && this.columns[col] && (event.key === 'ContextMenu' || (event.altKey && event.key === 'ArrowDown') || (event.shiftKey && event.key === 'F10'))) {
      event.preventDefault();
      this.events.onHeaderMenu(this.columns[col].id, this.header.children[col] as HTMLElement);
      return;
    }
    const moves: Record<string, () => { row: number; col: number }> = {
      ArrowDown: () => ({ row: Math.min(last, row + 1), col }),
      ArrowUp: () => ({ row: Math.max(-1, row - 1), col }),
      ArrowRight: () => ({ row, col: Math.min(this.columns.length - 1, col + 1) }),
      ArrowLeft: () => ({ row, col: Math.max(0, col - 1) }),
      PageDown: () => ({ row: Math.min(last, row + page), col }),
      PageUp: () => ({ row: Math.max(-1, row - page), col }),
      Home: () => (event.ctrlKey ? { row: 0, col: 0 } : { row, col: 0 }),
      End: () => (event.ctrlKey ? { row: last, col } : { row, col: this.columns.length - 1 }),
    };
    if (moves[event.key]) {
      event.preventDefault();
      this.active = moves[event.key]!();
      if (this.active.row >= 0) this.virtualizer.scrollToIndex(this.active.row);
      this.renderRows();
      this.focusActive();
      return;
    }
    if ((event.key === 'Enter' || event.key === ' ') && this.columns[col]) {
      event.preventDefault();
      if (row < 0) this.events.onSort(this.columns[col].id, event.shiftKey);
      else this.changeSelection(() => this.selection.click(row));
    }
  }

  /** Selection and row keys; true when the key was one. */
  private selectionKeys(event: KeyboardEvent): boolean {
    const { row, col } = this.active;
    const run = this.rows.get(row);
    const column = this.columns[col];
    const key = selectionKey(event, row >= 0, column?.type === 'boolean' ? 'star' : column?.group === 'Tags' ? 'tag' : 'plain');
    if (!key) return false;
    event.preventDefault();
    switch (key) {
      case 'all':
        this.changeSelection(() => this.selection.selectAll());
        break;
      case 'toggle':
        this.changeSelection(() => this.selection.click(row, { toggle: true }));
        break;
      case 'extendUp':
      case 'extendDown':
        this.active.row = Math.max(0, Math.min(this.count() - 1, row + (key === 'extendUp' ? -1 : 1)));
        this.virtualizer.scrollToIndex(this.active.row);
        this.changeSelection(() => this.selection.extendTo(this.active.row));
        this.focusActive();
        break;
      case 'star':
        if (run) this.events.onStar(this.selection.has(run.id) ? this.selection.list() : [run.id], !run.values[col]);
        break;
      case 'edit': {
        const cell = this.body.querySelector(`[aria-rowindex="${row + 2}"]`)?.children[col];
        if (run && cell instanceof HTMLElement) this.editTag(cell, run, col);
        break;
      }
    }
    return true;
  }

  private focusActive(): void {
    const { row, col } = this.active;
    const target =
      row < 0 ? this.header.children[col] : this.body.querySelector(`[aria-rowindex="${row + 2}"]`)?.children[col];
    if (target instanceof HTMLElement) {
      for (const cell of this.element.querySelectorAll('[tabindex="0"]')) if (cell !== this.element) cell.setAttribute('tabindex', '-1');
      target.setAttribute('tabindex', '0');
      target.focus({ preventScroll: row >= 0 });
    }
  }
}

function format(value: unknown, column: TableColumn): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (column.type === 'time') return formatTime(value);
    if (column.type === 'duration') return formatDuration(value);
    return column.group === 'Metrics' ? formatMetric(value) : String(value);
  }
  return displayText(value);
}
