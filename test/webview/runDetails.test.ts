import './dom.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyValueTable } from '../../webview/run/details.ts';
import { sparkline } from '../../webview/run/metrics.ts';
import { mount } from './dom.ts';

const PARAMS: [string, string][] = [
  ['learning_rate', '0.01'],
  ['optimizer', 'adam'],
  ['note', '<b>not bold</b>'],
];

test('the params table lists every entry, labelled for screen readers, with header cells', () => {
  const root = mount(keyValueTable('params', PARAMS, '', 'No params.'));
  assert.equal(root.querySelector('table')?.getAttribute('aria-label'), 'params');
  assert.equal(root.querySelectorAll('th[scope="col"]').length, 2);
  assert.deepEqual([...root.querySelectorAll('tbody tr')].map((row) => row.getAttribute('data-key')), ['learning_rate', 'optimizer', 'note']);
  assert.equal(root.querySelector('b'), null, 'values are text, never HTML');
});

test('the filter matches keys and values case-insensitively, and says when nothing matches', () => {
  const byValue = mount(keyValueTable('params', PARAMS, 'ADAM', 'No params.'));
  assert.deepEqual([...byValue.querySelectorAll('tbody tr')].map((row) => row.getAttribute('data-key')), ['optimizer']);
  const none = mount(keyValueTable('params', PARAMS, 'momentum', 'No params.'));
  assert.equal(none.getAttribute('role'), 'status');
  assert.equal(none.textContent, 'Nothing matches "momentum".');
  const empty = mount(keyValueTable('params', [], '', 'No params.'));
  assert.equal(empty.textContent, 'No params.');
});

test('a sparkline leaves a gap where NaN or ±Inf was logged, and draws a lone point as a dot', () => {
  const svg = mount(sparkline([1, 2, null, 4, 5, null, null, 3], '#1f77b4'));
  const paths = [...svg.querySelectorAll('polyline, path')];
  const dots = svg.querySelectorAll('circle');
  assert.equal(paths.length + dots.length, 3, 'three runs of values split by the gaps');
  assert.equal(dots.length, 1, 'the lone 3 after the gap is a dot');
  assert.equal(svg.getAttribute('aria-hidden'), 'true', 'decorative: the table row carries the numbers');
  assert.equal(mount(sparkline([null, null], '#000')).childElementCount, 0);
});
