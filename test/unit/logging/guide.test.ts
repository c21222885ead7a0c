import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../../src/store/database.ts';
import { PYTHON_EXAMPLE, loggingGuide } from '../../../src/workbench/logging/guide.ts';
import { tempDir } from '../helpers.ts';
import { ROOT, loggerEnv, python } from './support.ts';

test('the training-script example of the guide and docs/logging.md runs and logs what it says', () => {
  assert.ok(fs.readFileSync(path.join(ROOT, 'docs', 'logging.md'), 'utf8').includes(PYTHON_EXAMPLE), 'docs/logging.md shows the same example as src/workbench/logging/guide.ts');
  assert.ok(loggingGuide({ storePath: '/w/.ml-lifecycle/store.sqlite', trusted: true, terminalsReady: true }).includes(PYTHON_EXAMPLE));
  const dir = tempDir();
  const storePath = path.join(dir, '.ml-lifecycle', 'store.sqlite');
  fs.writeFileSync(path.join(dir, 'train.py'), PYTHON_EXAMPLE);
  const done = python(`exec(open("train.py").read())`, loggerEnv(storePath), dir);
  assert.equal(done.status, 0, done.stderr);
  const store = openStore(storePath);
  try {
    assert.deepEqual(store.db.prepare('SELECT name, status FROM runs').all(), [{ name: 'sgd-lr0.05', status: 'FINISHED' }]);
    assert.deepEqual(store.db.prepare('SELECT key, count(*) AS n, max(step) AS last FROM metrics GROUP BY key ORDER BY key').all(), [
      { key: 'train_loss', n: 20, last: 19 },
      { key: 'train_loss_batch', n: 2000, last: 1999 },
      { key: 'val_loss', n: 20, last: 19 },
      { key: 'val_rmse', n: 20, last: 19 },
    ]);
    assert.deepEqual(store.db.prepare('SELECT kind, size > 0 AS written FROM artifacts').all(), [{ kind: 'model', written: 1 }]);
  } finally {
    store.close();
  }
});

test('the guide says how to get the logger in each situation', () => {
  assert.match(loggingGuide({ storePath: '/w/s.sqlite', trusted: true, terminalsReady: true }), /already have the logger on `PYTHONPATH`/);
  assert.match(loggingGuide({ storePath: '/w/s.sqlite', trusted: true, terminalsReady: false }), /Integrated terminals do not get the logger/);
  assert.match(loggingGuide({ storePath: undefined, trusted: false, terminalsReady: false }), /not trusted/);
});
