"""Tests of python/ml_lifecycle.py on real store files. Run by test/unit/logging/python.test.ts:

    PYTHONPATH=python python3 -m unittest discover -s test/unit/logging/python
"""

import ast
import hashlib
import json
import math
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest

import ml_lifecycle as mll

MODULE_FILE = mll.__file__
PYTHON_DIR = os.path.dirname(os.path.abspath(MODULE_FILE))


class StoreTest(unittest.TestCase):
    """Each test gets a temp folder and a store path inside it; no run stays active."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="mll-py-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.store = os.path.join(self.dir, ".ml-lifecycle", "store.sqlite")
        self.addCleanup(self._end_leftovers)

    def _end_leftovers(self):
        while mll.active_run() is not None:
            mll.end_run()
        mll._chosen_experiment.clear()  # set_experiment() is process-wide

    def db(self):
        conn = sqlite3.connect(self.store)
        self.addCleanup(conn.close)
        return conn

    def start(self, **kwargs):
        kwargs.setdefault("experiment", "exp")
        return mll.start_run(store=self.store, **kwargs)

    def child(self, code, env=None, expect_code=None, cwd=None):
        """Runs code in a fresh Python with the logger importable; returns the CompletedProcess."""
        full_env = dict(os.environ, PYTHONPATH=PYTHON_DIR, ML_LIFECYCLE_STORE=self.store)
        full_env.pop(mll.RUN_ID_ENV, None)
        full_env.update(env or {})
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=full_env, cwd=cwd or self.dir, capture_output=True, text=True, timeout=60)
        if expect_code is not None:
            self.assertEqual(done.returncode, expect_code, done.stderr)
        return done


class RoundTrip(StoreTest):
    def test_params_tags_metrics_and_run_columns(self):
        with self.start(name="first", params={"lr": 0.1, "layers": [64, 32]}, tags={"dataset": "v1"}) as run:
            run.log_param("batch", 32)
            run.log_metric("loss", 0.5, step=0)
            run.log_metric("loss", 0.25, step=1)
            run.log_metrics({"acc": 0.9, "f1": 0.8}, step=1)
            run.set_tags({"note": "ok"})
        db = self.db()
        row = db.execute("SELECT uuid, name, status, end_time >= start_time, source, host, user_name, entry_point FROM runs").fetchone()
        self.assertEqual(row[0], run.id)
        self.assertEqual(len(run.id), 32)
        self.assertEqual(row[1:5], ("first", "FINISHED", 1, "python"))
        self.assertTrue(row[5] and row[6])
        self.assertEqual(dict(db.execute("SELECT key, value FROM params")), {"lr": "0.1", "layers": "[64, 32]", "batch": "32"})
        tags = dict(db.execute("SELECT key, value FROM tags"))
        self.assertEqual(tags["dataset"], "v1")
        self.assertEqual(tags["note"], "ok")
        self.assertEqual(tags["ml_lifecycle.python_version"].split(".")[0], "3")
        self.assertEqual(db.execute("SELECT key, step, value FROM metrics ORDER BY key, step").fetchall(), [("acc", 1, 0.9), ("f1", 1, 0.8), ("loss", 0, 0.5), ("loss", 1, 0.25)])
        self.assertEqual(db.execute("SELECT name FROM experiments").fetchall(), [("exp",)])
        self.assertEqual(db.execute("SELECT entity, action FROM audit_log").fetchall(), [("experiment", "create")])

    def test_metric_dirty_covers_every_step_written(self):
        with self.start() as run:
            for step in (5, 3, 9):
                run.log_metric("loss", step, step=step)
            run.flush()
            run.log_metric("loss", 1.0, step=20)
        self.assertEqual(self.db().execute("SELECT key, lo, hi FROM metric_dirty").fetchall(), [("loss", 3, 20)])

    def test_nan_and_infinities_are_stored_faithfully(self):
        with self.start() as run:
            run.log_metric("x", float("nan"), step=0)
            run.log_metric("x", float("inf"), step=1)
            run.log_metric("x", float("-inf"), step=2)
            run.log_metric("x", -0.0, step=3)
            run.log_metric("x", 10**300, step=4)
        values = [v for (v,) in self.db().execute("SELECT value FROM metrics ORDER BY step")]
        self.assertIsNone(values[0])
        self.assertEqual(values[1:4], [math.inf, -math.inf, 0.0])
        self.assertEqual(math.copysign(1.0, values[3]), -1.0, "-0.0 keeps its sign (schema 8)")
        self.assertEqual(values[4], 1e300)
        self.assertEqual(self.db().execute("SELECT typeof(value) FROM metrics WHERE step IN (3, 4)").fetchall(), [("real",), ("real",)])

    def test_numbers_a_float_cannot_hold_are_refused_with_a_short_message(self):
        from decimal import Decimal

        with self.start() as run:
            with self.assertRaisesRegex(mll.InputError, r"^metric 'x': '1E\+400' is too large for a 64-bit float\.$"):
                run.log_metric("x", Decimal("1e400"))
            with self.assertRaisesRegex(mll.InputError, "too small for a 64-bit float"):
                run.log_metric("x", Decimal("1e-400"))
            with self.assertRaises(mll.InputError) as caught:
                run.log_metric("x", 10**5000)  # str() of it would raise on Python 3.11+
            self.assertEqual(str(caught.exception), "metric 'x': an integer of about 5,000 digits is too large for a 64-bit float.")
            run.log_metric("x", Decimal("-0"), step=0)
        self.assertEqual([math.copysign(1.0, v) for (v,) in self.db().execute("SELECT value FROM metrics")], [-1.0])

    def test_steps_count_up_per_key_from_the_highest_step(self):
        with self.start() as run:
            for _ in range(3):
                run.log_metric("a", 1.0)
            run.log_metric("b", 1.0)
            run.log_metric("a", 1.0, step=10)
            run.log_metric("a", 1.0)
            run.log_metric("a", 1.0, step=4)
            run.log_metric("a", 1.0)
        steps = self.db().execute("SELECT key, step FROM metrics ORDER BY key, step").fetchall()
        self.assertEqual(steps, [("a", 0), ("a", 1), ("a", 2), ("a", 4), ("a", 10), ("a", 11), ("a", 12), ("b", 0)])

    def test_the_same_step_twice_in_one_millisecond_keeps_both_points(self):
        with self.start() as run:
            for value in range(50):
                run.log_metric("x", float(value), step=7)
        rows = self.db().execute("SELECT timestamp, value FROM metrics ORDER BY timestamp").fetchall()
        self.assertEqual([v for _, v in rows], [float(v) for v in range(50)])
        self.assertEqual(len({t for t, _ in rows}), 50)

    def test_an_identical_point_is_kept_once_and_a_clashing_one_moves_a_millisecond(self):
        with self.start() as run:
            run.log_metric("x", 1.0, step=1, timestamp=1000)
            run.log_metric("x", 1.0, step=1, timestamp=1000)
            run.log_metric("x", 2.0, step=1, timestamp=1000)
            run.flush()
            run.log_metric("x", 3.0, step=1, timestamp=1000)
        rows = self.db().execute("SELECT timestamp, value FROM metrics ORDER BY timestamp").fetchall()
        self.assertEqual(rows, [(1000, 1.0), (1001, 2.0), (1002, 3.0)])

    def test_keys_with_slashes_unicode_and_odd_text_are_kept_as_they_are(self):
        keys = ["train/loss", "val/acc@k=5", "损失", "<script>alert(1)</script>", "x" * 250, " spaced "]
        with self.start(params={k: "v" for k in keys}) as run:
            for key in keys:
                run.log_metric(key, 1.0)
                run.set_tag(key, "t")
        db = self.db()
        for table in ("metrics", "params", "tags"):
            stored = {k for (k,) in db.execute("SELECT key FROM %s" % table)}
            self.assertTrue(set(keys) <= stored, table)

    def test_numpy_like_scalars_are_accepted(self):
        class Scalar:
            def __float__(self):
                return 0.25

            def __index__(self):
                return 3

        with self.start() as run:
            run.log_metric("x", Scalar(), step=Scalar())
            run.log_metric("y", 7, step=2.0)
        self.assertEqual(self.db().execute("SELECT key, step, value FROM metrics ORDER BY key").fetchall(), [("x", 3, 0.25), ("y", 2, 7.0)])

    def test_artifacts_record_path_sha256_and_size(self):
        data = os.path.join(self.dir, "data.csv")
        with open(data, "wb") as handle:
            handle.write(b"a,b\n1,2\n")
        folder = os.path.join(self.dir, "model")
        os.makedirs(os.path.join(folder, "sub"))
        with open(os.path.join(folder, "weights.bin"), "wb") as handle:
            handle.write(b"\x00" * 1000)
        with open(os.path.join(folder, "sub", "config.json"), "w") as handle:
            handle.write("{}")
        with self.start() as run:
            info = run.log_artifact(data, kind="data")
            run.log_artifact(folder, kind="model")
            run.log_artifact(data, kind="data")  # again: updated, not duplicated
        self.assertEqual(info["sha256"], hashlib.sha256(b"a,b\n1,2\n").hexdigest())
        rows = self.db().execute("SELECT path, sha256, size, kind FROM artifacts ORDER BY path").fetchall()
        manifest = "sub/config.json\x00%s\nweights.bin\x00%s\n" % (hashlib.sha256(b"{}").hexdigest(), hashlib.sha256(b"\x00" * 1000).hexdigest())
        self.assertEqual(rows, [(data, info["sha256"], 8, "data"), (folder, hashlib.sha256(manifest.encode()).hexdigest(), 1002, "model")])

    def test_the_fluent_api_acts_on_the_active_run_and_nests(self):
        with self.assertRaisesRegex(mll.MlLifecycleError, "No active run"):
            mll.log_metric("x", 1.0)
        parent = self.start(name="parent")
        mll.log_param("p", 1)
        with self.assertRaisesRegex(mll.MlLifecycleError, "still active.*nested=True"):
            self.start(name="second")
        child = self.start(name="child", nested=True)
        self.assertIs(mll.active_run(), child)
        mll.log_metric("x", 2.0)
        mll.end_run()
        self.assertIs(mll.active_run(), parent)
        mll.end_run()
        self.assertIsNone(mll.active_run())
        db = self.db()
        self.assertEqual(db.execute("SELECT c.name, p.name FROM runs c JOIN runs p ON p.id = c.parent_run_id").fetchall(), [("child", "parent")])
        self.assertEqual(db.execute("SELECT r.name, m.key FROM metrics m JOIN runs r ON r.id = m.run_id").fetchall(), [("child", "x")])

    def test_a_run_is_resumed_by_id_and_its_steps_continue(self):
        with self.start(params={"lr": 1}) as run:
            run.log_metric("loss", 1.0)
            run.log_metric("loss", 0.5)
        with mll.start_run(run_id=run.id, store=self.store, params={"lr": 1}) as again:
            again.log_metric("loss", 0.25)
        db = self.db()
        self.assertEqual(db.execute("SELECT step, value FROM metrics ORDER BY step").fetchall(), [(0, 1.0), (1, 0.5), (2, 0.25)])
        self.assertEqual(db.execute("SELECT count(*), max(status) FROM runs").fetchone(), (1, "FINISHED"))

    def test_logging_after_the_end_is_refused(self):
        run = self.start()
        run.end()
        run.end()  # twice is fine
        with self.assertRaisesRegex(mll.MlLifecycleError, "takes no more data: it was ended as FINISHED"):
            run.log_metric("x", 1.0)
        with self.assertRaisesRegex(mll.MlLifecycleError, "takes no more data"):
            run.log_param("x", 1)


class ComingFromMlflow(StoreTest):
    """MLflow's fluent subset: `import ml_lifecycle as mlflow` runs MLflow scripts unchanged."""

    def rows(self, sql, *args):
        return self.db().execute(sql, args).fetchall()

    def test_set_experiment_chooses_the_experiment_of_later_runs(self):
        experiment = mll.set_experiment("churn", store=self.store)
        self.assertEqual((experiment.name, type(experiment.experiment_id)), ("churn", str))
        self.assertEqual(mll.set_experiment(experiment_id=experiment.experiment_id, store=self.store).name, "churn")
        with mll.start_run(store=self.store) as run:
            self.assertEqual((run.experiment, run.info.experiment_id), ("churn", experiment.experiment_id))
        other = mll.create_experiment("holdout", tags={"team": "risk"}, store=self.store)
        with mll.start_run(experiment_id=other, store=self.store) as run:
            self.assertEqual(run.experiment, "holdout")
        self.assertEqual(mll.get_experiment_by_name("holdout", store=self.store).tags, {"team": "risk"})
        self.assertIsNone(mll.get_experiment_by_name("nope", store=self.store))
        mll.set_experiment_tag("owner", "ana", store=self.store)
        self.assertEqual(self.rows("SELECT e.name, t.key, t.value FROM experiment_tags t JOIN experiments e ON e.id = t.experiment_id ORDER BY e.name"),
                         [("churn", "owner", "ana"), ("holdout", "team", "risk")])
        self.assertEqual(self.rows("SELECT count(*) FROM audit_log WHERE entity = 'experiment' AND action = 'create'"), [(2,)])

    def test_experiment_arguments_are_checked(self):
        self.assert_raises(mll.InputError, "exactly one", lambda: mll.set_experiment(store=self.store))
        self.assert_raises(mll.InputError, "no experiment with id '42'", lambda: mll.set_experiment(experiment_id="42", store=self.store))
        self.assert_raises(mll.InputError, "not an experiment id", lambda: mll.start_run(experiment_id="abc", store=self.store))
        self.assert_raises(mll.InputError, "once", lambda: mll.start_run(experiment_id="1", experiment="x", store=self.store))
        mll.create_experiment("dup", store=self.store)
        self.assert_raises(mll.InputError, "already exists", lambda: mll.create_experiment("dup", store=self.store))
        self.assertIsNone(mll.active_run())

    def assert_raises(self, kind, pattern, call):
        with self.assertRaisesRegex(kind, pattern):
            call()

    def test_start_run_takes_mlflow_arguments(self):
        mll.set_experiment("e", store=self.store)
        with mll.start_run(run_name="parent", tags={"team": "risk"}, description="a note", store=self.store) as parent:
            info = mll.active_run().info
            self.assertEqual((info.run_id, info.run_uuid, info.run_name, info.status), (parent.id, parent.id, "parent", "RUNNING"))
            self.assertTrue(info.artifact_uri.startswith("file://") and info.artifact_uri.endswith("/artifacts/" + parent.id))
            self.assertTrue(parent.mlflow_style)
            with mll.start_run(run_name="child", nested=True, store=self.store) as child:
                self.assertEqual(child.parent_run_id, parent.id)
            self.assert_raises(mll.MlLifecycleError, "still active.*nested=True", lambda: mll.start_run(run_name="x", store=self.store))
        self.assertEqual(parent.info.status, "FINISHED")
        self.assertIs(mll.last_active_run(), parent)
        self.assertEqual(self.rows("SELECT name, notes FROM runs ORDER BY id"), [("parent", "a note"), ("child", None)])
        self.assertEqual(self.rows("SELECT c.name, p.name FROM runs c JOIN runs p ON p.id = c.parent_run_id"), [("child", "parent")])
        self.assertEqual(self.rows("SELECT key, value FROM tags WHERE key = 'team'"), [("team", "risk")])
        # The plain-call form, and MLflow's special tags land in the run's columns.
        run = mll.start_run(run_name="plain", store=self.store)
        mll.set_tags({"mlflow.note.content": "edited", "mlflow.runName": "renamed", "k": 1})
        mll.delete_tag("k")
        self.assertEqual((mll.active_run().info.run_name, mll.active_run().data.tags["mlflow.note.content"]), ("renamed", "edited"))
        mll.end_run(status="KILLED")
        self.assertEqual(self.rows("SELECT name, notes, status FROM runs WHERE uuid = ?", run.id), [("renamed", "edited", "KILLED")])
        self.assertEqual(self.rows("SELECT count(*) FROM tags WHERE key IN ('k', 'mlflow.note.content', 'mlflow.runName')"), [(0,)])
        self.assert_raises(mll.InputError, "given twice", lambda: mll.start_run(description="a", tags={"mlflow.note.content": "b"}, store=self.store))

    def test_a_positional_experiment_name_is_refused_with_a_hint(self):
        # The first positional argument is MLflow's run_id; this module's older first argument was the experiment.
        self.assert_raises(mll.InputError, r"no run 'churn'.*experiment='churn'", lambda: mll.start_run("churn", store=self.store))

    def test_mlflow_style_runs_log_an_omitted_step_as_0(self):
        with mll.start_run(run_name="mlflow", store=self.store) as run:
            mll.log_metric("x", 1.0)
            mll.log_metric("x", 2.0)
            mll.log_metrics({"y": 3.0})
            mll.log_metric("x", 3.0, step=5)
            mll.log_metric("x", 4.0)
        with self.start(name="ours") as ours:  # experiment= and name= keep counting up
            mll.log_metric("x", 1.0)
            mll.log_metric("x", 2.0)
        with self.start(name="forced", mlflow_style=True):
            mll.log_metric("x", 1.0)
        self.assertFalse(ours.mlflow_style)
        steps = self.rows("SELECT r.name, m.key, m.step, m.value FROM metrics m JOIN runs r ON r.id = m.run_id ORDER BY m.run_id, m.key, m.step, m.value")
        self.assertEqual(steps, [("mlflow", "x", 0, 1.0), ("mlflow", "x", 0, 2.0), ("mlflow", "x", 0, 4.0), ("mlflow", "x", 5, 3.0), ("mlflow", "y", 0, 3.0),
                                 ("ours", "x", 0, 1.0), ("ours", "x", 1, 2.0), ("forced", "x", 0, 1.0)])
        stamps = [row[0] for row in self.rows("SELECT timestamp FROM metrics m JOIN runs r ON r.id = m.run_id WHERE r.name = 'mlflow' AND key = 'x' AND step = 0")]
        self.assertEqual(len(set(stamps)), 3)  # points at the same step stay apart

    def test_log_metric_takes_mlflow_and_older_positional_arguments(self):
        with mll.start_run(run_name="r", store=self.store) as run:
            mll.log_metric("a", 1.0, 3, 1000)  # older: (key, value, step, timestamp)
            mll.log_metric("b", 1.0, 3, True, 2000)  # MLflow: (key, value, step, synchronous, timestamp)
            mll.log_metrics({"c": 1.0}, 4, 3000)
            mll.log_metric("d", 1.0, step=1, timestamp=4000, run_id=run.id, synchronous=False)
            self.assert_raises(mll.NotSupportedError, "model_id", lambda: mll.log_metric("e", 1.0, model_id="m-1"))
            self.assert_raises(mll.MlLifecycleError, "not open in this process", lambda: mll.log_params({"p": 1}, run_id="f" * 32))
            self.assertEqual(mll.log_param("p", 2), 2)
            self.assertEqual(run.data.metrics, {"a": 1.0, "b": 1.0, "c": 1.0, "d": 1.0})
        self.assertEqual(self.rows("SELECT key, step, timestamp FROM metrics ORDER BY key"), [("a", 3, 1000), ("b", 3, 2000), ("c", 4, 3000), ("d", 1, 4000)])

    def test_log_dict_log_text_and_log_artifact_write_into_the_run_folder(self):
        source = os.path.join(self.dir, "sample.csv")
        with open(source, "w") as handle:
            handle.write("x\n1\n")
        with mll.start_run(run_name="r", store=self.store) as run:
            mll.log_dict({"lr": 0.1, "layers": [64, 32], "ok": True}, "config/params.json")
            mll.log_dict({"lr": 0.1, "layers": [64, 32], "empty": {}, "s": "a: b", "big": 1e20}, "config/params.yaml")
            mll.log_text("hello\n", "notes/summary.txt")
            mll.log_artifact(source, "data")  # an MLflow-style run: "data" is the folder, and the file is copied
            mll.log_artifact(source)
            for bad in ("../escape.txt", "/abs.txt", "a//b.txt"):
                self.assert_raises(mll.InputError, "relative path inside the run", lambda: mll.log_text("x", bad))
        root = os.path.join(self.dir, ".ml-lifecycle", "artifacts", run.id)
        rows = self.rows("SELECT path, sha256, size, kind FROM artifacts ORDER BY path")
        self.assertEqual([os.path.relpath(row[0], root) for row in rows], ["config/params.json", "config/params.yaml", "data/sample.csv", "notes/summary.txt", "sample.csv"])
        for path, sha, size, kind in rows:
            with open(path, "rb") as handle:
                content = handle.read()
            self.assertEqual((sha, size, kind), (hashlib.sha256(content).hexdigest(), len(content), "file"))
        with open(os.path.join(root, "config", "params.json")) as handle:
            self.assertEqual(json.load(handle), {"lr": 0.1, "layers": [64, 32], "ok": True})
        with open(os.path.join(root, "config", "params.yaml")) as handle:
            self.assertEqual(handle.read(), '"lr": 0.1\n"layers":\n  - 64\n  - 32\n"empty": {}\n"s": "a: b"\n"big": 1.0e+20\n')
        os.remove(source)  # the copies do not depend on the original
        self.assertTrue(os.path.exists(os.path.join(root, "data", "sample.csv")))

    def test_our_runs_keep_recording_artifacts_in_place(self):
        source = os.path.join(self.dir, "model.pkl")
        with open(source, "wb") as handle:
            handle.write(b"m")
        with self.start() as run:
            run.log_artifact(source, "model")  # the older positional kind
            run.log_artifact(path=source, kind="data")
            run.log_artifact(source, artifact_path="ckpt")  # an explicit folder copies, as in MLflow
        copy = os.path.join(self.dir, ".ml-lifecycle", "artifacts", run.id, "ckpt", "model.pkl")
        self.assertEqual(self.rows("SELECT path, kind FROM artifacts ORDER BY path"), sorted([(source, "data"), (copy, "file")]))

    def test_log_artifacts_copies_a_folder(self):
        folder = os.path.join(self.dir, "out")
        os.makedirs(os.path.join(folder, "sub"))
        for name in ("a.txt", os.path.join("sub", "b.txt")):
            with open(os.path.join(folder, name), "w") as handle:
                handle.write(name)
        with mll.start_run(run_name="r", store=self.store) as run:
            mll.log_artifacts(folder, "outputs")
        root = os.path.join(self.dir, ".ml-lifecycle", "artifacts", run.id)
        self.assertEqual(sorted(os.path.relpath(row[0], root) for row in self.rows("SELECT path FROM artifacts")), ["outputs/a.txt", "outputs/sub/b.txt"])

    def test_unsupported_mlflow_calls_raise_naming_the_alternative(self):
        for name, hint in (("autolog", "log_metric"), ("log_figure", "savefig"), ("sklearn", "joblib.dump"), ("search_experiments", "runs list --json")):
            with self.assertRaises(mll.NotSupportedError) as caught:
                getattr(mll, name)
            self.assertIn("mlflow.%s is not supported by ml_lifecycle" % name, str(caught.exception))
            self.assertIn(hint, str(caught.exception))
            self.assertIsInstance(caught.exception, NotImplementedError)
        self.assertFalse(hasattr(mll, "autolog"))
        with self.assertRaisesRegex(AttributeError, "no attribute 'nothing_like_this'"):
            mll.nothing_like_this
        self.assertIs(mll.MlflowException, mll.MlLifecycleError)

    def test_set_tracking_uri_warns_that_runs_go_to_the_store(self):
        with self.assertWarnsRegex(UserWarning, "has no effect: runs go to the ML Lifecycle store"):
            mll.set_tracking_uri("http://localhost:5000")
        self.assertTrue(mll.get_tracking_uri().startswith("file://"))


