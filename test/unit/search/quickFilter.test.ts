import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFilter } from '../../../src/search/parser.ts';
import { type QuickColumn, andFilter, quickCondition, quickOptions, quoteText } from '../../../src/search/quickFilter.ts';
import { searchRunIds } from '../../../src/search/query.ts';
import { tempStore } from '../helpers.ts';
import { last } from './cases.ts';
import { type SweepRun, writeSweep } from './sweep.ts';

const STALE = Date.now() - 120_000;

describe('quick filters from a column header', () => {
  const store = tempStore();
  const runs = writeSweep(store, 300);
  const found = (filter: string) => {
    assert.doesNotThrow(() => parseFilter(filter), `${filter} parses`);
    return searchRunIds(store, { filter, staleBefore: STALE }).sort((a, b) => a - b);
  };
  const expect = (predicate: (run: SweepRun) => boolean) => runs.filter(predicate).map((r) => r.id);

  const optimizer: QuickColumn = { id: 'params.optimizer', entity: 'param', type: 'text' };
  const batch: QuickColumn = { id: 'params.batch_size', entity: 'param', type: 'text' };
  const auc: QuickColumn = { id: 'metrics.val_auc', entity: 'metric', type: 'number' };
  const note: QuickColumn = { id: 'tags.note', entity: 'tag', type: 'text' };
  const lr: QuickColumn = { id: 'params.lr', entity: 'param', type: 'text' };
  const valLoss: QuickColumn = { id: 'metrics.`val loss`', entity: 'metric', type: 'number' };

  test('= and != on a param match those runs', () => {
    assert.deepEqual(found(quickCondition(optimizer, '=', 'adam')), expect((r) => r.params.optimizer === 'adam'));
    assert.deepEqual(found(quickCondition(optimizer, '!=', 'adam')), expect((r) => r.params.optimizer !== 'adam'));
  });

  test('a tag value with both kinds of quotes is quoted so it matches itself', () => {
    const value = `it's "quoted" 100%_done`;
    const condition = quickCondition(note, '=', value);
    assert.equal(condition, `tags.note = 'it''s "quoted" 100%_done'`);
    assert.deepEqual(found(condition), expect((r) => r.tags.note === value));
    assert.ok(found(condition).length > 0);
  });

  test('> and < compare numbers, on metrics and on params holding numbers', () => {
    assert.deepEqual(found(quickCondition(auc, '>', 0.8)), expect((r) => (last(r, 'val_auc') ?? -Infinity) > 0.8));
    assert.deepEqual(found(quickCondition(batch, '<', '64')), expect((r) => Number(r.params.batch_size) < 64));
    assert.throws(() => quickCondition(batch, '>', 'big'), /needs a number/);
  });

  test('= on a metric uses its full-precision value', () => {
    const value = last(runs[7]!, 'val_auc')!;
    assert.deepEqual(found(quickCondition(auc, '=', value)), expect((r) => last(r, 'val_auc') === value));
  });

  test('IS NULL / IS NOT NULL: not set, not logged', () => {
    assert.deepEqual(found(quickCondition(lr, 'IS NULL')), expect((r) => r.params.lr === undefined));
    assert.deepEqual(found(quickCondition(valLoss, 'IS NOT NULL')), expect((r) => r.metrics['val loss'] !== undefined));
  });

  test('ANDed with the filter there; a top-level OR is kept together in parentheses', () => {
    assert.equal(andFilter('', 'a = 1'), 'a = 1');
    const base = "params.optimizer = 'adam' OR params.optimizer = 'sgd'";
    const combined = andFilter(base, quickCondition(auc, '>', 0.7));
    assert.equal(combined, `(${base}) AND metrics.val_auc > 0.7`);
    assert.deepEqual(found(combined), expect((r) => ['adam', 'sgd'].includes(r.params.optimizer ?? '') && (last(r, 'val_auc') ?? -Infinity) > 0.7));
    // OR inside quotes or parentheses is not top-level.
    const quoted = "tags.dataset = 'a or b' AND (params.lr = '0.1' OR params.lr = '0.01')";
    assert.equal(andFilter(quoted, 'x = 1'), `${quoted} AND x = 1`);
    assert.equal(andFilter("params.`or key` = 'x''or'", 'x = 1'), "params.`or key` = 'x''or' AND x = 1");
  });

  test('options fit the column type and value', () => {
    const ops = (column: QuickColumn, value: unknown) => quickOptions(column, value).map((o) => o.operator);
    assert.deepEqual(ops(optimizer, 'adam'), ['=', '!=', 'IS NOT NULL', 'IS NULL']);
    assert.deepEqual(ops(batch, '32'), ['=', '!=', '>', '<', 'IS NOT NULL', 'IS NULL']);
    assert.deepEqual(ops(auc, null), ['=', '!=', '>', '<', 'IS NOT NULL', 'IS NULL']);
    assert.equal(quickOptions(auc, null).at(-1)!.label, 'was not logged');
    assert.equal(quoteText("a'b"), "'a''b'");
  });
});
