import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { StoreError, openStore, userVersion } from '../../../src/store/database.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/store/migrations.ts';
import { MARK_DIRTY_SQL, PACKED_FIELDS, refreshDirtyBlocks, unpackFineBlocks } from '../../../src/store/metricBlocks.ts';
import { discoverStorePath, workspaceStorePath } from '../../../src/store/location.ts';
import { tempDir, tempStore } from '../helpers.ts';

/** Builds a store file at an older schema version, as an older extension would have left it. */
function storeAtVersion(file: string, version: number): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  for (let v = 0; v < version; v++) db.exec(MIGRATIONS[v]!);
  db.pragma(`user_version = ${version}`);
  return db;
}

/** Data as a writer of that version left it (from version 2 on, writers mark new points dirty). */
function seedTracking(db: Database.Database): void {
  db.prepare("INSERT INTO experiments (id, name, created_at) VALUES (1, 'legacy', 1000)").run();
  db.prepare("INSERT INTO runs (id, uuid, experiment_id, name, status, start_time) VALUES (1, 'aaaa', 1, 'old run', 'FINISHED', 1000)").run();
  const insert = db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (1, ?, ?, ?, ?)');
  for (let step = 0; step < 100; step++) insert.run('loss', step, 1000 + step, 1 / (step + 1));
  db.prepare("INSERT INTO params (run_id, key, value) VALUES (1, 'lr', '0.01')").run();
  if ((db.pragma('user_version', { simple: true }) as number) >= 2) db.prepare(MARK_DIRTY_SQL).run(1, 'loss', 0, 99);
}

