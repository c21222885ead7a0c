/**
 * A store with what a push must carry (nested runs, NaN and ±Inf, a long history, params and
 * tags over log-batch's limits, artifacts, a model with versions and aliases), MLflow's own
 * client reading a server back, and the comparison of the two.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { artifactUri } from '../../../src/registry/artifacts.ts';
import { hashPath } from '../../../src/shared/hashPath.ts';
import { registerModelVersion, setAlias } from '../../../src/registry/models.ts';
import type { Store } from '../../../src/store/database.ts';
import { MARK_DIRTY_SQL } from '../../../src/store/metricBlocks.ts';
import { createExperiment, findExperimentByName } from '../../../src/tracking/experiments.ts';

const T0 = 1_750_000_000_000;

export interface FixtureRun {
  experiment: string;
  name: string;
  parent?: number;
  status?: 'FINISHED' | 'RUNNING' | 'FAILED' | 'KILLED';
  params?: Record<string, string>;
  tags?: Record<string, string>;
  /** key -> [step, value] points, timestamps T0 + step (+ index for repeated steps). */
  metrics?: Record<string, [number, number][]>;
  artifacts?: string[];
}

export async function addRun(store: Store, spec: FixtureRun): Promise<number> {
  const { db } = store;
  const experiment = findExperimentByName(store, spec.experiment) ?? createExperiment(store, spec.experiment);
  const status = spec.status ?? 'FINISHED';
  const hashes = await Promise.all((spec.artifacts ?? []).map((file) => hashPath(file)));
  return db.transaction(() => {
    const id = Number(
      db
        .prepare(
          `INSERT INTO runs (uuid, experiment_id, parent_run_id, name, status, start_time, end_time, heartbeat_at, git_commit, git_branch, git_dirty, entry_point, host, user_name, source, notes)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'abc123def', 'main', 1, 'train.py', 'gpu-box-1', 'ada', 'python', ?)`,
        )
        .run(crypto.randomUUID().replaceAll('-', ''), experiment.id, spec.parent ?? null, spec.name, status, T0, status === 'RUNNING' ? null : T0 + 60_000, T0, `notes of ${spec.name}`)
        .lastInsertRowid,
    );
    for (const [key, value] of Object.entries(spec.params ?? {})) db.prepare('INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)').run(id, key, value);
    for (const [key, value] of Object.entries(spec.tags ?? {})) db.prepare('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)').run(id, key, value);
    const insert = db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value, seq) VALUES (?, ?, ?, ?, ?, 0)');
    for (const [key, points] of Object.entries(spec.metrics ?? {})) {
      points.forEach(([step, value], index) => insert.run(id, key, step, T0 + step * 10 + (index % 3), Number.isNaN(value) ? null : value));
      db.prepare(MARK_DIRTY_SQL).run(id, key, Math.min(...points.map((p) => p[0])), Math.max(...points.map((p) => p[0])));
    }
    (spec.artifacts ?? []).forEach((file, i) => {
      db.prepare('INSERT INTO artifacts (run_id, path, sha256, size, kind, logged_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, path.resolve(file), hashes[i]!.sha256, hashes[i]!.size, 'file', T0);
    });
    return id;
  })();
}

export function steps(n: number, value: (step: number) => number): [number, number][] {
  return Array.from({ length: n }, (_, step) => [step, value(step)] as [number, number]);
}

