/**
 * Compares what an import put in our store with what MLflow's own client returns for the same
 * store (oracle.py). Every difference is a failure, except the documented mappings named here.
 */
import assert from 'node:assert/strict';
import { runMetricSummaries } from '../../../../src/compare/summary.ts';
import { sourceKey } from '../../../../src/mlflow/source.ts';
import type { Store } from '../../../../src/store/database.ts';
import { type Oracle, type OracleFloat, oracleNumber } from './realStores.ts';

const DBL_MAX = 1.7976931348623157e308;

/**
 * MLflow's SQL store keeps ±Inf as ±DBL_MAX and reads that back; the importer restores ±Inf.
 * −0 needs no mapping: our store keeps its sign (schema 8), a file store's −0 comes back as −0 from
 * both, and MLflow's own SQLite store already returns it as 0 (its REAL column stores a whole number
 * as an integer), so the import reads that 0 too.
 */
function logged(value: OracleFloat, sqlite: boolean): number {
  const n = oracleNumber(value);
  return sqlite && Math.abs(n) === DBL_MAX ? Math.sign(n) * Infinity : n;
}

/** NaN first, then ascending: how points that share a step and timestamp are numbered (seq). */
function byValue(a: number, b: number): number {
  return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : Number.isNaN(b) ? 1 : a - b;
}

const ourStatus = (status: string) => (status === 'SCHEDULED' ? 'RUNNING' : status);

