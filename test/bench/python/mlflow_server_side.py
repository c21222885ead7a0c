"""The MLflow side of test/bench/mlflowServerBrowse.bench.ts, run by the mlflowserver venv's Python
against the bench's local `mlflow server` (127.0.0.1, PostgreSQL).

    mlflow_server_side.py seed    <uri> <runs> <history_runs> <steps>   fill the server (log_batch, 8 threads)
    mlflow_server_side.py search  <uri> <experiment_id>                 time MlflowClient.search_runs, 1000 a page
    mlflow_server_side.py history <uri> <run_id,...> <key>              time MlflowClient.get_metric_history per run

Prints one JSON object on stdout.
"""
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ["DO_NOT_TRACK"] = "true"

from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric, Param, RunTag  # noqa: E402

T0 = 1_700_000_000_000


def seed(uri, runs, history_runs, steps):
    client = MlflowClient(uri)
    listed = client.create_experiment("bench-list")
    charted = client.create_experiment("bench-history")

    def list_run(i):
        run = client.create_run(listed, start_time=T0 + i, run_name=f"run-{i}")
        client.log_batch(
            run.info.run_id,
            metrics=[Metric("loss", 1 / (i + 1), T0 + i, 0), Metric("acc", i / runs, T0 + i, 0)],
            params=[Param("lr", str(i % 10)), Param("depth", str(i % 7))],
            tags=[RunTag("team", "bench")],
        )
        client.set_terminated(run.info.run_id, end_time=T0 + i + 1000)

    def history_run(i):
        run = client.create_run(charted, start_time=T0, run_name=f"long-{i}")
        for start in range(0, steps, 1000):
            client.log_batch(run.info.run_id, metrics=[Metric("loss", ((s * 31 + i * 7) % 1000) / 1000, T0 + s, s) for s in range(start, min(steps, start + 1000))])
        client.set_terminated(run.info.run_id, end_time=T0 + steps)
        return run.info.run_id

    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(list_run, range(runs)))
        ids = list(pool.map(history_run, range(history_runs)))
    return {"listExperiment": listed, "historyExperiment": charted, "historyRuns": ids, "seconds": time.perf_counter() - started}


def search(uri, experiment_id):
    client = MlflowClient(uri)
    started = time.perf_counter()
    runs, token = 0, None
    while True:
        page = client.search_runs([experiment_id], max_results=1000, page_token=token)
        runs += len(page)
        token = page.token
        if not token:
            break
    return {"runs": runs, "seconds": time.perf_counter() - started}


def history(uri, run_ids, key):
    client = MlflowClient(uri)
    started = time.perf_counter()
    points = sum(len(client.get_metric_history(run_id, key)) for run_id in run_ids.split(","))
    return {"points": points, "seconds": time.perf_counter() - started}


if __name__ == "__main__":
    command, uri, *rest = sys.argv[1:]
    if command == "seed":
        result = seed(uri, int(rest[0]), int(rest[1]), int(rest[2]))
    elif command == "search":
        result = search(uri, rest[0])
    else:
        result = history(uri, rest[0], rest[1])
    print(json.dumps(result))