describe('migrations', () => {
  test('a new store is created at the current version with every table', () => {
    const store = tempStore();
    assert.equal(userVersion(store.db), SCHEMA_VERSION);
    const tables = (store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    for (const table of ['experiments', 'runs', 'params', 'metrics', 'tags', 'metric_blocks', 'registered_models', 'model_versions', 'model_aliases', 'framings', 'framing_revisions', 'audit_log']) {
      assert.ok(tables.includes(table), `missing table ${table}`);
    }
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
    assert.ok((store.db.pragma('busy_timeout', { simple: true }) as number) >= 1000);
  });

  test('the upgrade to version 4 has readers rebuild the summaries of version 3, now with packed fine blocks', () => {
    const file = path.join(tempDir(), '.ml-lifecycle', 'store.sqlite');
    const old = storeAtVersion(file, 3);
    seedTracking(old);
    // What a version-3 reader left: the history summarized, nothing dirty.
    old.prepare("INSERT INTO metric_blocks (run_id, key, shift, block, n, nonfinite, min, max, first_step, first_value, last_step, last_value, last_timestamp) VALUES (1, 'loss', 12, 0, 100, 0, 0.01, 1, 0, 1, 99, 0.01, 1099)").run();
    old.prepare('DELETE FROM metric_dirty').run();
    old.close();

    const store = openStore(file);
    assert.deepEqual(store.db.prepare('SELECT run_id AS runId, key, lo, hi FROM metric_dirty').all(), [{ runId: 1, key: 'loss', lo: 0, hi: 99 }]);
    refreshDirtyBlocks(store.db);
    const fine = store.db.prepare("SELECT fine FROM metric_blocks WHERE shift = 12 AND key = 'loss'").pluck().get() as Buffer;
    assert.equal(fine.byteLength, 7 * PACKED_FIELDS.length * 8, 'the 7 blocks of 16 steps under the first 4096 steps');
    assert.deepEqual([...unpackFineBlocks(fine).subarray(0, PACKED_FIELDS.length)], [0, 16, 0, 1 / 16, 1, 0, 1, 15, 1 / 16, 1015]);
    store.close();
  });

  for (let from = 1; from < SCHEMA_VERSION; from++) {
    test(`a store at version ${from} migrates to ${SCHEMA_VERSION}, keeping its data, after a backup`, () => {
      const dir = tempDir();
      const file = path.join(dir, '.ml-lifecycle', 'store.sqlite');
      const old = storeAtVersion(file, from);
      seedTracking(old);
      old.close();

      const store = openStore(file);
      assert.equal(userVersion(store.db), SCHEMA_VERSION);
      assert.deepEqual(store.db.prepare('SELECT name, status FROM runs').all(), [{ name: 'old run', status: 'FINISHED' }]);
      assert.equal((store.db.prepare('SELECT count(*) AS n FROM metrics').get() as { n: number }).n, 100);
      // Existing histories are summarized once the reader catches up.
      refreshDirtyBlocks(store.db);
      assert.deepEqual(store.db.prepare("SELECT n, min, max, last_value AS last FROM metric_blocks WHERE shift = 12 AND key = 'loss'").get(), {
        n: 100,
        min: 0.01,
        max: 1,
        last: 0.01,
      });
      store.close();

      const backups = fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.bak'));
      assert.equal(backups.length, 1, 'one backup copy before migrating');
      const backup = new Database(path.join(path.dirname(file), backups[0]!), { readonly: true });
      assert.equal(backup.pragma('user_version', { simple: true }), from);
      assert.equal((backup.prepare('SELECT count(*) AS n FROM metrics').get() as { n: number }).n, 100);
      backup.close();
    });
  }

  test('the upgrade to version 8 keeps every point, block and production value, and -0 keeps its sign from then on', () => {
    const file = path.join(tempDir(), '.ml-lifecycle', 'store.sqlite');
    const old = storeAtVersion(file, 7);
    seedTracking(old);
    old.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value, seq) VALUES (1, ?, ?, ?, ?, ?)').run('twins', 0, 5, null, 0);
    old.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value, seq) VALUES (1, ?, ?, ?, ?, ?)').run('twins', 0, 5, Infinity, 1);
    old.prepare(MARK_DIRTY_SQL).run(1, 'twins', 0, 0);
    old.prepare("INSERT INTO registered_models (id, name, created_at) VALUES (1, 'm', 0)").run();
    old.prepare("INSERT INTO model_versions (id, model_id, version, artifact_uri, created_at) VALUES (1, 1, 1, 'file:///m', 0)").run();
    old.prepare("INSERT INTO production_metrics (version_id, key, timestamp, value) VALUES (1, 'auc', 10, 0.9), (1, 'auc', 20, -0.0)").run();
    refreshDirtyBlocks(old);
    const points = () => 'SELECT key, step, timestamp, seq, value, typeof(value) AS type FROM metrics ORDER BY key, step, timestamp, seq';
    const blocks = 'SELECT * FROM metric_blocks ORDER BY run_id, key, shift, block';
    const beforePoints = old.prepare(points()).all();
    const beforeBlocks = old.prepare(blocks).all();
    assert.equal(old.prepare("SELECT typeof(value) FROM production_metrics WHERE timestamp = 20").pluck().get(), 'real');
    old.close();

    const store = openStore(file);
    assert.equal(userVersion(store.db), 8);
    assert.deepEqual(store.db.prepare(points()).all(), beforePoints, 'every point, with its value and type');
    assert.deepEqual(store.db.prepare(blocks).all(), beforeBlocks, 'the summaries, packed fine blocks included');
    assert.deepEqual(store.db.prepare('SELECT count(*) FROM metric_dirty').pluck().get(), 0, 'nothing to rebuild');
    assert.deepEqual(store.db.prepare('SELECT rowid, version_id, key, timestamp, value FROM production_metrics ORDER BY rowid').all(), [
      { rowid: 1, version_id: 1, key: 'auc', timestamp: 10, value: 0.9 },
      { rowid: 2, version_id: 1, key: 'auc', timestamp: 20, value: 0 },
    ]);
    const indexes = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'production_metrics' AND sql IS NOT NULL").pluck().all();
    assert.deepEqual(indexes, ['production_metrics_by_version']);
    assert.deepEqual(store.db.prepare('PRAGMA foreign_key_check').all(), []);

    store.db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (1, ?, ?, ?, ?)').run('signed', 0, 0, -0);
    store.db.prepare("INSERT INTO production_metrics (version_id, key, timestamp, value) VALUES (1, 'auc', 30, ?)").run(-0);
    store.db.prepare(MARK_DIRTY_SQL).run(1, 'signed', 0, 0);
    refreshDirtyBlocks(store.db);
    assert.ok(Object.is(store.db.prepare("SELECT value FROM metrics WHERE key = 'signed'").pluck().get(), -0));
    assert.ok(Object.is(store.db.prepare('SELECT value FROM production_metrics WHERE timestamp = 30').pluck().get(), -0));
    const block = store.db.prepare("SELECT min, max, first_value AS first, last_value AS last FROM metric_blocks WHERE key = 'signed' AND shift = 4").get() as Record<string, number>;
    for (const [column, value] of Object.entries(block)) assert.ok(Object.is(value, -0), `metric_blocks.${column} keeps -0`);
    // A deleted run still takes its points and blocks with it (the foreign keys survived the copy).
    store.db.prepare('DELETE FROM runs WHERE id = 1').run();
    assert.equal(store.db.prepare('SELECT (SELECT count(*) FROM metrics) + (SELECT count(*) FROM metric_blocks)').pluck().get(), 0);
    store.close();
  });

  test('a failing migration leaves the store at its old version (one transaction)', () => {
    const dir = tempDir();
    const file = path.join(dir, 'store.sqlite');
    const old = storeAtVersion(file, 2);
    seedTracking(old);
    // A table that migration 3 wants to create already exists: the migration must fail whole.
    old.exec('CREATE TABLE registered_models (x)');
    old.close();
    assert.throws(() => openStore(file));
    const db = new Database(file, { readonly: true });
    assert.equal(db.pragma('user_version', { simple: true }), 2);
    assert.equal((db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'framings'").get() as { n: number }).n, 0);
    db.close();
  });
});

describe('values', () => {
  test('NaN, +Inf, -Inf and -0 round-trip exactly, and summaries skip the non-finite ones', () => {
    const store = tempStore();
    const { db } = store;
    db.prepare("INSERT INTO experiments (name, created_at) VALUES ('e', 0)").run();
    db.prepare("INSERT INTO runs (uuid, experiment_id, name, start_time) VALUES ('r', 1, 'r', 0)").run();
    const values = [Number.NaN, Infinity, -Infinity, 0, -0, 1e308, -1e-308, 0.1 + 0.2];
    db.transaction(() => {
      values.forEach((value, step) => db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (1, ?, ?, ?, ?)').run('m', step, step, value));
      db.prepare(MARK_DIRTY_SQL).run(1, 'm', 0, values.length - 1);
    })();
    const read = (db.prepare("SELECT value FROM metrics WHERE key = 'm' ORDER BY step").all() as { value: number | null }[]).map((r) => r.value ?? Number.NaN);
    assert.equal(read.length, values.length);
    read.forEach((value, i) => assert.ok(Object.is(value, values[i]), `value ${i}: ${value} vs ${values[i]}`));
    assert.deepEqual(db.prepare("SELECT typeof(value) FROM metrics WHERE key = 'm' AND step = 4").pluck().get(), 'real', '-0 is stored as a REAL, not as the integer 0');
    refreshDirtyBlocks(db);
    const block = db.prepare("SELECT n, nonfinite, min, max FROM metric_blocks WHERE key = 'm' AND shift = 4").get();
    assert.deepEqual(block, { n: 8, nonfinite: 3, min: -1e-308, max: 1e308 });
  });
});

describe('concurrency', () => {
  test('in WAL a reader in another process reads while a writer commits', async () => {
    const store = tempStore();
    store.db.prepare("INSERT INTO experiments (name, created_at) VALUES ('e', 0)").run();
    store.db.prepare("INSERT INTO runs (uuid, experiment_id, name, start_time) VALUES ('r', 1, 'r', 0)").run();
    // A long write transaction held open by this connection...
    store.db.exec('BEGIN IMMEDIATE');
    const insert = store.db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (1, ?, ?, 0, 1)');
    for (let step = 0; step < 1000; step++) insert.run('loss', step);
    // ...does not block a reader in another process, which sees the last committed state.
    const reader = `
      const Database = require('better-sqlite3');
      const db = new Database(process.argv[1], { readonly: true });
      db.pragma('busy_timeout = 100');
      process.stdout.write(String(db.prepare('SELECT count(*) AS n FROM metrics').get().n));`;
    const seen = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', reader, store.path], { cwd: process.cwd() });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(err))));
    });
    assert.equal(seen, '0');
    store.db.exec('COMMIT');
    const second = new Database(store.path, { readonly: true });
    assert.equal((second.prepare('SELECT count(*) AS n FROM metrics').get() as { n: number }).n, 1000);
    second.close();
  });
});

