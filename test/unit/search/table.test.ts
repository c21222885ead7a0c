import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { columnId, runTableQuery, tableColumns, tableRows, withMetricValue } from '../../../src/search/table.ts';
import { tempStore } from '../helpers.ts';
import { writeSweep } from './sweep.ts';

const STALE = Date.now() - 120_000;

describe('the Runs table queries', () => {
  const store = tempStore();
  const runs = writeSweep(store, 1000);

  test('columns: attributes, then params, metrics and tags, named by their filter text', () => {
    const ids = tableColumns(store).map((c) => c.id);
    assert.ok(ids.indexOf('attributes.status') < ids.indexOf('params.lr'));
    assert.ok(ids.includes('metrics.`val loss`') && ids.includes('params.model/depth') && ids.includes('tags.note'));
    assert.equal(columnId('metric', 'val loss', 'max'), 'max(metrics.`val loss`)');
    assert.equal(withMetricValue('metrics.loss', 'best'), 'best(metrics.loss)');
    assert.equal(withMetricValue('params.lr', 'best'), 'params.lr');
  });

  test('a query sorts and filters in SQL; rows come back for a window, in order', () => {
    const result = runTableQuery(store, { filter: "params.optimizer = 'sgd'", experimentIds: null, sort: [{ column: 'metrics.loss', descending: true }], groupBy: [], metricColumns: [] }, STALE);
    assert.equal(result.error, null);
    assert.equal(result.ids.length, runs.filter((r) => r.params.optimizer === 'sgd').length);
    const rows = tableRows(store, result.ids.slice(0, 50), ['attributes.run_name', 'metrics.loss', 'no such column ('], STALE);
    assert.equal(rows.length, 50);
    const losses = rows.map((r) => r.values[1] as number);
    assert.deepEqual(losses, [...losses].sort((a, b) => b - a));
    assert.ok(rows.every((r) => r.values[2] === null && /^[0-9a-f]{32}$/.test(r.uuid)));
  });

  test('a bad filter is a result with the error column, not an exception', () => {
    const result = runTableQuery(store, { filter: 'metrics.loss > ', experimentIds: null, sort: [], groupBy: [], metricColumns: [] }, STALE);
    assert.deepEqual(result.ids, []);
    assert.equal(result.error?.column, 16);
  });

  test('grouping two levels deep: parents before their children, with metric stats', () => {
    const result = runTableQuery(store, { filter: '', experimentIds: null, sort: [], groupBy: ['params.optimizer', 'tags.dataset'], metricColumns: ['metrics.val_auc'] }, STALE);
    const top = result.groups.filter((g) => g.depth === 0);
    assert.deepEqual(top.map((g) => g.keys[0]), ['Adam', 'AdamW', 'adam', 'sgd']);
    assert.equal(top.reduce((n, g) => n + g.count, 0), 1000);
    const adam = result.groups.indexOf(top[0]!);
    const children = result.groups.slice(adam + 1, result.groups.indexOf(top[1]!));
    assert.ok(children.length > 0 && children.every((g) => g.depth === 1 && g.keys[0] === 'Adam'));
    assert.equal(children.reduce((n, g) => n + g.count, 0), top[0]!.count);
    assert.ok(top[0]!.stats[0]!.mean! > 0.5);
  });
});
