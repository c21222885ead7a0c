import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { parse as parseYaml } from 'yaml';
import { pythonEnv } from '../../support/pythonEnv.ts';
import { loggerEnv, PYTHON_DIR } from './support.ts';

// "import ml_lifecycle as mlflow": one training script, run once with real MLflow and once with our
// logger, each read back through its own tool, must give the same experiments, runs and data.
const mlflow3 = pythonEnv('mlflow3');

const TRAINING = String.raw`
import json
import math
import random

out = {}
experiment = mlflow.set_experiment("churn-dropin")
out["experiment"] = [experiment.name, isinstance(experiment.experiment_id, str)]
random.seed(7)
params = {"learning_rate": 0.05, "epochs": 5, "batch_size": 64, "model": "logreg", "layers": [64, 32], "use_bias": True}
with open("sample.csv", "w") as handle:
    handle.write("x,y\n1,2\n3,4\n")

with mlflow.start_run(run_name="sweep-parent", tags={"team": "risk", "dataset": "v3"}, description="Parent of a two-trial sweep") as parent:
    info = mlflow.active_run().info
    out["parent"] = [info.run_id == parent.info.run_id, info.run_name, info.status, info.experiment_id == experiment.experiment_id]
    mlflow.log_param("sweep", "learning_rate")
    mlflow.set_tags({"stage": "dev", "owner": "ana"})
    for trial, lr in enumerate([0.05, 0.1]):
        with mlflow.start_run(run_name="trial-%d" % trial, nested=True, tags={"trial": trial}) as child:
            out["child"] = [mlflow.active_run().info.run_id == child.info.run_id, mlflow.active_run().info.run_name]
            mlflow.log_params(dict(params, learning_rate=lr))
            mlflow.log_param("seed", 7)
            weight, best = 0.0, math.inf
            base = 1700000000000 + trial * 100000
            for epoch in range(params["epochs"]):
                weight += lr * (3 - weight)
                loss = (3 - weight) ** 2 + random.random() / 100
                mlflow.log_metric("train_loss", loss, step=epoch, timestamp=base + epoch * 1000)
                best = min(best, loss * 1.1)
                mlflow.log_metrics({"val_loss": loss * 1.1, "val_acc": 1 / (2 + loss)}, step=epoch)
            mlflow.log_metric("best_val_loss", best)  # no step: MLflow puts it at step 0
            mlflow.log_metric("lr_used", lr, timestamp=base + 99)
            mlflow.log_metrics({"final_weight": weight})
            mlflow.set_tag("converged", weight > 1)
            mlflow.log_dict({"params": dict(params, learning_rate=lr), "weights": [weight, -weight], "ok": True, "none": None}, "config/params.json")
            mlflow.log_dict({"params": dict(params, learning_rate=lr), "weights": [weight, 1e-20], "nested": {"a": [], "b": {}, "s": "x: y"}}, "config/params.yaml")
            mlflow.log_text("trial %d: weight %.4f\n" % (trial, weight), "notes/summary.txt")
            mlflow.log_artifact("sample.csv", artifact_path="data")
    out["back_to_parent"] = mlflow.active_run().info.run_id == parent.info.run_id
    mlflow.log_metric("best_trial", 1)
    mlflow.log_artifact("sample.csv")

last = mlflow.last_active_run()
out["last"] = [last.info.run_id == parent.info.run_id, last.info.run_name, last.info.status, mlflow.active_run() is None]

mlflow.start_run(run_name="plain-call")
mlflow.log_metric("x", 1.0)
mlflow.log_metric("x", 2.0)
mlflow.end_run()
out["plain_last"] = mlflow.last_active_run().info.run_name

try:
    with mlflow.start_run(run_name="crashes"):
        mlflow.log_metric("loss", 0.5, step=0)
        raise ValueError("diverged")
except ValueError:
    pass

with mlflow.start_run(run_name="guarded"):
    try:
        mlflow.start_run(run_name="not-nested")
        out["nested_refused"] = False
    except Exception as error:
        out["nested_refused"] = "nested=True" in str(error)

mlflow.start_run(run_name="stopped")
mlflow.end_run(status="KILLED")

holdout = mlflow.set_experiment("churn-dropin-holdout")
with mlflow.start_run(run_name="holdout-eval", experiment_id=holdout.experiment_id):
    mlflow.log_metric("auc", 0.91, step=0)

print("RESULT " + json.dumps(out))
`;

