"""Writes the same content into an MLflow folder store (<out>/mlruns) and SQLite store
(<out>/mlflow.db) through MLflow's own Python API only, and <out>/manifest.json describing it.
The importer's oracle tests read both stores back and compare with oracle.py.

Usage: <venv>/bin/python write_stores.py <out_dir>
The two stores are written by two child processes at once (`<out_dir> --store folder|sqlite`).
"""
import json
import math
import os
import random
import socket
import subprocess
import sys
import time
import warnings
from importlib import metadata

STARTED = time.time()
OUT = os.path.abspath(sys.argv[1])
ONLY = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == '--store' else None
# Before importing mlflow: no telemetry, no network, no colour noise in stderr.
ENV = {
    'MLFLOW_DISABLE_TELEMETRY': 'true',
    'DO_NOT_TRACK': 'true',
    'MLFLOW_ENABLE_ASYNC_LOGGING': 'false',
    'MLFLOW_ENABLE_SYSTEM_METRICS_LOGGING': 'false',
    'GIT_PYTHON_REFRESH': 'quiet',
    # MLflow 3.x (3.1x) refuses file: stores ("maintenance mode") without this opt-out.
    'MLFLOW_ALLOW_FILE_STORE': 'true',
    # Anything that still tries HTTP goes to a closed local port and fails fast.
    'HTTP_PROXY': 'http://127.0.0.1:9',
    'HTTPS_PROXY': 'http://127.0.0.1:9',
    'NO_PROXY': '',
}
os.environ.update(ENV)
warnings.filterwarnings('ignore')

BLOCKED = []  # every non-loopback connect attempt, reported in the manifest
_connect = socket.socket.connect


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in ('127.0.0.1', '::1', 'localhost'):
        BLOCKED.append(str(address))
        raise OSError('write_stores.py: network access is disabled')
    return _connect(self, address)


socket.socket.connect = _guarded_connect

MLFLOW_VERSION = metadata.version('mlflow')
MAJOR = int(MLFLOW_VERSION.split('.')[0])
# MLflow 2.22 imports a pool class that SQLAlchemy 2.1 removed (python/testenv/mlflow2.txt does not
# pin sqlalchemy<2.1); the alias only makes that import succeed, the class is never used.
if ONLY:  # only the children write; the parent just merges their reports
    import mlflow
    from mlflow import MlflowClient
    from mlflow.entities import Metric, Param, RunTag
T0 = 1_700_000_000_000  # explicit timestamps (ms) wherever MLflow takes one
HISTORY_STEPS = 100_000
ODD_PARAMS = {
    'long_param': 'p' * 4999 + 'P',
    'unicode': 'café – naïve ☕ 🚀 日本語',
    'quotes': 'He said "hi" and \'bye\' `tick`',
    'html': '<script>alert(1)</script>',
    'multiline': 'line1\nline2\r\nline3',
    'padded': '  spaces around  ',
    'trailing_newline': 'ends with newline\n',
    'a/b/c': 'slash key',
    'key with spaces': 'value with spaces',
    'empty': '',
    'number': 0.1,  # MLflow stringifies: '0.1'
}
ODD_TAGS = {
    'long_tag': 't' * 6999 + 'T',
    'unicode': 'Ünïcödé 🚀🔥',
    'html': '<img src=x onerror=alert(1)>',
    'json': '{"a": [1, 2, {"b": null}]}',
    'x/y': 'slash key',
    'mlflow.note.content': 'Run notes **markdown**\nsecond line',
}
ALIASES = {'champion': '2', 'challenger': '3', 'old-ünï': '1'}
SKIPPED = {}
NOTES = []
LAPS = {}  # seconds per phase per store, to see what a slow run spent its time on
_lap = [STARTED]


def lap(kind, label):
    now = time.time()
    LAPS.setdefault(kind, {})[label] = round(now - _lap[0], 2)
    _lap[0] = now


