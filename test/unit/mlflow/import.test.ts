import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { importMlflow, wasImported } from '../../../src/mlflow/importMlflow.ts';
import { NotMlflowError, findWorkspaceSources, resolveSources } from '../../../src/mlflow/source.ts';
import { describeSummary } from '../../../src/mlflow/summary.ts';
import { openStore } from '../../../src/store/database.ts';
import { refreshDirtyBlocks } from '../../../src/store/metricBlocks.ts';
import { createExperiment, getRun, listRuns, listTrash } from '../../../src/tracking/experiments.ts';
import { childrenOf } from '../../../src/tracking/treeModel.ts';
import { tempDir, tempStore } from '../helpers.ts';
import { ageTree, fingerprint, metricLines, writeMlflowDb, writeMlruns } from './fixtures.ts';
import { CHILD, FAILED, IN_TRASH, KILLED_DELETED, PARENT, SCHEDULED, dumpStore, sampleExperiments, sampleModels } from './sample.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..', '..');

function runRow(store: ReturnType<typeof tempStore>, uuid: string) {
  return store.db.prepare('SELECT * FROM runs WHERE uuid = ?').get(uuid) as Record<string, unknown>;
}

function points(store: ReturnType<typeof tempStore>, uuid: string, key: string) {
  return store.db
    .prepare('SELECT m.step, m.timestamp, m.value FROM metrics m JOIN runs r ON r.id = m.run_id WHERE r.uuid = ? AND m.key = ? ORDER BY m.step, m.timestamp')
    .all(uuid, key) as { step: number; timestamp: number; value: number | null }[];
}

function count(store: ReturnType<typeof tempStore>, table: string): number {
  return store.db.prepare(`SELECT count(*) AS n FROM ${table}`).pluck().get() as number;
}