class BadInput(StoreTest):
    def assert_refused(self, pattern, call):
        with self.assertRaisesRegex(mll.InputError, pattern):
            call()

    def test_runs_and_experiments_cached_from_a_team_server_are_read_only(self):
        run = self.start(experiment="team @ server")
        run_id = run.id
        mll.end_run()
        conn = self.db()
        conn.execute("UPDATE experiments SET external_id = 'mlflow-server:http://127.0.0.1:5000#experiment:1'")
        conn.execute("UPDATE runs SET external_id = 'mlflow-server:http://127.0.0.1:5000#run:abc' WHERE uuid = ?", (run_id,))
        conn.commit()
        before = conn.execute("SELECT status, end_time FROM runs WHERE uuid = ?", (run_id,)).fetchone()
        self.assert_refused(r"read-only copy of a run on http://127\.0\.0\.1:5000", lambda: mll.start_run(run_id, store=self.store))
        self.assert_refused(r"read-only copy of an experiment on http://127\.0\.0\.1:5000", lambda: self.start(experiment="team @ server"))
        local = self.start(experiment="local")
        self.assert_refused(r"parent run .* read-only copy", lambda: self.start(experiment="local", parent_run_id=run_id))
        local.end()
        self.assertEqual(conn.execute("SELECT status, end_time FROM runs WHERE uuid = ?", (run_id,)).fetchone(), before)

    def test_metric_values_that_are_not_numbers_are_refused_naming_the_key(self):
        run = self.start()
        self.assert_refused(r"metric 'acc': '0\.9' is a string", lambda: run.log_metric("acc", "0.9"))
        self.assert_refused(r"metric 'ok': True is a boolean", lambda: run.log_metric("ok", True))
        self.assert_refused(r"metric 'gone': the value is None", lambda: run.log_metric("gone", None))
        self.assert_refused(r"metric 'v': .*list.* is not a number", lambda: run.log_metric("v", [1, 2]))
        self.assert_refused(r"metric 'big': .* too large", lambda: run.log_metric("big", 10**400))
        self.assert_refused(r"step 1\.5 is not a whole number", lambda: run.log_metric("x", 1.0, step=1.5))
        self.assert_refused(r"step True is a boolean", lambda: run.log_metric("x", 1.0, step=True))
        self.assert_refused(r"step .* out of range", lambda: run.log_metric("x", 1.0, step=2**60))
        self.assert_refused(r"timestamp -5 is negative", lambda: run.log_metric("x", 1.0, timestamp=-5))
        run.end()
        self.assertEqual(self.db().execute("SELECT count(*) FROM metrics").fetchone(), (0,))

    def test_keys_are_checked(self):
        run = self.start()
        self.assert_refused(r"metric key 'xxxx.*' is 251 characters long; the limit is 250", lambda: run.log_metric("x" * 251, 1.0))
        self.assert_refused(r"param key .* is 10,000 characters long", lambda: run.log_param("k" * 10000, 1))
        self.assert_refused(r"A metric key is empty", lambda: run.log_metric("  ", 1.0))
        self.assert_refused(r"control character", lambda: run.log_metric("a\nb", 1.0))
        self.assert_refused(r"tag key .5. is a int", lambda: run.set_tag(5, "x"))

    def test_long_values_are_refused_with_the_limit(self):
        run = self.start()
        run.log_param("ok", "v" * 6000)
        self.assert_refused(r"param 'notes': the value is 6,001 characters long; the limit is 6,000", lambda: run.log_param("notes", "v" * 6001))
        self.assert_refused(r"tag 'notes': the value is 8,001 characters long; the limit is 8,000", lambda: run.set_tag("notes", "v" * 8001))

    def test_changing_a_param_names_the_key_and_both_values_and_writes_nothing(self):
        run = self.start()
        run.log_param("lr", 0.1)
        run.log_param("lr", 0.1)
        self.assert_refused(r"param 'lr' is already '0\.1' for this run; it cannot change to '0\.2'", lambda: run.log_params({"new": 1, "lr": 0.2}))
        self.assertEqual(self.db().execute("SELECT key, value FROM params").fetchall(), [("lr", "0.1")])

    def test_other_arguments(self):
        run = self.start()
        self.assert_refused(r"artifact kind 'weights' is not one of file, model, data", lambda: run.log_artifact(MODULE_FILE, kind="weights"))
        self.assert_refused(r"artifact 'nope\.bin' does not exist", lambda: run.log_artifact("nope.bin"))
        self.assert_refused(r"status 'DONE' is not one of", lambda: run.end("DONE"))
        self.assert_refused(r"log_metrics takes a dict", lambda: run.log_metrics([1, 2]))
        self.assert_refused(r"experiment name is empty", lambda: mll.start_run(experiment=" ", store=self.store, nested=True))
        self.assert_refused(r"no run 'missing'", lambda: mll.start_run(run_id="missing", store=self.store, nested=True))


