import './dom.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QuickFilterMenu, quickColumn } from '../../webview/runs/quickFilterMenu.ts';
import { mount } from './dom.ts';

const key = (target: Element, name: string) => target.dispatchEvent(new KeyboardEvent('keydown', { key: name, bubbles: true }));

test('the quick filter menu: options by column type, keyboard through them, a bad number says so', () => {
  const applied: string[] = [];
  const menu = new QuickFilterMenu((condition) => applied.push(condition));
  const anchor = document.createElement('div');
  anchor.tabIndex = -1;
  mount(menu.element);
  document.body.append(anchor);
  const tag = quickColumn({ id: 'tags.note', label: 'note', group: 'Tags', type: 'text' }, 'last');
  menu.open(tag, 'note', `it's "quoted"`, anchor);
  assert.equal(menu.element.getAttribute('role'), 'dialog');
  assert.equal(menu.element.querySelector('[role="menu"]')?.getAttribute('aria-label'), 'Filter by note');
  const input = menu.element.querySelector('input')!;
  assert.equal(document.activeElement, input, 'the value field has the focus');
  assert.deepEqual([...menu.element.querySelectorAll('[role="menuitem"]')].map((i) => i.getAttribute('data-operator')), ['=', '!=', 'IS NOT NULL', 'IS NULL']);
  key(input, 'ArrowDown');
  key(document.activeElement, 'ArrowDown');
  assert.equal((document.activeElement as HTMLElement).dataset.operator, '!=');
  key(document.activeElement, 'Enter');
  assert.deepEqual(applied, [`tags.note != 'it''s "quoted"'`]);
  assert.ok(menu.element.classList.contains('hidden'));
  assert.equal(document.activeElement, anchor, 'the focus goes back to the header');

  const metric = quickColumn({ id: 'metrics.auc', label: 'auc', group: 'Metrics', type: 'number' }, 'max');
  menu.open(metric, 'auc', 0.5, anchor);
  menu.element.querySelector('input')!.value = 'high';
  (menu.element.querySelector('[data-operator=">"]') as HTMLElement).click();
  assert.match(menu.element.querySelector('[role="alert"]')!.textContent ?? '', /needs a number/);
  menu.element.querySelector('input')!.value = '0.9';
  (menu.element.querySelector('[data-operator=">"]') as HTMLElement).click();
  assert.equal(applied.at(-1), 'max(metrics.auc) > 0.9');
  menu.open(metric, 'auc', 0.5, anchor);
  key(menu.element.querySelector('input')!, 'Enter');
  assert.equal(applied.at(-1), 'max(metrics.auc) = 0.5', 'Enter in the value field filters on = that value');
  menu.open(metric, 'auc', 0.5, anchor);
  key(menu.element.querySelector('input')!, 'Escape');
  assert.ok(menu.element.classList.contains('hidden'));
});
