/**
 * MLflow as the oracle for filters: real MLflow writes a store, ML Lifecycle imports it, and every
 * filter runs through MLflow's search_runs and through ours. For each filter MLflow accepts, the
 * run ids must be the same. Our extensions (OR, parentheses, IN on params) must give the union
 * of what MLflow gives for their parts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { importMlflow } from '../../../src/mlflow/importMlflow.ts';
import { searchRunIds } from '../../../src/search/query.ts';
import { pythonEnv } from '../../support/pythonEnv.ts';
import { tempDir, tempStore } from '../helpers.ts';

const T = 1_700_000_000_000;

/** Filters MLflow accepts (with MLflow 3; MLflow 2 lacks IS NULL). */
const ACCEPTED = [
  'metrics.val_auc > 0.8',
  'metrics.val_auc >= 0.8 and metrics.val_auc < 0.9',
  'metric.loss <= 0.5',
  'metrics.loss > 1',
  'metrics.val_auc != 0.75',
  'metrics.val_auc = 0.75',
  'metrics.acc = 0.6',
  'metrics.acc < 0.5',
  'metrics.missing > 0',
  "params.lr = '0.01'",
  'params.lr = "0.01"',
  "params.lr != '0.01'",
  "param.optimizer LIKE 'Adam%'",
  "params.optimizer LIKE '%a%'",
  "params.optimizer ILIKE 'adam%'",
  "params.optimizer LIKE 'ada_'",
  "params.`model depth` = '3'",
  'params."model depth" != \'3\'',
  "tags.dataset LIKE 'v2%'",
  "tags.dataset ILIKE 'V2%'",
  'tags.dataset = "v1-raw"',
  "tags.dataset != 'v1-raw'",
  'tags.note = "it\'s"',
  "attributes.status = 'FINISHED'",
  "attributes.status != 'FINISHED'",
  "status = 'FAILED'",
  "attributes.run_name = 'r3'",
  "attributes.run_name LIKE 'r1%'",
  "attributes.run_name ILIKE 'R1%'",
  "attributes.run_name LIKE '%-Best'",
  "`Run Name` = 'r3'",
  `attributes.start_time > ${T + 20_000}`,
  `attributes.start_time <= ${T + 5_000}`,
  `attributes.end_time < ${T + 10_000}`,
  `created >= ${T + 40_000}`,
  "attributes.user_id = 'alice'",
  "attributes.run_id = '{r3}'",
  "attributes.run_id IN ('{r3}', '{r7}', '{r11}')",
  "attributes.run_id NOT IN ('{r3}', '{r7}')",
  'params.lr IS NULL',
  'params.lr IS NOT NULL',
  'tags.note IS NULL',
  "metrics.val_auc > 0.8 and params.lr = '0.01' and tags.dataset LIKE 'v2%' and attributes.status = 'FINISHED'",
  "metrics.val_auc > 0.6 AND params.optimizer = 'sgd' AND tags.dataset != 'v3-raw'",
];

/** Our extensions, each with the MLflow-accepted filters whose union it must equal. */
const UNIONS: [string, string[]][] = [
  ["params.lr = '0.01' OR params.lr = '0.1'", ["params.lr = '0.01'", "params.lr = '0.1'"]],
  ["params.lr IN ('0.01', '0.1')", ["params.lr = '0.01'", "params.lr = '0.1'"]],
  ["attributes.status IN ('FAILED', 'KILLED')", ["status = 'FAILED'", "status = 'KILLED'"]],
  ["attributes.status NOT IN ('FINISHED')", ["status != 'FINISHED'"]],
  ["(metrics.val_auc > 0.9 and status = 'FINISHED') or tags.dataset IN ('v1-raw')", ["metrics.val_auc > 0.9 and status = 'FINISHED'", "tags.dataset = 'v1-raw'"]],
];

/** Standard SQL quoting, where ML Lifecycle and MLflow differ on purpose. */
const DOUBLED_QUOTE = "tags.note LIKE '%''%'";

interface OracleOutput {
  ids: string[];
  results: ({ filter: string; ids: string[] } | { filter: string; error: string })[];
}

for (const name of ['mlflow3', 'mlflow2']) {
  const env = pythonEnv(name);
  describe(`filters agree with ${name}'s search_runs on an imported store`, { skip: env.skip }, () => {
    const dir = tempDir('mll-filters-');
    const filters = [...ACCEPTED, ...UNIONS.flatMap(([ours, parts]) => [ours, ...parts]), DOUBLED_QUOTE];
    let output: OracleOutput | undefined;
    const oracle = (): OracleOutput => {
      if (!output) {
        const done = spawnSync(env.python!, [path.join(import.meta.dirname, 'mlflow_filters.py'), dir], { input: JSON.stringify(filters), encoding: 'utf8', maxBuffer: 64 << 20 });
        assert.equal(done.status, 0, done.stderr);
        output = JSON.parse(done.stdout) as OracleOutput;
      }
      return output;
    };
    const store = tempStore();
    let imported = false;
    const ours = async (filter: string): Promise<string[]> => {
      if (!imported) {
        oracle();
        await importMlflow(store, path.join(dir, 'mlflow.db'));
        imported = true;
      }
      const ids = searchRunIds(store, { filter, staleBefore: 0 });
      return (store.db.prepare('SELECT uuid FROM runs WHERE id IN (SELECT value FROM json_each(?)) ORDER BY uuid').pluck().all(JSON.stringify(ids)) as string[]);
    };
    const mlflow = (index: number) => oracle().results[index]!;

    ACCEPTED.forEach((filter, index) => {
      test(filter, async () => {
        const result = mlflow(index);
        if ('error' in result) {
          assert.ok(name === 'mlflow2' && /NULL/.test(filter), `MLflow rejects: ${result.error}`);
          return;
        }
        assert.deepEqual(await ours(result.filter), result.ids);
      });
    });

    let offset = ACCEPTED.length;
    for (const [extension, parts] of UNIONS) {
      const at = offset;
      offset += 1 + parts.length;
      test(`extension: ${extension}`, async () => {
        assert.ok('error' in mlflow(at), 'MLflow rejects it');
        const union = new Set<string>();
        parts.forEach((_, i) => {
          const part = mlflow(at + 1 + i);
          assert.ok('ids' in part, part.filter);
          part.ids.forEach((id) => union.add(id));
        });
        assert.deepEqual(await ours(extension), [...union].sort());
      });
    }

    test("a doubled quote inside a value is one quote (MLflow keeps both, so it finds nothing)", async () => {
      const index = oracle().results.findIndex((r) => r.filter === DOUBLED_QUOTE);
      assert.deepEqual((mlflow(index) as { ids: string[] }).ids, []);
      assert.deepEqual(await ours(DOUBLED_QUOTE), await ours('tags.note = "it\'s"'));
    });

    test('the filters select a real mix of runs', () => {
      const sizes = oracle().results.filter((r) => 'ids' in r).map((r) => (r as { ids: string[] }).ids.length);
      assert.ok(sizes.filter((n) => n > 0 && n < 48).length > ACCEPTED.length / 2, sizes.join());
    });
  });
}
