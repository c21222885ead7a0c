"""The MLflow side of test/bench/mlflowPeer.bench.ts, run by the mlflow3 venv's Python.

    mlflow_side.py log  <mlflow.db> <json>   time fluent logging (per point, per step)
    mlflow_side.py seed <mlflow.db> <json>   add the read runs and the spike run
    mlflow_side.py read <mlflow.db> <json>   time MLflow's reads and sample the spike run

Prints one JSON object on stdout. Everything stays on the local disk: the tracking URI is a
sqlite:/// file and telemetry is off (the bench sets the environment too).
"""
import json
import math
import os
import random
import sqlite3
import sys
import time

os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ["DO_NOT_TRACK"] = "true"

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402

T0 = 1_700_000_000_000


def value(step, key_index):
    """The same values the ml_lifecycle side logs."""
    return ((step * 31 + key_index * 7) % 1000) / 1000


def timed(points_per_call, calls, budget, call):
    """Wall and CPU time of up to `calls` calls, stopping once `budget` seconds have passed."""
    wall, cpu, done = time.perf_counter(), time.process_time(), 0
    while done < calls and (done % 100 or time.perf_counter() - wall < budget):
        call(done)
        done += 1
    return {"points": done * points_per_call, "seconds": time.perf_counter() - wall, "cpuSeconds": time.process_time() - cpu}


def log(args):
    mlflow.set_experiment("peer-log")
    keys = ["m%d" % k for k in range(args["keys"])]
    out = {}
    # Every call is its own transaction (a few hundred a second), so each path is timed over a
    # prefix: up to its point count or its time budget, whichever comes first.
    with mlflow.start_run(run_name="log_metric-per-point"):
        out["perPoint"] = timed(1, args["perPointPrefix"], args["budgetSeconds"], lambda step: mlflow.log_metric("loss", value(step, 0), step=step))
    with mlflow.start_run(run_name="log_metrics-per-step"):
        out["perStep"] = timed(len(keys), args["steps"], args["budgetSeconds"], lambda step: mlflow.log_metrics({key: value(step, k) for k, key in enumerate(keys)}, step=step))
    return out


def walk(rng, steps):
    """A bounded random walk around 1.0: values in [0.5, 1.5]."""
    v, values = 1.0, []
    for _ in range(steps):
        v = min(1.5, max(0.5, v + rng.uniform(-0.01, 0.01)))
        values.append(v)
    return values


def seed(args):
    """Runs are made by MLflow; their points are inserted with SQL into the schema MLflow created
    (MLflow's own log_batch manages about 11,000 points/s: 100 s for these 1.1 million)."""
    client = MlflowClient()
    experiment = client.create_experiment("peer-read")
    steps = args["steps"]
    runs = []
    for i in range(args["runs"]):
        runs.append(client.create_run(experiment, run_name="read-%d" % i, start_time=T0).info.run_id)
    spike_run = client.create_run(experiment, run_name="spikes", start_time=T0).info.run_id
    for run_id in runs + [spike_run]:
        client.set_terminated(run_id, end_time=T0 + steps * 10)

    rng = random.Random(7)
    rows = []
    for run_id in runs:
        for step, v in enumerate(walk(rng, steps)):
            rows.append(("loss", v, T0 + step * 10, run_id, step, 0))
    # 50 single-step spikes, at least 1,500 steps apart (never two in one chart column at these
    # widths), alternately up and down, each a distinct value.
    base = walk(rng, steps)
    spikes = []
    for i in range(args["spikes"]):
        step = 1000 + 2000 * i + rng.randrange(500)
        size = 5 + i / 8
        base[step] = base[step] + size if i % 2 == 0 else base[step] - size
        spikes.append({"step": step, "value": base[step]})
    for step, v in enumerate(base):
        rows.append(("loss", v, T0 + step * 10, spike_run, step, 0))

    db = sqlite3.connect(args["db"])
    db.execute("PRAGMA synchronous = OFF")  # seeding only; the timed reads come after
    with db:
        db.executemany("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)", rows)
        db.execute(
            "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) "
            "SELECT key, value, timestamp, step, is_nan, run_uuid FROM metrics WHERE step = ? AND run_uuid IN (%s)" % ",".join("?" * (len(runs) + 1)),
            [steps - 1, *runs, spike_run],
        )
    db.close()
    return {"runs": runs, "spikeRun": spike_run, "spikes": spikes}


def read(args):
    client = MlflowClient()
    store = mlflow.tracking._get_store()  # what the REST server's handlers call
    runs = args["runs"]
    out = {}
    started = time.perf_counter()
    histories = [client.get_metric_history(run_id, "loss") for run_id in runs]
    out["historyMs"] = (time.perf_counter() - started) * 1000
    out["historyPoints"] = sum(len(h) for h in histories)
    del histories
    # The sampled read MLflow's UI charts use (GetMetricHistoryBulkInterval).
    for max_results in args["maxResults"]:
        started = time.perf_counter()
        sampled = store.get_metric_history_bulk_interval(runs, "loss", max_results, None, None)
        out["bulkMs%d" % max_results] = (time.perf_counter() - started) * 1000
        out["bulkPoints%d" % max_results] = len(sampled)
        spike = store.get_metric_history_bulk_interval([args["spikeRun"]], "loss", max_results, None, None)
        out["spikes%d" % max_results] = [[m.step, m.value if not math.isnan(m.value) else None] for m in spike]
    return out


def main():
    command, db, args = sys.argv[1], os.path.abspath(sys.argv[2]), json.loads(sys.argv[3])
    mlflow.set_tracking_uri("sqlite:///" + db)
    args["db"] = db
    result = {"log": log, "seed": seed, "read": read}[command](args)
    result["mlflowVersion"] = mlflow.__version__
    print(json.dumps(result))


if __name__ == "__main__":
    main()