/** The store every push test starts from; `name` prefixes the experiment names. */
export async function fillStore(store: Store & { dir: string }, name: string): Promise<{ runs: Record<string, number> }> {
  const dir = store.dir;
  fs.writeFileSync(path.join(dir, 'model.pkl'), 'weights v1');
  fs.writeFileSync(path.join(dir, 'model-v2.pkl'), 'weights v2, better');
  fs.mkdirSync(path.join(dir, 'plots', 'inner'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'plots', 'loss.svg'), '<svg/>');
  fs.writeFileSync(path.join(dir, 'plots', 'inner', 'roc.csv'), 'fpr,tpr\n0,0\n1,1\n');
  const experiment = `${name}-sweep`;
  const sweep = await addRun(store, { experiment, name: 'sweep', params: { search: 'grid' }, metrics: { best_auc: [[0, 0.91]] }, artifacts: [path.join(dir, 'model-v2.pkl')] });
  const trial1 = await addRun(store, {
    experiment,
    name: 'trial-1',
    parent: sweep,
    params: { lr: '0.1' },
    metrics: { loss: steps(50, (s) => 1 / (s + 1)), weird: [[0, 1], [1, Number.NaN], [2, Infinity], [3, -Infinity], [4, 2], [4, 3]] },
    artifacts: [path.join(dir, 'model.pkl'), path.join(dir, 'plots')],
  });
  const trial2 = await addRun(store, { experiment, name: 'trial-2', parent: sweep, status: 'FAILED', params: { lr: '1.0' }, metrics: { loss: steps(20, () => Number.NaN) } });
  const fold = await addRun(store, { experiment, name: 'fold-0', parent: trial1, status: 'RUNNING', metrics: { loss: steps(5, (s) => s) } });
  const long = await addRun(store, { experiment: `${name}-long`, name: 'long', metrics: { loss: steps(10_000, (s) => Math.sin(s / 100)), acc: steps(10_000, (s) => s / 10_000) } });
  const params = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`p${String(i).padStart(3, '0')}`, `value ${i}`]));
  const tags = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`t${String(i).padStart(3, '0')}`, 'x'.repeat(i * 40)]));
  const wide = await addRun(store, { experiment: `${name}-long`, name: 'wide', params, tags });
  store.db.prepare('UPDATE experiments SET description = ? WHERE name = ?').run('grid search over lr', experiment);
  const modelName = `${name}-churn`;
  const v1 = registerModelVersion(store, {
    modelName,
    runId: trial1,
    artifact: { uri: artifactUri(path.join(dir, 'model.pkl')), ...(await hashPath(path.join(dir, 'model.pkl'))) },
    artifactSource: 'run',
  });
  const v2 = registerModelVersion(store, {
    modelName,
    runId: sweep,
    artifact: { uri: artifactUri(path.join(dir, 'model-v2.pkl')), ...(await hashPath(path.join(dir, 'model-v2.pkl'))) },
    artifactSource: 'run',
  });
  setAlias(store, { versionId: v1.id, alias: 'challenger' });
  setAlias(store, { versionId: v2.id, alias: 'champion' });
  return { runs: { sweep, trial1, trial2, fold, long, wide } };
}

// ---- reading back with MLflow's client -------------------------------------------------------------

type Num = number | 'NaN' | 'Infinity' | '-Infinity';

export interface ServerDump {
  experiments: {
    experiment_id: string;
    name: string;
    lifecycle_stage: string;
    tags: Record<string, string>;
    runs: {
      run_id: string;
      name: string;
      status: string;
      start_time: number;
      end_time: number | null;
      lifecycle_stage: string;
      params: Record<string, string>;
      tags: Record<string, string>;
      latest: Record<string, Num>;
      metrics: Record<string, [number, number, Num][]>;
      artifacts: { path: string; size: number }[];
    }[];
  }[];
  models: { name: string; aliases: Record<string, string>; versions: { version: string; run_id: string; source: string; tags: Record<string, string> }[] }[];
}

export function readServer(python: string, uri: string): ServerDump {
  const done = spawnSync(python, [path.join(import.meta.dirname, 'read_server.py'), uri], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    env: { ...process.env, MLFLOW_ENABLE_TELEMETRY: 'false', DO_NOT_TRACK: 'true' },
  });
  if (done.status !== 0) throw new Error(`read_server.py failed: ${done.stderr}`);
  return JSON.parse(done.stdout) as ServerDump;
}

/**
 * A local value as MLflow's SQL stores give it back: NaN as NaN, but ±Inf as ±1.7976931348623157e308
 * (SqlAlchemyStore.sanitize_metric_value: "Sql can not represent Infs"). The push sends ±Inf.
 */
