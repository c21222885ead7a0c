import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../../src/store/database.ts';
import { MARK_DIRTY_SQL } from '../../../src/store/metricBlocks.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/store/migrations.ts';
import { tempDir } from '../helpers.ts';
import { loggerEnv, python } from './support.ts';
import { currentSchema, generatedSchema } from './syncPythonSchema.ts';

test('python/ml_lifecycle.py carries the same migrations and MARK_DIRTY_SQL as src/store', () => {
  assert.equal(currentSchema(), generatedSchema(), 'The schema copy in python/ml_lifecycle.py is out of date: run ./node_modules/.bin/node test/unit/logging/syncPythonSchema.ts');
  const done = python('import json, ml_lifecycle as m; print(json.dumps({"migrations": m.MIGRATIONS, "markDirty": m.MARK_DIRTY_SQL, "version": m.SCHEMA_VERSION}))', loggerEnv(''));
  assert.equal(done.status, 0, done.stderr);
  const fromPython = JSON.parse(done.stdout) as { migrations: string[]; markDirty: string; version: number };
  assert.deepEqual(fromPython.migrations, [...MIGRATIONS]);
  assert.equal(fromPython.markDirty, MARK_DIRTY_SQL);
  assert.equal(fromPython.version, SCHEMA_VERSION);
});

test('a store created by the Python logger has exactly the schema of one created by the extension', () => {
  const dir = tempDir();
  const fromNode = openStore(path.join(dir, 'node.sqlite'), { create: true });
  const pythonPath = path.join(dir, 'python.sqlite');
  const done = python('import ml_lifecycle as m; m.start_run(experiment="e").end()', loggerEnv(pythonPath));
  assert.equal(done.status, 0, done.stderr);
  const fromPython = openStore(pythonPath);
  try {
    const schema = (db: typeof fromNode.db) => db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all();
    assert.deepEqual(schema(fromPython.db), schema(fromNode.db));
    assert.equal(fromPython.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.equal(fromPython.db.pragma('journal_mode', { simple: true }), 'wal');
  } finally {
    fromNode.close();
    fromPython.close();
  }
});