class Statuses(StoreTest):
    def status(self):
        return self.db().execute("SELECT status FROM runs").fetchone()[0]

    def test_leaving_the_block_normally_finishes(self):
        self.child("import ml_lifecycle as m\nwith m.start_run(experiment='e') as r:\n    r.log_metric('x', 1.0)\n", expect_code=0)
        self.assertEqual(self.status(), "FINISHED")

    def test_an_exception_fails_the_run_and_records_it(self):
        done = self.child("import ml_lifecycle as m\nwith m.start_run(experiment='e') as r:\n    r.log_metric('x', 1.0)\n    raise ValueError('diverged')\n")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("ValueError: diverged", done.stderr)
        self.assertEqual(self.status(), "FAILED")
        self.assertEqual(self.db().execute("SELECT value FROM tags WHERE key = 'ml_lifecycle.error'").fetchone(), ("ValueError: diverged",))
        self.assertEqual(self.db().execute("SELECT count(*) FROM metrics").fetchone(), (1,))

    def test_keyboard_interrupt_kills_the_run(self):
        self.child("import ml_lifecycle as m\nwith m.start_run(experiment='e'):\n    raise KeyboardInterrupt\n")
        self.assertEqual(self.status(), "KILLED")

    def test_sigint_and_sigterm_kill_the_run_and_keep_its_points(self):
        code = """
            import time, ml_lifecycle as m
            with m.start_run(experiment='e') as r:
                for i in range(100):
                    r.log_metric('x', float(i))
                print('ready', flush=True)
                time.sleep(30)
        """
        for sig in (signal.SIGINT, signal.SIGTERM):
            store = os.path.join(self.dir, sig.name, "store.sqlite")
            env = dict(os.environ, PYTHONPATH=PYTHON_DIR, ML_LIFECYCLE_STORE=store)
            proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            self.assertEqual(proc.stdout.readline().strip(), "ready")
            proc.send_signal(sig)
            proc.communicate(timeout=30)
            self.assertNotEqual(proc.returncode, 0)
            db = sqlite3.connect(store)
            self.addCleanup(db.close)
            self.assertEqual(db.execute("SELECT status FROM runs").fetchone(), ("KILLED",), sig)
            self.assertEqual(db.execute("SELECT count(*) FROM metrics").fetchone(), (100,), sig)

    def test_sys_exit_with_an_error_code_fails_the_run(self):
        self.child("import sys, ml_lifecycle as m\nwith m.start_run(experiment='e'):\n    sys.exit(3)\n", expect_code=3)
        self.assertEqual(self.status(), "FAILED")

    def test_a_run_never_ended_is_ended_at_exit(self):
        self.child("import ml_lifecycle as m\nm.start_run(experiment='e')\nm.log_metric('x', 1.0)\n", expect_code=0)
        self.assertEqual(self.status(), "FINISHED")
        self.assertEqual(self.db().execute("SELECT count(*) FROM metrics").fetchone(), (1,))

    def test_an_uncaught_exception_outside_a_with_block_fails_the_run(self):
        self.child("import ml_lifecycle as m\nm.start_run(experiment='e')\nm.log_metric('x', 1.0)\n1 / 0\n", expect_code=1)
        self.assertEqual(self.status(), "FAILED")


