// The quick filter menu of a Runs table column header: a value field and the conditions that fit
// the column (src/search/quickFilter.ts), ANDed into the filter box. Keyboard: arrows move,
// Enter picks (Enter in the value field filters on = that value), Escape closes and returns to the header.
import type { TableColumn } from '../../src/search/table.ts';
import { type QuickColumn, quickCondition, quickOptions } from '../../src/search/quickFilter.ts';
import type { Entity } from '../../src/search/syntax.ts';
import { displayText } from '../../src/shared/format.ts';
import { el } from '../shared/vscode.ts';

const ENTITY: Record<TableColumn['group'], Entity> = { Attributes: 'attribute', Params: 'param', Metrics: 'metric', Tags: 'tag' };

/** The column as the filter names it; a metric column shows (and so filters) the chosen value of the metric. */
export function quickColumn(column: TableColumn, metricValue: string): QuickColumn {
  const entity = ENTITY[column.group];
  const id = entity === 'metric' && metricValue !== 'last' ? `${metricValue}(${column.id})` : column.id;
  return { id, entity, type: column.type === 'text' ? 'text' : 'number' };
}

export class QuickFilterMenu {
  readonly element = el('div', { class: 'quick-menu hidden', role: 'dialog', 'aria-modal': 'false', id: 'runs-quick-filter' });
  private readonly onApply: (condition: string) => void;
  private returnFocus: HTMLElement | undefined;

  constructor(onApply: (condition: string) => void) {
    this.onApply = onApply;
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    this.element.addEventListener('focusout', (event) => {
      if (!this.element.contains(event.relatedTarget as Node | null)) this.close(false);
    });
  }

  /** Opens under `anchor` for `column`, with `value` (the selected run's, if any) in the field. */
  open(column: QuickColumn, label: string, value: unknown, anchor: HTMLElement): void {
    this.returnFocus = anchor;
    const input = el('input', { type: 'text', class: 'quick-value', 'aria-label': `Value to compare ${label} with`, 'data-testid': 'quick-filter-value' });
    input.value = value === null || value === undefined ? '' : typeof value === 'number' ? String(value) : displayText(value);
    const error = el('div', { class: 'quick-error', role: 'alert' });
    const list = el('ul', { role: 'menu', 'aria-label': `Filter by ${label}` });
    for (const option of quickOptions(column, value)) {
      const text = option.needsValue ? `${option.operator} value (${option.label})` : `${option.operator} (${option.label})`;
      const item = el('li', { role: 'menuitem', tabindex: '-1', 'data-operator': option.operator, 'data-testid': 'quick-filter-option' }, text);
      item.addEventListener('click', () => this.choose(column, option.operator, input.value, error));
      list.append(item);
    }
    input.addEventListener('keydown', (event) => {
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        event.stopPropagation(); // the menu's own arrow handling would move on from the item focused here
        list.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
      } else if (event.key === 'Enter') {
        event.preventDefault();
        this.choose(column, '=', input.value, error); // the value typed, as is
      }
    });
    this.element.replaceChildren(el('div', { class: 'quick-title' }, `Filter by ${label}`), input, list, error);
    this.element.setAttribute('aria-label', `Quick filter on ${label}`);
    const box = anchor.getBoundingClientRect();
    this.element.style.left = `${Math.max(0, Math.min(box.left, window.innerWidth - 280))}px`;
    this.element.style.top = `${box.bottom + 2}px`;
    this.element.classList.remove('hidden');
    input.focus();
    input.select();
  }

  private choose(column: QuickColumn, operator: Parameters<typeof quickCondition>[1], value: string, error: HTMLElement): void {
    let condition: string;
    try {
      condition = quickCondition(column, operator, value);
    } catch (problem) {
      error.textContent = (problem as Error).message;
      return;
    }
    this.close(true);
    this.onApply(condition);
  }

  private close(refocus: boolean): void {
    if (this.element.classList.contains('hidden')) return;
    this.element.classList.add('hidden');
    if (refocus) this.returnFocus?.focus();
  }

  private onKey(event: KeyboardEvent): void {
    const items = [...this.element.querySelectorAll<HTMLElement>('[role="menuitem"]')];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'Escape') {
      event.preventDefault();
      this.close(true);
    } else if (at >= 0 && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      if (event.key === 'ArrowUp' && at === 0) this.element.querySelector<HTMLElement>('input')?.focus();
      else items[(at + (event.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length]?.focus();
    } else if (at >= 0 && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      items[at]!.click();
    }
  }
}
