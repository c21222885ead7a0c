import './dom.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompareModel } from '../../src/compare/model.ts';
import type { MetricSummary } from '../../src/compare/summary.ts';
import type { SummarySort } from '../../src/compare/wideSummary.ts';
import { summaryTable } from '../../webview/compare/tables.ts';
import { mount } from './dom.ts';

function summary(id: number, key: string, last: number): MetricSummary {
  return { id, key, last, lastStep: 9, min: last, max: last, best: last, direction: key === 'loss' ? 'min' : 'max', directionFrom: 'name', points: 10, nonfinite: 0 };
}

const model: CompareModel = {
  subject: { kind: 'runs', runIds: [1, 2, 3] },
  title: 'Compare 3 runs',
  items: [
    { id: 1, name: 'baseline', group: 'e', status: 'FINISHED', startTime: 0, detail: '' },
    { id: 2, name: 'bigger <b>lr</b>', group: 'e', status: 'KILLED', startTime: 0, detail: '' },
    { id: 3, name: 'deeper', group: 'e', status: 'FAILED', startTime: 0, detail: '' },
  ],
  charts: [],
  sharedMetrics: 2,
  xModes: ['step'],
  summary: [summary(1, 'loss', 0.5), summary(2, 'loss', 0.3), summary(3, 'loss', 0.9), summary(1, 'acc', 0.8), summary(2, 'acc', 0.7), summary(1, 'system/cpu', 50)],
  params: null,
  parallel: null,
  live: false,
};

test('a row per run with its colour chip, failed and killed runs marked with an icon and a word', () => {
  const root = mount(summaryTable(model, 'last', { column: 'run', descending: false }, () => 'rgb(1, 2, 3)', () => undefined));
  const rows = [...root.querySelectorAll('tbody tr')];
  assert.deepEqual(rows.map((r) => r.getAttribute('data-id')), ['1', '2', '3']);
  assert.deepEqual(rows.map((r) => r.getAttribute('data-ended')), [null, 'KILLED', 'FAILED']);
  assert.equal(rows[1]!.querySelector('[data-testid="ended-mark"]')?.textContent, 'killed');
  assert.ok(rows[1]!.querySelector('.codicon-debug-stop'), 'an icon, not colour alone');
  assert.equal(rows[0]!.querySelector<HTMLElement>('.chip')?.style.backgroundColor, 'rgb(1, 2, 3)');
  assert.equal(root.querySelector('b'), null, 'names stay text');
  const headers = [...root.querySelectorAll('thead th')].map((th) => th.querySelector('button')?.getAttribute('data-column'));
  assert.deepEqual(headers, ['run', 'experiment', 'status', 'loss', 'acc', 'system/cpu']);
  assert.match(root.querySelector('thead th:nth-child(4)')!.textContent, /lower is better/);
  assert.doesNotMatch(root.querySelector('thead th:nth-child(6)')!.textContent, /better/, 'more CPU is not better or worse');
});

test('the best value of each metric is marked for eyes and screen readers', () => {
  const root = mount(summaryTable(model, 'last', { column: 'run', descending: false }, () => 'red', () => undefined));
  const best = [...root.querySelectorAll('td.best')].map((td) => td.getAttribute('aria-label'));
  // Row by row: baseline has the best accuracy, the killed run the lowest loss; a lone system value is nobody's best.
  assert.deepEqual(best, ['0.8, best acc', '0.3, best loss']);
});

test('a header is a button: clicking (or Enter) sorts by it, best first, and says so with aria-sort', () => {
  const sorts: SummarySort[] = [];
  const root = mount(summaryTable(model, 'last', { column: 'run', descending: false }, () => 'red', (order) => sorts.push(order)));
  root.querySelector<HTMLElement>('button[data-column="loss"]')!.click();
  assert.deepEqual(sorts, [{ column: 'loss', descending: false }]);
  const sorted = mount(summaryTable(model, 'last', sorts[0]!, () => 'red', () => undefined));
  assert.deepEqual([...sorted.querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-id')), ['2', '1', '3']);
  assert.equal(sorted.querySelector('button[data-column="loss"]')!.closest('th')!.getAttribute('aria-sort'), 'ascending');
  assert.equal(sorted.querySelector('button[data-column="run"]')!.closest('th')!.getAttribute('aria-sort'), 'none');
});