class Background(StoreTest):
    def setUp(self):
        super().setUp()
        saved = (mll.HEARTBEAT_INTERVAL_S, mll.FLUSH_INTERVAL_S)
        self.addCleanup(lambda: (setattr(mll, "HEARTBEAT_INTERVAL_S", saved[0]), setattr(mll, "FLUSH_INTERVAL_S", saved[1])))

    def test_points_are_written_within_the_flush_interval_without_more_logging(self):
        run = self.start()
        run.log_metric("x", 1.0)
        self.assertEqual(self.db().execute("SELECT count(*) FROM metrics").fetchone(), (0,))
        deadline = time.time() + 3
        while time.time() < deadline and self.db().execute("SELECT count(*) FROM metrics").fetchone() != (1,):
            time.sleep(0.1)
        self.assertEqual(self.db().execute("SELECT count(*) FROM metrics").fetchone(), (1,))
        run.end()

    def test_the_heartbeat_moves_while_the_run_is_idle(self):
        mll.HEARTBEAT_INTERVAL_S = 0.3
        run = self.start()
        first = self.db().execute("SELECT heartbeat_at FROM runs").fetchone()[0]
        time.sleep(1.2)
        later = sqlite3.connect(self.store).execute("SELECT heartbeat_at FROM runs").fetchone()[0]
        run.end()
        self.assertGreater(later, first)

    def test_batches_are_written_at_the_size_bound(self):
        run = self.start()
        for step in range(mll.BATCH_SIZE):
            run.log_metric("x", 1.0, step=step)
        self.assertEqual(self.db().execute("SELECT count(*) FROM metrics").fetchone(), (mll.BATCH_SIZE,))
        run.end()


