import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../../../src/store/database.ts';
import { createExperiment, trash } from '../../../src/tracking/experiments.ts';
import { BATCH_SIZE, FLUSH_INTERVAL_MS, LogInputError } from '../../../src/tracking/loggingInput.ts';
import { logProductionMetric } from '../../../src/registry/productionMetricLog.ts';
import { attachRun, startRun, withRun } from '../../../src/tracking/runLogger.ts';
import { tempDir } from '../helpers.ts';
import { RUN_LOGGER, cli, finished, launch, loggerEnv, python } from './support.ts';

function newStorePath(): string {
  return path.join(tempDir(), '.ml-lifecycle', 'store.sqlite');
}

/** A second connection, as another process would read the store. */
function reader(storePath: string): Database.Database {
  const db = new Database(storePath, { readonly: true });
  return db;
}

function rows(storePath: string, sql: string, ...args: unknown[]): unknown[] {
  const db = reader(storePath);
  try {
    return db.prepare(sql).all(...args);
  } finally {
    db.close();
  }
}

describe('the Node logging API', () => {
  test('params, tags, metrics and the run columns round-trip', () => {
    const storePath = newStorePath();
    const run = startRun({ experiment: 'exp', name: 'first', storePath, params: { lr: 0.1, layers: [64, 32], fast: true }, tags: { dataset: 'v1' } });
    assert.match(run.id, /^[0-9a-f]{32}$/);
    run.logParam('batch', 32);
    run.logMetric('loss', 0.5, 0);
    run.logMetric('loss', 0.25, 1);
    run.logMetrics({ acc: 0.9, f1: 0.8 }, 1);
    run.setTags({ note: 'ok' });
    run.end();
    assert.equal(run.ended, true);
    assert.deepEqual(rows(storePath, 'SELECT name, status, source, end_time >= start_time AS ordered FROM runs'), [{ name: 'first', status: 'FINISHED', source: 'node', ordered: 1 }]);
    assert.deepEqual(rows(storePath, 'SELECT key, value FROM params ORDER BY key'), [
      { key: 'batch', value: '32' },
      { key: 'fast', value: 'true' },
      { key: 'layers', value: '[64,32]' },
      { key: 'lr', value: '0.1' },
    ]);
    const tags = Object.fromEntries((rows(storePath, 'SELECT key, value FROM tags') as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    assert.equal(tags.dataset, 'v1');
    assert.equal(tags['ml_lifecycle.node_version'], process.versions.node);
    assert.deepEqual(rows(storePath, 'SELECT key, step, value FROM metrics ORDER BY key, step'), [
      { key: 'acc', step: 1, value: 0.9 },
      { key: 'f1', step: 1, value: 0.8 },
      { key: 'loss', step: 0, value: 0.5 },
      { key: 'loss', step: 1, value: 0.25 },
    ]);
    assert.deepEqual(rows(storePath, 'SELECT key, lo, hi FROM metric_dirty ORDER BY key'), [
      { key: 'acc', lo: 1, hi: 1 },
      { key: 'f1', lo: 1, hi: 1 },
      { key: 'loss', lo: 0, hi: 1 },
    ]);
    assert.deepEqual(rows(storePath, 'SELECT entity, action FROM audit_log'), [{ entity: 'experiment', action: 'create' }]);
  });

  test('NaN is stored as NULL, ±Infinity and -0 as they are', () => {
    const storePath = newStorePath();
    const run = startRun({ storePath });
    [NaN, Infinity, -Infinity, -0, 1e300].forEach((value, step) => run.logMetric('x', value, step));
    run.end();
    assert.deepEqual((rows(storePath, 'SELECT value FROM metrics ORDER BY step') as { value: number | null }[]).map((r) => r.value), [null, Infinity, -Infinity, -0, 1e300]);
    assert.deepEqual(rows(storePath, 'SELECT typeof(value) AS type FROM metrics WHERE step = 3'), [{ type: 'real' }]);
    assert.deepEqual(rows(storePath, 'SELECT name FROM experiments'), [{ name: 'Default' }]);
  });

  test('steps count up per key; the same step within a millisecond keeps every point', () => {
    const storePath = newStorePath();
    const run = startRun({ storePath });
    for (let i = 0; i < 3; i++) run.logMetric('a', 1);
    run.logMetric('b', 1);
    run.logMetric('a', 1, 10);
    run.logMetric('a', 1);
    for (let value = 0; value < 50; value++) run.logMetric('same', value, 7);
    run.end();
    assert.deepEqual((rows(storePath, "SELECT step FROM metrics WHERE key = 'a' ORDER BY step") as { step: number }[]).map((r) => r.step), [0, 1, 2, 10, 11]);
    const same = rows(storePath, "SELECT timestamp, value FROM metrics WHERE key = 'same' ORDER BY timestamp") as { timestamp: number; value: number }[];
    assert.deepEqual(same.map((r) => r.value), [...Array(50).keys()]);
    assert.equal(new Set(same.map((r) => r.timestamp)).size, 50);
  });

  test('an identical point is kept once; a clashing one moves to the next millisecond', () => {
    const storePath = newStorePath();
    const run = startRun({ storePath });
    run.logMetric('x', 1, 1, 1000);
    run.logMetric('x', 1, 1, 1000);
    run.logMetric('x', 2, 1, 1000);
    run.flush();
    run.logMetric('x', 3, 1, 1000);
    run.logMetric('x', NaN, 1, 1000);
    run.end();
    assert.deepEqual(rows(storePath, 'SELECT timestamp, value FROM metrics ORDER BY timestamp'), [
      { timestamp: 1000, value: 1 },
      { timestamp: 1001, value: 2 },
      { timestamp: 1002, value: 3 },
      { timestamp: 1003, value: null },
    ]);
  });

  test('odd keys are kept as they are', () => {
    const storePath = newStorePath();
    const keys = ['train/loss', '损失', '<script>alert(1)</script>', 'x'.repeat(250), ' spaced '];
    const run = startRun({ storePath, params: Object.fromEntries(keys.map((k) => [k, 'v'])) });
    for (const key of keys) {
      run.logMetric(key, 1);
      run.setTag(key, 't');
    }
    run.end();
    for (const table of ['metrics', 'params', 'tags']) {
      const stored = new Set((rows(storePath, `SELECT key FROM ${table}`) as { key: string }[]).map((r) => r.key));
      for (const key of keys) assert.ok(stored.has(key), `${table} ${key}`);
    }
  });

  test('bad input is refused with a message naming the key and value, and nothing is written', () => {
    const storePath = newStorePath();
    const run = startRun({ storePath });
    const refused = (pattern: RegExp, call: () => unknown) => assert.throws(call, (error: Error) => error instanceof LogInputError && pattern.test(error.message));
    refused(/metric "acc": "0.9" is a string/, () => run.logMetric('acc', '0.9' as unknown as number));
    refused(/metric "ok": true is a boolean/, () => run.logMetric('ok', true as unknown as number));
    refused(/metric "gone": the value is null; log NaN/, () => run.logMetric('gone', null as unknown as number));
    refused(/metric "v": a array is not a number|metric "v": a object/, () => run.logMetric('v', [1] as unknown as number));
    refused(/metric key "x+…" is 251 characters long; the limit is 250/, () => run.logMetric('x'.repeat(251), 1));
    refused(/param key "k+…" is 10,000 characters long/, () => run.logParam('k'.repeat(10_000), 1));
    refused(/A metric key is empty/, () => run.logMetric(' ', 1));
    refused(/control character/, () => run.logMetric('a\nb', 1));
    refused(/step 1.5 is not a whole number/, () => run.logMetric('x', 1, 1.5));
    refused(/step .* out of range/, () => run.logMetric('x', 1, 2 ** 60));
    refused(/timestamp -5 is negative/, () => run.logMetric('x', 1, 0, -5));
    refused(/param "notes": the value is 6,001 characters long; the limit is 6,000/, () => run.logParam('notes', 'v'.repeat(6001)));
    refused(/tag "notes": the value is 8,001 characters long; the limit is 8,000/, () => run.setTag('notes', 'v'.repeat(8001)));
    refused(/param "p": the value is undefined/, () => run.logParam('p', undefined));
    refused(/logMetrics takes an object/, () => run.logMetrics([1, 2] as unknown as Record<string, number>));
    refused(/status "DONE" is not one of FINISHED, FAILED, KILLED/, () => run.end('DONE' as 'FINISHED'));
    run.logParam('lr', 0.1);
    run.logParam('lr', 0.1);
    refused(/param "lr" is already "0.1" for this run; it cannot change to "0.2"/, () => run.logParams({ fresh: 1, lr: 0.2 }));
    run.end();
    assert.deepEqual(rows(storePath, 'SELECT key, value FROM params'), [{ key: 'lr', value: '0.1' }]);
    assert.deepEqual(rows(storePath, 'SELECT count(*) AS n FROM metrics'), [{ n: 0 }]);
    assert.throws(() => run.logMetric('x', 1), /takes no more data: it was ended as FINISHED/);
  });

  test('artifacts record path, sha256 and size, and a folder hashes like the Python logger', async () => {
    const dir = tempDir();
    const storePath = path.join(dir, '.ml-lifecycle', 'store.sqlite');
    const folder = path.join(dir, 'model');
    fs.mkdirSync(path.join(folder, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'weights.bin'), Buffer.alloc(1000));
    fs.writeFileSync(path.join(folder, 'sub', 'config.json'), '{}');
    fs.writeFileSync(path.join(dir, 'data.csv'), 'a,b\n1,2\n');
    const run = startRun({ storePath });
    const file = await run.logArtifact(path.join(dir, 'data.csv'), 'data');
    const model = await run.logArtifact(folder, 'model');
    await assert.rejects(run.logArtifact(path.join(dir, 'nope.bin')), /artifact ".*nope.bin" does not exist/);
    await assert.rejects(run.logArtifact(folder, 'weights' as 'file'), /artifact kind "weights" is not one of file, model, data/);
    run.end();
    assert.equal(file.sha256, crypto.createHash('sha256').update('a,b\n1,2\n').digest('hex'));
    const fromPython = python(`import ml_lifecycle as m; print(*m.hash_path(${JSON.stringify(folder)}))`, loggerEnv(storePath));
    assert.equal(fromPython.stdout.trim(), `${model.sha256} ${model.size}`);
    assert.deepEqual(rows(storePath, 'SELECT path, size, kind FROM artifacts ORDER BY path'), [
      { path: path.join(dir, 'data.csv'), size: 8, kind: 'data' },
      { path: folder, size: 1002, kind: 'model' },
    ]);
  });

  test('child runs, resumed runs and a trashed experiment', () => {
    const storePath = newStorePath();
    const parent = startRun({ experiment: 'e', name: 'parent', storePath });
    const child = startRun({ experiment: 'e', name: 'child', storePath, parentRunId: parent.id });
    child.logMetric('loss', 1);
    child.logMetric('loss', 0.5);
    child.end();
    parent.end();
    const again = startRun({ runId: child.id, storePath });
    again.logMetric('loss', 0.25);
    again.end('KILLED');
    assert.deepEqual(rows(storePath, 'SELECT c.name, p.name AS parent, c.status FROM runs c JOIN runs p ON p.id = c.parent_run_id'), [{ name: 'child', parent: 'parent', status: 'KILLED' }]);
    assert.deepEqual((rows(storePath, 'SELECT step FROM metrics ORDER BY step') as { step: number }[]).map((r) => r.step), [0, 1, 2]);
    assert.throws(() => startRun({ storePath, parentRunId: 'nope' }), /parent run "nope" is not in the store/);
    assert.throws(() => startRun({ storePath, runId: child.id, experiment: 'other' }), /belongs to experiment "e", not "other"/);
    const store = openStore(storePath);
    trash(store, [{ kind: 'experiment', id: createExperiment(store, 'old').id }]);
    store.close();
    assert.throws(() => startRun({ experiment: 'old', storePath }), /experiment "old" is in the trash/);
  });

  test('points are written within the flush interval, and the size bound writes a batch at once', async () => {
    const storePath = newStorePath();
    const run = startRun({ storePath });
    run.logMetric('x', 1);
    assert.deepEqual(rows(storePath, 'SELECT count(*) AS n FROM metrics'), [{ n: 0 }]);
    await new Promise((resolve) => setTimeout(resolve, FLUSH_INTERVAL_MS * 2.2));
    assert.deepEqual(rows(storePath, 'SELECT count(*) AS n FROM metrics'), [{ n: 1 }]);
    run.end();
    const batch = startRun({ storePath });
    for (let step = 0; step < BATCH_SIZE; step++) batch.logMetric('y', 1, step);
    assert.deepEqual(rows(storePath, "SELECT count(*) AS n FROM metrics WHERE key = 'y'"), [{ n: BATCH_SIZE }]);
    batch.end();
  });

  test('a locked store is waited for, then reported; the points stay buffered and none is lost', () => {
    const storePath = newStorePath();
    const run = startRun({ storePath, lockWaitMs: 300 });
    const holder = new Database(storePath);
    holder.prepare('BEGIN IMMEDIATE').run();
    for (let step = 0; step < 10; step++) run.logMetric('x', step, step);
    const started = Date.now();
    assert.throws(() => run.flush(), /stayed locked by another process for 0.3 s/);
    assert.ok(Date.now() - started < 5000);
    holder.prepare('COMMIT').run();
    holder.close();
    run.logMetric('x', 10, 10);
    assert.equal(run.flush(), 11);
    run.end();
    assert.deepEqual(rows(storePath, 'SELECT count(*) AS n, min(step) AS lo, max(step) AS hi FROM metrics'), [{ n: 11, lo: 0, hi: 10 }]);
  });

  test('withRun finishes or fails the run with the promise', async () => {
    const storePath = newStorePath();
    assert.equal(await withRun({ storePath, name: 'ok' }, (run) => run.logMetric('x', 1)), undefined);
    await assert.rejects(
      withRun({ storePath, name: 'bad' }, () => Promise.reject(new RangeError('diverged'))),
      /diverged/,
    );
    assert.deepEqual(rows(storePath, 'SELECT name, status FROM runs ORDER BY id'), [
      { name: 'ok', status: 'FINISHED' },
      { name: 'bad', status: 'FAILED' },
    ]);
    assert.deepEqual(rows(storePath, "SELECT value FROM tags WHERE key = 'ml_lifecycle.error'"), [{ value: 'RangeError: diverged' }]);
  });

  test('production metrics by version number or alias, with clear errors', () => {
    const storePath = newStorePath();
    startRun({ storePath }).end();
    const store = openStore(storePath);
    store.db.exec(`INSERT INTO registered_models (id, name, created_at) VALUES (1, 'churn', 0);
      INSERT INTO model_versions (id, model_id, version, artifact_uri, created_at) VALUES (10, 1, 1, 'm1', 0), (11, 1, 2, 'm2', 0);
      INSERT INTO model_aliases (model_id, alias, version_id) VALUES (1, 'champion', 11);`);
    logProductionMetric('churn', 1, 'auc', 0.81, { store, timestamp: 1000 });
    logProductionMetric('churn', 'champion', 'auc', NaN, { storePath });
    logProductionMetric('churn', '@champion', 'latency_ms', 12, { store });
    assert.deepEqual(store.db.prepare('SELECT version_id AS v, key, value FROM production_metrics ORDER BY rowid').all(), [
      { v: 10, key: 'auc', value: 0.81 },
      { v: 11, key: 'auc', value: null },
      { v: 11, key: 'latency_ms', value: 12 },
    ]);
    assert.throws(() => logProductionMetric('nope', 1, 'auc', 0.5, { store }), /no registered model "nope".*Registered models: "churn"/);
    assert.throws(() => logProductionMetric('churn', 7, 'auc', 0.5, { store }), /"churn" has no version 7; its versions go up to 2/);
    assert.throws(() => logProductionMetric('churn', 'prod', 'auc', 0.5, { store }), /"churn" has no version or alias "prod"\. Its aliases: @champion/);
    assert.throws(() => logProductionMetric('churn', 1, 'auc', 'high' as unknown as number, { store }), /is a string/);
    store.close();
  });
});

/** Runs a Node script that imports the run logger; `storePath` is its ML_LIFECYCLE_STORE. */
function nodeChild(storePath: string, body: string) {
  const script = `import { startRun } from ${JSON.stringify(RUN_LOGGER)};\n${body}`;
  return finished(process.execPath, ['--input-type=module', '-e', script], loggerEnv(storePath));
}

describe('how a Node run ends', () => {
  test('a normal exit finishes a run never ended; a failing exit fails it', async () => {
    const storePath = newStorePath();
    assert.equal((await nodeChild(storePath, "const run = startRun({ name: 'quiet' }); run.logMetric('x', 1);")).code, 0);
    assert.notEqual((await nodeChild(storePath, "const run = startRun({ name: 'crash' }); run.logMetric('x', 1); throw new Error('boom');")).code, 0);
    assert.equal((await nodeChild(storePath, "const run = startRun({ name: 'code' }); run.logMetric('x', 1); process.exitCode = 2;")).code, 2);
    assert.deepEqual(rows(storePath, 'SELECT name, status, (SELECT count(*) FROM metrics m WHERE m.run_id = runs.id) AS points FROM runs ORDER BY id'), [
      { name: 'quiet', status: 'FINISHED', points: 1 },
      { name: 'crash', status: 'FAILED', points: 1 },
      { name: 'code', status: 'FAILED', points: 1 },
    ]);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} kills the run, keeps its points and still ends the process`, async () => {
      const storePath = newStorePath();
      const script = `import { startRun } from ${JSON.stringify(RUN_LOGGER)};
        const run = startRun();
        for (let i = 0; i < 100; i++) run.logMetric('x', i);
        console.log('ready');
        setTimeout(() => {}, 30000);`;
      const { child, firstLine, done } = launch(process.execPath, ['--input-type=module', '-e', script], loggerEnv(storePath));
      assert.equal(await firstLine, 'ready');
      child.kill(signal);
      const exit = await done;
      assert.equal(exit.signal, signal, exit.stderr);
      assert.deepEqual(rows(storePath, 'SELECT status, (SELECT count(*) FROM metrics) AS points FROM runs'), [{ status: 'KILLED', points: 100 }]);
    });
  }

  test('points that cannot be written at exit go to a JSON-lines file, which the CLI loads', async () => {
    const storePath = newStorePath();
    const done = await nodeChild(
      storePath,
      `import Database from 'better-sqlite3';
      const run = startRun({ lockWaitMs: 200 });
      console.log(run.id);
      const holder = new Database(run.storePath);
      holder.prepare('BEGIN IMMEDIATE').run();
      // Referenced until exit: a collected connection would close and release its lock early.
      process.on('exit', () => holder.open);
      [1.5, NaN, Infinity, -Infinity].forEach((value, step) => run.logMetric('x', value, step, 5000 + step));`,
    );
    const runId = done.stdout.trim();
    assert.equal(done.code, 0, done.stderr);
    const saved = fs.readdirSync(path.dirname(storePath)).filter((name) => name.startsWith(`unwritten-${runId}-`));
    assert.equal(saved.length, 1, done.stderr);
    const file = path.join(path.dirname(storePath), saved[0]!);
    assert.match(done.stderr, new RegExp(`load them with: ml-lifecycle log metrics ${runId} `));
    const loaded = cli(['log', 'metrics', runId, file], loggerEnv(storePath));
    assert.equal(loaded.status, 0, loaded.stderr);
    assert.match(loaded.stdout, /Logged 4 metric point\(s\)/);
    assert.deepEqual(rows(storePath, 'SELECT step, timestamp, value FROM metrics ORDER BY step'), [
      { step: 0, timestamp: 5000, value: 1.5 },
      { step: 1, timestamp: 5001, value: null },
      { step: 2, timestamp: 5002, value: Infinity },
      { step: 3, timestamp: 5003, value: -Infinity },
    ]);
    // Loading the same file again changes nothing: the points are already there.
    assert.equal(cli(['log', 'metrics', runId, file], loggerEnv(storePath)).status, 0);
    assert.deepEqual(rows(storePath, 'SELECT count(*) AS n FROM metrics'), [{ n: 4 }]);
  });
});

test('attachRun logs into an existing run without taking over its lifecycle', () => {
  const storePath = newStorePath();
  const run = startRun({ storePath });
  const store = openStore(storePath);
  const attached = attachRun(store, run.id.slice(0, 8));
  attached.logMetric('x', 1);
  attached.flush();
  store.close();
  run.end();
  assert.deepEqual(rows(storePath, 'SELECT status, (SELECT count(*) FROM metrics) AS n FROM runs'), [{ status: 'FINISHED', n: 1 }]);
});
