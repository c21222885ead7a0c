/**
 * Smoke test of the real-MLflow writer and oracle: the stores that write_stores.py writes hold what
 * the importer's oracle tests rely on, in both MLflow majors and both store kinds.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { importMlflow } from '../../../../src/mlflow/importMlflow.ts';
import { pythonEnv } from '../../../support/pythonEnv.ts';
import { tempStore } from '../../helpers.ts';
import { assertImportMatchesOracle } from './oracleCompare.ts';
import { mlflowOracle, realStores, type Oracle, type OracleRun } from './realStores.ts';

function byId(oracle: Oracle): Map<string, OracleRun> {
  return new Map(oracle.runs.map((run) => [run.run_id, run]));
}

for (const name of ['mlflow3', 'mlflow2']) {
  const env = pythonEnv(name);
  describe(`real ${name} stores`, { skip: env.skip }, () => {
    for (const kind of ['folder', 'sqlite'] as const) {
      test(`${kind} store: what MLflow reads back`, () => {
        const { manifest } = realStores(env);
        const ids = manifest.stores[kind];
        const oracle = mlflowOracle(env, ids.uri);
        const runs = byId(oracle);
        const run = (role: string): OracleRun => {
          const found = runs.get(ids.runs[role]!);
          assert.ok(found, `run ${role} is in the oracle`);
          return found;
        };
        assert.equal(oracle.mlflow_version, manifest.mlflow_version);
        assert.deepEqual(manifest.network_attempts_blocked, []);

        // Three levels of nesting.
        assert.equal(run('parent').tags['mlflow.parentRunId'], undefined);
        assert.equal(run('child').tags['mlflow.parentRunId'], ids.runs.parent);
        assert.equal(run('child2').tags['mlflow.parentRunId'], ids.runs.parent);
        assert.equal(run('grandchild').tags['mlflow.parentRunId'], ids.runs.child);

        // The long history, and three values at one step and timestamp.
        const history = run('history');
        assert.equal(history.metric_history.loss!.length, manifest.expected.history_points);
        assert.deepEqual(history.metric_history.loss!.map(([step]) => step).sort((a, b) => a - b).slice(-1), [99_999]);
        const dup = run('metrics').metric_history.dup!;
        assert.equal(dup.length, 3);
        assert.deepEqual(dup.map(([step]) => step), [5, 5, 5]);
        assert.deepEqual(dup.map(([, , value]) => value).sort(), [1, 2, 3]);
        assert.equal(new Set(dup.map(([, ts]) => ts)).size, 1);
        // The exact duplicate: three lines in mlruns, one row in SQL (it is in the primary key).
        assert.equal(run('metrics').metric_history.dup_exact!.length, kind === 'folder' ? 3 : 1);
        // Infinities: the folder store keeps them; the SQL store clamps them to +-DBL_MAX.
        const weird = run('metrics').metric_history.weird!.map(([, , value]) => value);
        assert.deepEqual(weird, kind === 'folder' ? ['NaN', 'Infinity', '-Infinity', 1.5] : ['NaN', 1.7976931348623157e308, -1.7976931348623157e308, 1.5]);
        assert.equal(run('metrics').metrics.ends_nan, 'NaN');

        // Statuses.
        assert.equal(run('failed').status, 'FAILED');
        assert.equal(run('killed').status, 'KILLED');
        assert.equal(run('scheduled').status, 'SCHEDULED');
        assert.equal(run('running').status, 'RUNNING');
        assert.equal(run('running').end_time, null);

        // Odd and long values come back unchanged.
        const odd = run('odd_values');
        for (const [key, value] of Object.entries(manifest.expected.odd_params)) assert.equal(odd.params[key], value, `param ${key}`);
        for (const [key, value] of Object.entries(manifest.expected.odd_tags)) assert.equal(odd.tags[key], value, `tag ${key}`);
        assert.equal(odd.params.long_param, 'p'.repeat(4999) + 'P');
        assert.equal(odd.tags.long_tag, 't'.repeat(6999) + 'T');

        // gc'd runs and experiments are gone; deleted ones stay, marked deleted.
        for (const id of ids.gc_run_ids) assert.equal(runs.has(id), false, `gc'd run ${id} is absent`);
        const experiments = new Map(oracle.experiments.map((e) => [e.experiment_id, e]));
        for (const id of ids.gc_experiment_ids) assert.equal(experiments.has(id), false, `gc'd experiment ${id} is absent`);
        for (const id of ids.deleted_run_ids) assert.equal(runs.get(id)?.lifecycle_stage, 'deleted');
        for (const id of ids.deleted_experiment_ids) assert.equal(experiments.get(id)?.lifecycle_stage, 'deleted');
        assert.equal(run('in_deleted_kept').lifecycle_stage, 'deleted', 'deleting an experiment marks its runs deleted');
        assert.equal(run('deleted_restored').lifecycle_stage, 'active');
        assert.ok(experiments.size >= 4 && experiments.get('0')?.name === 'Default');
        assert.equal(experiments.get(ids.experiments.main!)?.tags.team, 'ml');

        // Registry: versions, aliases, stages (MLflow 2), the deleted version leaves a gap.
        const models = new Map(oracle.registered_models.map((m) => [m.name, m]));
        const model = models.get('oracle-model')!;
        assert.deepEqual(model.versions.map((v) => v.version), ['1', '2', '3']);
        assert.deepEqual(model.versions.map((v) => v.run_id), [ids.runs.parent, ids.runs.child, ids.runs.grandchild]);
        assert.deepEqual(model.aliases, manifest.expected.aliases['oracle-model']);
        assert.deepEqual(model.by_alias, manifest.expected.aliases['oracle-model']);
        assert.equal(model.versions[0]!.tags.validated, 'true');
        assert.deepEqual(
          model.versions.map((v) => v.current_stage),
          manifest.mlflow_major < 3 ? ['Archived', 'Production', 'Staging'] : ['None', 'None', 'None'],
        );
        assert.deepEqual(models.get('oracle-gaps')!.versions.map((v) => v.version), ['1', '3']);
        assert.equal(models.has('oracle-gone'), false);
        assert.deepEqual(models.get('oracle-empty')!.versions, []);

        // Datasets (both majors) and logged models (MLflow 3).
        assert.deepEqual(run('with_dataset').datasets.map((d) => [d.name, d.tags['mlflow.data.context']]), [['toy', 'training']]);
        if (manifest.mlflow_major >= 3) {
          assert.deepEqual(oracle.logged_models.map((m) => m.name).sort(), ['oracle-lm', 'pyfunc']);
          assert.equal(models.get('oracle-pyfunc')!.versions[0]!.source, `models:/${ids.logged_models.pyfunc}`);
        } else {
          assert.deepEqual(oracle.logged_models, []);
          assert.ok(manifest.skipped.logged_models);
        }
      });
    }

    for (const kind of ['folder', 'sqlite'] as const) {
      test(`${kind} store: an import holds what MLflow's client returns, and a second import changes nothing`, async () => {
        const { manifest } = realStores(env);
        const ids = manifest.stores[kind];
        const source = kind === 'folder' ? manifest.paths.folder : manifest.paths.sqlite;
        const store = tempStore();
        const [summary] = await importMlflow(store, source);
        assert.equal(summary!.cancelled, false);
        const oracle = mlflowOracle(env, ids.uri);
        assertImportMatchesOracle(store, source, oracle, kind === 'sqlite');
        const [again] = await importMlflow(store, source);
        assert.equal(again!.metricPoints + again!.runs + again!.experiments + again!.trashed, 0, 'nothing new on a second import');
        assertImportMatchesOracle(store, source, oracle, kind === 'sqlite');
      });
    }

    test('both stores hold the same logical content', () => {
      const { manifest } = realStores(env);
      const [folder, sqlite] = (['folder', 'sqlite'] as const).map((kind) => {
        const ids = manifest.stores[kind];
        const role = new Map(Object.entries(ids.runs).map(([r, id]) => [id, r]));
        const oracle = mlflowOracle(env, ids.uri);
        return new Map(
          oracle.runs.map((run) => [
            role.get(run.run_id),
            { name: run.run_name, status: run.status, stage: run.lifecycle_stage, params: run.params, metrics: Object.keys(run.metric_history).sort() },
          ]),
        );
      });
      assert.deepEqual([...folder!.keys()].sort(), [...sqlite!.keys()].sort());
      for (const [role, run] of folder!) assert.deepEqual(run, sqlite!.get(role), `run ${role}`);
    });
  });
}
