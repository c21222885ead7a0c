"""Writes a small MLflow SQLite store (<out>/mlflow.db) with MLflow's own client, then runs each
filter read from stdin (a JSON list) through MLflow's search_runs and prints, as JSON, the run ids
it returns or the error MLflow raises. `{rN}` in a filter stands for the id of run N.

Usage: <venv>/bin/python mlflow_filters.py <out_dir> < filters.json
"""
import json
import math
import os
import sys
import warnings

os.environ.update({
    'MLFLOW_DISABLE_TELEMETRY': 'true',
    'DO_NOT_TRACK': 'true',
    'MLFLOW_ENABLE_ASYNC_LOGGING': 'false',
    'GIT_PYTHON_REFRESH': 'quiet',
    'HTTP_PROXY': 'http://127.0.0.1:9',
    'HTTPS_PROXY': 'http://127.0.0.1:9',
    'NO_PROXY': '',
})
warnings.filterwarnings('ignore')

from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric, Param, RunTag  # noqa: E402

T0 = 1_700_000_000_000
OUT = os.path.abspath(sys.argv[1])
FILTERS = json.load(sys.stdin)

client = MlflowClient(tracking_uri=f'sqlite:///{os.path.join(OUT, "mlflow.db")}')
experiments = [client.create_experiment(name) for name in ('filters-a', 'filters-b')]
ids = []
for i in range(48):
    tags = {'dataset': f'v{1 + i % 3}-{"clean" if i % 2 else "raw"}', 'mlflow.user': 'alice' if i % 2 else 'bob'}
    if i % 8 == 0:
        tags['note'] = "it's"
    run = client.create_run(experiments[i % 2], start_time=T0 + i * 1000, tags=tags, run_name=f'r{i}' + ('-Best' if i % 9 == 0 else ''))
    run_id = run.info.run_id
    ids.append(run_id)
    params = {'batch_size': str(16 << i % 4), 'optimizer': ['adam', 'sgd', 'AdamW', 'Adam'][i % 4]}
    if i % 10 != 0:
        params['lr'] = ['0.1', '0.01', '0.001'][i % 3]
    if i % 6 == 0:
        params['model depth'] = str(i % 5)
    auc = 0.5 + (i * 37 % 100) / 200
    metrics = [Metric('val_auc', auc - 0.1 * (3 - step), T0 + i * 1000 + step, step) for step in range(3)]
    metrics.append(Metric('val_auc', auc, T0 + i * 1000 + 3, 3))
    # A later timestamp at an earlier step does not make a value the latest: step comes first.
    metrics.append(Metric('loss', 0.25 + i % 5 / 10, T0 + i * 1000 + 10, 5))
    metrics.append(Metric('loss', 9.0, T0 + i * 1000 + 99, 4))
    if i % 7 == 0:  # two values at one step and timestamp: MLflow's latest is the larger
        metrics.append(Metric('acc', 0.3, T0 + i * 1000, 0))
        metrics.append(Metric('acc', 0.6, T0 + i * 1000, 0))
    client.log_batch(run_id, metrics=metrics, params=[Param(k, v) for k, v in params.items()])
    client.set_terminated(run_id, ['FINISHED', 'FINISHED', 'FAILED', 'KILLED'][i % 4] if i % 5 else 'FINISHED', end_time=T0 + i * 1000 + 500 + i)

results = []
for template in FILTERS:
    text = template
    for n in range(len(ids) - 1, -1, -1):
        text = text.replace('{r%d}' % n, ids[n])
    try:
        found = client.search_runs(experiments, filter_string=text, max_results=1000)
        results.append({'filter': text, 'ids': sorted(r.info.run_id for r in found)})
    except Exception as error:  # MLflow rejects it: the test only compares what MLflow accepts
        results.append({'filter': text, 'error': str(error).splitlines()[0]})
print(json.dumps({'ids': ids, 'results': results}))
