/**
 * Defects seen on real MLflow stores, each on a store that the real MLflow (python/testenv) wrote:
 * points that share a step and timestamp, a metrics table shrunk by `mlflow gc` or renumbered by
 * VACUUM, runs removed for good, sub-folders of a store, workspaces, and missing creation times.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { runMetricSummaries } from '../../../../src/compare/summary.ts';
import { importMlflow } from '../../../../src/mlflow/importMlflow.ts';
import { NotMlflowError, resolveSources } from '../../../../src/mlflow/source.ts';
import { pythonEnv } from '../../../support/pythonEnv.ts';
import { tempStore } from '../../helpers.ts';

const env = pythonEnv('mlflow3');
const SCENARIOS = path.join(import.meta.dirname, 'scenarios.py');

/** Runs one scenario of scenarios.py with the real MLflow; returns what it printed. */
function mlflow(command: string, uri: string, ...args: string[]): Record<string, string> {
  const done = spawnSync(env.python!, [SCENARIOS, command, uri, ...args], { encoding: 'utf8', timeout: 180_000 });
  assert.equal(done.status, 0, `scenarios.py ${command} failed:\n${done.stderr}`);
  return JSON.parse(done.stdout.trim().split('\n').pop()!) as Record<string, string>;
}

/** What MLflow's own client reports for a run: its latest metric values. */
function latestMetrics(uri: string, run: string): Record<string, number> {
  const code = `import json, sys; from mlflow import MlflowClient; print(json.dumps(MlflowClient(sys.argv[1]).get_run(sys.argv[2]).data.metrics))`;
  const done = spawnSync(env.python!, ['-c', code, uri, run], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', MLFLOW_DISABLE_TELEMETRY: 'true' } });
  assert.equal(done.status, 0, done.stderr);
  return JSON.parse(done.stdout.trim().split('\n').pop()!) as Record<string, number>;
}

type TestStore = ReturnType<typeof tempStore>;

function runId(store: TestStore, uuid: string): number {
  return store.db.prepare("SELECT id FROM runs WHERE external_id = 'mlflow:run:' || ?").pluck().get(uuid) as number;
}

function history(store: TestStore, uuid: string, key: string): [number, number, number | null][] {
  return store.db.prepare('SELECT step, timestamp, value FROM metrics WHERE run_id = ? AND key = ? ORDER BY step, timestamp, seq').raw().all(runId(store, uuid), key) as [number, number, number | null][];
}

/** The last value our Compare summary shows, which must be MLflow's latest. */
function lastValue(store: TestStore, uuid: string, key: string): unknown {
  return runMetricSummaries(store, [runId(store, uuid)], () => undefined).find((s) => s.key === key)?.last;
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

describe('imports of stores the real MLflow wrote', { skip: env.skip }, () => {
  test('mlflow.db: points sharing a step and timestamp are all kept, the latest is MLflow’s; gc and VACUUM lose nothing later', async () => {
    const store = tempStore();
    const db = path.join(store.dir, 'mlflow.db');
    const uri = `sqlite:///${db}`;
    const { run } = mlflow('dups', uri);
    const { run: tail } = mlflow('tail-run', uri);
    const before = sha256(db);
    await importMlflow(store, db);
    assert.equal(sha256(db), before, 'mlflow.db is unchanged');
    assert.ok(!fs.existsSync(`${db}-wal`) && !fs.existsSync(`${db}-shm`) && !fs.existsSync(`${db}-journal`), 'no journal or WAL files left beside mlflow.db');
    assert.deepEqual(
      history(store, run!, 'loss').map(([step, , value]) => [step, value]),
      [[5, 1], [5, 2], [5, 3], [9, -1], [9, 0.5]],
    );
    const latest = latestMetrics(uri, run!);
    assert.equal(lastValue(store, run!, 'loss'), latest.loss);
    assert.equal(latest.loss, 0.5);

    // gc removes the rows at the end of the metrics table; later points reuse their rowids.
    mlflow('delete-gc', uri, tail!);
    mlflow('log-more', uri, run!, '10');
    const [afterGc] = await importMlflow(store, db);
    assert.equal(history(store, run!, 'acc').length, 20, 'points logged after gc are imported');
    assert.ok(afterGc!.notes.some((n) => n.includes('read again')), afterGc!.notes.join('\n'));
    const tailRow = store.db.prepare("SELECT deleted_at FROM runs WHERE external_id = 'mlflow:run:' || ?").pluck().get(tail!);
    assert.notEqual(tailRow, null, 'the run removed by gc is in the trash');
    const reason = store.db.prepare("SELECT reason FROM audit_log WHERE entity = 'run' AND entity_id = ? AND action = 'delete'").pluck().get(String(runId(store, tail!))) as string;
    assert.match(reason, /removed for good from MLflow/);

    // VACUUM renumbers rowids; what is logged afterwards still arrives, once.
    mlflow('log-more', uri, run!, '20');
    const vacuum = new Database(db);
    vacuum.exec('VACUUM');
    vacuum.close();
    await importMlflow(store, db);
    await importMlflow(store, db);
    assert.equal(history(store, run!, 'acc').length, 30);
    assert.equal(history(store, run!, 'loss').length, 5, 'nothing doubled by reading again');
  });

  test('mlruns/: points sharing a step and timestamp are all kept; a recreated store sends the old runs to the trash', async () => {
    const store = tempStore();
    const mlruns = path.join(store.dir, 'mlruns');
    const uri = `file://${mlruns}`;
    const { run } = mlflow('dups', uri);
    await importMlflow(store, mlruns);
    assert.deepEqual(
      history(store, run!, 'loss').map(([step, , value]) => [step, value]),
      [[5, 1], [5, 2], [5, 3], [9, -1], [9, 0.5]],
    );
    assert.equal(lastValue(store, run!, 'loss'), latestMetrics(uri, run!).loss);
    mlflow('log-more', uri, run!, '10');
    await importMlflow(store, mlruns);
    assert.equal(history(store, run!, 'acc').length, 20);

    fs.rmSync(mlruns, { recursive: true });
    const { run: fresh } = mlflow('dups', uri);
    const [summary] = await importMlflow(store, mlruns);
    assert.ok(summary!.trashed >= 1);
    const states = store.db.prepare("SELECT uuid, deleted_at IS NOT NULL AS trashed FROM runs WHERE uuid IN (?, ?)").all(run, fresh) as { uuid: string; trashed: number }[];
    assert.deepEqual(Object.fromEntries(states.map((s) => [s.uuid, s.trashed])), { [run!]: 1, [fresh!]: 0 });
  });

  test('a sub-folder of a store is refused, naming the folder to import', () => {
    const store = tempStore();
    const mlruns = path.join(store.dir, 'mlruns');
    const { run } = mlflow('registry', `file://${mlruns}`);
    const experiment = path.dirname(fs.globSync(`${mlruns}/*/${run}`)[0]!);
    for (const part of [path.join(mlruns, 'models'), path.join(mlruns, 'models', 'churn'), experiment, path.join(experiment, run!)]) {
      assert.throws(() => resolveSources(part), (error: Error) => error instanceof NotMlflowError && error.message.endsWith(`import the whole store instead: ${mlruns}`), part);
    }
    assert.deepEqual(resolveSources(mlruns), [{ kind: 'folder', path: mlruns }]);
  });

  test('models of two workspaces stay apart; experiments without creation times take their first run’s start', async () => {
    const store = tempStore();
    const db = path.join(store.dir, 'mlflow.db');
    const { run } = mlflow('registry', `sqlite:///${db}`);
    const edit = new Database(db);
    // A second workspace's "churn" (MLflow 3.6+ keys models by workspace and name), and an
    // MLflow 1.x-like experiments table without creation times.
    edit.exec(`INSERT INTO registered_models (workspace, name, creation_time, last_updated_time) SELECT 'team-b', name, creation_time, last_updated_time FROM registered_models WHERE name = 'churn';
      INSERT INTO model_versions (workspace, name, version, creation_time, last_updated_time, current_stage, source, run_id, status)
        SELECT 'team-b', name, version, creation_time, last_updated_time, current_stage, source, run_id, status FROM model_versions WHERE name = 'churn' AND version = 1;
      UPDATE experiments SET creation_time = NULL;`);
    const start = edit.prepare('SELECT start_time FROM runs WHERE run_uuid = ?').pluck().get(run) as number;
    edit.close();
    await importMlflow(store, db);
    const models = store.db.prepare('SELECT m.name, count(v.id) AS versions FROM registered_models m JOIN model_versions v ON v.model_id = m.id GROUP BY m.id ORDER BY m.name').all();
    assert.deepEqual(models, [{ name: 'churn', versions: 2 }, { name: 'churn (workspace team-b)', versions: 1 }]);
    assert.equal(store.db.prepare("SELECT created_at FROM experiments WHERE name = 'models'").pluck().get(), start);
  });
});
