"""Our side of test/bench/mlflowPeer.bench.ts: the same points as mlflow_side.py logs, through
`import ml_lifecycle`, each way into a fresh store. Prints one JSON object on stdout.

    ml_lifecycle_side.py <folder> <json>
"""
import json
import os
import sys
import time

import ml_lifecycle


def value(step, key_index):
    """The same values the MLflow side logs."""
    return ((step * 31 + key_index * 7) % 1000) / 1000


def main():
    folder, args = sys.argv[1], json.loads(sys.argv[2])
    keys = ["m%d" % k for k in range(args["keys"])]
    points = args["steps"] * len(keys)
    out = {}
    # Timed up to end(): the points are on disk then, as they are after each MLflow call. CPU time
    # counts every thread of the process, the logger's background writer too.
    run = ml_lifecycle.start_run(experiment="peer-log", name="log_metric-per-point", store=os.path.join(folder, "per-point", "store.sqlite"))
    started, cpu = time.perf_counter(), time.process_time()
    for step in range(points):
        run.log_metric("loss", value(step, 0), step=step)
    run.end()
    out["perPoint"] = {"points": points, "seconds": time.perf_counter() - started, "cpuSeconds": time.process_time() - cpu}
    run = ml_lifecycle.start_run(experiment="peer-log", name="log_metrics-per-step", store=os.path.join(folder, "per-step", "store.sqlite"))
    started, cpu = time.perf_counter(), time.process_time()
    for step in range(args["steps"]):
        run.log_metrics({key: value(step, k) for k, key in enumerate(keys)}, step=step)
    run.end()
    out["perStep"] = {"points": points, "seconds": time.perf_counter() - started, "cpuSeconds": time.process_time() - cpu}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
