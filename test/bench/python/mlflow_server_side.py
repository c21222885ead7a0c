"""The MLflow side of test/bench/mlflowServerBrowse.bench.ts, run by the mlflowserver venv's Python
against the bench's local `mlflow server` (127.0.0.1, PostgreSQL).

    mlflow_server_side.py seed    <uri> <database> <runs> <history_runs> <steps>   fill the server
    mlflow_server_side.py search  <uri> <experiment_id>                 time MlflowClient.search_runs, 1000 a page
    mlflow_server_side.py history <uri> <run_id,...> <key>              time MlflowClient.get_metric_history per run

Prints one JSON object on stdout.
"""
import json
import os
import sys
import time

os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ["DO_NOT_TRACK"] = "true"

from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric, Param, RunTag  # noqa: E402

T0 = 1_700_000_000_000


def seed(uri, database, runs, history_runs, steps):
    """One template run of each kind through MLflow's client, then copies of it made in PostgreSQL
    (log_batch over REST would take half an hour for 10,000 runs and 1,000,000 points)."""
    import psycopg2

    started = time.perf_counter()
    client = MlflowClient(uri)
    templates = client.create_experiment("bench-templates")
    listed = client.create_experiment("bench-list")
    charted = client.create_experiment("bench-history")
    small = client.create_run(templates, start_time=T0, run_name="run")
    client.log_batch(
        small.info.run_id,
        metrics=[Metric("loss", 0.5, T0, 0), Metric("acc", 0.1, T0, 0)],
        params=[Param("lr", "0.1"), Param("depth", "3")],
        tags=[RunTag("team", "bench")],
    )
    client.set_terminated(small.info.run_id, end_time=T0 + 1000)
    long = client.create_run(templates, start_time=T0, run_name="long")
    client.log_batch(long.info.run_id, metrics=[Metric("loss", 0.0, T0 + steps - 1, steps - 1)])
    client.set_terminated(long.info.run_id, end_time=T0 + steps)

    conn = psycopg2.connect(database)
    cur = conn.cursor()
    cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'runs' ORDER BY ordinal_position")
    columns = [row[0] for row in cur.fetchall()]

    def clone(template, experiment, count, prefix):
        cur.execute("DROP TABLE IF EXISTS ids")
        cur.execute("CREATE TEMP TABLE ids AS SELECT g, md5(%s || g) AS id FROM generate_series(1, %s) g", (prefix, count))
        pick = {
            "run_uuid": "ids.id",
            "name": f"'{prefix}-' || g",
            "start_time": "r.start_time + g",
            "experiment_id": str(int(experiment)),
            "artifact_uri": "replace(r.artifact_uri, r.run_uuid, ids.id)",
        }
        select = ", ".join(pick.get(c, f"r.{c}") for c in columns)
        cur.execute(f"INSERT INTO runs ({', '.join(columns)}) SELECT {select} FROM runs r, ids WHERE r.run_uuid = %s", (template,))
        cur.execute(
            f"INSERT INTO tags (key, value, run_uuid) SELECT t.key, CASE WHEN t.key = 'mlflow.runName' THEN '{prefix}-' || g ELSE t.value END, ids.id FROM tags t, ids WHERE t.run_uuid = %s",
            (template,),
        )
        cur.execute("INSERT INTO params (key, value, run_uuid) SELECT p.key, p.value, ids.id FROM params p, ids WHERE p.run_uuid = %s", (template,))
        cur.execute(
            "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) SELECT m.key, m.value, m.timestamp, m.step, m.is_nan, ids.id FROM latest_metrics m, ids WHERE m.run_uuid = %s",
            (template,),
        )
        cur.execute("SELECT id FROM ids ORDER BY g")
        return [row[0] for row in cur.fetchall()]

    clone(small.info.run_id, listed, runs, "run")
    cur.execute(
        "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) SELECT m.key, m.value, m.timestamp, ids.id, m.step, m.is_nan FROM metrics m, ids WHERE m.run_uuid = %s",
        (small.info.run_id,),
    )
    ids = clone(long.info.run_id, charted, history_runs, "long")
    cur.execute(
        "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) SELECT 'loss', ((s * 31 + g * 7) %% 1000) / 1000.0, %s + s, ids.id, s, false FROM ids, generate_series(0, %s) s",
        (T0, steps - 1),
    )
    cur.execute(
        "UPDATE latest_metrics l SET value = m.value FROM metrics m, ids WHERE l.run_uuid = ids.id AND m.run_uuid = ids.id AND m.key = l.key AND m.step = l.step AND m.timestamp = l.timestamp"
    )
    conn.commit()
    conn.close()
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
        result = seed(uri, rest[0], int(rest[1]), int(rest[2]), int(rest[3]))
    elif command == "search":
        result = search(uri, rest[0])
    else:
        result = history(uri, rest[0], rest[1])
    print(json.dumps(result))
