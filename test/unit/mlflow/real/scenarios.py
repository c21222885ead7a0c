"""Small stores written by the real MLflow, one scenario per command, for the importer's defect tests.

    python scenarios.py <command> <tracking uri> [args...]

Each command prints one JSON object (ids the test needs). Only MLflow's own API writes the store.
"""
import json
import os
import subprocess
import sys

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")
os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric  # noqa: E402

T0 = 1_700_000_000_000


def client(uri):
    mlflow.set_tracking_uri(uri)
    return MlflowClient(uri)


def new_run(c, experiment, name):
    found = c.get_experiment_by_name(experiment)
    experiment_id = found.experiment_id if found else c.create_experiment(experiment)
    return c.create_run(experiment_id, run_name=name).info.run_id


def dups(uri):
    """Three values of one metric at the same step and timestamp, twice, and one plain history."""
    c = client(uri)
    run = new_run(c, "dups", "same-step")
    c.log_batch(run, metrics=[Metric("loss", v, T0 + 5, 5) for v in (1.0, 3.0, 2.0)])
    c.log_batch(run, metrics=[Metric("loss", v, T0 + 9, 9) for v in (0.5, -1.0)])
    c.log_batch(run, metrics=[Metric("acc", i / 10, T0 + i, i) for i in range(10)])
    c.set_terminated(run, "FINISHED")
    return {"run": run}


def log_more(uri, run, start):
    """Ten more points of "acc" in an existing run, from step `start`."""
    c = client(uri)
    start = int(start)
    c.log_batch(run, metrics=[Metric("acc", i / 10, T0 + i, i) for i in range(start, start + 10)])
    return {"run": run}


def tail_run(uri):
    """A run logged after the others, so its metric rows end the table."""
    c = client(uri)
    run = new_run(c, "dups", "tail")
    c.log_batch(run, metrics=[Metric("loss", i, T0 + i, i) for i in range(50)])
    c.set_terminated(run, "FINISHED")
    return {"run": run}


def delete_gc(uri, *run_ids):
    """Deletes the runs, then removes them for good with `mlflow gc`, as a user does."""
    c = client(uri)
    for run in run_ids:
        c.delete_run(run)
    args = [sys.executable, "-m", "mlflow", "gc", "--backend-store-uri", uri, "--run-ids", ",".join(run_ids)]
    subprocess.run(args, check=True, capture_output=True)
    return {"gc": list(run_ids)}


def registry(uri):
    """A model with two versions and an alias; the run that made them."""
    c = client(uri)
    run = new_run(c, "models", "trainer")
    c.set_terminated(run, "FINISHED")
    c.create_registered_model("churn")
    for _ in range(2):
        c.create_model_version("churn", f"runs:/{run}/model", run)
    c.set_registered_model_alias("churn", "champion", "2")
    return {"run": run}


COMMANDS = {"dups": dups, "log-more": log_more, "tail-run": tail_run, "delete-gc": delete_gc, "registry": registry}

if __name__ == "__main__":
    command, uri, *rest = sys.argv[1:]
    print(json.dumps(COMMANDS[command](uri, *rest)))
