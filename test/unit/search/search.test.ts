import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseColumn, parseFilter, parseOrderBy } from '../../../src/search/parser.ts';
import { columnCatalog, groupRuns, readColumns, searchRunIds } from '../../../src/search/query.ts';
import { SearchError } from '../../../src/search/syntax.ts';
import { tempStore } from '../helpers.ts';
import { CASES, ERRORS, last } from './cases.ts';
import { writeSweep } from './sweep.ts';

const COUNT = 3000;
const STALE = Date.now() - 120_000;

describe('run search on a real store of 3,000 runs', () => {
  const store = tempStore();
  const runs = writeSweep(store, COUNT);

  for (const [filter, predicate] of CASES) {
    test(`filter: ${filter || '(empty)'}`, () => {
      const found = searchRunIds(store, { filter, staleBefore: STALE }).sort((a, b) => a - b);
      const expected = runs.filter(predicate).map((r) => r.id);
      assert.deepEqual(found, expected);
    });
  }

  test('the store is intact after injection attempts', () => {
    assert.equal(store.db.prepare('SELECT count(*) FROM runs').pluck().get(), COUNT);
  });

  test('newest first by default; a sort key puts runs without a value last', () => {
    const ids = searchRunIds(store, { staleBefore: STALE });
    assert.deepEqual(ids.slice(0, 3), [runs.at(-1)!.id, runs.at(-2)!.id, runs.at(-3)!.id]);
    const sorted = searchRunIds(store, { filter: "attributes.experiment = 'sweep-a'", orderBy: parseOrderBy('metrics.`val loss` ASC'), staleBefore: STALE });
    const values = readColumns(store, sorted, [parseColumn('metrics.`val loss`')], STALE).map((row) => row.values[0] as number | null);
    const present = values.filter((v): v is number => v !== null);
    assert.deepEqual(present, [...present].sort((a, b) => a - b));
    assert.ok(values.indexOf(null) === present.length, 'runs without the metric come after those with it');
  });

  test('multi-column sort: params as numbers, then a metric descending', () => {
    const ids = searchRunIds(store, { orderBy: parseOrderBy('params.batch_size, metrics.val_auc DESC'), staleBefore: STALE });
    const rows = readColumns(store, ids, [parseColumn('params.batch_size'), parseColumn('metrics.val_auc')], STALE);
    const expected = runs
      .map((r) => ({ id: r.id, batch: Number(r.params.batch_size), auc: last(r, 'val_auc') }))
      .sort((a, b) => a.batch - b.batch || (a.auc === null ? (b.auc === null ? 0 : 1) : b.auc === null ? -1 : b.auc - a.auc) || b.id - a.id);
    assert.deepEqual(rows.map((r) => r.id), expected.map((e) => e.id));
    assert.equal(rows[0]!.values[0], '16');
  });

  test('group by a param and a tag: counts and mean/min/max of a metric', () => {
    const groups = groupRuns(store, { staleBefore: STALE }, [parseColumn('params.optimizer')], [parseColumn('metrics.val_auc')]);
    assert.deepEqual(groups.map((g) => g.keys[0]), ['Adam', 'AdamW', 'adam', 'sgd']);
    for (const group of groups) {
      const members = runs.filter((r) => r.params.optimizer === group.keys[0]);
      assert.equal(group.count, members.length);
      const values = members.map((r) => last(r, 'val_auc')).filter((v): v is number => v !== null);
      assert.ok(Math.abs(group.stats[0]!.mean! - values.reduce((a, b) => a + b, 0) / values.length) < 1e-9);
      assert.equal(group.stats[0]!.min, Math.min(...values));
      assert.equal(group.stats[0]!.max, Math.max(...values));
    }
    const nested = groupRuns(store, { filter: "params.lr = '0.1'", staleBefore: STALE }, [parseColumn('params.lr'), parseColumn('tags.dataset')], []);
    assert.equal(nested.reduce((n, g) => n + g.count, 0), runs.filter((r) => r.params.lr === '0.1').length);
    const withoutLr = groupRuns(store, { staleBefore: STALE }, [parseColumn('params.lr')], []);
    assert.equal(withoutLr.at(-1)!.keys[0], null, 'runs without the param form the last group');
  });

  test('the column catalog lists every key', () => {
    assert.deepEqual(columnCatalog(store), { params: ['batch_size', 'lr', 'model/depth', 'optimizer'], tags: ['dataset', 'ml_lifecycle.starred', 'note'], metrics: ['loss', 'val loss', 'val_auc'] });
  });
});

describe('filter errors name the column', () => {
  const store = tempStore();
  for (const [filter, column, message] of ERRORS) {
    test(filter, () => {
      assert.throws(
        () => searchRunIds(store, { filter, staleBefore: STALE }),
        (error: unknown) => error instanceof SearchError && error.column === column && message.test(error.reason),
      );
    });
  }

  test('a parsed filter keeps the column of each part', () => {
    const expr = parseFilter("metrics.auc > 0.9 or tags.x IN ('a')");
    assert.equal(expr?.kind, 'or');
  });
});