def rng_history():
    rng = random.Random(42)
    return [(i, T0 + i * 10, math.exp(-i / 20000) + rng.random() * 0.01) for i in range(HISTORY_STEPS)]


def write(kind, uri):
    os.environ['MLFLOW_TRACKING_URI'] = uri
    os.environ['MLFLOW_REGISTRY_URI'] = uri
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    c = MlflowClient(uri, uri)
    lap(kind, 'open_store')
    exps, runs = {}, {}
    # The SQL store's artifacts go to their own folder so <out>/mlruns stays a pure folder store.
    art_root = f'file://{OUT}/sqlite-artifacts' if kind == 'sqlite' else None

    def experiment(role, name, tags):
        loc = f'{art_root}/{len(exps) + 1}' if art_root else None
        exps[role] = c.create_experiment(name, artifact_location=loc, tags=tags)
        return exps[role]

    def client_run(role, exp, name, start, tags=None):
        runs[role] = c.create_run(exp, start_time=start, run_name=name, tags=tags or {}).info.run_id
        return runs[role]

    main = experiment('main', 'oracle-main', {'team': 'ml', 'unicode': 'café ☕ 🚀', 'mlflow.note.content': 'Main experiment\nnotes'})
    hist = experiment('history', 'oracle-history', {'purpose': '100k-step history'})
    odd = experiment('odd', 'odd name: ünïcode 🚀 "quoted" <b>', {'a/b/c': 'slash key', 'long': 'e' * 3000})
    del_kept = experiment('deleted_kept', 'oracle-deleted-kept', {'state': 'deleted, not gc'})
    del_gc = experiment('deleted_gc', 'oracle-deleted-gc', {'state': 'deleted and gc'})
    exps['default'] = '0'

    # Three levels of nesting through the fluent API (mlflow.parentRunId tags).
    mlflow.set_experiment(experiment_id=main)
    with mlflow.start_run(run_name='parent') as p:
        runs['parent'] = p.info.run_id
        mlflow.log_params({'lr': 0.1, 'layers': 3, 'optimizer': 'adam'})
        mlflow.set_tags({'stage': 'sweep', 'mlflow.source.git.branch': 'main'})
        mlflow.log_metric('loss', 0.9, step=0, timestamp=T0)
        mlflow.log_metric('loss', 0.5, step=1, timestamp=T0 + 1000)
        with mlflow.start_run(run_name='child', nested=True) as ch:
            runs['child'] = ch.info.run_id
            mlflow.log_param('lr', 0.01)
            mlflow.log_metric('loss', 0.4, step=0, timestamp=T0 + 2000)
            with mlflow.start_run(run_name='grandchild', nested=True) as g:
                runs['grandchild'] = g.info.run_id
                mlflow.log_param('seed', 7)
                mlflow.log_metric('acc', 0.91, step=0, timestamp=T0 + 3000)
        with mlflow.start_run(run_name='child-2', nested=True) as ch2:
            runs['child2'] = ch2.info.run_id
            mlflow.log_metric('loss', 0.45, step=0, timestamp=T0 + 4000)

    lap(kind, 'nesting')
    # Long and odd params/tags.
    with mlflow.start_run(run_name='odd values ☕ <b>"x"</b>') as r:
        runs['odd_values'] = r.info.run_id
        mlflow.log_params(ODD_PARAMS)
        mlflow.set_tags(ODD_TAGS)
        mlflow.log_metric('a/b/c', 1.0, step=0, timestamp=T0)
        mlflow.log_metric('train/loss', 2.0, step=0, timestamp=T0)

    lap(kind, 'odd_values')
    # Non-finite values, same-step duplicates, exact duplicates, extremes, out-of-order steps.
    rid = client_run('metrics', main, 'metric-edge-cases', T0)
    ts = T0 + 5000
    batches = {
        'weird': [Metric('weird', float('nan'), ts, 0), Metric('weird', float('inf'), ts + 1, 1),
                  Metric('weird', float('-inf'), ts + 2, 2), Metric('weird', 1.5, ts + 3, 3)],
        'ends_nan': [Metric('ends_nan', 1.0, ts, 0), Metric('ends_nan', float('nan'), ts + 1, 1)],
        'ends_inf': [Metric('ends_inf', 1.0, ts, 0), Metric('ends_inf', float('-inf'), ts + 1, 1)],
        'dup': [Metric('dup', 1.0, ts, 5), Metric('dup', 3.0, ts, 5), Metric('dup', 2.0, ts, 5)],
        'extremes': [Metric('extremes', v, ts + i, i) for i, v in enumerate([1e308, -1e308, 5e-324, -0.0, 0.1 + 0.2, 123456789.123456789])],
        'out_of_order': [Metric('out_of_order', 2.0, ts + 10, 2), Metric('out_of_order', 1.0, ts + 20, 1), Metric('out_of_order', 0.0, ts, 0)],
        'neg_step': [Metric('neg_step', -1.0, ts, -1), Metric('neg_step', 0.0, ts + 1, 0)],
        'big_step': [Metric('big_step', 1.0, ts, 2**40)],
    }
    for ms in batches.values():
        c.log_batch(rid, metrics=ms)
    # The exact same point twice in one batch, then once more on its own (SQL keeps one row).
    c.log_batch(rid, metrics=[Metric('dup_exact', 1.0, ts, 1)] * 2)
    c.log_metric(rid, 'dup_exact', 1.0, timestamp=ts, step=1)
    c.set_terminated(rid, 'FINISHED', end_time=T0 + 9000)

    lap(kind, 'metric_edge_cases')
    # Statuses: FAILED (fluent), KILLED, SCHEDULED, RUNNING left open, FINISHED with explicit times.
    with mlflow.start_run(run_name='failed') as r:
        runs['failed'] = r.info.run_id
        mlflow.log_metric('loss', 9.9, step=0, timestamp=T0)
        mlflow.end_run(status='FAILED')
    rid = client_run('killed', main, 'killed', T0 + 100)
    c.log_metric(rid, 'loss', 1.0, timestamp=T0 + 150, step=0)
    c.set_terminated(rid, 'KILLED', end_time=T0 + 200)
    rid = client_run('scheduled', main, 'scheduled', T0 + 300)
    c.update_run(rid, status='SCHEDULED')
    rid = client_run('running', main, 'running', T0 + 400, {'note': 'left RUNNING on purpose'})
    c.log_metric(rid, 'heartbeat', 1.0, timestamp=T0 + 600, step=0)
    rid = client_run('finished', main, 'finished-explicit-times', T0 + 700)
    c.log_param(rid, 'p', 'v')
    c.set_terminated(rid, 'FINISHED', end_time=T0 + 800)

    # Deleted runs: one kept in the trash, one gc'd, one restored.
    for role in ('deleted_kept', 'deleted_gc', 'deleted_restored'):
        rid = client_run(role, main, role.replace('_', '-'), T0 + 900)
        c.log_metric(rid, 'loss', 0.1, timestamp=T0 + 950, step=0)
        c.set_terminated(rid, 'FINISHED', end_time=T0 + 1000)
        c.delete_run(rid)
    c.restore_run(runs['deleted_restored'])

    lap(kind, 'statuses_deleted')
    # 100k-step history plus short metrics, in log_batch chunks of 1000.
    rid = client_run('history', hist, 'long-history', T0)
    c.log_batch(rid, params=[Param('steps', str(HISTORY_STEPS))], tags=[RunTag('kind', 'long')])
    points = rng_history()
    for i in range(0, HISTORY_STEPS, 1000):
        c.log_batch(rid, metrics=[Metric('loss', v, t, s) for s, t, v in points[i:i + 1000]])
    c.log_batch(rid, metrics=[Metric('lr', 0.1 / (e + 1), T0 + e, e) for e in range(5)]
                + [Metric('epoch', float(e), T0 + e, e) for e in range(5)]
                + [Metric('final_acc', 0.97, T0 + 10, 0)])
    c.set_terminated(rid, 'FINISHED', end_time=T0 + HISTORY_STEPS * 10)

    lap(kind, 'history_100k')
    # Odd-named experiment and the Default experiment get one run each.
    rid = client_run('odd_exp_run', odd, 'run in odd experiment', T0)
    c.set_terminated(rid, 'FINISHED', end_time=T0 + 1)
    rid = client_run('default_run', '0', 'in-default', T0)
    c.set_terminated(rid, 'FINISHED', end_time=T0 + 1)

    # Experiments to delete (both stores then mark their runs deleted too).
    rid = client_run('in_deleted_kept', del_kept, 'in-deleted-kept', T0)
    c.log_metric(rid, 'loss', 0.3, timestamp=T0 + 1, step=0)
    c.set_terminated(rid, 'FINISHED', end_time=T0 + 2)
    rid = client_run('in_deleted_gc', del_gc, 'in-deleted-gc', T0)
    c.set_terminated(rid, 'FINISHED', end_time=T0 + 2)
    c.delete_experiment(del_kept)
    c.delete_experiment(del_gc)

    lap(kind, 'experiments_deleted')
    # Datasets (both majors have log_input).
    try:
        import pandas as pd
        df = pd.DataFrame({'x': [1.0, 2.0, 3.0], 'y': [0, 1, 0]})
        ds = mlflow.data.from_pandas(df, source='/data/toy.csv', targets='y', name='toy')
        with mlflow.start_run(experiment_id=main, run_name='with-dataset') as r:
            runs['with_dataset'] = r.info.run_id
            mlflow.log_input(ds, context='training', tags={'split': 'train'})
            mlflow.log_metric('loss', 0.2, step=0, timestamp=T0)
    except Exception as e:
        SKIPPED['datasets'] = f'{type(e).__name__}: {e}'

    lap(kind, 'datasets')
    logged_models = {}
    if MAJOR >= 3:
        try:
            from mlflow.entities import LoggedModelStatus
            with mlflow.start_run(experiment_id=main, run_name='with-logged-model') as r:
                runs['with_logged_model'] = r.info.run_id
                lm = mlflow.initialize_logged_model(name='oracle-lm', source_run_id=r.info.run_id,
                                                    tags={'kind': 'external'}, params={'alpha': '0.5'}, model_type='toy')
                mlflow.log_metric('val_acc', 0.88, step=0, timestamp=T0, model_id=lm.model_id)
                c.finalize_logged_model(lm.model_id, LoggedModelStatus.READY)
                logged_models['initialized'] = lm.model_id

                class Echo(mlflow.pyfunc.PythonModel):
                    def predict(self, context, model_input, params=None):
                        return model_input
                info = mlflow.pyfunc.log_model(name='pyfunc', python_model=Echo(), pip_requirements=['mlflow'])
                logged_models['pyfunc'] = info.model_id
        except Exception as e:
            SKIPPED['logged_models'] = f'{type(e).__name__}: {e}'
    else:
        SKIPPED['logged_models'] = f'MLflow {MLFLOW_VERSION} has no logged-model entity (3.0+)'

    lap(kind, 'logged_models')
    # Model registry.
    mname = 'oracle-model'
    c.create_registered_model(mname, tags={'team': 'ml', 'odd': '☕ <script>alert(1)</script>'}, description='Main model\nmultiline ☕')
    for i, role in enumerate(('parent', 'child', 'grandchild'), start=1):
        info = c.get_run(runs[role]).info
        c.create_model_version(mname, f'{info.artifact_uri}/model', run_id=info.run_id,
                               tags={'v': str(i), 'role': role}, description=f'version {i} from {role}')
    c.set_model_version_tag(mname, '1', 'validated', 'true')
    for alias, version in ALIASES.items():
        c.set_registered_model_alias(mname, alias, version)
    if MAJOR < 3:
        for version, stage in (('1', 'Archived'), ('2', 'Production'), ('3', 'Staging')):
            c.transition_model_version_stage(mname, version, stage)
    else:
        SKIPPED['stages'] = 'stages are deprecated in MLflow 3; only written with MLflow 2'
    c.create_registered_model('oracle-empty', tags={'note': 'no versions'})
    c.create_registered_model('oracle-gaps')
    info = c.get_run(runs['finished']).info
    for _ in range(3):
        c.create_model_version('oracle-gaps', f'{info.artifact_uri}/m', run_id=info.run_id)
    c.delete_model_version('oracle-gaps', '2')
    c.create_registered_model('oracle-gone')
    c.delete_registered_model('oracle-gone')
    if 'pyfunc' in logged_models:
        mv = mlflow.register_model(f'models:/{logged_models["pyfunc"]}', 'oracle-pyfunc')
        c.set_registered_model_alias('oracle-pyfunc', 'prod', mv.version)

    lap(kind, 'registry')
    # Permanently remove one deleted run and one deleted experiment (with its run) via `mlflow gc`.
    # One call with both lists: without --experiment-ids, gc also removes EVERY deleted experiment.
    args = ['gc', '--backend-store-uri', uri, '--run-ids', runs['deleted_gc'], '--experiment-ids', del_gc]
    cmd = [sys.executable, '-m', 'mlflow', *args]
    done = subprocess.run(cmd, env=dict(os.environ, MLFLOW_TRACKING_URI=uri), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f'{kind}: {" ".join(cmd)} failed:\n{done.stderr}')

    lap(kind, 'gc_subprocess')
    return {'uri': uri, 'experiments': exps, 'runs': runs, 'logged_models': logged_models,
            'gc_run_ids': [runs['deleted_gc'], runs['in_deleted_gc']], 'gc_experiment_ids': [del_gc],
            'deleted_run_ids': [runs['deleted_kept']], 'deleted_experiment_ids': [del_kept],
            'running_run_ids': [runs['running']]}


