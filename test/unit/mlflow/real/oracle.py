"""Prints one JSON document with what MLflow's own client reads from a tracking store, for the
importer's tests to compare against. Works for file: and sqlite: URIs with MLflow 2.x and 3.x.

Usage: <venv>/bin/python oracle.py <tracking_uri>
Floats that JSON cannot hold are the strings "NaN", "Infinity", "-Infinity". Metric histories are
in MLflow's order: file order for folder stores, (timestamp, step, value) for SQL stores.
"""
import json
import math
import os
import sys
import warnings

URI = sys.argv[1]
os.environ.update({
    'MLFLOW_TRACKING_URI': URI,
    'MLFLOW_REGISTRY_URI': URI,
    'MLFLOW_DISABLE_TELEMETRY': 'true',
    'DO_NOT_TRACK': 'true',
    'MLFLOW_ALLOW_FILE_STORE': 'true',  # MLflow 3.1x refuses file: stores without it
    'GIT_PYTHON_REFRESH': 'quiet',
    'HTTP_PROXY': 'http://127.0.0.1:9',
    'HTTPS_PROXY': 'http://127.0.0.1:9',
    'NO_PROXY': '',
})
warnings.filterwarnings('ignore')
import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import ViewType  # noqa: E402


def num(v):
    if v is None:
        return None
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return 'Infinity' if v > 0 else '-Infinity'
    return v


def pages(fetch):
    """Every item of a paged MLflow search."""
    items, token = [], None
    while True:
        page = fetch(token)
        items.extend(page)
        token = getattr(page, 'token', None)
        if not token:
            return items


def dataset_inputs(run):
    inputs = getattr(run, 'inputs', None)
    out = []
    for di in (getattr(inputs, 'dataset_inputs', None) or []):
        d = di.dataset
        out.append({'name': d.name, 'digest': d.digest, 'source_type': d.source_type, 'source': d.source,
                    'schema': d.schema, 'profile': d.profile, 'tags': {t.key: t.value for t in di.tags}})
    return out


def main():
    c = MlflowClient(URI, URI)
    exps = pages(lambda t: c.search_experiments(view_type=ViewType.ALL, max_results=1000, page_token=t))
    experiments = [{
        'experiment_id': e.experiment_id, 'name': e.name, 'lifecycle_stage': e.lifecycle_stage,
        'creation_time': getattr(e, 'creation_time', None), 'last_update_time': getattr(e, 'last_update_time', None),
        'artifact_location': e.artifact_location, 'tags': dict(e.tags),
    } for e in exps]
    exp_ids = [e.experiment_id for e in exps]

    found = pages(lambda t: c.search_runs(exp_ids, run_view_type=ViewType.ALL, max_results=50000, page_token=t)) if exp_ids else []
    runs = []
    for r in found:
        i, d = r.info, r.data
        history = {}
        for key in sorted(d.metrics):
            history[key] = [[m.step, m.timestamp, num(m.value)] for m in c.get_metric_history(i.run_id, key)]
        runs.append({
            'run_id': i.run_id, 'experiment_id': i.experiment_id, 'run_name': getattr(i, 'run_name', None),
            'status': i.status, 'start_time': i.start_time, 'end_time': i.end_time,
            'lifecycle_stage': i.lifecycle_stage, 'user_id': i.user_id, 'artifact_uri': i.artifact_uri,
            'params': dict(d.params), 'tags': dict(d.tags),
            'metrics': {k: num(v) for k, v in d.metrics.items()},
            'metric_history': history,
            'datasets': dataset_inputs(r),
        })

    models = []
    for rm in pages(lambda t: c.search_registered_models(max_results=1000, page_token=t)):
        name = rm.name
        quoted = name.replace("'", "\\'")
        versions = pages(lambda t: c.search_model_versions(f"name='{quoted}'", max_results=10000, page_token=t))
        # Version numbers as strings: the folder store gives alias targets as str, the SQL store as int.
        aliases = {a: str(v) for a, v in (getattr(rm, 'aliases', None) or {}).items()}
        models.append({
            'name': name, 'description': rm.description, 'creation_timestamp': rm.creation_timestamp,
            'tags': dict(rm.tags), 'aliases': aliases,
            'versions': sorted(({
                'version': str(v.version), 'run_id': v.run_id, 'source': v.source, 'status': v.status,
                'current_stage': v.current_stage, 'description': v.description, 'tags': dict(v.tags),
                'aliases': list(getattr(v, 'aliases', None) or []), 'model_id': getattr(v, 'model_id', None),
                'creation_timestamp': v.creation_timestamp,
            } for v in versions), key=lambda v: int(v['version'])),
            'by_alias': {a: str(c.get_model_version_by_alias(name, a).version) for a in sorted(aliases)},
        })

    logged_models = []
    if hasattr(c, 'search_logged_models') and exp_ids:
        for m in pages(lambda t: c.search_logged_models(exp_ids, max_results=1000, page_token=t)):
            logged_models.append({
                'model_id': m.model_id, 'experiment_id': m.experiment_id, 'name': m.name,
                'source_run_id': m.source_run_id, 'status': str(m.status), 'model_type': m.model_type,
                'tags': dict(m.tags), 'params': dict(m.params),
                'metrics': [{'key': x.key, 'value': num(x.value), 'step': x.step, 'run_id': x.run_id} for x in (m.metrics or [])],
            })

    json.dump({
        'mlflow_version': mlflow.__version__, 'tracking_uri': URI,
        'experiments': experiments, 'runs': runs, 'registered_models': models, 'logged_models': logged_models,
    }, sys.stdout, ensure_ascii=False, allow_nan=False)


if __name__ == '__main__':
    main()