function num(value: number | null): Num {
  if (value === null || Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return Number.MAX_VALUE;
  if (value === -Infinity) return -Number.MAX_VALUE;
  // The REST API's JSON has no -0 (JSON.stringify writes 0), so the server holds 0 where the store keeps -0.
  if (Object.is(value, -0)) return 0;
  return value;
}

/**
 * Asserts that the server holds exactly the store's (not deleted) experiments and runs, each run
 * once, with every field, param, tag, metric point and artifact, and the registry.
 */
export function assertServerMatchesStore(store: Store, dump: ServerDump, experimentNames?: string[]): void {
  const { db } = store;
  const experiments = (db.prepare('SELECT id, name, description FROM experiments WHERE deleted_at IS NULL ORDER BY name').all() as { id: number; name: string; description: string | null }[]).filter(
    (e) => !experimentNames || experimentNames.includes(e.name),
  );
  const remoteRunIds = new Map<number, string>();
  for (const experiment of experiments) {
    const remote = dump.experiments.filter((e) => e.name === experiment.name);
    assert.equal(remote.length, 1, `experiment ${experiment.name} once on the server`);
    const remoteExperiment = remote[0]!;
    if (experiment.description) assert.equal(remoteExperiment.tags['mlflow.note.content'], experiment.description);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- whole store rows, compared field by field below
    const runs = db.prepare('SELECT * FROM runs WHERE experiment_id = ? AND deleted_at IS NULL').all(experiment.id) as Record<string, any>[];
    const ours = remoteExperiment.runs.filter((r) => r.tags['ml-lifecycle.run_uuid']);
    assert.equal(ours.length, runs.length, `${experiment.name}: every run once (no duplicates)`);
    for (const run of runs) {
      const matches = ours.filter((r) => r.tags['ml-lifecycle.run_uuid'] === run.uuid);
      assert.equal(matches.length, 1, `run ${run.name} exactly once`);
      const remoteRun = matches[0]!;
      remoteRunIds.set(run.id, remoteRun.run_id);
      assert.equal(remoteRun.name, run.name);
      assert.equal(remoteRun.status, run.status);
      assert.equal(remoteRun.start_time, run.start_time);
      assert.equal(remoteRun.end_time, run.end_time);
      assert.equal(remoteRun.tags['mlflow.source.git.commit'], run.git_commit);
      assert.equal(remoteRun.tags['mlflow.source.git.branch'], run.git_branch);
      assert.equal(remoteRun.tags['mlflow.source.name'], run.entry_point);
      assert.equal(remoteRun.tags['mlflow.user'], run.user_name);
      assert.equal(remoteRun.tags['mlflow.note.content'], run.notes);
      const params = Object.fromEntries((db.prepare('SELECT key, value FROM params WHERE run_id = ?').all(run.id) as { key: string; value: string }[]).map((p) => [p.key, p.value]));
      assert.deepEqual(remoteRun.params, params, `params of ${run.name}`);
      for (const { key, value } of db.prepare('SELECT key, value FROM tags WHERE run_id = ?').all(run.id) as { key: string; value: string }[]) {
        assert.equal(remoteRun.tags[key], value, `tag ${key} of ${run.name}`);
      }
      const keys = (db.prepare('SELECT DISTINCT key FROM metrics WHERE run_id = ? ORDER BY key').all(run.id) as { key: string }[]).map((k) => k.key);
      assert.deepEqual(Object.keys(remoteRun.metrics).sort(), keys, `metric keys of ${run.name}`);
      for (const key of keys) {
        const local = (db.prepare('SELECT step, timestamp, value FROM metrics WHERE run_id = ? AND key = ? ORDER BY step, timestamp, seq').all(run.id, key) as { step: number; timestamp: number; value: number | null }[]).map(
          (p) => [p.step, p.timestamp, num(p.value)],
        );
        assert.deepEqual(remoteRun.metrics[key], local, `every point of ${run.name}/${key}`);
      }
      const artifacts = db.prepare('SELECT path FROM artifacts WHERE run_id = ?').all(run.id) as { path: string }[];
      for (const { path: file } of artifacts) {
        const name = path.basename(file);
        const expected = fs.statSync(file).isDirectory()
          ? (fs.readdirSync(file, { recursive: true, encoding: 'utf8' })).filter((f) => fs.statSync(path.join(file, f)).isFile()).map((f) => ({ path: `${name}/${f}`, size: fs.statSync(path.join(file, f)).size }))
          : [{ path: name, size: fs.statSync(file).size }];
        for (const item of expected) assert.ok(remoteRun.artifacts.some((a) => a.path === item.path && a.size === item.size), `artifact ${item.path} of ${run.name}: ${JSON.stringify(remoteRun.artifacts)}`);
      }
    }
    for (const run of runs.filter((r) => r.parent_run_id !== null)) {
      const remote = ours.find((r) => r.tags['ml-lifecycle.run_uuid'] === run.uuid)!;
      assert.equal(remote.tags['mlflow.parentRunId'], remoteRunIds.get(run.parent_run_id), `parent of ${run.name}`);
    }
  }
  const models = db.prepare('SELECT id, name FROM registered_models ORDER BY name').all() as { id: number; name: string }[];
  for (const model of experimentNames ? [] : models) {
    const remote = dump.models.find((m) => m.name === model.name);
    assert.ok(remote, `model ${model.name} on the server`);
    const versions = db.prepare('SELECT id, version, run_id AS runId FROM model_versions WHERE model_id = ? ORDER BY version').all(model.id) as { id: number; version: number; runId: number }[];
    const ours = remote.versions.filter((v) => v.tags['ml-lifecycle.local_version']);
    assert.equal(ours.length, versions.length, `versions of ${model.name} once each`);
    const byLocal = new Map(ours.map((v) => [Number(v.tags['ml-lifecycle.local_version']), v]));
    for (const version of versions) {
      const remoteVersion = byLocal.get(version.version)!;
      assert.equal(remoteVersion.run_id, remoteRunIds.get(version.runId), `run of ${model.name} v${version.version}`);
    }
    for (const { alias, version } of db.prepare('SELECT a.alias, v.version FROM model_aliases a JOIN model_versions v ON v.id = a.version_id WHERE a.model_id = ?').all(model.id) as { alias: string; version: number }[]) {
      assert.equal(remote.aliases[alias], byLocal.get(version)!.version, `@${alias} of ${model.name}`);
    }
  }
}