export function assertImportMatchesOracle(store: Store, sourcePath: string, oracle: Oracle, sqlite: boolean): void {
  const db = store.db;
  const key = sourceKey(sourcePath, store.path);
  const experiments = new Map(
    (db.prepare('SELECT id, name, created_at AS createdAt, deleted_at AS deletedAt, external_id AS externalId FROM experiments WHERE external_id LIKE ?').all(`mlflow:${key}:%`) as {
      id: number; name: string; createdAt: number; deletedAt: number | null; externalId: string;
    }[]).map((e) => [e.externalId.slice(`mlflow:${key}:`.length), e]),
  );
  assert.deepEqual([...experiments.keys()].sort(), oracle.experiments.map((e) => e.experiment_id).sort(), 'search_experiments(ALL) ids');
  for (const e of oracle.experiments) {
    const ours = experiments.get(e.experiment_id)!;
    assert.equal(ours.name, e.name, `experiment ${e.experiment_id} name`);
    assert.equal(ours.deletedAt !== null, e.lifecycle_stage === 'deleted', `experiment ${e.name} deleted`);
    if (e.creation_time !== null) assert.equal(ours.createdAt, e.creation_time, `experiment ${e.name} creation_time`);
    const tags = Object.fromEntries(db.prepare('SELECT key, value FROM experiment_tags WHERE experiment_id = ?').raw().all(ours.id) as [string, string][]);
    assert.deepEqual(tags, e.tags, `experiment ${e.name} tags`);
  }

  const runs = new Map(
    (db.prepare("SELECT r.*, p.uuid AS parentUuid FROM runs r LEFT JOIN runs p ON p.id = r.parent_run_id WHERE r.external_id LIKE 'mlflow:run:%'").all() as Record<string, unknown>[]).map((r) => [
      String(r.external_id).slice('mlflow:run:'.length),
      r,
    ]),
  );
  assert.deepEqual([...runs.keys()].sort(), oracle.runs.map((r) => r.run_id).sort(), 'search_runs(ALL) ids');
  for (const r of oracle.runs) {
    const ours = runs.get(r.run_id)!;
    const id = ours.id as number;
    const what = `run ${r.run_name ?? r.run_id}`;
    assert.equal(ours.name, r.run_name || r.run_id.slice(0, 8), `${what} name`);
    assert.equal(ours.status, ourStatus(r.status), `${what} status`);
    assert.equal(ours.start_time, r.start_time ?? r.end_time ?? 0, `${what} start_time`);
    assert.equal(ours.end_time, r.end_time, `${what} end_time`);
    assert.equal(ours.deleted_at !== null, r.lifecycle_stage === 'deleted', `${what} deleted`);
    if (r.user_id) assert.equal(ours.user_name, r.user_id, `${what} user`);
    assert.equal(ours.parentUuid ?? undefined, r.tags['mlflow.parentRunId'], `${what} parent`);
    assert.equal(experiments.get(r.experiment_id)?.id, ours.experiment_id, `${what} experiment`);
    const params = Object.fromEntries(db.prepare('SELECT key, value FROM params WHERE run_id = ?').raw().all(id) as [string, string][]);
    assert.deepEqual(params, r.params, `${what} params`);
    const tags = Object.fromEntries(db.prepare('SELECT key, value FROM tags WHERE run_id = ?').raw().all(id) as [string, string][]);
    assert.deepEqual(tags, r.tags, `${what} tags`);

    // get_metric_history, point for point (NaN included), in (step, timestamp, value) order.
    const keys = db.prepare('SELECT DISTINCT key FROM metrics WHERE run_id = ? ORDER BY key').pluck().all(id) as string[];
    assert.deepEqual(keys, Object.keys(r.metric_history).sort(), `${what} metric keys`);
    const points = db.prepare('SELECT step, timestamp, value FROM metrics WHERE run_id = ? AND key = ? ORDER BY step, timestamp, seq').raw();
    for (const [metric, history] of Object.entries(r.metric_history)) {
      const expected = history
        .map(([step, timestamp, value]) => [step, timestamp, logged(value, sqlite)] as [number, number, number])
        .sort((a, b) => a[0] - b[0] || a[1] - b[1] || byValue(a[2], b[2]));
      const actual = (points.all(id, metric) as [number, number, number | null][]).map(([step, timestamp, value]) => [step, timestamp, value ?? NaN]);
      assert.deepEqual(actual, expected, `${what} history of ${metric}`);
    }
    // The latest value MLflow reports is the last one we show.
    const summaries = runMetricSummaries(store, [id], () => undefined);
    for (const [metric, latest] of Object.entries(r.metrics)) {
      const last = summaries.find((s) => s.key === metric)?.last;
      const ourLast = last === 'NaN' ? NaN : last === '+Inf' ? Infinity : last === '-Inf' ? -Infinity : last;
      assert.deepEqual(ourLast, logged(latest, sqlite), `${what} latest ${metric}`);
    }
  }

  for (const m of oracle.registered_models) {
    const model = db.prepare('SELECT id, name, description FROM registered_models WHERE external_id = ?').get(`mlflow:${key}:model:${m.name}`) as { id: number; name: string; description: string | null } | undefined;
    assert.ok(model, `model ${m.name} imported`);
    assert.equal(model.name, m.name);
    assert.equal(model.description, m.description || null, `model ${m.name} description`);
    const versions = db.prepare('SELECT v.id, v.version, v.artifact_uri AS source, r.external_id AS run FROM model_versions v LEFT JOIN runs r ON r.id = v.run_id WHERE v.model_id = ? ORDER BY v.version').all(model.id) as {
      id: number; version: number; source: string; run: string | null;
    }[];
    assert.deepEqual(versions.map((v) => String(v.version)), m.versions.map((v) => v.version).sort((a, b) => Number(a) - Number(b)), `model ${m.name} versions`);
    for (const v of m.versions) {
      const ours = versions.find((o) => String(o.version) === v.version)!;
      assert.equal(ours.source, v.source, `${m.name} v${v.version} source`);
      assert.equal(ours.run, v.run_id ? `mlflow:run:${v.run_id}` : null, `${m.name} v${v.version} run`);
      const tags = Object.fromEntries(db.prepare('SELECT key, value FROM model_version_tags WHERE version_id = ?').raw().all(ours.id) as [string, string][]);
      const stage = tags['mlflow.stage'];
      delete tags['mlflow.stage'];
      assert.deepEqual(tags, v.tags, `${m.name} v${v.version} tags`);
      assert.equal(stage ?? 'None', v.current_stage, `${m.name} v${v.version} stage`);
    }
    const aliases = Object.fromEntries(
      (db.prepare('SELECT a.alias, v.version FROM model_aliases a JOIN model_versions v ON v.id = a.version_id WHERE a.model_id = ?').raw().all(model.id) as [string, number][]).map(([a, v]) => [a, String(v)]),
    );
    assert.deepEqual(aliases, m.by_alias, `${m.name} get_model_version_by_alias`);
  }
}
