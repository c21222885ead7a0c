import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cli } from '../logging/support.ts';
import { tempStore } from '../helpers.ts';
import { writeSweep } from './sweep.ts';

describe('ml-lifecycle runs list --filter / --order-by (the built CLI)', () => {
  const store = tempStore();
  const runs = writeSweep(store, 300);
  const env = { ...process.env, ML_LIFECYCLE_STORE: store.path };

  test('filters and sorts with the search syntax, across experiments', () => {
    const done = cli(['runs', 'list', '--filter', "params.lr IN ('0.01', '0.1') and (tags.dataset LIKE 'v2%' or status = 'FAILED')", '--order-by', 'metrics.val_auc DESC', '--limit', '1000', '--json'], env);
    assert.equal(done.status, 0, done.stderr);
    const listed = JSON.parse(done.stdout) as { id: string; experiment: string }[];
    const expected = runs.filter((r) => (r.params.lr === '0.01' || r.params.lr === '0.1') && (r.tags.dataset!.startsWith('v2') || r.status === 'FAILED'));
    assert.deepEqual(new Set(listed.map((r) => r.id)), new Set(expected.map((r) => r.uuid)));
    assert.deepEqual(new Set(listed.map((r) => r.experiment)), new Set(['sweep-a', 'sweep-b']));
    const auc = (uuid: string) => runs.find((r) => r.uuid === uuid)!.metrics.val_auc!.at(-1)!;
    const values = listed.map((r) => auc(r.id)).filter((v) => !Number.isNaN(v));
    assert.deepEqual(values, [...values].sort((a, b) => b - a));
  });

  test('--experiment, --status and --limit still apply', () => {
    const done = cli(['runs', 'list', '--experiment', 'sweep-b', '--status', 'failed', '--filter', "params.optimizer ILIKE 'ADAM%'", '--limit', '3', '--json'], env);
    assert.equal(done.status, 0, done.stderr);
    const listed = JSON.parse(done.stdout) as { experiment: string; status: string }[];
    assert.equal(listed.length, 3);
    assert.ok(listed.every((r) => r.experiment === 'sweep-b' && r.status === 'FAILED'));
  });

  test('a filter that does not parse exits 1 with the column', () => {
    const done = cli(['runs', 'list', '--filter', 'metrics.val_auc > 0.9 and'], env);
    assert.equal(done.status, 1);
    assert.match(done.stderr.trim(), /^.*--filter, column 26: the end of the filter is not expected here/);
    const order = cli(['runs', 'list', '--order-by', 'metrics.val_auc DOWN'], env);
    assert.equal(order.status, 1);
    assert.match(order.stderr, /--order-by, column 17:/);
  });
});
