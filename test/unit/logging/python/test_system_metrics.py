"""System metrics of python/ml_lifecycle.py, on real store files and real child processes. Run by
test/unit/logging/python.test.ts with ML_LIFECYCLE_SYSTEM_METRICS=false in the environment, so each
test here turns them on itself."""

import io
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import unittest
from unittest import mock

import ml_lifecycle as mll

PYTHON_DIR = os.path.dirname(os.path.abspath(mll.__file__))
# MLflow's keys (mlflow/system_metrics/metrics/*_monitor.py) and this module's own.
MLFLOW_KEYS = {
    "system/cpu_utilization_percentage", "system/system_memory_usage_megabytes", "system/system_memory_usage_percentage",
    "system/disk_usage_percentage", "system/disk_usage_megabytes", "system/disk_available_megabytes",
    "system/network_receive_megabytes", "system/network_transmit_megabytes",
}
OUR_KEYS = {"system/process_cpu_utilization_percentage", "system/process_memory_rss_megabytes", "system/disk_read_megabytes", "system/disk_write_megabytes"}


class SystemMetricsTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="mll-sys-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.store = os.path.join(self.dir, ".ml-lifecycle", "store.sqlite")
        patcher = mock.patch.dict(os.environ, {mll.SYSTEM_METRICS_ENV: "true"})
        patcher.start()
        self.addCleanup(patcher.stop)
        self.addCleanup(mll._system_settings.clear)

    def points(self, run_id=None):
        conn = sqlite3.connect(self.store)
        try:
            sql = "SELECT m.key, m.step, m.value FROM metrics m JOIN runs r ON r.id = m.run_id WHERE r.uuid = coalesce(?, r.uuid) ORDER BY m.key, m.step"
            history = {}
            for key, step, value in conn.execute(sql, (run_id,)):
                history.setdefault(key, []).append((step, value))
            return history
        finally:
            conn.close()

    def test_a_training_child_gets_samples_under_mlflows_names_that_follow_its_cpu_and_memory(self):
        code = """
            import time
            import ml_lifecycle as mll
            with mll.start_run(experiment="sys", system_metrics_interval=0.2) as run:
                time.sleep(0.7)  # idle samples first
                kept = b"x" * 200_000_000  # written, so resident
                busy_until = time.process_time() + 1.0  # one CPU second, however loaded the machine is
                while time.process_time() < busy_until:
                    pass
                time.sleep(0.5)
                print(run.id)
        """
        env = dict(os.environ, PYTHONPATH=PYTHON_DIR, ML_LIFECYCLE_STORE=self.store)
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stderr, "", "every source works here")
        history = self.points(done.stdout.strip())
        gpus = {key for key in history if key.startswith("system/gpu_")}
        self.assertEqual(set(history) - gpus, MLFLOW_KEYS | OUR_KEYS)
        lengths = {key: len(points) for key, points in history.items()}
        self.assertEqual(len(set(lengths.values())), 1, "every key in every sample: %r" % lengths)
        samples = next(iter(lengths.values()))
        self.assertGreaterEqual(samples, 4, "samples every 0.2 s, and one at the end")
        for key, points in history.items():
            self.assertEqual([step for step, _ in points], list(range(samples)), key)
            self.assertTrue(all(value is not None and math.isfinite(value) for _, value in points), key)
        memory = [value for _, value in history["system/process_memory_rss_megabytes"]]
        self.assertGreaterEqual(memory[-1] - memory[0], 150, "the 200 MB the child holds: %r" % memory)
        cpu = [value for _, value in history["system/process_cpu_utilization_percentage"]]
        self.assertLess(cpu[0], 50, "idle at first: %r" % cpu)
        self.assertGreaterEqual(max(cpu) - cpu[0], 15, "busy later: %r" % cpu)
        for key in ("system/cpu_utilization_percentage", "system/system_memory_usage_percentage", "system/disk_usage_percentage"):
            self.assertTrue(all(0 <= value <= 100 for _, value in history[key]), key)

    def test_turned_off_by_env_by_setting_or_by_argument_and_on_again_by_argument(self):
        def keys(**kwargs):
            run = mll.start_run(experiment="sys", store=self.store, **kwargs)
            run.log_metric("loss", 1.0)
            run.end()
            return sorted(key for key in self.points(run.id) if key != "loss")

        self.assertLessEqual(MLFLOW_KEYS | OUR_KEYS, set(keys()), "on by default: one sample at the end")
        self.assertEqual(keys(log_system_metrics=False), [])
        with mock.patch.dict(os.environ, {mll.SYSTEM_METRICS_ENV: "false"}):
            self.assertEqual(keys(), [])
            self.assertTrue(keys(log_system_metrics=True))
        mll.disable_system_metrics_logging()
        self.assertEqual(keys(), [])
        mll.enable_system_metrics_logging()
        self.assertTrue(keys())

    def test_the_interval_comes_from_the_argument_the_setting_or_the_env_and_bad_ones_are_refused(self):
        plan = mll._system_metrics_plan
        self.assertEqual(plan(None, None), (True, 10.0))
        with mock.patch.dict(os.environ, {mll.SYSTEM_METRICS_INTERVAL_ENV: "2.5"}):
            self.assertEqual(plan(None, None), (True, 2.5))
            mll.set_system_metrics_sampling_interval(4)
            self.assertEqual(plan(None, None), (True, 4.0))
            self.assertEqual(plan(None, 0.5), (True, 0.5))
        with mock.patch.dict(os.environ, {mll.SYSTEM_METRICS_INTERVAL_ENV: "soon"}):
            mll.set_system_metrics_sampling_interval(None)
            with self.assertRaisesRegex(mll.InputError, r"^\$ML_LIFECYCLE_SYSTEM_METRICS_INTERVAL: the sampling interval 'soon' is not a positive number of seconds\.$"):
                plan(None, None)
        with self.assertRaisesRegex(mll.InputError, "system_metrics_interval"):
            mll.start_run(experiment="sys", store=self.store, system_metrics_interval=0)
        self.assertIsNone(mll.active_run(), "nothing started")

    def test_a_failing_source_is_dropped_with_one_line_and_the_others_carry_on(self):
        stderr = io.StringIO()
        with mock.patch.object(mll._DiskSource, "sample", side_effect=OSError("statvfs failed")), mock.patch.object(sys, "stderr", stderr):
            run = mll.start_run(experiment="sys", store=self.store, system_metrics_interval=0.05)
            while len(self.points(run.id).get("system/process_memory_rss_megabytes", [])) < 2:
                run.flush()
            run.end()
        lines = stderr.getvalue().splitlines()
        self.assertEqual(lines, ["ml_lifecycle: run %s: system metrics: disk space skipped (OSError: statvfs failed)" % run.id])
        history = self.points(run.id)
        self.assertNotIn("system/disk_usage_percentage", history)
        self.assertIn("system/cpu_utilization_percentage", history)
        self.assertEqual(run.status, "FINISHED")

    def test_a_resumed_run_continues_the_sample_steps(self):
        run = mll.start_run(experiment="sys", store=self.store)
        run.end()
        mll.start_run(run_id=run.id, store=self.store).end()
        self.assertEqual([step for step, _ in self.points(run.id)["system/cpu_utilization_percentage"]], [0, 1])

    def test_mlflow_style_runs_number_samples_too(self):
        run = mll.start_run(run_name="mlflow-style", store=self.store)
        self.assertTrue(run.mlflow_style)
        run._sampler._sample()
        run.end()
        self.assertEqual([step for step, _ in self.points(run.id)["system/process_cpu_utilization_percentage"]], [0, 1])


if __name__ == "__main__":
    unittest.main()