// MLflow's own client reads its store back, with the artifact files' contents.
const READ_MLFLOW = String.raw`
import json, os, sys
from urllib.parse import urlparse, unquote
from mlflow import MlflowClient

client = MlflowClient(sys.argv[1])
experiments = {e.experiment_id: e.name for e in client.search_experiments()}
runs = client.search_runs(list(experiments), max_results=1000)
by_id = {r.info.run_id: r for r in runs}
result = {"experiments": sorted(experiments.values()), "runs": []}
for r in runs:
    tags = r.data.tags
    root = unquote(urlparse(r.info.artifact_uri).path)
    files = {}
    for folder, _, names in os.walk(root):
        for name in names:
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                files[os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")] = handle.read()
    result["runs"].append({
        "experiment": experiments[r.info.experiment_id],
        "name": r.info.run_name,
        "status": r.info.status,
        "parent": by_id[tags["mlflow.parentRunId"]].info.run_name if "mlflow.parentRunId" in tags else None,
        "note": tags.get("mlflow.note.content"),
        "params": r.data.params,
        "tags": {k: v for k, v in tags.items() if not k.startswith("mlflow.")},
        "metrics": {k: [{"step": m.step, "value": m.value, "timestamp": m.timestamp} for m in client.get_metric_history(r.info.run_id, k)] for k in r.data.metrics},
        "files": files,
    })
print(json.dumps(result))
`;

interface Point {
  step: number;
  value: number | null;
  timestamp: number;
}
interface ReadRun {
  experiment: string;
  name: string;
  status: string;
  parent: string | null;
  note: string | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, Point[]>;
  files: Record<string, string>;
}
interface ReadBack {
  experiments: string[];
  runs: ReadRun[];
}

// Keys whose timestamps the script gave; elsewhere the clock decides, so only steps and values count.
const TIMED_KEYS = new Set(['train_loss', 'lr_used']);

function run(python: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): string {
  const done = spawnSync(python, args, { env, cwd, encoding: 'utf8', timeout: 300_000 });
  assert.equal(done.status, 0, `${python} ${args.join(' ')} failed:\n${done.stderr}\n${done.stdout}`);
  return done.stdout;
}

function result(stdout: string): unknown {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  assert.ok(line, `no RESULT line in:\n${stdout}`);
  return JSON.parse(line.slice('RESULT '.length));
}

function readOurs(storePath: string): ReadBack {
  const db = new Database(storePath, { readonly: true, fileMustExist: true });
  try {
    const experiments = db.prepare('SELECT name FROM experiments WHERE deleted_at IS NULL ORDER BY name').pluck().all() as string[];
    const rows = db
      .prepare(
        `SELECT r.id, r.uuid, r.name, r.status, r.notes, e.name AS experiment, p.name AS parent
         FROM runs r JOIN experiments e ON e.id = r.experiment_id LEFT JOIN runs p ON p.id = r.parent_run_id`,
      )
      .all() as { id: number; uuid: string; name: string; status: string; notes: string | null; experiment: string; parent: string | null }[];
    const runs = rows.map((r): ReadRun => {
      const pairs = (sql: string) => Object.fromEntries((db.prepare(sql).raw().all(r.id) as [string, string][]).map(([k, v]) => [k, v]));
      const metrics: Record<string, Point[]> = {};
      for (const m of db.prepare('SELECT key, step, value, timestamp FROM metrics WHERE run_id = ? ORDER BY key, timestamp').all(r.id) as (Point & { key: string })[]) {
        (metrics[m.key] ??= []).push({ step: m.step, value: m.value, timestamp: m.timestamp });
      }
      // Artifacts written or copied for the run live in <store folder>/artifacts/<run id>/.
      const root = path.join(path.dirname(storePath), 'artifacts', r.uuid);
      const files: Record<string, string> = {};
      for (const a of db.prepare('SELECT path, sha256, size, kind FROM artifacts WHERE run_id = ?').all(r.id) as { path: string; sha256: string; size: number; kind: string }[]) {
        assert.ok(a.path.startsWith(root + path.sep), `${a.path} is not under ${root}`);
        const bytes = fs.readFileSync(a.path);
        assert.equal(a.sha256, createHash('sha256').update(bytes).digest('hex'), `sha256 of ${a.path}`);
        assert.deepEqual([a.size, a.kind], [bytes.length, 'file']);
        files[path.relative(root, a.path).split(path.sep).join('/')] = bytes.toString('utf8');
      }
      return {
        experiment: r.experiment,
        name: r.name,
        status: r.status,
        parent: r.parent,
        note: r.notes,
        params: pairs('SELECT key, value FROM params WHERE run_id = ?'),
        tags: Object.fromEntries(Object.entries(pairs('SELECT key, value FROM tags WHERE run_id = ?')).filter(([k]) => !k.startsWith('ml_lifecycle.'))),
        metrics,
        files,
      };
    });
    return { experiments, runs };
  } finally {
    db.close();
  }
}