class StoreHandling(StoreTest):
    def test_the_store_is_found_from_the_environment_then_upwards_then_created_here(self):
        nested = os.path.join(self.dir, "project", "src", "deep")
        os.makedirs(nested)
        os.makedirs(os.path.join(self.dir, "project", ".ml-lifecycle"))
        env = {mll.STORE_ENV: ""}
        done = self.child("import ml_lifecycle as m\nprint(m.discover_store_path())", env=env, cwd=nested, expect_code=0)
        self.assertEqual(done.stdout.strip(), os.path.join(self.dir, "project", ".ml-lifecycle", "store.sqlite"))
        done = self.child("import ml_lifecycle as m\nprint(m.discover_store_path())", env={mll.STORE_ENV: "custom/s.db"}, cwd=nested, expect_code=0)
        self.assertEqual(done.stdout.strip(), os.path.join(nested, "custom", "s.db"))
        elsewhere = os.path.join(self.dir, "elsewhere")
        os.makedirs(elsewhere)
        self.child("import ml_lifecycle as m\nm.start_run(experiment='e').end()", env=env, cwd=elsewhere, expect_code=0)
        self.assertTrue(os.path.exists(os.path.join(elsewhere, ".ml-lifecycle", "store.sqlite")))

    def test_a_new_store_gets_wal_the_schema_version_and_the_pragmas(self):
        self.start().end()
        db = self.db()
        self.assertEqual(db.execute("PRAGMA journal_mode").fetchone(), ("wal",))
        self.assertEqual(db.execute("PRAGMA user_version").fetchone(), (len(mll.MIGRATIONS),))

    def test_a_newer_store_is_refused_and_left_untouched(self):
        os.makedirs(os.path.dirname(self.store))
        db = sqlite3.connect(self.store)
        db.execute("PRAGMA user_version = 99")
        db.close()
        with open(self.store, "rb") as handle:
            before = handle.read()
        with self.assertRaisesRegex(mll.StoreError, r"schema version 99, newer than this ml_lifecycle.py understands \(%d\): the store is newer, update ml_lifecycle.py" % mll.SCHEMA_VERSION):
            self.start()
        with open(self.store, "rb") as handle:
            self.assertEqual(handle.read(), before)
        self.assertEqual(sorted(os.listdir(os.path.dirname(self.store))), ["store.sqlite"])

    def test_a_file_that_is_not_sqlite_is_refused(self):
        os.makedirs(os.path.dirname(self.store))
        with open(self.store, "w") as handle:
            handle.write("hello, this is a text file")
        with self.assertRaisesRegex(mll.StoreError, "is not a SQLite database.*not touched"):
            self.start()

    def test_a_store_folder_that_cannot_be_made_is_a_clear_error(self):
        blocker = os.path.join(self.dir, "file.txt")
        with open(blocker, "w") as handle:
            handle.write("x")
        with self.assertRaisesRegex(mll.StoreError, "Cannot create the store folder .*file.txt"):
            mll.start_run(experiment="e", store=os.path.join(blocker, "store.sqlite"))

    def test_a_read_only_store_is_a_clear_error(self):
        self.start().end()
        os.chmod(self.dir, 0o755)
        os.chmod(os.path.dirname(self.store), 0o555)
        os.chmod(self.store, 0o444)
        self.addCleanup(os.chmod, os.path.dirname(self.store), 0o755)
        code = "import ml_lifecycle as m\ntry:\n    m.start_run(experiment='e')\nexcept m.StoreError as e:\n    print(e)\n"
        command = [sys.executable, "-c", code]
        if os.getuid() == 0:  # root writes anywhere: try as nobody
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + command
        done = subprocess.run(command, env=dict(os.environ, PYTHONPATH=PYTHON_DIR, ML_LIFECYCLE_STORE=self.store), capture_output=True, text=True, timeout=60, cwd="/")
        self.assertIn("is read-only, and the logger needs to write to it", done.stdout, done.stderr)

    def test_an_older_store_is_migrated_after_a_backup(self):
        os.makedirs(os.path.dirname(self.store))
        db = sqlite3.connect(self.store)
        db.executescript(mll.MIGRATIONS[0] + "PRAGMA user_version = 1;")
        db.execute("INSERT INTO experiments (name, created_at) VALUES ('old', 1)")
        db.commit()
        db.close()
        self.start(experiment="old").end()
        self.assertEqual(self.db().execute("PRAGMA user_version").fetchone(), (len(mll.MIGRATIONS),))
        self.assertTrue(any(name.startswith("store.sqlite.v1-") and name.endswith(".bak") for name in os.listdir(os.path.dirname(self.store))))

    def test_a_locked_store_is_waited_for_then_reported_and_no_point_is_lost(self):
        saved = (mll.LOCK_WAIT_S, mll.BUSY_TIMEOUT_S)
        self.addCleanup(lambda: (setattr(mll, "LOCK_WAIT_S", saved[0]), setattr(mll, "BUSY_TIMEOUT_S", saved[1])))
        mll.LOCK_WAIT_S, mll.BUSY_TIMEOUT_S = 0.6, 0.05
        run = self.start()
        holder = sqlite3.connect(self.store, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        for step in range(10):
            run.log_metric("x", float(step))
        with self.assertRaisesRegex(mll.StoreError, "stayed locked by another process"):
            run.flush()
        # A lock released while the logger waits costs nothing.
        timer = threading.Timer(0.2, lambda: holder.execute("COMMIT"))
        timer.start()
        run.log_metric("x", 10.0)
        run.flush()
        timer.join()
        holder.close()
        run.end()
        self.assertEqual(self.db().execute("SELECT count(*), min(step), max(step) FROM metrics").fetchone(), (11, 0, 10))

    def test_points_that_cannot_be_written_at_exit_go_to_a_json_lines_file(self):
        code = """
            import sqlite3, ml_lifecycle as m
            m.LOCK_WAIT_S, m.BUSY_TIMEOUT_S = 0.5, 0.05
            run = m.start_run(experiment='e')
            print(run.id, flush=True)
            holder = sqlite3.connect(run.store_path, isolation_level=None)
            holder.execute('BEGIN IMMEDIATE')
            for step, value in enumerate([1.5, float('nan'), float('inf')]):
                run.log_metric('x', value, step=step)
        """
        done = self.child(code, expect_code=0)
        run_id = done.stdout.strip()
        saved = [name for name in os.listdir(os.path.dirname(self.store)) if name.startswith("unwritten-%s-" % run_id)]
        self.assertEqual(len(saved), 1, done.stderr)
        self.assertIn("ml-lifecycle log metrics %s" % run_id, done.stderr)
        with open(os.path.join(os.path.dirname(self.store), saved[0])) as handle:
            lines = [json.loads(line) for line in handle]
        self.assertEqual([(l["key"], l["step"], l["value"]) for l in lines], [("x", 0, 1.5), ("x", 1, None), ("x", 2, "Infinity")])


class ProductionMetrics(StoreTest):
    def test_by_version_number_or_alias_with_clear_errors(self):
        self.start().end()
        db = sqlite3.connect(self.store)
        db.execute("INSERT INTO registered_models (id, name, created_at) VALUES (1, 'churn', 0)")
        db.execute("INSERT INTO model_versions (id, model_id, version, artifact_uri, created_at) VALUES (10, 1, 1, 'm1', 0), (11, 1, 2, 'm2', 0)")
        db.execute("INSERT INTO model_aliases (model_id, alias, version_id) VALUES (1, 'champion', 11)")
        db.commit()
        db.close()
        mll.log_production_metric("churn", 1, "auc", 0.81, timestamp=1000, store=self.store)
        mll.log_production_metric("churn", "champion", "auc", float("nan"), store=self.store)
        mll.log_production_metric("churn", "@champion", "latency_ms", 12, store=self.store)
        rows = self.db().execute("SELECT version_id, key, value FROM production_metrics ORDER BY rowid").fetchall()
        self.assertEqual(rows, [(10, "auc", 0.81), (11, "auc", None), (11, "latency_ms", 12.0)])
        self.assertEqual(self.db().execute("SELECT typeof(value) FROM production_metrics WHERE key = 'latency_ms'").fetchone(), ("real",))
        with self.assertRaisesRegex(mll.InputError, "no registered model 'nope'.*Registered models: churn"):
            mll.log_production_metric("nope", 1, "auc", 0.5, store=self.store)
        with self.assertRaisesRegex(mll.InputError, r"'churn' has no version 7 \(versions: 1, 2\)"):
            mll.log_production_metric("churn", 7, "auc", 0.5, store=self.store)
        with self.assertRaisesRegex(mll.InputError, r"'churn' has no alias 'prod' \(aliases: champion\)"):
            mll.log_production_metric("churn", "prod", "auc", 0.5, store=self.store)
        with self.assertRaisesRegex(mll.InputError, "is a string"):
            mll.log_production_metric("churn", 1, "auc", "high", store=self.store)


class Processes(StoreTest):
    def test_a_forked_child_cannot_log_to_the_parents_run_and_the_parent_carries_on(self):
        run = self.start()
        run.log_metric("x", 1.0)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                run.log_metric("x", 2.0)
                message = "logged"
            except mll.MlLifecycleError as error:
                message = str(error)
            os.write(write, message.encode())
            os._exit(0)
        os.close(write)
        os.waitpid(pid, 0)
        message = os.read(read, 4096).decode()
        os.close(read)
        self.assertIn("belongs to the parent process", message)
        run.log_metric("x", 3.0)
        run.end()
        self.assertEqual(self.db().execute("SELECT value FROM metrics ORDER BY step").fetchall(), [(1.0,), (3.0,)])


class Source(unittest.TestCase):
    def test_the_module_parses_as_python_3_8(self):
        with open(MODULE_FILE, encoding="utf-8") as handle:
            ast.parse(handle.read(), feature_version=(3, 8))


if __name__ == "__main__":
    unittest.main()
