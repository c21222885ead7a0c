/**
 * Promises about files we must not change, kept from every entry point (Node API, CLI, Python):
 * a newer store keeps every byte, a read-only one can be browsed, a locked one is waited for.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { StoreError, openStore } from '../../../src/store/database.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/store/migrations.ts';
import { startRun } from '../../../src/tracking/runLogger.ts';
import { tempDir } from '../helpers.ts';
import { cli, loggerEnv, python } from '../logging/support.ts';

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** The folder's files with their sha256: what "left untouched" means. */
function snapshot(folder: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(folder).sort().map((name) => [name, sha256(path.join(folder, name))]));
}

/** A store with the current tables in `journal_mode` (delete: a rollback journal, as other tools leave it). */
function storeFile(journalMode: 'delete' | 'wal', version = SCHEMA_VERSION): string {
  const folder = path.join(tempDir(), '.ml-lifecycle');
  fs.mkdirSync(folder);
  const file = path.join(folder, 'store.sqlite');
  const db = new Database(file);
  db.pragma(`journal_mode = ${journalMode}`);
  for (const migration of MIGRATIONS) db.exec(migration);
  db.prepare("INSERT INTO experiments (name, created_at) VALUES ('kept', 1)").run();
  db.prepare("INSERT INTO runs (uuid, experiment_id, name, status, start_time) VALUES ('0123456789abcdef0123456789abcdef', 1, 'r1', 'FINISHED', 1)").run();
  db.pragma(`user_version = ${version}`);
  db.close();
  return file;
}

/** Runs `command` as the unprivileged user "nobody" when we are root (root may write anywhere). */
function asNobody(command: string[]): string[] {
  return process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...command] : command;
}

function makeReadOnlyFolder(file: string): void {
  const folder = path.dirname(file);
  fs.chmodSync(path.dirname(folder), 0o755);
  fs.chmodSync(file, 0o444);
  fs.chmodSync(folder, 0o555);
}

describe('a store newer than this code is left byte for byte', () => {
  const newer = () => storeFile('delete', SCHEMA_VERSION + 1);

  test('by openStore and the Node API', () => {
    const file = newer();
    const before = snapshot(path.dirname(file));
    assert.throws(() => openStore(file), (error: unknown) => error instanceof StoreError && error.problem === 'newer-schema');
    assert.throws(() => startRun({ storePath: file, experiment: 'e' }), /newer than this version of ML Lifecycle/);
    assert.deepEqual(snapshot(path.dirname(file)), before);
  });

  test('by the CLI, reading or writing', () => {
    const file = newer();
    const before = snapshot(path.dirname(file));
    for (const args of [['runs', 'list'], ['run', 'start', '--experiment', 'e'], ['log', 'metric', '0123456789abcdef0123456789abcdef', 'x=1']]) {
      const done = cli(args, loggerEnv(file));
      assert.equal(done.status, 1, args.join(' '));
      assert.match(done.stderr, new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than`));
      assert.equal(done.stderr.trim().split('\n').length, 1);
    }
    assert.deepEqual(snapshot(path.dirname(file)), before);
  });

  test('by the Python logger', () => {
    const file = newer();
    const before = snapshot(path.dirname(file));
    const done = python('import ml_lifecycle as m\ntry:\n    m.start_run(experiment="e")\nexcept m.StoreError as e:\n    print(e)', loggerEnv(file));
    assert.match(done.stdout, /newer than this ml_lifecycle.py/, done.stderr);
    assert.deepEqual(snapshot(path.dirname(file)), before);
  });
});

describe('a store that can only be read', () => {
  test('in a read-only folder, `runs list` browses it and writes nothing', () => {
    const file = storeFile('wal');
    makeReadOnlyFolder(file);
    const before = snapshot(path.dirname(file));
    const asUser = spawnAs(asNobody([process.execPath, path.resolve('src/cli/main.ts'), 'runs', 'list', '--json']), file);
    assert.equal(asUser.status, 0, asUser.stderr);
    assert.deepEqual((JSON.parse(asUser.stdout) as { name: string }[]).map((run) => run.name), ['r1']);
    const refused = spawnAs(asNobody([process.execPath, path.resolve('src/cli/main.ts'), 'run', 'start', '--experiment', 'kept']), file);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /read-only|cannot be written/);
    assert.deepEqual(snapshot(path.dirname(file)), before);
  });

  test('openStore({ readonly }) reads a WAL store and changes no byte of it', () => {
    const file = storeFile('wal');
    const before = sha256(file);
    const store = openStore(file, { readonly: true });
    assert.equal(store.readonly, true);
    assert.equal((store.db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n, 1);
    store.close();
    assert.equal(sha256(file), before);
  });

  test('a store folder that cannot be created gives a one-line reason', () => {
    const blocker = path.join(tempDir(), 'a-file');
    fs.writeFileSync(blocker, 'x');
    const done = cli(['run', 'start', '--experiment', 'e'], loggerEnv(path.join(blocker, '.ml-lifecycle', 'store.sqlite')));
    assert.equal(done.status, 1);
    assert.match(done.stderr, /^ml-lifecycle run start: Cannot create the store in .*a-file\/\.ml-lifecycle \(a file is in the way\)\. .*ML_LIFECYCLE_STORE/);
    assert.equal(done.stderr.trim().split('\n').length, 1);

    const locked = tempDir();
    fs.chmodSync(locked, 0o555);
    const denied = spawnAs(asNobody([process.execPath, path.resolve('src/cli/main.ts'), 'run', 'start', '--experiment', 'e']), path.join(locked, 'sub', 'store.sqlite'));
    assert.equal(denied.status, 1);
    assert.match(denied.stderr, /Cannot create the store in .*sub \(permission denied\)/);
    assert.doesNotMatch(denied.stderr, /EACCES|mkdir/);
  });
});

describe('opening a locked rollback-journal store waits for the lock, as writes do', () => {
  /** Another process holds the write lock for a second, longer than one busy timeout. */
  async function lockFor(file: string, ms: number): Promise<Promise<unknown>> {
    const holder = spawn(
      process.execPath,
      ['-e', `const D=require('better-sqlite3');const db=new D(process.argv[1]);db.exec('BEGIN EXCLUSIVE');process.stdout.write('locked');setTimeout(()=>{db.exec('COMMIT');db.close()},${ms});`, file],
      { cwd: process.cwd() },
    );
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    return new Promise((resolve) => holder.once('close', resolve));
  }

  test('in Node', async () => {
    const file = storeFile('delete');
    const released = await lockFor(file, 1000);
    const store = openStore(file, { busyTimeoutMs: 100, lockWaitMs: 20_000 });
    assert.equal((store.db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n, 1);
    store.close();
    await released;
  });

  test('in Python', async () => {
    const file = storeFile('delete');
    const released = await lockFor(file, 1000);
    const done = python('import ml_lifecycle as m\nm.BUSY_TIMEOUT_S = 0.1\nm.start_run(experiment="kept").end()\nprint("ok")', loggerEnv(file));
    assert.equal(done.stdout.trim(), 'ok', done.stderr);
    await released;
  });
});

function spawnAs(command: string[], storePath: string) {
  return spawnSync(command[0]!, command.slice(1), { env: loggerEnv(storePath), cwd: '/', encoding: 'utf8', timeout: 60_000 });
}
