"""Reads back everything on an MLflow tracking server with MLflow's own client, as JSON on stdout.

    python read_server.py <tracking-uri>

Non-finite metric values are written as the strings "NaN", "Infinity" and "-Infinity", so the
output is plain JSON.
"""
import json
import math
import sys

from mlflow import MlflowClient
from mlflow.entities import ViewType


def number(value):
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def artifacts(client, run_id, path=None):
    files = []
    for item in client.list_artifacts(run_id, path):
        if item.is_dir:
            files.extend(artifacts(client, run_id, item.path))
        else:
            files.append({"path": item.path, "size": item.file_size})
    return files


def main(uri):
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    out = {"experiments": [], "models": []}
    for experiment in client.search_experiments(view_type=ViewType.ALL):
        if experiment.name == "Default":
            continue
        runs = []
        for run in client.search_runs([experiment.experiment_id], run_view_type=ViewType.ALL, max_results=50000):
            metrics = {}
            for key in run.data.metrics:
                history = client.get_metric_history(run.info.run_id, key)
                metrics[key] = sorted(
                    ([m.step, m.timestamp, number(m.value)] for m in history),
                    key=lambda p: (p[0], p[1]),
                )
            runs.append({
                "run_id": run.info.run_id,
                "name": run.info.run_name,
                "status": run.info.status,
                "start_time": run.info.start_time,
                "end_time": run.info.end_time,
                "lifecycle_stage": run.info.lifecycle_stage,
                "params": run.data.params,
                "tags": run.data.tags,
                "latest": {k: number(v) for k, v in run.data.metrics.items()},
                "metrics": metrics,
                "artifacts": artifacts(client, run.info.run_id),
            })
        out["experiments"].append({
            "experiment_id": experiment.experiment_id,
            "name": experiment.name,
            "lifecycle_stage": experiment.lifecycle_stage,
            "tags": experiment.tags,
            "runs": runs,
        })
    for model in client.search_registered_models():
        versions = client.search_model_versions(f"name = '{model.name}'")
        out["models"].append({
            "name": model.name,
            "aliases": dict(model.aliases),
            "versions": sorted(
                ({"version": v.version, "run_id": v.run_id, "source": v.source, "tags": v.tags} for v in versions),
                key=lambda v: int(v["version"]),
            ),
        })
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