describe('MLflow folder store (mlruns/)', () => {
  test('imports experiments, runs, statuses, params, tags, full metric histories and the registry', async () => {
    const store = tempStore();
    const mlruns = writeMlruns(path.join(store.dir, 'mlruns'), sampleExperiments(), sampleModels());
    const [summary] = await importMlflow(store, store.dir);
    assert.equal(summary!.kind, 'folder');
    assert.equal(summary!.source, mlruns);
    assert.deepEqual([summary!.experiments, summary!.runs, summary!.metricPoints, summary!.versions, summary!.aliases, summary!.skippedCount], [3, 6, 7, 2, 2, 0]);

    const parent = runRow(store, PARENT);
    assert.equal(parent.name, 'sweep');
    assert.equal(parent.status, 'FINISHED');
    assert.equal(parent.git_commit, '0123456789abcdef0123456789abcdef01234567');
    assert.equal(parent.git_branch, 'main');
    assert.equal(parent.notes, 'Grid over learning rates');
    assert.equal(parent.external_id, `mlflow:run:${PARENT}`);
    assert.deepEqual(
      [CHILD, SCHEDULED, FAILED, KILLED_DELETED].map((uuid) => runRow(store, uuid).status),
      ['RUNNING', 'RUNNING', 'FAILED', 'KILLED'],
      'status integers 1-5 (SCHEDULED reads as RUNNING)',
    );
    assert.equal(runRow(store, CHILD).name, 'lr-0.1', 'name from the mlflow.runName tag');
    assert.equal(runRow(store, CHILD).parent_run_id, parent.id);
    assert.equal(runRow(store, CHILD).heartbeat_at, 1_700_000_000_600, 'a RUNNING run beats with its last point');

    assert.deepEqual(points(store, PARENT, 'loss'), [
      { step: 0, timestamp: 1_700_000_000_000, value: 0.9 },
      { step: 1, timestamp: 1_700_000_000_100, value: 0.5 },
      { step: 2, timestamp: 1_700_000_000_200, value: null },
      { step: 3, timestamp: 1_700_000_000_300, value: Infinity },
      { step: 4, timestamp: 1_700_000_000_400, value: -Infinity },
    ]);
    assert.deepEqual(points(store, PARENT, 'val/acc/top1'), [{ step: 0, timestamp: 1_700_000_000_000, value: 0.75 }], 'nested key, missing step = 0');
    assert.deepEqual(points(store, CHILD, 'loss'), [{ step: 0, timestamp: 1_700_000_000_600, value: 1e-5 }]);
    assert.equal(store.db.prepare("SELECT value FROM params WHERE key = 'optimizer/name'").pluck().get(), 'adam');
    assert.ok(count(store, 'metric_dirty') > 0, 'the new points wait for a reader to summarize them');
    refreshDirtyBlocks(store.db);
    assert.equal(store.db.prepare("SELECT n FROM metric_blocks b JOIN runs r ON r.id = b.run_id WHERE r.uuid = ? AND key = 'loss' AND shift = 12").pluck().get(PARENT), 5);

    const experiment = store.db.prepare("SELECT * FROM experiments WHERE name = 'churn'").get() as Record<string, unknown>;
    assert.equal(experiment.description, 'Predict who leaves');
    assert.equal(store.db.prepare("SELECT value FROM experiment_tags WHERE experiment_id = ? AND key = 'team'").pluck().get(experiment.id), 'growth');

    const trash = listTrash(store).map((item) => `${item.kind}:${item.name}`);
    assert.deepEqual(trash.sort(), ['experiment:abandoned', 'run:stopped']);
    assert.ok(runRow(store, IN_TRASH), 'runs of a trashed experiment come along');

    const version = store.db.prepare('SELECT * FROM model_versions WHERE version = 1').get() as Record<string, unknown>;
    assert.equal(version.run_id, parent.id);
    assert.equal(version.artifact_uri, 'mlflow-artifacts:/1/a1/artifacts/model');
    assert.equal(version.description, 'first');
    const dump = dumpStore(store);
    assert.deepEqual(dump.versionTags, [
      { version: 1, key: 'mlflow.stage', value: 'Production' },
      { version: 1, key: 'validated', value: 'yes' },
    ]);
    assert.deepEqual(dump.aliases, [
      { alias: 'challenger', version: 2 },
      { alias: 'champion', version: 1 },
    ]);
    assert.ok(store.db.prepare("SELECT 1 FROM audit_log WHERE entity = 'model_version' AND action = 'import'").get(), 'registry changes are audited');
    assert.ok(store.db.prepare("SELECT 1 FROM audit_log WHERE entity = 'store' AND action = 'import-mlflow'").get());
    assert.ok(wasImported(store, mlruns));
  });

  test('shows children under their parent in the Experiments tree', async () => {
    const store = tempStore();
    writeMlruns(path.join(store.dir, 'mlruns'), sampleExperiments());
    await importMlflow(store, path.join(store.dir, 'mlruns'));
    const options = { pageSize: 50, staleBefore: 0, runDescription: 'last' as const, shown: new Map() };
    const experiment = childrenOf(store, undefined, options).find((n) => n.kind === 'experiment' && n.experiment.name === 'churn')!;
    const top = childrenOf(store, experiment, options);
    const parentNode = top.find((n) => n.kind === 'run' && n.run.uuid === PARENT)!;
    assert.ok(!top.some((n) => n.kind === 'run' && n.run.uuid === CHILD), 'the child is not at the top level');
    assert.deepEqual(
      childrenOf(store, parentNode, options).map((n) => n.kind === 'run' && n.run.uuid),
      [CHILD],
    );
  });

  test('re-import adds only what is new: appended metric lines, new runs, changed status; no duplicates', async () => {
    const store = tempStore();
    const mlruns = writeMlruns(path.join(store.dir, 'mlruns'), sampleExperiments(), sampleModels());
    await importMlflow(store, mlruns);
    const before = dumpStore(store);
    const [again] = await importMlflow(store, mlruns);
    assert.deepEqual([again!.experiments, again!.runs, again!.runsUpdated, again!.metricPoints, again!.versions, again!.aliases], [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(dumpStore(store), before, 'nothing duplicated or changed');

    // The running child logs more, then finishes; a new run appears.
    const childDir = path.join(mlruns, '1', CHILD);
    fs.appendFileSync(path.join(childDir, 'metrics', 'loss'), metricLines([[1_700_000_000_700, 0.25, 1], [1_700_000_000_800, 0.125, 2]]));
    fs.writeFileSync(path.join(childDir, 'metrics', 'lr'), metricLines([[1_700_000_000_700, 0.1, 1]]));
    const meta = fs.readFileSync(path.join(childDir, 'meta.yaml'), 'utf8');
    fs.writeFileSync(path.join(childDir, 'meta.yaml'), meta.replace('status: 1', 'status: 3').replace('end_time: null', 'end_time: 1700000000900'));
    const extra = sampleExperiments();
    extra[1]!.runs = [{ id: '99'.repeat(16), name: 'late', metrics: { loss: [[1_700_000_001_000, 0.3, 0]] } }];
    extra.splice(2, 1);
    writeMlruns(mlruns, extra);
    ageTree(mlruns);

    const [third] = await importMlflow(store, mlruns);
    assert.equal(third!.runs, 1);
    assert.equal(third!.runsUpdated, 1);
    assert.equal(third!.metricPoints, 4);
    assert.deepEqual(points(store, CHILD, 'loss').map((p) => p.value), [1e-5, 0.25, 0.125]);
    assert.equal(runRow(store, CHILD).status, 'FINISHED');
    assert.equal(runRow(store, CHILD).end_time, 1_700_000_000_900);
    assert.equal(count(store, 'experiments'), 3);
    assert.equal(count(store, 'model_versions'), 2);
    refreshDirtyBlocks(store.db);
    assert.equal(store.db.prepare("SELECT max(last_step) FROM metric_blocks b JOIN runs r ON r.id = b.run_id WHERE r.uuid = ? AND b.key = 'loss' AND shift = 12").pluck().get(CHILD), 2);
  });

  test('never writes under mlruns/', async () => {
    const store = tempStore();
    const mlruns = writeMlruns(path.join(store.dir, 'mlruns'), sampleExperiments(), sampleModels());
    const before = fingerprint(mlruns);
    await importMlflow(store, mlruns);
    await importMlflow(store, mlruns);
    assert.equal(fingerprint(mlruns), before);
  });

  test('reports a truncated metric line and a meta.yaml that is not YAML, imports the rest, loses nothing stored', async () => {
    const store = tempStore();
    const mine = createExperiment(store, 'mine');
    store.db.prepare("INSERT INTO runs (uuid, experiment_id, name, status, start_time) VALUES ('own', ?, 'own run', 'FINISHED', 1)").run(mine.id);
    const mlruns = writeMlruns(path.join(store.dir, 'mlruns'), sampleExperiments());
    const lossFile = path.join(mlruns, '1', PARENT, 'metrics', 'loss');
    fs.writeFileSync(lossFile, `${metricLines([[1_700_000_000_000, 0.9, 0]])}1700000000100 0.5 1\n17000000\n1700000000300 abc 3\n1700000000400 0.1 4\n`);
    fs.writeFileSync(path.join(mlruns, '1', FAILED, 'meta.yaml'), 'run_id: [unclosed\n  status: {\n');
    ageTree(mlruns);
    const [summary] = await importMlflow(store, mlruns);
    const reasons = summary!.skipped.map((s) => `${path.relative(mlruns, s.where)}${s.line ? `:${s.line}` : ''}`);
    assert.deepEqual(reasons.sort(), [`1/${FAILED}/meta.yaml:1`, `1/${PARENT}/metrics/loss:3`, `1/${PARENT}/metrics/loss:4`].sort());
    const text = describeSummary(summary!).join('\n');
    assert.match(text, /metrics\/loss line 3: expected "<timestamp> <value> \[<step>\]" but found 1 field; line skipped/);
    assert.match(text, /meta\.yaml.*not valid YAML.*run folder skipped/);
    assert.deepEqual(points(store, PARENT, 'loss').map((p) => p.step), [0, 1, 4]);
    assert.equal(runRow(store, FAILED), undefined);
    assert.ok(runRow(store, CHILD), 'other runs imported');
    assert.equal(runRow(store, 'own').name, 'own run', 'what was in the store is still there');
    assert.equal(listRuns(store, { experimentId: mine.id }).total, 1);
  });

  test('takes the run id from the folder name, even when YAML reads meta.yaml\'s run_id as a number', async () => {
    const store = tempStore();
    const digits = '12345678901234567890123456789012';
    const mlruns = writeMlruns(path.join(store.dir, 'mlruns'), [{ id: '4', name: 'digits', runs: [{ id: digits, name: 'numeric id', metrics: { loss: [[1, 0.5, 0]] } }, { id: '2e1'.padStart(32, '0'), name: 'float-looking id' }] }]);
    for (const id of [digits, '2e1'.padStart(32, '0')]) {
      const meta = path.join(mlruns, '4', id, 'meta.yaml');
      fs.writeFileSync(meta, fs.readFileSync(meta, 'utf8').replaceAll(`'${id}'`, id));
    }
    ageTree(mlruns);
    const [summary] = await importMlflow(store, mlruns);
    assert.equal(summary!.skippedCount, 0, describeSummary(summary!).join('\n'));
    assert.equal(runRow(store, digits).name, 'numeric id');
    assert.equal(runRow(store, '2e1'.padStart(32, '0')).name, 'float-looking id');
    assert.equal(points(store, digits, 'loss').length, 1);
  });

  test('reads the meta.yaml of old MLflow versions: integer experiment ids, no run_name, no lifecycle_stage', async () => {
    const store = tempStore();
    const mlruns = path.join(store.dir, 'mlruns');
    const run = '0f'.repeat(16);
    fs.mkdirSync(path.join(mlruns, '3', run, 'metrics'), { recursive: true });
    fs.writeFileSync(path.join(mlruns, '3', 'meta.yaml'), 'artifact_location: ./mlruns/3\nexperiment_id: 3\nname: legacy\n');
    fs.writeFileSync(
      path.join(mlruns, '3', run, 'meta.yaml'),
      `artifact_uri: ./mlruns/3/${run}/artifacts\nend_time: 1500000001000\nentry_point_name: ''\nexperiment_id: 3\nname: ''\nrun_uuid: ${run}\nsource_name: train.py\nsource_type: 4\nsource_version: ''\nstart_time: 1500000000000\nstatus: 3\ntags: []\nuser_id: grace\n`,
    );
    fs.writeFileSync(path.join(mlruns, '3', run, 'metrics', 'rmse'), '1500000000500 0.75\n');
    ageTree(mlruns);
    const [summary] = await importMlflow(store, mlruns);
    assert.equal(summary!.skippedCount, 0, describeSummary(summary!).join('\n'));
    assert.equal(store.db.prepare("SELECT external_id FROM experiments WHERE name = 'legacy'").pluck().get(), 'mlflow:mlruns:3');
    const row = runRow(store, run);
    assert.deepEqual([row.name, row.status, row.user_name, row.deleted_at], ['0f0f0f0f', 'FINISHED', 'grace', null]);
    assert.deepEqual(points(store, run, 'rmse'), [{ step: 0, timestamp: 1_500_000_000_500, value: 0.75 }]);
  });

  test('leaves an unfinished last line for the next import', async () => {
    const store = tempStore();
    const mlruns = writeMlruns(path.join(store.dir, 'mlruns'), sampleExperiments());
    const lossFile = path.join(mlruns, '1', CHILD, 'metrics', 'loss');
    fs.appendFileSync(lossFile, '1700000000700 0.2');
    await importMlflow(store, mlruns);
    assert.equal(points(store, CHILD, 'loss').length, 1, 'a line being written is not read half-way');
    fs.appendFileSync(lossFile, '5 1\n');
    ageTree(mlruns);
    await importMlflow(store, mlruns);
    assert.deepEqual(points(store, CHILD, 'loss').map((p) => [p.step, p.value]), [[0, 1e-5], [1, 0.25]]);
  });

  test('renames on a name clash instead of merging into an experiment of ours', async () => {
    const store = tempStore();
    createExperiment(store, 'churn');
    writeMlruns(path.join(store.dir, 'mlruns'), sampleExperiments());
    const [summary] = await importMlflow(store, path.join(store.dir, 'mlruns'));
    assert.ok(store.db.prepare("SELECT 1 FROM experiments WHERE name = 'churn (from mlruns)'").get());
    assert.equal(listRuns(store, { experimentId: 1 }).total, 0, 'our own experiment got no runs');
    assert.match(summary!.notes.join('\n'), /imported as "churn \(from mlruns\)"/);
  });

  test('a cancelled import commits whole runs only, and the next import completes it', async () => {
    const store = tempStore();
    const experiments = [{ id: '3', name: 'many', runs: Array.from({ length: 250 }, (_, i) => ({ id: i.toString(16).padStart(32, '0'), name: `r${i}`, metrics: { loss: Array.from({ length: 20 }, (_, s) => [1_700_000_000_000 + s, s / 10, s] as const) } })) }];
    const mlruns = writeMlruns(path.join(store.dir, 'mlruns'), experiments);
    let progressCalls = 0;
    const [summary] = await importMlflow(store, mlruns, { onProgress: () => progressCalls++, isCancelled: () => progressCalls >= 1 });
    assert.ok(summary!.cancelled);
    const imported = count(store, 'runs');
    assert.ok(imported > 0 && imported < 250, `some runs imported (${imported})`);
    assert.equal(count(store, 'metrics'), imported * 20, 'every imported run has its whole history');
    await importMlflow(store, mlruns);
    assert.equal(count(store, 'runs'), 250);
    assert.equal(count(store, 'metrics'), 250 * 20);
  });
});

describe('MLflow database (mlflow.db)', () => {
  test('imports the same content as the folder store', async () => {
    const fromFolder = tempStore();
    writeMlruns(path.join(fromFolder.dir, 'mlruns'), sampleExperiments(), sampleModels());
    await importMlflow(fromFolder, fromFolder.dir);
    const fromDb = tempStore();
    const file = writeMlflowDb(path.join(fromDb.dir, 'mlflow.db'), sampleExperiments(), sampleModels());
    const [summary] = await importMlflow(fromDb, file);
    assert.equal(summary!.kind, 'database');
    assert.equal(summary!.skippedCount, 0, describeSummary(summary!).join('\n'));
    assert.equal(count(fromDb, 'metric_dirty'), count(fromFolder, 'metric_dirty'));
    refreshDirtyBlocks(fromFolder.db);
    refreshDirtyBlocks(fromDb.db);
    assert.deepEqual(dumpStore(fromDb), dumpStore(fromFolder));
    assert.equal(runRow(fromDb, CHILD).heartbeat_at, 1_700_000_000_600);
  });

  test('opens the database read-only and leaves it byte for byte as it was', async () => {
    const store = tempStore();
    const dir = tempDir();
    const file = writeMlflowDb(path.join(dir, 'mlflow.db'), sampleExperiments(), sampleModels());
    const before = fingerprint(dir);
    await importMlflow(store, file);
    await importMlflow(store, file);
    assert.equal(fingerprint(dir), before, 'no journal, WAL or change next to mlflow.db');
    assert.ok(!(store.db.pragma('database_list') as { name: string }[]).some((d) => d.name === 'mlflow'), 'detached afterwards');
  });

  test('re-import adds only new metric rows, runs and statuses', async () => {
    const store = tempStore();
    const file = writeMlflowDb(path.join(store.dir, 'mlflow.db'), sampleExperiments(), sampleModels());
    await importMlflow(store, file);
    const before = dumpStore(store);
    const [again] = await importMlflow(store, file);
    assert.deepEqual([again!.runs, again!.runsUpdated, again!.metricPoints, again!.versions], [0, 0, 0, 0]);
    assert.deepEqual(dumpStore(store), before);

    const mlflow = new Database(file);
    mlflow.prepare("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES ('loss', 0.25, 1700000000700, ?, 1, 0), ('loss', 0, 1700000000800, ?, 2, 1)").run(CHILD, CHILD);
    mlflow.prepare("UPDATE runs SET status = 'FINISHED', end_time = 1700000000900 WHERE run_uuid = ?").run(CHILD);
    mlflow.prepare("INSERT INTO runs (run_uuid, name, status, start_time, lifecycle_stage, experiment_id) VALUES (?, 'late', 'FINISHED', 1700000001000, 'active', 1)").run('99'.repeat(16));
    mlflow.prepare("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES ('loss', 0.3, 1700000001000, ?, 0, 0)").run('99'.repeat(16));
    mlflow.prepare("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = 1700000002000 WHERE run_uuid = ?").run(FAILED);
    mlflow.close();

    const [third] = await importMlflow(store, file);
    assert.deepEqual([third!.runs, third!.runsUpdated, third!.metricPoints, third!.trashed], [1, 1, 3, 1]);
    assert.deepEqual(points(store, CHILD, 'loss').map((p) => p.value), [1e-5, 0.25, null]);
    assert.equal(runRow(store, CHILD).status, 'FINISHED');
    assert.equal(runRow(store, FAILED).deleted_at, 1_700_000_002_000);
    assert.ok(store.db.prepare("SELECT 1 FROM audit_log WHERE entity = 'run' AND action = 'delete' AND reason LIKE 'deleted in MLflow%'").get());
    refreshDirtyBlocks(store.db);
    assert.equal(store.db.prepare("SELECT max(last_step) FROM metric_blocks b JOIN runs r ON r.id = b.run_id WHERE r.uuid = ? AND b.key = 'loss' AND shift = 12").pluck().get(CHILD), 2);
  });

  test('without URI filenames (SQLite loaded earlier by someone else) copies through its read-only connection, same result', async () => {
    const store = tempStore();
    const file = writeMlflowDb(path.join(store.dir, 'mlflow.db'), sampleExperiments(), sampleModels());
    await importMlflow(store, file);
    const other = path.join(tempDir(), 'store.sqlite');
    const script = `
      import Database from ${JSON.stringify(path.join(REPO, 'node_modules', 'better-sqlite3', 'lib', 'index.js'))};
      new Database(':memory:').close();
      const { openStore } = await import(${JSON.stringify(path.join(REPO, 'src', 'store', 'database.ts'))});
      const { attachReadOnly } = await import(${JSON.stringify(path.join(REPO, 'src', 'mlflow', 'readOnly.ts'))});
      const { importMlflow } = await import(${JSON.stringify(path.join(REPO, 'src', 'mlflow', 'importMlflow.ts'))});
      const store = openStore(${JSON.stringify(other)}, { create: true });
      const attached = attachReadOnly(store.db, ${JSON.stringify(file)});
      const [summary] = await importMlflow(store, ${JSON.stringify(file)});
      console.log(JSON.stringify({ attached, points: summary.metricPoints, skipped: summary.skippedCount }));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, SQLITE_USE_URI: '' } });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), { attached: false, points: 7, skipped: 0 });
    const copy = openStore(other);
    try {
      assert.deepEqual(dumpStore(copy), dumpStore(store));
    } finally {
      copy.close();
    }
  });

  test('tolerates an old schema: no step, no is_nan, no runs.name, no aliases table, no run_uuid index', async () => {
    const store = tempStore();
    const experiments = sampleExperiments().map((e) => ({ ...e, runs: e.runs.map((r) => ({ ...r, metrics: Object.fromEntries(Object.entries(r.metrics ?? {}).map(([k, pts]) => [k, pts.filter(([, v]) => !Number.isNaN(v))])) })) }));
    const file = writeMlflowDb(path.join(store.dir, 'mlflow.db'), experiments, sampleModels(), { legacy: true });
    const [summary] = await importMlflow(store, file);
    assert.equal(summary!.skippedCount, 0, describeSummary(summary!).join('\n'));
    assert.equal(summary!.runs, 6);
    assert.equal(runRow(store, PARENT).name, 'sweep', 'name from the mlflow.runName tag');
    assert.deepEqual(points(store, PARENT, 'loss').map((p) => [p.step, p.value]), [[0, 0.9], [0, 0.5], [0, Infinity], [0, -Infinity]]);
    assert.equal(count(store, 'model_aliases'), 0);
    assert.equal(count(store, 'model_versions'), 2);
  });

  test('reports rows it cannot read with their rowid and carries on', async () => {
    const store = tempStore();
    const file = writeMlflowDb(path.join(store.dir, 'mlflow.db'), sampleExperiments());
    const mlflow = new Database(file);
    mlflow.exec('PRAGMA ignore_check_constraints = 1');
    const rowid = mlflow.prepare("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES ('loss', 'oops', 1700000000900, ?, 9, 0)").run(PARENT).lastInsertRowid;
    mlflow.close();
    const [summary] = await importMlflow(store, file);
    assert.equal(summary!.skippedCount, 1);
    assert.equal(summary!.skipped[0]!.rowid, Number(rowid));
    assert.match(describeSummary(summary!).join('\n'), /mlflow\.db \(table metrics\) rowid \d+: metric "loss" has no usable timestamp, step or value/);
    assert.equal(points(store, PARENT, 'loss').length, 5);
  });

  test('refuses a database that is not MLflow\'s, naming it, and changes nothing', async () => {
    const store = tempStore();
    createExperiment(store, 'mine');
    const dir = tempDir();
    const other = path.join(dir, 'notes.db');
    const db = new Database(other);
    db.exec('CREATE TABLE notes (text TEXT)');
    db.close();
    await assert.rejects(importMlflow(store, other), (error: Error) => error instanceof NotMlflowError && error.message === `${other} is not an MLflow store: no experiments table; no runs table.`);
    const text = path.join(dir, 'readme.db');
    fs.writeFileSync(text, 'not a database at all');
    await assert.rejects(importMlflow(store, text), /readme\.db is not an MLflow store: it is not a SQLite database/);
    await assert.rejects(importMlflow(store, dir), /is not an MLflow store: no meta\.yaml in its folders, and no mlruns\/ folder or mlflow\.db in it/);
    assert.deepEqual(store.db.prepare('SELECT name FROM experiments').pluck().all(), ['mine']);
  });

  test('a database with experiments and runs tables that is not MLflow\'s names what is missing', async () => {
    const store = tempStore();
    // Our own store has experiments and runs tables, with other columns, and metrics WITHOUT ROWID.
    const ours = tempStore();
    ours.close();
    await assert.rejects(
      importMlflow(store, ours.path),
      (error: Error) =>
        error instanceof NotMlflowError &&
        error.message === `${ours.path} is not an MLflow store: table experiments has no experiment_id column; table runs has no run_uuid column; table metrics has no run_uuid column.`,
    );
    const almost = path.join(tempDir(), 'mlflow.db');
    const db = new Database(almost);
    db.exec('CREATE TABLE experiments (experiment_id INTEGER, name TEXT); CREATE TABLE runs (run_uuid TEXT, experiment_id INTEGER); CREATE TABLE metrics (run_uuid TEXT, key TEXT, value REAL, timestamp INTEGER, PRIMARY KEY (run_uuid, key, timestamp)) WITHOUT ROWID');
    db.close();
    await assert.rejects(importMlflow(store, almost), /mlflow\.db is not an MLflow store: table metrics is not a rowid table, as MLflow's are\.$/);
  });

  test('a WAL-mode mlflow.db is read without leaving -shm or -wal files beside it', async () => {
    const file = writeMlflowDb(path.join(tempDir(), 'mlflow.db'), sampleExperiments(), sampleModels());
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.close();
    const before = fingerprint(path.dirname(file));
    const store = tempStore();
    const [summary] = await importMlflow(store, file);
    assert.ok(summary!.metricPoints > 0);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['mlflow.db']);
    assert.equal(fingerprint(path.dirname(file)), before);
  });
});

describe('finding MLflow data', () => {
  test('a workspace with mlruns/ and mlflow.db has both; a folder holding them resolves to both', () => {
    const dir = tempDir();
    writeMlruns(path.join(dir, 'mlruns'), sampleExperiments());
    writeMlflowDb(path.join(dir, 'mlflow.db'), sampleExperiments());
    assert.deepEqual(findWorkspaceSources(dir).map((s) => s.kind), ['folder', 'database']);
    assert.deepEqual(resolveSources(dir), findWorkspaceSources(dir));
    assert.deepEqual(resolveSources(path.join(dir, 'mlruns')), [{ kind: 'folder', path: path.join(dir, 'mlruns') }]);
  });
});

describe('ml-lifecycle import mlflow', () => {
  const cli = (cwd: string, ...args: string[]) =>
    spawnSync(process.execPath, [path.join(REPO, 'src', 'cli', 'main.ts'), 'import', 'mlflow', ...args], { cwd, encoding: 'utf8', env: { ...process.env, ML_LIFECYCLE_STORE: '' } });

  test('prints a summary, as JSON with --json, and is idempotent', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, '.ml-lifecycle'));
    writeMlruns(path.join(dir, 'mlruns'), sampleExperiments(), sampleModels());
    const first = cli(dir, 'mlruns');
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^Imported 3 experiments, 6 runs, 7 metric points, 2 model versions from .*mlruns\./);
    const second = cli(dir, 'mlruns', '--json');
    assert.equal(second.status, 0, second.stderr);
    const json = JSON.parse(second.stdout) as { sources: { runs: number; metricPoints: number; skipped: unknown[] }[] };
    assert.deepEqual([json.sources[0]!.runs, json.sources[0]!.metricPoints, json.sources[0]!.skipped], [0, 0, []]);
    const store = new Database(path.join(dir, '.ml-lifecycle', 'store.sqlite'), { readonly: true });
    assert.equal(store.prepare('SELECT count(*) FROM runs').pluck().get(), 6);
    store.close();
  });

  test('exits non-zero with a one-line reason for input that is not MLflow\'s', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, '.ml-lifecycle'));
    const result = cli(dir, 'nowhere');
    assert.equal(result.status, 1);
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.match(result.stderr, /^ml-lifecycle import mlflow: .*nowhere does not exist\.$/m);
  });
});

test('getRun reads imported runs like any other', async () => {
  const store = tempStore();
  writeMlruns(path.join(store.dir, 'mlruns'), sampleExperiments());
  await importMlflow(store, path.join(store.dir, 'mlruns'));
  const id = runRow(store, PARENT).id as number;
  assert.equal(getRun(store, id)?.gitBranch, 'main');
});