/** Run ids and clock times removed; runs by name, points in a stable order, files parsed by type. */
function normalise(read: ReadBack) {
  const used = new Set(read.runs.map((r) => r.experiment));
  return {
    // MLflow's store always has a "Default" experiment; ours makes one only when it is used.
    experiments: read.experiments.filter((name) => name !== 'Default' || used.has(name)),
    runs: Object.fromEntries(
      [...read.runs]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((r) => [
          r.name,
          {
            experiment: r.experiment,
            status: r.status,
            parent: r.parent,
            note: r.note,
            params: r.params,
            tags: r.tags,
            metrics: Object.fromEntries(
              Object.keys(r.metrics)
                .sort()
                .map((key) => {
                  const points = r.metrics[key]!.map((p) => (TIMED_KEYS.has(key) ? p : { step: p.step, value: p.value }));
                  points.sort((a, b) => a.step - b.step || (('timestamp' in a ? a.timestamp : 0) - ('timestamp' in b ? b.timestamp : 0)) || (a.value ?? 0) - (b.value ?? 0));
                  return [key, points];
                }),
            ),
            files: Object.fromEntries(
              Object.keys(r.files)
                .sort()
                .map((file) => {
                  const text = r.files[file]!;
                  return [file, file.endsWith('.json') ? JSON.parse(text) : /\.ya?ml$/.test(file) ? parseYaml(text) : text];
                }),
            ),
          },
        ]),
    ),
  };
}

