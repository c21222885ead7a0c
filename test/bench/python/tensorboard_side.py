"""TensorBoard's own loader on a logdir, for the bench: EventAccumulator with no sampling limit.

    python tensorboard_side.py RUN_DIR

Prints {"seconds": ..., "points": ...} on the last line: the time of Reload(), which reads every
record, and the scalar points it then holds.
"""
import json
import sys
import time

from tensorboard.backend.event_processing import event_accumulator


def main(run_dir):
    accumulator = event_accumulator.EventAccumulator(run_dir, size_guidance={event_accumulator.SCALARS: 0}, purge_orphaned_data=False)
    started = time.perf_counter()
    accumulator.Reload()
    seconds = time.perf_counter() - started
    points = sum(len(accumulator.Scalars(tag)) for tag in accumulator.Tags()["scalars"])
    print(json.dumps({"seconds": seconds, "points": points}))


if __name__ == "__main__":
    main(sys.argv[1])
