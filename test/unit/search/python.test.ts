/**
 * The Python module's search_runs implements the same filter syntax in the standard library: the
 * same filters on the same store select the same runs, and bad filters fail at the same column.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseOrderBy } from '../../../src/search/parser.ts';
import { searchRunIds } from '../../../src/search/query.ts';
import { loggerEnv, python } from '../logging/support.ts';
import { tempStore } from '../helpers.ts';
import { CASES, ERRORS } from './cases.ts';
import { writeSweep } from './sweep.ts';

const SEARCH = `
import json, sys
import ml_lifecycle as mll
out = []
for item in json.load(sys.stdin):
    try:
        runs = mll.search_runs(filter_string=item['filter'], order_by=item.get('order_by'))
        out.append({'ids': [r.info.run_id for r in runs]})
    except mll.SearchError as error:
        out.append({'column': error.column, 'reason': error.reason})
print(json.dumps(out))
`;

describe('Python search_runs: the same syntax and results as the extension', () => {
  const store = tempStore();
  const runs = writeSweep(store, 600);
  const uuidOf = new Map(runs.map((r) => [r.id, r.uuid]));
  const STALE = Date.now() - 120_000;

  function pythonSearch(items: { filter: string; order_by?: string[] }[]): ({ ids: string[] } | { column: number; reason: string })[] {
    const done = python(SEARCH, loggerEnv(store.path), undefined, JSON.stringify(items));
    assert.equal(done.status, 0, done.stderr);
    return JSON.parse(done.stdout);
  }

  test('every filter selects the same runs, in the same order', () => {
    const items = CASES.map(([filter]) => ({ filter }));
    const sorted = { filter: "params.lr != '0.1'", order_by: ['params.batch_size DESC, metrics.val_auc', 'attributes.run_name'] };
    const results = pythonSearch([...items, sorted]);
    CASES.forEach(([filter], index) => {
      const ours = searchRunIds(store, { filter, staleBefore: STALE }).map((id) => uuidOf.get(id));
      assert.deepEqual(results[index], { ids: ours }, filter);
    });
    const ours = searchRunIds(store, { filter: sorted.filter, orderBy: parseOrderBy(sorted.order_by.join(', ')), staleBefore: STALE }).map((id) => uuidOf.get(id));
    assert.deepEqual(results.at(-1), { ids: ours });
  });

  test('bad filters fail at the same column', () => {
    const results = pythonSearch(ERRORS.map(([filter]) => ({ filter })));
    ERRORS.forEach(([filter, column, reason], index) => {
      const result = results[index] as { column: number; reason: string };
      assert.equal(result.column, column, `${filter}: ${JSON.stringify(result)}`);
      assert.match(result.reason, reason, filter);
    });
  });
});