test('one training script gives the same runs under "import mlflow" and "import ml_lifecycle as mlflow"', { skip: mlflow3.skip }, () => {
  const python = mlflow3.python!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-dropin-'));
  try {
    const withMlflow = path.join(dir, 'mlflow');
    const withOurs = path.join(dir, 'ours');
    fs.mkdirSync(withMlflow);
    fs.mkdirSync(withOurs);
    fs.writeFileSync(path.join(withMlflow, 'train.py'), 'import mlflow\n' + TRAINING);
    fs.writeFileSync(path.join(withOurs, 'train.py'), 'import ml_lifecycle as mlflow\n' + TRAINING);
    fs.writeFileSync(path.join(dir, 'read_mlflow.py'), READ_MLFLOW);

    const uri = `sqlite:///${path.join(withMlflow, 'mlflow.db')}`;
    const mlflowEnv: NodeJS.ProcessEnv = { ...process.env, MLFLOW_TRACKING_URI: uri, MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true' };
    delete mlflowEnv.PYTHONPATH;
    const storePath = path.join(withOurs, '.ml-lifecycle', 'store.sqlite');

    const theirs = result(run(python, ['train.py'], mlflowEnv, withMlflow));
    const ours = result(run(python, ['train.py'], loggerEnv(storePath), withOurs));
    // What the script saw at run time (active_run, last_active_run, the nesting guard) is the same.
    assert.deepEqual(ours, theirs);
    assert.deepEqual(theirs, {
      experiment: ['churn-dropin', true],
      parent: [true, 'sweep-parent', 'RUNNING', true],
      child: [true, 'trial-1'],
      back_to_parent: true,
      last: [true, 'sweep-parent', 'FINISHED', true],
      plain_last: 'plain-call',
      nested_refused: true,
    });

    const mlflowRead = normalise(JSON.parse(run(python, [path.join(dir, 'read_mlflow.py'), uri], mlflowEnv, withMlflow)) as ReadBack);
    const ourRead = normalise(readOurs(storePath));
    assert.deepEqual(ourRead, mlflowRead);

    // The comparison is not vacuous: spot checks of what both sides must hold.
    assert.deepEqual(mlflowRead.experiments, ['churn-dropin', 'churn-dropin-holdout']);
    assert.deepEqual(Object.keys(mlflowRead.runs), ['crashes', 'guarded', 'holdout-eval', 'plain-call', 'stopped', 'sweep-parent', 'trial-0', 'trial-1']);
    const trial = mlflowRead.runs['trial-1']!;
    assert.equal(trial.parent, 'sweep-parent');
    assert.deepEqual(trial.tags, { trial: '1', converged: 'True' });
    assert.equal(trial.params.layers, '[64, 32]');
    assert.equal(trial.metrics.train_loss!.length, 5);
    assert.deepEqual(trial.metrics.best_val_loss!.map((p) => p.step), [0]);
    assert.deepEqual(Object.keys(trial.files), ['config/params.json', 'config/params.yaml', 'data/sample.csv', 'notes/summary.txt']);
    assert.equal(mlflowRead.runs['sweep-parent']!.note, 'Parent of a two-trial sweep');
    assert.deepEqual(mlflowRead.runs['plain-call']!.metrics.x, [{ step: 0, value: 1 }, { step: 0, value: 2 }]);
    assert.deepEqual(
      ['crashes', 'stopped', 'guarded'].map((name) => mlflowRead.runs[name]!.status),
      ['FAILED', 'KILLED', 'FINISHED'],
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the fluent functions take the arguments of MLflow 3, in the same order', { skip: mlflow3.skip }, () => {
  const code = String.raw`
import inspect, json, mlflow, ml_lifecycle
names = ["set_experiment", "start_run", "end_run", "active_run", "last_active_run", "log_param", "log_params", "log_metric",
         "log_metrics", "set_tag", "set_tags", "delete_tag", "log_artifact", "log_artifacts", "log_dict", "log_text",
         "create_experiment", "get_experiment_by_name", "set_experiment_tag", "set_experiment_tags", "get_artifact_uri",
         "set_tracking_uri", "get_tracking_uri"]
def positional(function):
    return [p.name for p in inspect.signature(function).parameters.values() if p.kind == p.POSITIONAL_OR_KEYWORD]
# trace_location (Databricks Unity Catalog) has no counterpart here.
print(json.dumps({n: [[p for p in positional(getattr(mlflow, n)) if p != "trace_location"], positional(getattr(ml_lifecycle, n))] for n in names}))
`;
  const env = { ...process.env, PYTHONPATH: PYTHON_DIR, MLFLOW_DISABLE_TELEMETRY: 'true' };
  const signatures = JSON.parse(run(mlflow3.python!, ['-c', code], env, os.tmpdir())) as Record<string, [string[], string[]]>;
  for (const [name, [theirs, ours]] of Object.entries(signatures)) assert.deepEqual(ours, theirs, name);
});

test('MLflow calls the logger does not support raise, naming what to do instead', () => {
  const code = String.raw`
import json, ml_lifecycle as mlflow
seen = {}
for name in ["autolog", "log_model", "pyfunc", "sklearn", "log_input", "log_figure", "log_image", "log_table", "register_model", "search_experiments"]:
    try:
        getattr(mlflow, name)
        seen[name] = None
    except mlflow.NotSupportedError as error:
        seen[name] = [str(error), isinstance(error, mlflow.MlLifecycleError), isinstance(error, NotImplementedError)]
try:
    mlflow.no_such_function
    plain = None
except AttributeError as error:
    plain = [type(error).__name__, str(error)]
print(json.dumps({"seen": seen, "plain": plain, "hasattr": hasattr(mlflow, "autolog")}))
`;
  const out = JSON.parse(run('python3', ['-c', code], loggerEnv(''), os.tmpdir())) as {
    seen: Record<string, [string, boolean, boolean] | null>;
    plain: [string, string];
    hasattr: boolean;
  };
  const alternatives: Record<string, RegExp> = {
    autolog: /log_params\/log_metric/,
    log_model: /log_artifact\(path, kind='model'\)/,
    pyfunc: /log_artifact\(path, kind='model'\)/,
    sklearn: /joblib\.dump.*log_artifact/,
    log_input: /log_artifact\(path, kind='data'\)/,
    log_figure: /savefig.*log_artifact/,
    log_image: /log_artifact/,
    log_table: /log_artifact.*log_dict/,
    register_model: /Register Model Version/,
    search_experiments: /runs list --json/,
  };
  for (const [name, pattern] of Object.entries(alternatives)) {
    const seen = out.seen[name];
    assert.ok(seen, `${name} did not raise`);
    assert.match(seen[0], new RegExp(`mlflow\\.${name} is not supported by ml_lifecycle: `));
    assert.match(seen[0], pattern, name);
    assert.deepEqual(seen.slice(1), [true, true], name);
  }
  // Unknown names stay plain AttributeErrors; hasattr is honest about what is missing.
  assert.deepEqual(out.plain, ['AttributeError', "module 'ml_lifecycle' has no attribute 'no_such_function'"]);
  assert.equal(out.hasattr, false);
});