describe('bad stores', () => {
  test('a file that is not SQLite is refused by name and left untouched', () => {
    const dir = tempDir();
    const file = path.join(dir, 'store.sqlite');
    fs.writeFileSync(file, 'this is a text file, not a database\n');
    const before = fs.readFileSync(file);
    assert.throws(() => openStore(file), (error: unknown) => error instanceof StoreError && error.problem === 'not-sqlite' && error.message.includes(file));
    assert.deepEqual(fs.readFileSync(file), before);
  });

  test('a store from a newer extension is refused and left untouched', () => {
    const dir = tempDir();
    const file = path.join(dir, 'store.sqlite');
    const db = storeAtVersion(file, SCHEMA_VERSION);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    const before = fs.readFileSync(file);
    assert.throws(
      () => openStore(file),
      (error: unknown) => error instanceof StoreError && error.problem === 'newer-schema' && /Update ML Lifecycle/.test(error.message),
    );
    assert.deepEqual(fs.readFileSync(file), before);
  });

  test('a missing store is not created unless asked', () => {
    const dir = tempDir();
    const file = path.join(dir, '.ml-lifecycle', 'store.sqlite');
    assert.throws(() => openStore(file), (error: unknown) => error instanceof StoreError && error.problem === 'missing');
    assert.equal(fs.existsSync(file), false);
  });

  test('a read-only store opens for reading and refuses changes with a clear message', () => {
    const dir = tempDir();
    const file = path.join(dir, 'store.sqlite');
    openStore(file, { create: true }).close();
    const store = openStore(file, { readonly: true });
    assert.equal(store.readonly, true);
    assert.throws(() => store.db.prepare("INSERT INTO experiments (name, created_at) VALUES ('x', 0)").run(), /readonly/i);
    store.close();
  });

  test('a store locked by another process gives a "locked" StoreError naming the file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'store.sqlite');
    const existing = storeAtVersion(file, 1);
    existing.close();
    // Another process holds an exclusive lock while we need to migrate.
    const holder = spawn(
      process.execPath,
      ['-e', `const D=require('better-sqlite3');const db=new D(process.argv[1]);db.pragma('locking_mode=EXCLUSIVE');db.exec('BEGIN EXCLUSIVE');process.stdout.write('locked');setTimeout(()=>{},5000);`, file],
      { cwd: process.cwd() },
    );
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    try {
      assert.throws(
        () => openStore(file, { busyTimeoutMs: 200, lockWaitMs: 500 }),
        (error: unknown) => error instanceof StoreError && error.problem === 'locked' && error.message.includes(file),
      );
    } finally {
      holder.kill();
    }
    const db = new Database(file, { readonly: true });
    assert.equal(db.pragma('user_version', { simple: true }), 1, 'nothing migrated while locked');
    db.close();
  });
});

describe('location', () => {
  test('the env variable wins, then the setting, then .ml-lifecycle/store.sqlite', () => {
    assert.equal(workspaceStorePath('/ws', '', {}), path.join('/ws', '.ml-lifecycle', 'store.sqlite'));
    assert.equal(workspaceStorePath('/ws', 'data/s.sqlite', {}), path.join('/ws', 'data', 's.sqlite'));
    assert.equal(workspaceStorePath('/ws', 'data/s.sqlite', { ML_LIFECYCLE_STORE: '/elsewhere/s.sqlite' }), '/elsewhere/s.sqlite');
  });

  test('loggers walk up from the working directory to the .ml-lifecycle folder', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, '.ml-lifecycle'));
    const deep = path.join(root, 'src', 'models', 'train');
    fs.mkdirSync(deep, { recursive: true });
    assert.equal(discoverStorePath(deep, {}), path.join(root, '.ml-lifecycle', 'store.sqlite'));
    assert.equal(discoverStorePath(deep, { ML_LIFECYCLE_STORE: 'x.sqlite' }), path.join(deep, 'x.sqlite'));
  });
});
