import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareSavedState, compareFromWebview } from '../../../src/contract/compare.ts';

test('messages from the webview are checked before the extension acts on them', () => {
  const ok = [
    { type: 'ready' },
    { type: 'series', requestId: 3, key: 'val/loss', pixels: 640, range: null },
    { type: 'series', requestId: 4, key: 'loss', pixels: 640, range: { lo: 10, hi: 20 } },
    { type: 'add' },
    { type: 'remove', id: 7 },
    { type: 'copy', table: 'summary', format: 'markdown', onlyDifferences: true, value: 'last' },
  ];
  for (const message of ok) assert.ok(compareFromWebview.safeParse(message).success, JSON.stringify(message));
  const bad = [
    { type: 'drop tables' },
    { type: 'series', requestId: 1, key: 'loss', pixels: 1e9, range: null },
    { type: 'series', requestId: 1, key: 'loss', pixels: 100, range: { lo: 20, hi: 10 } },
    { type: 'series', requestId: 1, key: '', pixels: 100, range: null },
    { type: 'remove', id: -1 },
    { type: 'remove', id: '7' },
    { type: 'copy', table: 'secrets', format: 'csv', onlyDifferences: false, value: 'last' },
    { type: 'copy', table: 'summary', format: 'csv', onlyDifferences: false, value: 'median' },
    null,
    'ready',
  ];
  for (const message of bad) assert.equal(compareFromWebview.safeParse(message).success, false, JSON.stringify(message));
});

test('a restored state keeps a valid subject and falls back to defaults for the rest', () => {
  const parsed = compareSavedState.parse({ subject: { kind: 'runs', runIds: [1, 2] }, tab: 'nonsense', strength: 7, hidden: 'x', colors: { 1: 0 } });
  assert.deepEqual(parsed.subject, { kind: 'runs', runIds: [1, 2] });
  assert.equal(parsed.tab, 'charts');
  assert.equal(parsed.strength, 0.6);
  assert.deepEqual(parsed.hidden, []);
  assert.deepEqual(parsed.colors, { 1: 0 });
  assert.equal(parsed.systemOpen, false, 'the System group starts collapsed');
  assert.deepEqual(parsed.summarySort, { column: 'run', descending: false });
  const older = compareSavedState.parse({ subject: { kind: 'runs', runIds: [1] }, summarySort: { column: 2, descending: true }, systemOpen: true, summaryValue: 'best' });
  assert.deepEqual(older.summarySort, { column: 'run', descending: false }, 'a sort saved by an older version falls back');
  assert.equal(older.systemOpen, true);
  assert.equal(older.summaryValue, 'best');
  assert.equal(compareSavedState.safeParse({ subject: { kind: 'runs', runIds: ['1; DROP'] } }).success, false);
  assert.equal(compareSavedState.safeParse(undefined).success, false);
});