def child(kind):
    uri = f'file:{OUT}/mlruns' if kind == 'folder' else f'sqlite:///{OUT}/mlflow.db'
    lap(kind, 'import_mlflow')
    t = time.time()
    store = write(kind, uri)
    part = {'store': store, 'seconds': round(time.time() - t, 2),
            'laps': LAPS.get(kind, {}), 'notes': NOTES, 'skipped': SKIPPED, 'blocked': BLOCKED}
    with open(os.path.join(OUT, f'.part-{kind}.json'), 'w', encoding='utf-8') as f:
        json.dump(part, f)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in ('mlruns', 'mlflow.db', 'sqlite-artifacts', 'manifest.json'):
        if os.path.exists(os.path.join(OUT, name)):
            raise SystemExit(f'{OUT}/{name} already exists; give an empty folder')
    kinds = ('folder', 'sqlite')
    procs = {k: subprocess.Popen([sys.executable, __file__, OUT, '--store', k], cwd=OUT) for k in kinds}
    failed = [k for k, p in procs.items() if p.wait() != 0]
    if failed:
        raise SystemExit(f'writing the {" and ".join(failed)} store failed (see stderr above)')
    parts = {}
    for k in kinds:
        with open(os.path.join(OUT, f'.part-{k}.json'), encoding='utf-8') as f:
            parts[k] = json.load(f)
        os.remove(os.path.join(OUT, f'.part-{k}.json'))
    for p in parts.values():
        SKIPPED.update(p['skipped'])
    try:
        import psutil  # noqa: F401
        SKIPPED['system_metrics'] = 'psutil is installed, but system metrics are sampled over time (not deterministic): not written'
    except ImportError:
        SKIPPED['system_metrics'] = 'psutil is not installed in this venv (MLflow needs it for system metrics)'
    notes = [n for p in parts.values() for n in p['notes']]
    manifest = {
        'mlflow_version': MLFLOW_VERSION,
        'mlflow_major': MAJOR,
        'python': sys.version.split()[0],
        'seconds': {**{k: p['seconds'] for k, p in parts.items()}, 'total': round(time.time() - STARTED, 2),
                    'phases': {k: p['laps'] for k, p in parts.items()}},
        'stores': {k: p['store'] for k, p in parts.items()},
        'paths': {'folder': os.path.join(OUT, 'mlruns'), 'sqlite': os.path.join(OUT, 'mlflow.db'),
                  'sqlite_artifacts': os.path.join(OUT, 'sqlite-artifacts')},
        'written': [
            'experiments: oracle-main, oracle-history, odd-named, deleted-kept, deleted-gc (+ Default 0)',
            'runs: parent > child > grandchild (+ child-2), odd params/tags, metric edge cases, FAILED, KILLED, SCHEDULED, RUNNING, deleted',
            f'history: {HISTORY_STEPS} points of "loss" in run "long-history"',
            'registry: oracle-model (3 versions, tags, aliases), oracle-empty, oracle-gaps (version 2 deleted); oracle-gone deleted',
        ] + (['stages: v1 Archived, v2 Production, v3 Staging'] if MAJOR < 3 else [])
          + ([] if 'datasets' in SKIPPED else ['dataset "toy" (pandas) as a training input of run "with-dataset"'])
          + ([] if 'logged_models' in SKIPPED else ['logged models: oracle-lm (initialize_logged_model), pyfunc (log_model), registered as oracle-pyfunc']),
        'skipped': SKIPPED,
        'notes': notes,
        'expected': {
            'history_points': HISTORY_STEPS,
            'dup': {'step': 5, 'values': [1.0, 3.0, 2.0]},
            # long_param is 'p' * 4999 + 'P'; long_tag is 't' * 6999 + 'T'
            'long_values': {'param': ['long_param', 5000], 'tag': ['long_tag', 7000]},
            'odd_params': {k: str(v) for k, v in ODD_PARAMS.items() if not k.startswith('long')},
            'odd_tags': {k: v for k, v in ODD_TAGS.items() if not k.startswith('long')},
            'aliases': {'oracle-model': ALIASES},
        },
        # Seen with MLflow 2.22.5 and 3.17.2 on these stores; the smoke test asserts the first three.
        'quirks': [
            'exact duplicate points: mlruns keeps every line; SQL keeps one (the value is in the primary key)',
            '+-Inf: mlruns writes inf/-inf; SQL stores +-1.7976931348623157e308 (NaN: is_nan=1, value 0)',
            'deleting an experiment marks its runs deleted (lifecycle_stage + deleted_time) in both stores',
            'mlflow gc without --experiment-ids also hard-deletes every deleted experiment',
            'history order: mlruns in file order; SQL by (timestamp, step, value)',
            'alias targets: str from mlruns, int from SQL (oracle.py prints str)',
            'fluent runs have wall-clock times and mlflow.source.*/mlflow.user tags; client runs use explicit T0 times',
        ],
        'network_attempts_blocked': [b for p in parts.values() for b in p['blocked']],
        'env': ENV,
    }
    with open(os.path.join(OUT, 'manifest.json'), 'w', encoding='utf-8') as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)


if __name__ == '__main__':
    if ONLY:
        # MLflow resolves some paths against the cwd (the SQL store's Default experiment gets
        # ./mlruns/0): the SQL writer works from its own folder so it never touches <out>/mlruns.
        cwd = OUT if ONLY == 'folder' else os.path.join(OUT, 'sqlite-artifacts')
        os.makedirs(cwd, exist_ok=True)
        os.chdir(cwd)
        child(ONLY)
    else:
        main()
