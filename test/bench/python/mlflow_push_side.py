"""MLflow's own client uploading the push bench's data to a tracking server with log_batch.

    python mlflow_push_side.py <tracking-uri> <runs> <keys> <steps>

The same values as the push bench's store (value = run + key / 100 + step / 10,000), 1,000 points
a log_batch call (MLflow's limit), one call after another as the client does. Prints JSON
{"points": n, "seconds": s}.
"""
import json
import sys
import time

from mlflow import MlflowClient
from mlflow.entities import Metric


def main(uri, runs, keys, steps):
    client = MlflowClient(tracking_uri=uri)
    experiment = client.create_experiment(f"mlflow-client-{time.time_ns()}")
    t0 = 1_750_000_000_000
    started = time.perf_counter()
    points = 0
    for r in range(runs):
        run = client.create_run(experiment, run_name=f"run-{r}")
        batch = []
        for k in range(keys):
            for s in range(steps):
                batch.append(Metric(f"m{k}", r + k / 100 + s / 10_000, t0 + s, s))
                if len(batch) == 1000:
                    client.log_batch(run.info.run_id, metrics=batch)
                    points += len(batch)
                    batch = []
        if batch:
            client.log_batch(run.info.run_id, metrics=batch)
            points += len(batch)
        client.set_terminated(run.info.run_id)
    print(json.dumps({"points": points, "seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
