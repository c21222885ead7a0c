"""Log runs, params, metrics and artifacts from Python training code to the ML Lifecycle store.

One file, standard library only (sqlite3), Python 3.8 or newer. The VS Code extension shows what
this module writes as it happens; nothing else needs to run.

    import ml_lifecycle as mll

    with mll.start_run(experiment="churn", name="gbm-d6", params={"max_depth": 6}) as run:
        for step in range(1000):
            loss = train_one_step()
            run.log_metric("train_loss", loss, step=step)
        run.log_artifact("model.pkl", kind="model")

Leaving the ``with`` block normally marks the run FINISHED, an exception marks it FAILED, and
Ctrl-C (or SIGTERM) marks it KILLED. The module-level functions (``log_metric``, ``log_param``...)
act on the active run, as in MLflow. MLflow's fluent tracking calls work with MLflow's arguments, so
``import ml_lifecycle as mlflow`` runs an MLflow script; what is not supported raises saying what to use.

The store is ``$ML_LIFECYCLE_STORE``, else the nearest ``.ml-lifecycle/`` folder above the current
directory, else ``./.ml-lifecycle/store.sqlite`` (created). docs/logging.md has the whole story.
"""

import atexit
import getpass
import hashlib
import json
import math
import operator
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings

__version__ = "0.1.0"

__all__ = [
    "Experiment",
    "InputError",
    "MlLifecycleError",
    "MlflowException",
    "NotSupportedError",
    "Run",
    "RunData",
    "RunInfo",
    "SearchError",
    "SearchedRun",
    "StoreError",
    "active_run",
    "create_experiment",
    "delete_tag",
    "disable_system_metrics_logging",
    "discover_store_path",
    "enable_system_metrics_logging",
    "end_run",
    "flush",
    "get_artifact_uri",
    "get_experiment_by_name",
    "get_tracking_uri",
    "last_active_run",
    "log_artifact",
    "log_artifacts",
    "log_dict",
    "log_metric",
    "log_metrics",
    "log_param",
    "log_params",
    "log_production_metric",
    "log_text",
    "search_runs",
    "set_experiment",
    "set_experiment_tag",
    "set_experiment_tags",
    "set_system_metrics_sampling_interval",
    "set_tag",
    "set_tags",
    "set_tracking_uri",
    "start_run",
]

# ---- limits (the Node API has the same ones: src/tracking/loggingInput.ts) -------------------

MAX_KEY_LENGTH = 250
MAX_PARAM_VALUE_LENGTH = 6000
MAX_TAG_VALUE_LENGTH = 8000
MAX_NAME_LENGTH = 1000
# Steps and timestamps stay exact in JavaScript readers.
MAX_SAFE_INTEGER = 2**53 - 1
_MIN_STEP = -MAX_SAFE_INTEGER
_time_ns = time.time_ns  # one global lookup per point instead of two

BATCH_SIZE = 5000
FLUSH_INTERVAL_S = 1.0
HEARTBEAT_INTERVAL_S = 10.0
# How long a write keeps retrying while another process holds the store's lock.
LOCK_WAIT_S = 30.0
BUSY_TIMEOUT_S = 5.0

STORE_ENV = "ML_LIFECYCLE_STORE"
RUN_ID_ENV = "ML_LIFECYCLE_RUN_ID"
EXPERIMENT_ENV = "ML_LIFECYCLE_EXPERIMENT"
STORE_DIR = ".ml-lifecycle"
STORE_FILE = "store.sqlite"
DEFAULT_EXPERIMENT = "Default"
RUN_STATUSES = ("RUNNING", "FINISHED", "FAILED", "KILLED")
# A RUNNING run whose heartbeat (or start) is older than this reads as KILLED: its process most
# likely died. The same as STALE_HEARTBEAT_SECONDS in src/tracking/staleness.ts.
STALE_HEARTBEAT_SECONDS = 120
ARTIFACT_KINDS = ("file", "model", "data")
# Files that log_dict/log_text write (and MLflow-style log_artifact copies): <store folder>/artifacts/<run id>/.
ARTIFACTS_DIR = "artifacts"
# MLflow's tags that are run columns here.
NOTE_TAG = "mlflow.note.content"
RUN_NAME_TAG = "mlflow.runName"

# ---- the store schema: a copy of src/store/migrations.ts MIGRATIONS ---------------------------
# A node test keeps this block equal to the TypeScript source. After a schema change, regenerate it
# with: node test/unit/logging/syncPythonSchema.ts
# BEGIN GENERATED SCHEMA
MIGRATIONS = [
    """
CREATE TABLE experiments (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT,
  primary_metric TEXT,
  metric_direction TEXT CHECK (metric_direction IN ('min', 'max')),
  created_at INTEGER NOT NULL,
  deleted_at INTEGER,
  external_id TEXT UNIQUE
);
CREATE TABLE experiment_tags (
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (experiment_id, key)
) WITHOUT ROWID;
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  parent_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'FINISHED', 'FAILED', 'KILLED')),
  start_time INTEGER NOT NULL,
  end_time INTEGER,
  heartbeat_at INTEGER,
  git_commit TEXT,
  git_branch TEXT,
  git_dirty INTEGER CHECK (git_dirty IN (0, 1)),
  entry_point TEXT,
  host TEXT,
  user_name TEXT,
  source TEXT,
  notes TEXT,
  deleted_at INTEGER,
  external_id TEXT UNIQUE
);
CREATE INDEX runs_by_experiment ON runs (experiment_id, deleted_at, start_time DESC);
CREATE INDEX runs_by_status ON runs (status) WHERE status = 'RUNNING';
CREATE TABLE params (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE TABLE tags (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  step INTEGER NOT NULL DEFAULT 0,
  timestamp INTEGER NOT NULL,
  value REAL,
  PRIMARY KEY (run_id, key, step, timestamp)
) WITHOUT ROWID;
CREATE TABLE artifacts (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  sha256 TEXT,
  size INTEGER,
  kind TEXT NOT NULL DEFAULT 'file' CHECK (kind IN ('file', 'model', 'data')),
  logged_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, path)
) WITHOUT ROWID;
""",
    """
CREATE TABLE metric_blocks (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  shift INTEGER NOT NULL CHECK (shift IN (4, 8, 12)),
  block INTEGER NOT NULL,
  n INTEGER NOT NULL,
  nonfinite INTEGER NOT NULL,
  min REAL,
  max REAL,
  first_step INTEGER NOT NULL,
  first_value REAL,
  last_step INTEGER NOT NULL,
  last_value REAL,
  last_timestamp INTEGER NOT NULL,
  PRIMARY KEY (run_id, key, shift, block)
) WITHOUT ROWID;
CREATE TABLE metric_dirty (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  lo INTEGER NOT NULL,
  hi INTEGER NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
INSERT INTO metric_dirty (run_id, key, lo, hi) SELECT run_id, key, min(step), max(step) FROM metrics GROUP BY run_id, key;
""",
    """
CREATE TABLE registered_models (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT,
  created_at INTEGER NOT NULL,
  external_id TEXT UNIQUE
);
CREATE TABLE model_versions (
  id INTEGER PRIMARY KEY,
  model_id INTEGER NOT NULL REFERENCES registered_models(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  artifact_uri TEXT NOT NULL,
  artifact_sha256 TEXT,
  artifact_size INTEGER,
  description TEXT,
  lineage TEXT,
  created_at INTEGER NOT NULL,
  external_id TEXT UNIQUE,
  UNIQUE (model_id, version)
);
CREATE TABLE model_version_tags (
  version_id INTEGER NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (version_id, key)
) WITHOUT ROWID;
CREATE TABLE model_aliases (
  model_id INTEGER NOT NULL REFERENCES registered_models(id) ON DELETE CASCADE,
  alias TEXT NOT NULL,
  version_id INTEGER NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
  PRIMARY KEY (model_id, alias)
) WITHOUT ROWID;
CREATE TABLE production_metrics (
  version_id INTEGER NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  value REAL
);
CREATE INDEX production_metrics_by_version ON production_metrics (version_id, key, timestamp);
CREATE TABLE drift_reports (
  id INTEGER PRIMARY KEY,
  version_id INTEGER REFERENCES model_versions(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  reference_path TEXT NOT NULL,
  current_path TEXT NOT NULL,
  worst_psi REAL,
  verdict TEXT NOT NULL CHECK (verdict IN ('stable', 'warning', 'drift')),
  report TEXT NOT NULL
);
CREATE TABLE framings (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  document TEXT NOT NULL,
  revision INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE framing_revisions (
  framing_id INTEGER NOT NULL REFERENCES framings(id) ON DELETE CASCADE,
  revision INTEGER NOT NULL,
  document TEXT NOT NULL,
  saved_at INTEGER NOT NULL,
  saved_by TEXT NOT NULL,
  PRIMARY KEY (framing_id, revision)
) WITHOUT ROWID;
ALTER TABLE experiments ADD COLUMN framing_id INTEGER REFERENCES framings(id) ON DELETE SET NULL;
ALTER TABLE experiments ADD COLUMN metric_target REAL;
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  host TEXT NOT NULL,
  entity TEXT NOT NULL CHECK (entity IN ('experiment', 'run', 'model', 'model_version', 'alias', 'framing', 'drift', 'store')),
  entity_id TEXT NOT NULL,
  action TEXT NOT NULL,
  reason TEXT,
  details TEXT
);
CREATE INDEX audit_log_by_time ON audit_log (at DESC);
CREATE TABLE mlflow_sources (
  source TEXT PRIMARY KEY,
  metrics_rowid INTEGER NOT NULL DEFAULT 0,
  imported_at INTEGER NOT NULL
);
CREATE TABLE mlflow_metric_files (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  lines INTEGER NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
""",
    """
ALTER TABLE metric_blocks ADD COLUMN fine BLOB;
INSERT INTO metric_dirty (run_id, key, lo, hi)
SELECT run_id, key, min(first_step), max(last_step) FROM metric_blocks WHERE shift = 12 GROUP BY run_id, key
ON CONFLICT (run_id, key) DO UPDATE SET lo = min(lo, excluded.lo), hi = max(hi, excluded.hi);
""",
    """
CREATE TABLE metrics_v5 (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  step INTEGER NOT NULL DEFAULT 0,
  timestamp INTEGER NOT NULL,
  value REAL,
  seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, key, step, timestamp, seq)
) WITHOUT ROWID;
INSERT INTO metrics_v5 (run_id, key, step, timestamp, value, seq) SELECT run_id, key, step, timestamp, value, 0 FROM metrics;
DROP TABLE metrics;
ALTER TABLE metrics_v5 RENAME TO metrics;
ALTER TABLE mlflow_sources ADD COLUMN metrics_fingerprint TEXT;
""",
    """
CREATE TABLE mlflow_remotes (
  id INTEGER PRIMARY KEY,
  uri TEXT NOT NULL UNIQUE,
  first_pushed_at INTEGER NOT NULL,
  last_pushed_at INTEGER
);
CREATE TABLE mlflow_remote_ids (
  remote_id INTEGER NOT NULL REFERENCES mlflow_remotes(id) ON DELETE CASCADE,
  entity TEXT NOT NULL CHECK (entity IN ('experiment', 'run', 'model', 'model_version', 'artifact', 'alias')),
  local_key TEXT NOT NULL,
  remote_ref TEXT NOT NULL,
  sent TEXT,
  pushed_at INTEGER NOT NULL,
  PRIMARY KEY (remote_id, entity, local_key)
) WITHOUT ROWID;
CREATE TABLE mlflow_pushed_metrics (
  remote_id INTEGER NOT NULL REFERENCES mlflow_remotes(id) ON DELETE CASCADE,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  points INTEGER NOT NULL,
  last_step INTEGER NOT NULL,
  last_timestamp INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  PRIMARY KEY (remote_id, run_id, key)
) WITHOUT ROWID;
""",
    """
CREATE INDEX runs_by_parent ON runs (parent_run_id, deleted_at) WHERE parent_run_id IS NOT NULL;
""",
    """
CREATE TABLE metrics_v8 (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  step INTEGER NOT NULL DEFAULT 0,
  timestamp INTEGER NOT NULL,
  value,
  seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, key, step, timestamp, seq)
) WITHOUT ROWID;
INSERT INTO metrics_v8 (run_id, key, step, timestamp, value, seq) SELECT run_id, key, step, timestamp, value, seq FROM metrics;
DROP TABLE metrics;
ALTER TABLE metrics_v8 RENAME TO metrics;
CREATE TABLE metric_blocks_v8 (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  shift INTEGER NOT NULL CHECK (shift IN (4, 8, 12)),
  block INTEGER NOT NULL,
  n INTEGER NOT NULL,
  nonfinite INTEGER NOT NULL,
  min,
  max,
  first_step INTEGER NOT NULL,
  first_value,
  last_step INTEGER NOT NULL,
  last_value,
  last_timestamp INTEGER NOT NULL,
  fine BLOB,
  PRIMARY KEY (run_id, key, shift, block)
) WITHOUT ROWID;
INSERT INTO metric_blocks_v8 SELECT run_id, key, shift, block, n, nonfinite, min, max, first_step, first_value, last_step, last_value, last_timestamp, fine FROM metric_blocks;
DROP TABLE metric_blocks;
ALTER TABLE metric_blocks_v8 RENAME TO metric_blocks;
CREATE TABLE production_metrics_v8 (
  version_id INTEGER NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  value
);
INSERT INTO production_metrics_v8 (rowid, version_id, key, timestamp, value) SELECT rowid, version_id, key, timestamp, value FROM production_metrics;
DROP TABLE production_metrics;
ALTER TABLE production_metrics_v8 RENAME TO production_metrics;
CREATE INDEX production_metrics_by_version ON production_metrics (version_id, key, timestamp);
""",
]

MARK_DIRTY_SQL = "INSERT INTO metric_dirty (run_id, key, lo, hi) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET lo = min(lo, excluded.lo), hi = max(hi, excluded.hi)"
# END GENERATED SCHEMA

SCHEMA_VERSION = len(MIGRATIONS)

_INSERT_POINT = "INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
_SAME_POINT = "SELECT 1 FROM metrics WHERE run_id = ? AND key = ? AND step = ? AND timestamp = ? AND value IS ?"
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


# ---- errors -------------------------------------------------------------------------------------


class MlLifecycleError(Exception):
    """Something the logger could not do; the message says what and what to do about it."""


class InputError(MlLifecycleError, ValueError):
    """A key, value or argument the store cannot take. Nothing of that call was written."""


class StoreError(MlLifecycleError):
    """The store cannot be opened or written (missing folder, read-only, newer, locked...)."""


class NotSupportedError(MlLifecycleError, NotImplementedError, AttributeError):
    """An MLflow function or argument this module does not have; the message names what to use.
    Also an AttributeError, so hasattr(ml_lifecycle, "autolog") is False."""


# So `except mlflow.MlflowException` keeps working after `import ml_lifecycle as mlflow`.
MlflowException = MlLifecycleError


# ---- input checks -------------------------------------------------------------------------------


def _preview(text, limit=60):
    if isinstance(text, int) and text.bit_length() > 256:
        # str() of a huge int is slow, and refused past 4,300 digits (Python 3.11+).
        return "an integer of about %s digits" % format(round(text.bit_length() * math.log10(2), -1 if text.bit_length() < 3400 else -2), ",.0f")
    text = str(text)
    return repr(text if len(text) <= limit else text[: limit - 1] + "\u2026")


def _check_key(kind, key):
    if not isinstance(key, str):
        raise InputError("%s key %s is a %s; keys must be strings." % (kind, _preview(key), type(key).__name__))
    if not key.strip():
        raise InputError("A %s key is empty; give it a name with at least one visible character." % kind)
    if len(key) > MAX_KEY_LENGTH:
        raise InputError(
            "%s key %s is %s characters long; the limit is %d. Shorten it." % (kind, _preview(key), format(len(key), ","), MAX_KEY_LENGTH)
        )
    if _CONTROL_CHARS.search(key):
        raise InputError("%s key %r contains a control character (newline, tab, NUL...); remove it." % (kind, key))
    return key


def _check_name(kind, name):
    if not isinstance(name, str):
        raise InputError("The %s name %s is a %s; give a string." % (kind, _preview(name), type(name).__name__))
    clean = name.strip()
    if not clean:
        raise InputError("The %s name is empty. Give at least one visible character." % kind)
    if len(clean) > MAX_NAME_LENGTH:
        raise InputError("The %s name is %s characters long; keep it under %s." % (kind, format(len(clean), ","), format(MAX_NAME_LENGTH, ",")))
    if _CONTROL_CHARS.search(clean):
        raise InputError("The %s name %s contains a control character (newline, tab, NUL...); remove it." % (kind, _preview(clean)))
    return clean


def _metric_value(key, value):
    """A metric value as a float (NaN stays NaN; the caller stores it as NULL)."""
    if isinstance(value, float):
        return value
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        raise InputError("metric %s: %r is a boolean, not a number; log 1.0 or 0.0 if that is what you mean." % (_preview(key), value))
    if isinstance(value, (str, bytes)):
        raise InputError("metric %s: %s is a string, not a number; convert it with float(...) first." % (_preview(key), _preview(value)))
    if value is None:
        raise InputError("metric %s: the value is None; log float('nan') for a missing value." % _preview(key))
    try:
        number = float(value)  # ints, numpy scalars, Decimal, 0-d tensors
    except OverflowError:
        raise InputError("metric %s: %s is too large for a 64-bit float." % (_preview(key), _preview(value, 30))) from None
    except (TypeError, ValueError) as error:
        raise InputError("metric %s: %s (%s) is not a number: %s" % (_preview(key), _preview(value), type(value).__name__, error)) from None
    # float() turns Decimal('1e400') into inf and Decimal('1e-400') into 0.0 without a word.
    if math.isinf(number) and _finite(value):
        raise InputError("metric %s: %s is too large for a 64-bit float." % (_preview(key), _preview(value, 30)))
    if number == 0.0 and _nonzero(value):
        raise InputError("metric %s: %s is too small for a 64-bit float: it would be stored as 0." % (_preview(key), _preview(value, 30)))
    return number


def _finite(value):
    is_finite = getattr(value, "is_finite", None)  # Decimal
    return bool(is_finite()) if callable(is_finite) else False


def _nonzero(value):
    is_zero = getattr(value, "is_zero", None)  # Decimal
    return not is_zero() if callable(is_zero) else False


def _integer(kind, key, value):
    if isinstance(value, bool):
        raise InputError("metric %s: %s %r is a boolean; give an integer." % (_preview(key), kind, value))
    if isinstance(value, float):
        if not value.is_integer():
            raise InputError("metric %s: %s %r is not a whole number." % (_preview(key), kind, value))
        value = int(value)
    else:
        try:
            value = operator.index(value)
        except TypeError:
            raise InputError("metric %s: %s %s is a %s; give an integer." % (_preview(key), kind, _preview(value), type(value).__name__)) from None
    if abs(value) > MAX_SAFE_INTEGER:
        raise InputError("metric %s: %s %s is out of range (at most 2**53 - 1 in size)." % (_preview(key), kind, _preview(value, 30)))
    return value


def _timestamp(key, value):
    if isinstance(value, float) and math.isfinite(value):
        value = math.floor(value)
    value = _integer("timestamp", key, value)
    if value < 0:
        raise InputError("metric %s: timestamp %d is negative; give milliseconds since 1970 (int(time.time() * 1000))." % (_preview(key), value))
    return value


def _text_value(kind, key, value, limit):
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        raise InputError(
            "%s %s: the value is %s characters long; the limit is %s. Log long text as an artifact instead."
            % (kind, _preview(key), format(len(text), ","), format(limit, ","))
        )
    return text


def _now_ms():
    return time.time_ns() // 1000000


# ---- the store ----------------------------------------------------------------------------------


def discover_store_path(cwd=None):
    """$ML_LIFECYCLE_STORE, else the nearest .ml-lifecycle/ folder above cwd, else a new one in cwd."""
    cwd = os.path.abspath(cwd or os.getcwd())
    from_env = os.environ.get(STORE_ENV, "").strip()
    if from_env:
        return os.path.normpath(os.path.join(cwd, from_env))
    folder = cwd
    while True:
        if os.path.exists(os.path.join(folder, STORE_DIR)):
            return os.path.join(folder, STORE_DIR, STORE_FILE)
        parent = os.path.dirname(folder)
        if parent == folder:
            return os.path.join(cwd, STORE_DIR, STORE_FILE)
        folder = parent


def _is_locked(error):
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _translate(error, path):
    """A sqlite3 error as a StoreError that names the file and says what to do."""
    if isinstance(error, MlLifecycleError):
        return error
    text = str(error)
    lower = text.lower()
    if _is_locked(error):
        return StoreError("The store %s is locked by another process (%s). Wait for it to finish, or close the program holding it." % (path, text))
    if "readonly" in lower or "read-only" in lower:
        return StoreError("The store %s cannot be written (%s). Make the file and its folder writable." % (path, text))
    if "not a database" in lower:
        return StoreError("%s is not a SQLite database. Move it aside (a new store is then created) or point %s elsewhere; the file was not touched." % (path, STORE_ENV))
    if "unable to open" in lower:
        return StoreError("The store %s cannot be opened (%s). Check that its folder exists and is writable." % (path, text))
    if "malformed" in lower or "corrupt" in lower:
        return StoreError("The store %s is damaged (%s). Restore it from a backup (*.bak files next to it)." % (path, text))
    return StoreError("The store %s: %s" % (path, text))


def _write(conn, path, work, what):
    """Runs work(conn) in a BEGIN IMMEDIATE transaction, retrying while the store is locked."""
    deadline = time.monotonic() + LOCK_WAIT_S
    delay = 0.05
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = work(conn)
                conn.execute("COMMIT")
                return result
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as error:
            if not _is_locked(error):
                raise _translate(error, path) from None
            if time.monotonic() + delay > deadline:
                raise StoreError(
                    "Could not %s: the store %s stayed locked by another process for %g s (%s). "
                    "Close programs that hold it open in a transaction (a database browser?), then retry." % (what, path, LOCK_WAIT_S, error)
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
        except sqlite3.Error as error:
            raise _translate(error, path) from None


def _statements(script):
    """The statements of a migration, split by SQLite's own tokenizer."""
    statement = ""
    for line in script.splitlines(True):
        statement += line
        if sqlite3.complete_statement(statement):
            if statement.strip():
                yield statement.strip()
            statement = ""


def _check_header(path):
    try:
        with open(path, "rb") as handle:
            header = handle.read(16)
    except OSError as error:
        raise StoreError("The store %s cannot be read (%s). Check its permissions." % (path, error.strerror)) from None
    if header and not b"SQLite format 3\x00".startswith(header):
        raise StoreError("%s is not a SQLite database. Move it aside (a new store is then created) or point %s elsewhere; the file was not touched." % (path, STORE_ENV))


def _open(path):
    """Opens (creating when missing) and migrates the store; refuses a newer one untouched."""
    if sqlite3.sqlite_version_info < (3, 24, 0):
        raise StoreError("ml_lifecycle needs SQLite 3.24 or newer; this Python has %s. Use a newer Python build." % sqlite3.sqlite_version)
    folder = os.path.dirname(path) or "."
    if os.path.isdir(path):
        raise StoreError("The store path %s is a folder; point %s at a file such as %s." % (path, STORE_ENV, os.path.join(path, STORE_FILE)))
    if os.path.exists(path):
        _check_header(path)
        if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK):
            raise StoreError(
                "The store %s is read-only, and the logger needs to write to it (and to a -wal file beside it). "
                "Make the file and its folder writable, or set %s to another store." % (path, STORE_ENV)
            )
    else:
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as error:
            raise StoreError("Cannot create the store folder %s (%s). Create it yourself, or set %s to a writable place." % (folder, error.strerror or error, STORE_ENV)) from None
        if not os.access(folder, os.W_OK):
            raise StoreError("Cannot create the store in %s: the folder is read-only. Make it writable, or set %s to a writable place." % (folder, STORE_ENV))
    # Another process holding the lock is waited for as long as a write would wait.
    deadline = time.monotonic() + LOCK_WAIT_S
    delay = 0.05
    while True:
        try:
            return _connect(path)
        except sqlite3.OperationalError as error:
            if not _is_locked(error):
                raise _translate(error, path) from None
            if time.monotonic() + delay > deadline:
                raise StoreError(
                    "Could not open the store %s: it stayed locked by another process for %g s (%s). "
                    "Close programs that hold it open in a transaction (a database browser?), then retry." % (path, LOCK_WAIT_S, error)
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
        except sqlite3.Error as error:
            raise _translate(error, path) from None


def _connect(path):
    """One try at opening: the version is checked before anything is written."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        _refuse_newer(version, path)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        if version < SCHEMA_VERSION:
            _migrate(conn, path, version)
    except BaseException:
        conn.close()
        raise
    return conn


def _refuse_newer(version, path):
    if version > SCHEMA_VERSION:
        raise StoreError(
            "The store %s has schema version %d, newer than this ml_lifecycle.py understands (%d): the store is newer, "
            "update ml_lifecycle.py (run \"ML Lifecycle: Copy Python Logger into Workspace\" in VS Code, or copy it from the "
            "updated extension). The store was left untouched." % (path, version, SCHEMA_VERSION)
        )


def _migrate(conn, path, version):
    if version > 0:
        conn.execute("VACUUM INTO ?", ("%s.v%d-%d.bak" % (path, version, _now_ms()),))

    def work(c):
        # Another process may have migrated while this one waited for the lock.
        current = c.execute("PRAGMA user_version").fetchone()[0]
        _refuse_newer(current, path)
        for index in range(current, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[index]):
                c.execute(statement)
        c.execute("PRAGMA user_version = %d" % SCHEMA_VERSION)

    _write(conn, path, work, "create the store's tables")


def _actor():
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (some containers)
        return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


def _git(folder, *args):
    try:
        done = subprocess.run(["git"] + list(args), cwd=folder, shell=False, capture_output=True, text=True, timeout=2)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _entry_script():
    """The script being run (as given on the command line); None for -c, stdin or a REPL."""
    return sys.argv[0] if sys.argv and sys.argv[0] and os.path.isfile(sys.argv[0]) else None


def _source_info():
    """Where the code runs from: entry script, git commit/branch/dirty, host and user."""
    entry = _entry_script()
    folder = os.path.dirname(os.path.abspath(entry)) if entry else os.getcwd()
    commit = _git(folder, "rev-parse", "HEAD")
    branch = _git(folder, "rev-parse", "--abbrev-ref", "HEAD") if commit else None
    status = _git(folder, "status", "--porcelain", "--untracked-files=no") if commit else None
    return {
        "entry_point": entry,
        "git_commit": commit,
        "git_branch": branch if branch and branch != "HEAD" else None,
        "git_dirty": None if status is None else int(bool(status)),
        "host": socket.gethostname(),
        "user_name": _actor(),
    }


def hash_path(path):
    """sha256 and size of a file; of a folder, the sha256 of its sorted file list with each file's sha256."""
    if os.path.isfile(path):
        digest = hashlib.sha256()
        size = 0
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
        return digest.hexdigest(), size
    manifest = hashlib.sha256()
    total = 0
    files = []
    for folder, _, names in os.walk(path):
        for name in names:
            full = os.path.join(folder, name)
            if os.path.isfile(full) and not os.path.islink(full):  # as src/registry/artifacts.ts hashPath
                files.append((os.path.relpath(full, path).replace(os.sep, "/"), full))
    for relative, full in sorted(files, key=lambda item: item[0].encode("utf-8")):
        sha, size = hash_path(full)
        manifest.update(("%s\x00%s\n" % (relative, sha)).encode("utf-8"))
        total += size
    return manifest.hexdigest(), total


# ---- system metrics -----------------------------------------------------------------------------
# Sampled by a daemon thread per run, under MLflow's key names (mlflow/system_metrics/metrics/)
# plus this module's process_* keys. psutil is used when importable, else Linux's /proc; GPUs come
# from nvidia-smi when it is on PATH. A source that fails is dropped with one line on stderr.

SYSTEM_METRICS_ENV = "ML_LIFECYCLE_SYSTEM_METRICS"
SYSTEM_METRICS_INTERVAL_ENV = "ML_LIFECYCLE_SYSTEM_METRICS_INTERVAL"
SYSTEM_METRICS_INTERVAL_S = 10.0
SYSTEM_METRICS_PREFIX = "system/"
_MB = 1e6  # MLflow's megabytes are 10^6 bytes
_system_settings = {}  # enable_/disable_system_metrics_logging(), set_system_metrics_sampling_interval()

try:
    import psutil as _psutil
except ImportError:  # optional: /proc serves on Linux
    _psutil = None


def enable_system_metrics_logging():
    """Runs started from now on sample system metrics (the default unless $ML_LIFECYCLE_SYSTEM_METRICS=false)."""
    _system_settings["enabled"] = True


def disable_system_metrics_logging():
    """Runs started from now on sample no system metrics (start_run(log_system_metrics=True) still does)."""
    _system_settings["enabled"] = False


def set_system_metrics_sampling_interval(interval):
    """Seconds between samples for runs started from now on (default 10; None restores the default)."""
    _system_settings["interval"] = None if interval is None else _sampling_interval(interval, "set_system_metrics_sampling_interval")


def _sampling_interval(value, where):
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = float("nan")
    if not (0 < seconds < 86400 * 365):
        raise InputError("%s: the sampling interval %s is not a positive number of seconds." % (where, _preview(value)))
    return seconds


def _system_metrics_plan(log_system_metrics, interval):
    """(enabled, interval in seconds): the start_run argument, else the module setting, else the env, else on every 10 s."""
    enabled = log_system_metrics if log_system_metrics is not None else _system_settings.get("enabled")
    if enabled is None:
        enabled = os.environ.get(SYSTEM_METRICS_ENV, "").strip().lower() not in ("0", "false", "no", "off")
    if interval is not None:
        return bool(enabled), _sampling_interval(interval, "start_run(system_metrics_interval=...)")
    if _system_settings.get("interval") is not None:
        return bool(enabled), _system_settings["interval"]
    from_env = os.environ.get(SYSTEM_METRICS_INTERVAL_ENV, "").strip()
    return bool(enabled), _sampling_interval(from_env, "$" + SYSTEM_METRICS_INTERVAL_ENV) if from_env else SYSTEM_METRICS_INTERVAL_S


def _read_proc(name):
    with open("/proc/" + name, "r", encoding="ascii", errors="replace") as handle:
        return handle.read()


def _meminfo():
    fields = {}
    for line in _read_proc("meminfo").splitlines():
        name, _, rest = line.partition(":")
        fields[name] = int(rest.split()[0]) * 1024
    return fields


class _CpuSource:
    """system/cpu_utilization_percentage over the last interval, and the machine's memory."""

    def __init__(self):
        self._last = None if _psutil is not None else self._ticks()
        if _psutil is not None:
            _psutil.cpu_percent()  # starts psutil's interval

    @staticmethod
    def _ticks():
        values = [int(v) for v in _read_proc("stat").split("\n", 1)[0].split()[1:]]
        idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
        return sum(values[:8]), idle  # guest time is already counted in user time

    def sample(self):
        if _psutil is not None:
            memory = _psutil.virtual_memory()
            busy, total, used = _psutil.cpu_percent(), memory.total, memory.used
        else:
            total_ticks, idle = self._ticks()
            elapsed = total_ticks - self._last[0]
            busy = 100.0 * (elapsed - (idle - self._last[1])) / elapsed if elapsed > 0 else 0.0
            self._last = (total_ticks, idle)
            info = _meminfo()
            total = info["MemTotal"]
            used = total - info["MemFree"] - info.get("Buffers", 0) - info.get("Cached", 0) - info.get("SReclaimable", 0)  # as psutil
        return {
            "cpu_utilization_percentage": busy,
            "system_memory_usage_megabytes": used / _MB,
            "system_memory_usage_percentage": used / total * 100,
        }


class _ProcessSource:
    """This process: CPU (100 = one core busy) and resident memory."""

    def __init__(self):
        self._last = (time.monotonic(), time.process_time())

    def sample(self):
        now, cpu = time.monotonic(), time.process_time()
        busy = 100.0 * (cpu - self._last[1]) / (now - self._last[0]) if now > self._last[0] else 0.0
        self._last = (now, cpu)
        if _psutil is not None:
            rss = _psutil.Process().memory_info().rss
        else:
            rss = next(int(line.split()[1]) * 1024 for line in _read_proc("self/status").splitlines() if line.startswith("VmRSS:"))
        return {"process_cpu_utilization_percentage": busy, "process_memory_rss_megabytes": rss / _MB}


class _DiskSource:
    """Space on the root file system, as MLflow reports it."""

    def sample(self):
        if _psutil is not None:
            usage = _psutil.disk_usage(os.sep)
            used, free, percent = usage.used, usage.free, usage.percent
        else:
            stats = os.statvfs(os.sep)
            used = (stats.f_blocks - stats.f_bfree) * stats.f_frsize
            free = stats.f_bavail * stats.f_frsize
            percent = 100.0 * used / (used + free) if used + free else 0.0  # as psutil: what non-root users can use
        return {"disk_usage_percentage": percent, "disk_usage_megabytes": used / _MB, "disk_available_megabytes": free / _MB}


class _CountersSource:
    """Bytes moved since the run started: network (MLflow's keys) and disks (ours)."""

    def __init__(self, read, keys):
        self._read, self._keys = read, keys
        self._first = read()

    def sample(self):
        now = self._read()
        return {key: (now[i] - self._first[i]) / _MB for i, key in enumerate(self._keys)}


def _network_bytes():
    if _psutil is not None:
        counters = _psutil.net_io_counters()
        return counters.bytes_recv, counters.bytes_sent
    received = sent = 0
    for line in _read_proc("net/dev").splitlines()[2:]:
        name, _, values = line.partition(":")
        if name.strip() != "lo":
            fields = values.split()
            received, sent = received + int(fields[0]), sent + int(fields[8])
    return received, sent


def _disk_bytes():
    if _psutil is not None:
        counters = _psutil.disk_io_counters()
        return (counters.read_bytes, counters.write_bytes) if counters else (0, 0)
    read = written = 0
    for line in _read_proc("diskstats").splitlines():
        fields = line.split()
        if len(fields) > 9 and os.path.exists("/sys/block/" + fields[2].replace("/", "!")):  # whole disks, not partitions
            read, written = read + int(fields[5]) * 512, written + int(fields[9]) * 512
    return read, written


class _GpuSource:
    """Per GPU, from nvidia-smi: MLflow's keys plus gpu_<i>_temperature_celsius."""

    QUERY = "index,utilization.gpu,memory.used,memory.total,power.draw,power.limit,temperature.gpu"

    def __init__(self, command):
        self._command = [command, "--query-gpu=" + self.QUERY, "--format=csv,noheader,nounits"]

    def sample(self):
        out = subprocess.run(self._command, capture_output=True, text=True, timeout=5, check=True).stdout
        metrics = {}
        for line in out.strip().splitlines():
            index, utilization, used, total, power, limit, temperature = [field.strip() for field in line.split(",")]
            values = {
                "utilization_percentage": utilization,
                "memory_usage_megabytes": used and float(used) * 1.048576,  # MiB
                "memory_usage_percentage": used and total and 100.0 * float(used) / float(total),
                "power_usage_watts": power,
                "power_usage_percentage": power and limit and 100.0 * float(power) / float(limit),
                "temperature_celsius": temperature,
            }
            for name, value in values.items():
                try:
                    metrics["gpu_%s_%s" % (index, name)] = float(value)
                except (TypeError, ValueError):
                    pass  # "[N/A]" or "[Not Supported]" on this card
        return metrics


class _SystemSampler:
    """Samples into a run every `interval` seconds from a daemon thread; stop() takes one last sample."""

    def __init__(self, run, interval):
        self._run, self._interval = run, interval
        self._stop = threading.Event()
        self._sources = []
        makers = [("CPU and memory", _CpuSource), ("process", _ProcessSource), ("disk space", _DiskSource),
                  ("network", lambda: _CountersSource(_network_bytes, ("network_receive_megabytes", "network_transmit_megabytes"))),
                  ("disk I/O", lambda: _CountersSource(_disk_bytes, ("disk_read_megabytes", "disk_write_megabytes")))]
        gpu = shutil.which("nvidia-smi")
        if gpu:
            makers.append(("GPU (nvidia-smi)", lambda: _GpuSource(gpu)))
        for name, make in makers:
            try:
                self._sources.append((name, make()))
            except Exception as error:
                self._skip(name, error)
        self._thread = threading.Thread(target=self._loop, name="ml_lifecycle system metrics %s" % run.id[:8], daemon=True)
        self._thread.start()

    def _skip(self, name, error):
        sys.stderr.write("ml_lifecycle: run %s: system metrics: %s skipped (%s: %s)\n" % (self._run.id, name, type(error).__name__, error))

    def _loop(self):
        while not self._stop.wait(self._interval):
            self._sample()

    def _sample(self):
        metrics = {}
        for source in list(self._sources):
            try:
                metrics.update(source[1].sample())
            except Exception as error:
                self._sources.remove(source)
                self._skip(source[0], error)
        try:
            self._run._log_system_metrics({SYSTEM_METRICS_PREFIX + key: value for key, value in metrics.items() if math.isfinite(value)})
        except MlLifecycleError:
            self._stop.set()  # the run ended under us

    def stop(self):
        """Stops the thread and logs the final sample (not from a forked child: its thread is gone)."""
        if self._stop.is_set():
            return
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        self._sample()


# ---- process-wide state -------------------------------------------------------------------------

_registry_lock = threading.RLock()
_active_runs = []  # the fluent API's stack: the last one is the active run
_live_runs = []  # every run of this process not ended yet, for the exit handler
_exit_state = {"uncaught": None, "terminated": False, "hooks": False, "pid": os.getpid()}
_shared_stores = {}  # (pid, path) -> (connection, lock), for log_production_metric
_forked_leftovers = []  # connections inherited through fork(): never used nor closed in the child
_chosen_experiment = {}  # set_experiment(): {"name", "id"}
_last_run = [None]  # the run that ended last, for last_active_run()


def _install_exit_hooks():
    """Once per process: remember uncaught exceptions and SIGTERM, and end open runs at exit."""
    if _exit_state["hooks"]:
        return
    _exit_state["hooks"] = True
    previous_hook = sys.excepthook

    def excepthook(kind, value, traceback):
        _exit_state["uncaught"] = kind
        previous_hook(kind, value, traceback)

    sys.excepthook = excepthook
    atexit.register(_end_runs_at_exit)
    # SIGTERM (kill, job schedulers) would end Python without running any cleanup: turn it into
    # SystemExit so `with` blocks and the exit handler flush and mark runs KILLED.
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGTERM"):
        try:
            if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
                signal.signal(signal.SIGTERM, _on_sigterm)
        except (ValueError, OSError):
            pass


def _on_sigterm(signum, frame):
    if os.getpid() != _exit_state["pid"]:  # a forked child: die as it would have
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    _exit_state["terminated"] = True
    raise SystemExit(128 + signum)


def _exit_status(kind=None, value=None):
    if _exit_state["terminated"]:
        return "KILLED"
    if kind is None:
        return "FINISHED"
    if issubclass(kind, KeyboardInterrupt):
        return "KILLED"
    if issubclass(kind, SystemExit):
        code = getattr(value, "code", None)
        return "FINISHED" if code in (None, 0) else "FAILED"
    return "FAILED"


def _end_runs_at_exit():
    with _registry_lock:
        runs = list(reversed(_live_runs))
    status = _exit_status(_exit_state["uncaught"])
    for run in runs:
        try:
            run.end(status)
        except BaseException as error:  # the last chance: keep the points in a file
            run._save_unwritten(error)


def _after_fork_in_child():
    # The child shares nothing safely with the parent's connections or threads: its copies of the
    # parent's runs refuse further logging (the parent keeps logging them).
    global _registry_lock
    _exit_state["pid"] = os.getpid()
    _registry_lock = threading.RLock()  # another thread may have held it at fork time
    inherited = list(_live_runs)
    del _live_runs[:]
    del _active_runs[:]
    for run in inherited:
        run._lock = threading.Lock()
        run._db_lock = threading.RLock()
        run._ended = "it belongs to the parent process %d (call start_run(run_id=%r) in this process to log to it)" % (run._owner_pid, run.id)
        _forked_leftovers.append(run._conn)
    for conn, _ in _shared_stores.values():
        _forked_leftovers.append(conn)
    _shared_stores.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


# ---- runs ---------------------------------------------------------------------------------------


class RunInfo:
    """MLflow's RunInfo fields, as of when it was read."""

    def __init__(self, run, status):
        self.run_id = self.run_uuid = run.id
        self.run_name = run.name
        self.experiment_id = run.experiment_id
        self.status = status
        self.start_time = run.start_time
        self.end_time = run.end_time
        self.user_id = run.user_name
        self.lifecycle_stage = "active"
        self.artifact_uri = run.get_artifact_uri()

    def __repr__(self):
        return "<RunInfo run_id=%r run_name=%r experiment_id=%r status=%r>" % (self.run_id, self.run_name, self.experiment_id, self.status)


class RunData:
    """MLflow's RunData: params, tags and the latest value of each metric, read from the store."""

    def __init__(self, params, metrics, tags):
        self.params = params
        self.metrics = metrics
        self.tags = tags

    def __repr__(self):
        return "<RunData params=%r metrics=%r tags=%r>" % (self.params, self.metrics, self.tags)


class Run:
    """One training run. Use it as a context manager, or call end() yourself.

    Also MLflow's ActiveRun: .info (run_id, run_name, experiment_id, status...) and .data.
    mlflow_style: MLflow's defaults apply (an omitted step is 0; log_artifact copies the file into
    the run's artifact folder). start_run sets it for MLflow-style calls; see docs/logging.md.
    """

    def __init__(self, conn, store_path, row_id, run_uuid, name, experiment, resumed, info=None, mlflow_style=False):
        self.id = run_uuid
        self.name = name
        self.experiment = experiment
        self.store_path = store_path
        info = info or {}
        self.experiment_id = None if info.get("experiment_id") is None else str(info["experiment_id"])
        self.parent_run_id = info.get("parent")
        self.start_time = info.get("start_time")
        self.user_name = info.get("user")
        self.end_time = None
        self.status = "RUNNING"
        self.mlflow_style = bool(mlflow_style)
        self._conn = conn
        self._row = row_id
        self._resumed = resumed
        self._owner_pid = os.getpid()
        self._lock = threading.Lock()  # the buffer and per-key state
        self._db_lock = threading.RLock()  # the connection
        self._buffer = []
        # key -> [next step, highest step with an automatic timestamp, latest automatic timestamp,
        #         lowest step in the buffer, highest step in the buffer]
        self._keys = {}
        self._ended = None  # why logging is refused, once ended
        self._last_flush = time.monotonic()
        self._last_heartbeat = self._last_flush
        self._warned = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._background, name="ml_lifecycle heartbeat %s" % run_uuid[:8], daemon=True)
        self._thread.start()
        self._sampler = None  # a _SystemSampler while system metrics are sampled

    def __repr__(self):
        return "<ml_lifecycle.Run %s %r in %r>" % (self.id, self.name, self.experiment)

    @property
    def info(self):
        return RunInfo(self, self.status)

    @property
    def data(self):
        """Params, tags (with the note as mlflow.note.content) and latest metrics, read from the store now."""
        if not self._ended:
            self.flush()
        conn = sqlite3.connect(self.store_path, timeout=BUSY_TIMEOUT_S)
        try:
            params = dict(conn.execute("SELECT key, value FROM params WHERE run_id = ?", (self._row,)))
            tags = dict(conn.execute("SELECT key, value FROM tags WHERE run_id = ?", (self._row,)))
            note = conn.execute("SELECT notes FROM runs WHERE id = ?", (self._row,)).fetchone()
            rows = conn.execute("SELECT key, value FROM metrics WHERE run_id = ? ORDER BY key, step, timestamp", (self._row,))
            metrics = {key: float("nan") if value is None else value for key, value in rows}
        finally:
            conn.close()
        if note and note[0] is not None:
            tags[NOTE_TAG] = note[0]
        tags[RUN_NAME_TAG] = self.name
        return RunData(params, metrics, tags)

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        status = _exit_status(kind, value)
        if status == "FAILED" and value is not None and not self._ended:
            try:
                self.set_tag("ml_lifecycle.error", ("%s: %s" % (kind.__name__, value))[:MAX_TAG_VALUE_LENGTH])
            except MlLifecycleError:
                pass  # the status still says FAILED
        self.end(status)
        return False

    # -- metrics -----------------------------------------------------------------------------------

    def log_metric(self, key, value, step=None, timestamp=None):
        """Buffers one point. step defaults to one more than this key's highest step (0 first).

        NaN is stored as NULL and +-Inf as they are. A point logged at the same key and step
        within the same millisecond as another gets the next millisecond, so none is lost.
        """
        # The hot path of a training loop: every lookup here is paid per point (docs/logging.md).
        state = self._keys.get(key)
        if state is None:
            state = self._new_key(key)
        if type(value) is not float:
            value = _metric_value(key, value)
        if value != value:
            value = None
        if step is not None and (type(step) is not int or not _MIN_STEP <= step <= MAX_SAFE_INTEGER):
            step = _integer("step", key, step)
        if timestamp is not None:
            timestamp = _timestamp(key, timestamp)
        with self._lock:
            if self._ended:
                raise self._refusal()
            if step is None:
                step = 0 if self.mlflow_style else state[0]
            if timestamp is None:
                timestamp = _time_ns() // 1000000
                if step > state[1]:
                    state[1] = step
                elif timestamp <= state[2]:
                    timestamp = state[2] + 1
                if timestamp > state[2]:
                    state[2] = timestamp
            if step >= state[0]:
                state[0] = step + 1
            if step < state[3]:
                state[3] = step
            if step > state[4]:
                state[4] = step
            buffer = self._buffer
            buffer.append((self._row, key, step, timestamp, value))
            if len(buffer) < BATCH_SIZE:
                return
        self.flush()

    def log_metrics(self, metrics, step=None, timestamp=None):
        """Buffers one point per key of the dict, all at the same step (auto per key when None)."""
        for key, value in _items(metrics, "log_metrics"):
            self.log_metric(key, value, step, timestamp)

    def _log_system_metrics(self, metrics):
        """One sample: every key at one step, the next after the highest any of them has (as MLflow's counter)."""
        states = [self._keys.get(key) or self._new_key(key) for key in metrics]
        step = max([state[0] for state in states] or [0])
        for key, value in metrics.items():
            self.log_metric(key, float(value), step=step)

    def _new_key(self, key):
        _check_key("metric", key)
        with self._lock:
            state = self._keys.get(key)
            if state is not None:
                return state
            state = [0, -MAX_SAFE_INTEGER - 1, -1, MAX_SAFE_INTEGER + 1, -MAX_SAFE_INTEGER - 1]
            self._keys[key] = state
        if self._resumed:
            # Continue the steps of a resumed run where its history left off.
            with self._db_lock:
                row = self._conn.execute("SELECT max(step), max(timestamp) FROM metrics WHERE run_id = ? AND key = ?", (self._row, key)).fetchone()
            if row[0] is not None:
                with self._lock:
                    state[0] = max(state[0], row[0] + 1)
                    state[1] = max(state[1], row[0])
                    state[2] = max(state[2], row[1])
        return state

    def flush(self):
        """Writes buffered points now. Raises StoreError if the store stays locked; the points stay buffered."""
        with self._db_lock:
            with self._lock:
                batch = self._buffer
                if not batch:
                    return 0
                self._buffer = []
                dirty = []
                for key, state in self._keys.items():
                    if state[3] <= state[4]:
                        dirty.append((self._row, key, state[3], state[4]))
                        state[3], state[4] = MAX_SAFE_INTEGER + 1, -MAX_SAFE_INTEGER - 1
            try:
                _write(self._conn, self.store_path, lambda conn: self._write_points(conn, batch, dirty), "write %s metric points of run %s" % (format(len(batch), ","), self.id))
            except BaseException:
                with self._lock:  # put them back in front, in order, for the next try
                    self._buffer[:0] = batch
                    for _, key, lo, hi in dirty:
                        state = self._keys[key]
                        state[3], state[4] = min(state[3], lo), max(state[4], hi)
                raise
            self._last_flush = self._last_heartbeat = time.monotonic()
        return len(batch)

    def _write_points(self, conn, batch, dirty):
        written = conn.executemany(_INSERT_POINT, batch).rowcount
        if written != len(batch):
            _settle_conflicts(conn, batch)
        conn.executemany(MARK_DIRTY_SQL, dirty)
        conn.execute("UPDATE runs SET heartbeat_at = ? WHERE id = ?", (_now_ms(), self._row))

    # -- params, tags, artifacts -------------------------------------------------------------------

    def log_param(self, key, value):
        """Records a param. Logging it again with the same value is fine; another value is an error."""
        self.log_params({key: value})

    def log_params(self, params):
        items = [(_check_key("param", key), _text_value("param", key, value, MAX_PARAM_VALUE_LENGTH)) for key, value in _items(params, "log_params")]
        self._write_meta(lambda conn: _insert_params(conn, self._row, items), "log params of run %s" % self.id)

    def set_tag(self, key, value):
        """Sets a tag; a tag may be overwritten."""
        self.set_tags({key: value})

    def set_tags(self, tags):
        """MLflow's tags mlflow.note.content and mlflow.runName set the run's note and name columns."""
        items = [(self._row, _check_key("tag", key), _text_value("tag", key, value, MAX_TAG_VALUE_LENGTH)) for key, value in _items(tags, "set_tags")]
        columns = []
        for _, key, value in items:
            if key == NOTE_TAG:
                columns.append(("notes", value))
            elif key == RUN_NAME_TAG:
                columns.append(("name", _check_name("run", value)))
        items = [item for item in items if item[1] not in (NOTE_TAG, RUN_NAME_TAG)]

        def work(conn):
            conn.executemany(_UPSERT_TAG, items)
            for column, value in columns:
                conn.execute("UPDATE runs SET %s = ? WHERE id = ?" % column, (value, self._row))

        self._write_meta(work, "set tags of run %s" % self.id)
        for column, value in columns:
            if column == "name":
                self.name = value

    def delete_tag(self, key):
        self._write_meta(lambda conn: conn.execute("DELETE FROM tags WHERE run_id = ? AND key = ?", (self._row, key)), "delete tag of run %s" % self.id)

    def log_artifact(self, local_path=None, artifact_path=None, *, kind=None, path=None):
        """Records a file or folder the run produced or read: absolute path, sha256 and size.

        With artifact_path (MLflow's folder inside the run), or in an MLflow-style run, the file is
        first copied to <store folder>/artifacts/<run id>/<artifact_path>/ and the copy recorded.
        In other runs a second positional argument that is a kind ("file", "model", "data") is the
        kind, as in this method's older signature (path, kind).
        """
        if path is not None:
            if local_path is not None:
                raise InputError("log_artifact: give the file once (local_path or path).")
            local_path = path
        if local_path is None:
            raise InputError("log_artifact needs the path of the file or folder to record.")
        if kind is None and not self.mlflow_style and artifact_path in ARTIFACT_KINDS:
            kind, artifact_path = artifact_path, None
        kind = "file" if kind is None else kind
        if kind not in ARTIFACT_KINDS:
            raise InputError("artifact kind %r is not one of %s." % (kind, ", ".join(ARTIFACT_KINDS)))
        full = os.path.abspath(os.fspath(local_path))
        if not os.path.exists(full):
            raise InputError("artifact %s does not exist (looked for %s)." % (_preview(local_path), full))
        if artifact_path is not None or self.mlflow_style:
            target = self._artifact_file(artifact_path, os.path.basename(full))
            if os.path.isdir(full):
                shutil.copytree(full, target, dirs_exist_ok=True)
            else:
                shutil.copyfile(full, target)
            full = target
        return self._record_artifact(full, kind)

    def log_artifacts(self, local_dir, artifact_path=None):
        """MLflow's: copies the folder's files into the run's artifact folder and records each one."""
        source = os.path.abspath(os.fspath(local_dir))
        if not os.path.isdir(source):
            raise InputError("log_artifacts: %s is not a folder (looked for %s); use log_artifact for a file." % (_preview(local_dir), source))
        recorded = []
        for folder, _, names in os.walk(source):
            for name in sorted(names):
                full = os.path.join(folder, name)
                if os.path.isfile(full) and not os.path.islink(full):
                    relative = os.path.relpath(folder, source).replace(os.sep, "/")
                    inner = "/".join(part for part in (artifact_path, None if relative == "." else relative) if part)
                    target = self._artifact_file(inner or None, name)
                    shutil.copyfile(full, target)
                    recorded.append(self._record_artifact(target, "file"))
        return recorded

    def log_dict(self, dictionary, artifact_file):
        """Writes the dict to the run's artifact folder, as YAML for .yaml/.yml and JSON otherwise (MLflow's rule)."""
        target = self._artifact_file(None, artifact_file)
        if os.path.splitext(artifact_file)[1] in (".yaml", ".yml"):
            text = _to_yaml(dictionary)
        else:
            text = json.dumps(dictionary, indent=2, default=str)
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
        return self._record_artifact(target, "file")

    def log_text(self, text, artifact_file):
        """Writes the text (UTF-8) to the run's artifact folder."""
        if not isinstance(text, str):
            raise InputError("log_text takes a str; got a %s." % type(text).__name__)
        target = self._artifact_file(None, artifact_file)
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
        return self._record_artifact(target, "file")

    def get_artifact_uri(self, artifact_path=None):
        folder = os.path.join(os.path.dirname(self.store_path), ARTIFACTS_DIR, self.id)
        return _file_uri(os.path.join(folder, *artifact_path.split("/")) if artifact_path else folder)

    def _artifact_file(self, folder, name):
        """The path for a file inside the run's artifact folder (its folders created); refuses escapes."""
        if self._ended:
            raise self._refusal()
        relative = "/".join(part for part in (folder, name) if part)
        parts = relative.replace("\\", "/").split("/")
        if not isinstance(name, str) or not name or relative.startswith("/") or any(part in ("", ".", "..") for part in parts) or ":" in parts[0]:
            raise InputError("artifact path %s must be a relative path inside the run (like 'dir/file.json'), without '..'." % _preview(relative))
        root = os.path.join(os.path.dirname(self.store_path), ARTIFACTS_DIR, self.id)
        target = os.path.join(root, *parts)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        return target

    def _record_artifact(self, full, kind):
        sha256, size = hash_path(full)
        record = (self._row, full, sha256, size, kind, _now_ms())
        self._write_meta(lambda conn: conn.execute(_UPSERT_ARTIFACT, record), "log artifact %s of run %s" % (full, self.id))
        return {"path": full, "sha256": sha256, "size": size, "kind": kind}

    def _refusal(self):
        return MlLifecycleError("Run %s takes no more data: %s." % (self.id, self._ended))

    def _write_meta(self, work, what):
        with self._db_lock:
            if self._ended:
                raise self._refusal()
            _write(self._conn, self.store_path, work, what)

    # -- lifecycle ---------------------------------------------------------------------------------

    def end(self, status="FINISHED"):
        """Writes what is buffered and sets the final status. Ending twice does nothing."""
        if status not in RUN_STATUSES[1:]:
            raise InputError("status %r is not one of %s." % (status, ", ".join(RUN_STATUSES[1:])))
        sampler, self._sampler = self._sampler, None
        if sampler is not None and not self._ended:
            sampler.stop()  # its last sample goes out with the last points
        with self._db_lock:
            if self._ended:
                return
            self.flush()
            now = _now_ms()
            _write(
                self._conn,
                self.store_path,
                lambda conn: conn.execute("UPDATE runs SET status = ?, end_time = ?, heartbeat_at = ? WHERE id = ?", (status, now, now, self._row)),
                "mark run %s %s" % (self.id, status),
            )
            with self._lock:
                self._ended = "it was ended as %s (start a new run, or resume this one with start_run(run_id=%r))" % (status, self.id)
            self.status, self.end_time = status, now
            self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        with self._db_lock:
            self._conn.close()
        with _registry_lock:
            if self in _live_runs:
                _live_runs.remove(self)
            if self in _active_runs:
                _active_runs.remove(self)
            _last_run[0] = self

    def _background(self):
        """Flushes on the time bound and keeps the heartbeat fresh while the run is alive."""
        while not self._stop.wait(0.25):
            now = time.monotonic()
            try:
                if self._buffer and now - self._last_flush >= FLUSH_INTERVAL_S:
                    self.flush()
                elif now - self._last_heartbeat >= HEARTBEAT_INTERVAL_S:
                    with self._db_lock:
                        if self._ended:
                            return
                        _write(self._conn, self.store_path, lambda conn: conn.execute("UPDATE runs SET heartbeat_at = ? WHERE id = ?", (_now_ms(), self._row)), "update the heartbeat")
                    self._last_heartbeat = now
            except Exception as error:
                if not self._warned:
                    self._warned = True
                    sys.stderr.write("ml_lifecycle: run %s: %s (points stay buffered; retrying)\n" % (self.id, error))
                self._last_heartbeat = now

    def _save_unwritten(self, error):
        """Last resort at exit: buffered points go to a JSON-lines file next to the store."""
        with self._lock:
            batch, self._buffer = self._buffer, []
        if not batch:
            sys.stderr.write("ml_lifecycle: could not end run %s: %s\n" % (self.id, error))
            return
        name = "unwritten-%s-%d.jsonl" % (self.id, _now_ms())
        lines = "".join(
            json.dumps({"key": key, "step": step, "timestamp": timestamp, "value": _json_number(value)}) + "\n" for _, key, step, timestamp, value in batch
        )
        for folder in (os.path.dirname(self.store_path), tempfile.gettempdir()):
            target = os.path.join(folder, name)
            try:
                with open(target, "w", encoding="utf-8") as handle:
                    handle.write(lines)
            except OSError:
                continue
            sys.stderr.write(
                "ml_lifecycle: could not write %s metric points of run %s to %s (%s). They were saved to %s; "
                "load them with: ml-lifecycle log metrics %s %s\n" % (format(len(batch), ","), self.id, self.store_path, error, target, self.id, target)
            )
            return
        sys.stderr.write("ml_lifecycle: LOST %s metric points of run %s: the store and the fallback files were not writable (%s).\n" % (format(len(batch), ","), self.id, error))


_UPSERT_TAG = "INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value"
_UPSERT_EXPERIMENT_TAG = (
    "INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?) ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value"
)
_UPSERT_ARTIFACT = (
    "INSERT INTO artifacts (run_id, path, sha256, size, kind, logged_at) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (run_id, path) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size, kind = excluded.kind, logged_at = excluded.logged_at"
)


def _json_number(value):
    if value is None:
        return None
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def _file_uri(path):
    return "file://" + (path if path.startswith("/") else "/" + path).replace(os.sep, "/")


def _yaml_scalar(value):
    """A YAML scalar that PyYAML and YAML 1.2 readers both load back as the same value."""
    if value is None or value is True or value is False:
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if value != value:
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        mantissa, e, exponent = text.partition("e")
        return text if not e or "." in mantissa else "%s.0e%s" % (mantissa, exponent)  # PyYAML needs the dot
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _yaml_lines(value, indent, out):
    pad = "  " * indent
    pairs = [(_yaml_scalar(k) + ":", v) for k, v in value.items()] if isinstance(value, dict) else [("-", v) for v in value]
    for head, item in pairs:
        if isinstance(item, (dict, list, tuple)) and item:
            out.append(pad + head)
            _yaml_lines(item, indent + 1, out)
        elif isinstance(item, (dict, list, tuple)):
            out.append(pad + head + (" {}" if isinstance(item, dict) else " []"))
        else:
            out.append(pad + head + " " + _yaml_scalar(item))


def _to_yaml(data):
    """Block YAML for JSON-like data (dicts, lists, scalars; anything else as its str), without PyYAML."""
    if isinstance(data, (dict, list, tuple)) and data:
        out = []
        _yaml_lines(data, 0, out)
        return "\n".join(out) + "\n"
    if isinstance(data, (dict, list, tuple)):
        return "{}\n" if isinstance(data, dict) else "[]\n"
    return _yaml_scalar(data) + "\n"


def _items(mapping, what):
    if not hasattr(mapping, "items"):
        raise InputError("%s takes a dict of key -> value; got a %s." % (what, type(mapping).__name__))
    return list(mapping.items())


def _settle_conflicts(conn, batch):
    """Some points hit an existing (run, key, step, timestamp): an identical point is already
    there (a re-import: keep one), otherwise move the new one to the next free millisecond."""
    for run, key, step, timestamp, value in batch:
        if conn.execute(_SAME_POINT, (run, key, step, timestamp, value)).fetchone():
            continue
        while True:
            timestamp += 1
            if conn.execute(_INSERT_POINT, (run, key, step, timestamp, value)).rowcount:
                break
            if conn.execute(_SAME_POINT, (run, key, step, timestamp, value)).fetchone():
                break


def _insert_params(conn, run_row, items):
    for key, value in items:
        if conn.execute("INSERT INTO params (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO NOTHING", (run_row, key, value)).rowcount:
            continue
        old = conn.execute("SELECT value FROM params WHERE run_id = ? AND key = ?", (run_row, key)).fetchone()[0]
        if old != value:
            raise InputError(
                "param %s is already %s for this run; it cannot change to %s. Params are fixed once logged: "
                "use a tag or a metric for values that change, or start a new run. None of this call's params were written."
                % (_preview(key), _preview(old), _preview(value))
            )


def start_run(
    run_id=None, experiment_id=None, run_name=None, nested=False, parent_run_id=None, tags=None, description=None, log_system_metrics=None,
    *, experiment=None, name=None, params=None, store=None, mlflow_style=None, system_metrics_interval=None,
):
    """Starts (or, with run_id, resumes) a run and makes it the active run. MLflow's signature;
    the arguments after the `*` are this module's own and must be given by keyword.

    run_id: resume that run (default $ML_LIFECYCLE_RUN_ID when set and no run is active).
    experiment_id / experiment: the experiment by id or by name (created when missing); default the
        one chosen with set_experiment(), else $ML_LIFECYCLE_EXPERIMENT, else "Default".
    run_name / name: the run's name (default "<script>-<8 hex>").
    nested: start a child of the active run; without it, starting a run while one is active is an error.
    description: the run's note (MLflow's tag mlflow.note.content).
    store: the store file (default: see discover_store_path).
    mlflow_style: True/False forces MLflow's defaults on or off (see Run.mlflow_style); None infers it.
    log_system_metrics: sample CPU, memory, disk, network and GPUs into system/* metrics; None: on,
        unless disable_system_metrics_logging() or $ML_LIFECYCLE_SYSTEM_METRICS=false says otherwise.
    system_metrics_interval: seconds between samples (default $ML_LIFECYCLE_SYSTEM_METRICS_INTERVAL, else 10).
    """
    system_metrics, system_interval = _system_metrics_plan(log_system_metrics, system_metrics_interval)
    if run_name is not None and name is not None and run_name != name:
        raise InputError("The run's name is given twice (run_name=%s, name=%s); give one." % (_preview(run_name), _preview(name)))
    if experiment is not None and experiment_id is not None:
        raise InputError("Give the experiment once: experiment_id=... or experiment=..., not both.")
    tags = dict(_items(tags or {}, "start_run(tags=...)"))
    if NOTE_TAG in tags:
        if description is not None:
            raise InputError("The description is given twice: as description= and as the tag %s. Give one." % NOTE_TAG)
        description = tags.pop(NOTE_TAG)
    if RUN_NAME_TAG in tags:
        tag_name = tags.pop(RUN_NAME_TAG)
        name = name if name is not None else run_name if run_name is not None else str(tag_name)
    ours = experiment is not None or name is not None or params is not None
    name = name if name is not None else run_name
    note = None if description is None else _text_value("description", "notes", description, MAX_TAG_VALUE_LENGTH)
    with _registry_lock:
        active = _active_runs[-1] if _active_runs else None
        chosen = dict(_chosen_experiment)
    if active is not None and not nested and parent_run_id is None:
        raise MlLifecycleError(
            "Run %s (%r) is still active. End it first (end_run() or leave its `with` block), or pass nested=True to start a child run." % (active.id, active.name)
        )
    if nested and parent_run_id is None:
        if active is None:
            raise MlLifecycleError("nested=True needs an active run to be the parent; start that run first.")
        parent_run_id = active.id
    if mlflow_style is None:
        # MLflow code is recognised by MLflow's own arguments or set_experiment(); ours keep our defaults.
        if ours:
            mlflow_style = False
        elif experiment_id is not None or run_name is not None or description is not None or chosen:
            mlflow_style = True
        else:
            mlflow_style = bool(parent_run_id is not None and active is not None and active.mlflow_style)
    if run_id is None and active is None:
        run_id = os.environ.get(RUN_ID_ENV, "").strip() or None
    if experiment is None and experiment_id is None and chosen:
        experiment = chosen["name"]
    experiment_name = _check_name("experiment", experiment if experiment is not None else os.environ.get(EXPERIMENT_ENV, "").strip() or DEFAULT_EXPERIMENT)
    tag_items = [(_check_key("tag", k), _text_value("tag", k, v, MAX_TAG_VALUE_LENGTH)) for k, v in tags.items()]
    param_items = [(_check_key("param", k), _text_value("param", k, v, MAX_PARAM_VALUE_LENGTH)) for k, v in _items(params or {}, "start_run(params=...)")]
    store_path = os.path.abspath(os.fspath(store)) if store is not None else discover_store_path()
    conn = _open(store_path)
    try:
        if experiment_id is not None:
            experiment = experiment_name = _experiment_name_by_id(conn, store_path, experiment_id)
        if run_id is not None:
            found = _resume(conn, store_path, str(run_id), experiment, tag_items, param_items, name, note)
            resumed = True
        else:
            run_uuid = uuid.uuid4().hex
            run_name = _check_name("run", name) if name is not None else _default_name(run_uuid)
            found = _create(conn, store_path, run_uuid, run_name, experiment_name, parent_run_id, tag_items, param_items, note)
            resumed = False
    except BaseException:
        conn.close()
        raise
    run = Run(conn, store_path, found["row"], found["uuid"], found["name"], found["experiment"], resumed, info=found, mlflow_style=mlflow_style)
    with _registry_lock:
        _install_exit_hooks()
        _live_runs.append(run)
        _active_runs.append(run)
    if system_metrics:
        run._sampler = _SystemSampler(run, system_interval)
    return run


def _default_name(run_uuid):
    entry = _entry_script()
    stem = os.path.splitext(os.path.basename(entry))[0] if entry else ""
    return "%s-%s" % (stem or "python", run_uuid[:8])


# Rows cached from a team's MLflow server (external_id "mlflow-server:<uri>#run:<id>") are other
# people's runs: read-only here, as in the extension (src/tracking/remoteRows.ts).
_REMOTE_PREFIX = "mlflow-server:"


def _remote_server(external_id):
    """The server URI a cached row came from, or None for a local or imported row."""
    if not external_id or not external_id.startswith(_REMOTE_PREFIX):
        return None
    mark = external_id.rfind("#")
    return external_id[len(_REMOTE_PREFIX):mark] if mark > len(_REMOTE_PREFIX) else None


def _experiment_row(c, experiment_name, now, user, host):
    """The experiment's id, created (with its audit row) when missing; one in the trash, or a server's copy, is refused."""
    found = c.execute("SELECT id, deleted_at, external_id FROM experiments WHERE name = ?", (experiment_name,)).fetchone()
    if found is None:
        experiment_id = c.execute("INSERT INTO experiments (name, created_at) VALUES (?, ?)", (experiment_name, now)).lastrowid
        c.execute(
            "INSERT INTO audit_log (at, actor, host, entity, entity_id, action, reason, details) VALUES (?, ?, ?, 'experiment', ?, 'create', NULL, ?)",
            (now, user, host, str(experiment_id), json.dumps({"name": experiment_name})),
        )
        return experiment_id
    if found[1] is not None:
        raise InputError(
            "The experiment %s is in the trash. Restore it in the ML Lifecycle view (Restore from Trash…), or log to another experiment." % _preview(experiment_name)
        )
    server = _remote_server(found[2])
    if server is not None:
        raise InputError(
            "The experiment %s is a read-only copy of an experiment on %s; log to a local experiment, or to that server with MLflow's client." % (_preview(experiment_name), server)
        )
    return found[0]


def _experiment_name_by_id(conn, store_path, experiment_id):
    try:
        number = int(str(experiment_id).strip())
    except ValueError:
        raise InputError("experiment_id %s is not an experiment id (ids are whole numbers; give a name with set_experiment(name) instead)." % _preview(experiment_id)) from None
    found = conn.execute("SELECT name, deleted_at FROM experiments WHERE id = ?", (number,)).fetchone()
    if found is None:
        raise InputError("There is no experiment with id %s in the store %s. set_experiment(name) creates one by name." % (_preview(experiment_id), store_path))
    if found[1] is not None:
        raise InputError("The experiment %s (id %s) is in the trash; restore it before logging to it." % (_preview(found[0]), number))
    return found[0]


def _create(conn, store_path, run_uuid, run_name, experiment_name, parent_uuid, tag_items, param_items, note=None):
    source = _source_info()
    now = _now_ms()
    run_tags = [("ml_lifecycle.python_version", platform.python_version())] + tag_items

    def work(c):
        experiment_id = _experiment_row(c, experiment_name, now, source["user_name"], source["host"])
        parent_row = None
        if parent_uuid is not None:
            parent = c.execute("SELECT id, external_id FROM runs WHERE uuid = ?", (str(parent_uuid),)).fetchone()
            if parent is None:
                raise InputError("The parent run %s is not in the store %s." % (_preview(parent_uuid), store_path))
            parent_server = _remote_server(parent[1])
            if parent_server is not None:
                raise InputError("The parent run %s is a read-only copy of a run on %s; nest the run under a local run." % (_preview(parent_uuid), parent_server))
            parent_row = parent[0]
        row_id = c.execute(
            "INSERT INTO runs (uuid, experiment_id, parent_run_id, name, status, start_time, heartbeat_at, git_commit, git_branch, git_dirty, "
            "entry_point, host, user_name, source, notes) VALUES (?, ?, ?, ?, 'RUNNING', ?, ?, ?, ?, ?, ?, ?, ?, 'python', ?)",
            (
                run_uuid, experiment_id, parent_row, run_name, now, now, source["git_commit"], source["git_branch"],
                source["git_dirty"], source["entry_point"], source["host"], source["user_name"], note,
            ),
        ).lastrowid
        c.executemany(_UPSERT_TAG, [(row_id, k, v) for k, v in run_tags])
        _insert_params(c, row_id, param_items)
        return {"row": row_id, "uuid": run_uuid, "name": run_name, "experiment": experiment_name, "experiment_id": experiment_id,
                "start_time": now, "user": source["user_name"], "parent": None if parent_uuid is None else str(parent_uuid)}

    return _write(conn, store_path, work, "start a run in experiment %s" % _preview(experiment_name))


def _resume(conn, store_path, run_uuid, experiment, tag_items, param_items, new_name=None, note=None):
    now = _now_ms()
    if new_name is not None:
        new_name = _check_name("run", new_name)

    def work(c):
        found = c.execute(
            "SELECT r.id, r.name, r.deleted_at, e.name, e.id, r.start_time, r.user_name, p.uuid, r.external_id FROM runs r JOIN experiments e ON e.id = r.experiment_id "
            "LEFT JOIN runs p ON p.id = r.parent_run_id WHERE r.uuid = ?",
            (run_uuid,),
        ).fetchone()
        if found is None:
            hint = "" if re.match(r"^[0-9a-f]{32}$", run_uuid) else (
                " start_run's first argument is the id of a run to resume, as in MLflow; name an experiment with experiment=%s or set_experiment(%s)."
                % (_preview(run_uuid), _preview(run_uuid))
            )
            raise InputError("There is no run %s in the store %s (check %s and the run id).%s" % (_preview(run_uuid), store_path, RUN_ID_ENV, hint))
        row_id, run_name, deleted_at, experiment_name, experiment_id, start_time, user, parent, external_id = found
        if deleted_at is not None:
            raise InputError("Run %s is in the trash; restore it before logging to it." % run_uuid)
        server = _remote_server(external_id)
        if server is not None:
            raise InputError("Run %s is a read-only copy of a run on %s; log to it on that server instead." % (run_uuid, server))
        if experiment is not None and experiment != experiment_name:
            raise InputError("Run %s belongs to experiment %s, not %s." % (run_uuid, _preview(experiment_name), _preview(experiment)))
        c.execute("UPDATE runs SET status = 'RUNNING', end_time = NULL, heartbeat_at = ? WHERE id = ?", (now, row_id))
        if new_name is not None:
            c.execute("UPDATE runs SET name = ? WHERE id = ?", (new_name, row_id))
            run_name = new_name
        if note is not None:
            c.execute("UPDATE runs SET notes = ? WHERE id = ?", (note, row_id))
        c.executemany(_UPSERT_TAG, [(row_id, k, v) for k, v in tag_items])
        _insert_params(c, row_id, param_items)
        return {"row": row_id, "uuid": run_uuid, "name": run_name, "experiment": experiment_name, "experiment_id": experiment_id,
                "start_time": start_time, "user": user, "parent": parent}

    return _write(conn, store_path, work, "resume run %s" % run_uuid)


# ---- the fluent API: the active run -------------------------------------------------------------


def active_run():
    """The active run, or None. Like MLflow's ActiveRun it has .info (run_id, run_name...) and .data."""
    with _registry_lock:
        return _active_runs[-1] if _active_runs else None


def last_active_run():
    """The active run, else the run of this process that ended last (None when there is none)."""
    with _registry_lock:
        return _active_runs[-1] if _active_runs else _last_run[0]


def _active():
    run = active_run()
    if run is None:
        raise MlLifecycleError("No active run: call ml_lifecycle.start_run(...) first (or log through the Run it returns).")
    return run


def _target(run_id=None):
    """The active run, or with run_id (MLflow's keyword) a run of this process that is still open."""
    if run_id is None:
        return _active()
    with _registry_lock:
        for run in _live_runs:
            if run.id == run_id:
                return run
    raise MlLifecycleError("Run %s is not open in this process: resume it with start_run(run_id=%r) first." % (_preview(run_id), run_id))


def _no_model(model_id, dataset):
    if model_id is not None or dataset is not None:
        raise NotSupportedError("log_metric(model_id=..., dataset=...) is not supported: log the metric to the run, and name the model or dataset in the key or a tag.")


def end_run(status="FINISHED"):
    """Ends the active run (does nothing when there is none)."""
    run = active_run()
    if run is not None:
        run.end(status)


def log_metric(key, value, step=None, synchronous=None, timestamp=None, run_id=None, model_id=None, dataset=None):
    """MLflow's signature; the 4th positional argument is also taken as the timestamp when it is a
    number, as in this module's older (key, value, step, timestamp)."""
    if synchronous is not None and not isinstance(synchronous, bool) and timestamp is None:
        synchronous, timestamp = None, synchronous
    if model_id is not None or dataset is not None:
        _no_model(model_id, dataset)
    run = _target(run_id) if run_id is not None else _active()
    run.log_metric(key, value, step, timestamp)
    if synchronous:
        run.flush()


def log_metrics(metrics, step=None, synchronous=None, run_id=None, timestamp=None, model_id=None, dataset=None):
    """MLflow's signature; a number as the 3rd positional argument is the timestamp (older signature)."""
    if synchronous is not None and not isinstance(synchronous, bool) and timestamp is None:
        synchronous, timestamp = None, synchronous
    _no_model(model_id, dataset)
    run = _target(run_id)
    run.log_metrics(metrics, step, timestamp)
    if synchronous:
        run.flush()


def log_param(key, value, synchronous=None):
    _active().log_param(key, value)
    return value  # as MLflow


def log_params(params, synchronous=None, run_id=None):
    _target(run_id).log_params(params)


def set_tag(key, value, synchronous=None):
    _active().set_tag(key, value)


def set_tags(tags, synchronous=None):
    _active().set_tags(tags)


def delete_tag(key):
    _active().delete_tag(key)


def log_artifact(local_path=None, artifact_path=None, run_id=None, *, kind=None, path=None):
    """See Run.log_artifact."""
    return _target(run_id).log_artifact(local_path, artifact_path, kind=kind, path=path)


def log_artifacts(local_dir, artifact_path=None, run_id=None):
    return _target(run_id).log_artifacts(local_dir, artifact_path)


def log_dict(dictionary, artifact_file, run_id=None):
    return _target(run_id).log_dict(dictionary, artifact_file)


def log_text(text, artifact_file, run_id=None):
    return _target(run_id).log_text(text, artifact_file)


def get_artifact_uri(artifact_path=None):
    return _active().get_artifact_uri(artifact_path)


def flush():
    """Writes the active run's buffered points now."""
    return _active().flush()


# ---- experiments, the MLflow way ----------------------------------------------------------------


class Experiment:
    """What set_experiment() and get_experiment_by_name() return: MLflow's Experiment fields."""

    def __init__(self, experiment_id, name, creation_time, tags, artifact_location):
        self.experiment_id = str(experiment_id)
        self.name = name
        self.creation_time = creation_time
        self.last_update_time = creation_time
        self.tags = tags
        self.artifact_location = artifact_location
        self.lifecycle_stage = "active"

    def __repr__(self):
        return "<ml_lifecycle.Experiment %s %r>" % (self.experiment_id, self.name)


def _read_experiment(conn, store_path, experiment_id):
    name, created = conn.execute("SELECT name, created_at FROM experiments WHERE id = ?", (experiment_id,)).fetchone()
    tags = dict(conn.execute("SELECT key, value FROM experiment_tags WHERE experiment_id = ?", (experiment_id,)))
    return Experiment(experiment_id, name, created, tags, _file_uri(os.path.join(os.path.dirname(store_path), ARTIFACTS_DIR)))


def _with_store(store, work):
    store_path = os.path.abspath(os.fspath(store)) if store is not None else discover_store_path()
    conn = _open(store_path)
    try:
        return work(conn, store_path)
    finally:
        conn.close()


def _ensure_experiment(conn, store_path, name):
    return _write(conn, store_path, lambda c: _experiment_row(c, name, _now_ms(), _actor(), socket.gethostname()), "create experiment %s" % _preview(name))


def set_experiment(experiment_name=None, experiment_id=None, *, store=None):
    """Chooses the experiment of the runs started next without one (created when missing), as MLflow's."""
    if (experiment_name is None) == (experiment_id is None):
        raise InputError("set_experiment takes exactly one of experiment_name and experiment_id.")

    def work(conn, store_path):
        if experiment_id is not None:
            name = _experiment_name_by_id(conn, store_path, experiment_id)
            row = int(str(experiment_id).strip())
        else:
            name = _check_name("experiment", experiment_name)
            row = _ensure_experiment(conn, store_path, name)
        return _read_experiment(conn, store_path, row)

    experiment = _with_store(store, work)
    with _registry_lock:
        _chosen_experiment.clear()
        _chosen_experiment.update(name=experiment.name, id=experiment.experiment_id)
    return experiment


def create_experiment(name, artifact_location=None, tags=None, *, store=None):
    """Creates an experiment and returns its id; an existing name is an error, as in MLflow."""
    if artifact_location is not None:
        raise NotSupportedError("create_experiment(artifact_location=...) is not supported: artifacts go to %s/<run id>/ next to the store." % ARTIFACTS_DIR)
    name = _check_name("experiment", name)
    tag_items = [(_check_key("tag", k), _text_value("tag", k, v, MAX_TAG_VALUE_LENGTH)) for k, v in _items(tags or {}, "create_experiment(tags=...)")]

    def work(conn, store_path):
        def create(c):
            if c.execute("SELECT 1 FROM experiments WHERE name = ?", (name,)).fetchone():
                raise InputError("The experiment %s already exists in %s (use set_experiment(%s) to log to it)." % (_preview(name), store_path, _preview(name)))
            row = _experiment_row(c, name, _now_ms(), _actor(), socket.gethostname())
            c.executemany(_UPSERT_EXPERIMENT_TAG, [(row, k, v) for k, v in tag_items])
            return row

        return str(_write(conn, store_path, create, "create experiment %s" % _preview(name)))

    return _with_store(store, work)


def get_experiment_by_name(name, *, store=None):
    """The experiment named so, or None (one in the trash counts as missing)."""

    def work(conn, store_path):
        row = conn.execute("SELECT id FROM experiments WHERE name = ? AND deleted_at IS NULL", (name,)).fetchone()
        return None if row is None else _read_experiment(conn, store_path, row[0])

    return _with_store(store, work)


def set_experiment_tags(tags, *, store=None):
    """Tags the experiment chosen with set_experiment() (else $ML_LIFECYCLE_EXPERIMENT or "Default")."""
    items = [(_check_key("tag", k), _text_value("tag", k, v, MAX_TAG_VALUE_LENGTH)) for k, v in _items(tags, "set_experiment_tags")]
    with _registry_lock:
        name = _chosen_experiment.get("name")
    name = _check_name("experiment", name or os.environ.get(EXPERIMENT_ENV, "").strip() or DEFAULT_EXPERIMENT)

    def work(conn, store_path):
        def tag(c):
            row = _experiment_row(c, name, _now_ms(), _actor(), socket.gethostname())
            c.executemany(_UPSERT_EXPERIMENT_TAG, [(row, k, v) for k, v in items])

        _write(conn, store_path, tag, "tag experiment %s" % _preview(name))

    _with_store(store, work)


def set_experiment_tag(key, value, *, store=None):
    set_experiment_tags({key: value}, store=store)


def set_tracking_uri(uri):
    """Accepted so MLflow scripts run, but runs always go to the ML Lifecycle store: says so on stderr."""
    warnings.warn(
        "ml_lifecycle: set_tracking_uri(%r) has no effect: runs go to the ML Lifecycle store %s (set %s or start_run(store=...) to choose another)."
        % (str(uri), discover_store_path(), STORE_ENV),
        stacklevel=2,
    )


def get_tracking_uri():
    """The store's file URI."""
    return _file_uri(discover_store_path())


# ---- search_runs: the filter syntax of `ml-lifecycle runs list --filter` and the Runs table -----
# The same grammar as src/search/parser.ts (MLflow's syntax plus OR, NOT, parentheses, IN on every
# column and min/max/best/last of a metric), compiled to the same SQL with bound values;
# test/unit/search/python.test.ts runs both on the same filters and the same store.

_SEARCH_TOKEN = re.compile(
    r"""(?P<space>\s+)|(?P<string>'(?:[^']|'')*'|"(?:[^"]|"")*")|(?P<number>-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)"""
    r"""|(?P<op>!=|<>|<=|>=|==|=|<|>)|(?P<lparen>\()|(?P<rparen>\))|(?P<comma>,)"""
    r"""|(?P<name>(?:[A-Za-z_]\w*|`[^`]*`)(?:\.(?:`[^`]*`|"[^"]*"|'[^']*'|[^\s()=!<>,'"`]*))?)"""
)
_SEARCH_KEYWORDS = {"AND", "OR", "NOT", "IN", "LIKE", "ILIKE", "IS", "NULL", "TRUE", "FALSE", "ASC", "DESC"}
_SEARCH_ENTITIES = {
    "metric": "metric", "metrics": "metric", "param": "param", "params": "param", "parameter": "param", "parameters": "param",
    "tag": "tag", "tags": "tag", "attribute": "attribute", "attributes": "attribute", "attr": "attribute", "run": "attribute",
}


def _effective_status_sql(runs, cutoff):
    """A run's status as people see it: RUNNING with a stale heartbeat reads as KILLED, unless it is cached from a team's server (as effectiveStatusSql in src/tracking/staleness.ts)."""
    return ("(CASE WHEN {r}.status = 'RUNNING' AND coalesce({r}.heartbeat_at, {r}.start_time) < {cutoff} AND coalesce({r}.external_id, '') NOT LIKE '{remote}%' "
            "THEN 'KILLED' ELSE {r}.status END)").format(r=runs, cutoff=cutoff, remote=_REMOTE_PREFIX)


_STATUS_SQL = _effective_status_sql("r", "?")
_SEARCH_ATTRIBUTES = {  # key -> (type, SQL); as src/search/attributes.ts
    "run_id": ("text", "r.uuid"), "run_name": ("text", "r.name"), "status": ("text", _STATUS_SQL), "user_id": ("text", "r.user_name"),
    "start_time": ("number", "r.start_time"), "end_time": ("number", "r.end_time"), "experiment": ("text", "e.name"),
    "duration": ("number", "(coalesce(r.end_time, r.heartbeat_at, r.start_time) - r.start_time)"),
    "git_commit": ("text", "r.git_commit"), "git_branch": ("text", "r.git_branch"), "source": ("text", "r.source"),
    "entry_point": ("text", "r.entry_point"), "host": ("text", "r.host"),
    "registered_versions": ("number", "(SELECT count(*) FROM model_versions v WHERE v.run_id = r.id)"),
    "starred": ("boolean", "EXISTS (SELECT 1 FROM tags s WHERE s.run_id = r.id AND s.key = 'ml_lifecycle.starred' AND s.value = 'true')"),
}
_SEARCH_ALIASES = {"created": "start_time", "Created": "start_time", "run name": "run_name", "Run name": "run_name", "Run Name": "run_name"}
_LOWER_IS_BETTER = ("loss", "error", "mae", "mse", "mape", "perplexity", "latency")
_AS_NUMBER = "(CASE WHEN json_valid($X) AND json_type($X) IN ('integer', 'real') THEN CAST($X AS REAL) END)"
_NUMBERS_FIRST = "(CASE WHEN json_valid($X) AND json_type($X) IN ('integer', 'real') THEN CAST($X AS REAL) ELSE $X END)"


class SearchError(InputError):
    """A filter that does not parse or does not make sense; .column is where (1-based)."""

    def __init__(self, reason, column):
        super().__init__("Column %d: %s" % (column, reason))
        self.reason = reason
        self.column = column


def _search_tokens(text):
    tokens, at = [], 0
    while at < len(text):
        match = _SEARCH_TOKEN.match(text, at)
        if match is None:
            char = text[at]
            if char in "'\"`":
                raise SearchError("the text quoted with %s that starts here is not closed." % char, at + 1)
            raise SearchError('"%s" is not expected here.' % char, at + 1)
        kind = match.lastgroup
        if kind != "space":
            value = match.group()
            if kind == "name" and value.upper() in _SEARCH_KEYWORDS:
                kind = value.upper()
            tokens.append((kind, value, at + 1))
        at = match.end()
    tokens.append(("end", "", len(text) + 1))
    return tokens


def _strip_key_quotes(text):
    if len(text) >= 2 and text[0] in "'\"`" and text[-1] == text[0]:
        return text[1:-1]
    return text


class _SearchParser:
    def __init__(self, text):
        self.tokens = _search_tokens(text)
        self.at = 0

    def peek(self, offset=0):
        return self.tokens[min(self.at + offset, len(self.tokens) - 1)]

    def take(self, kind, expected):
        token = self.peek()
        if token[0] != kind:
            self.fail(token, "expected %s but found %s." % (expected, self.describe(token)))
        self.at += 1
        return token

    @staticmethod
    def describe(token):
        return "the end of the filter" if token[0] == "end" else '"%s"' % token[1]

    def fail(self, token, reason):
        raise SearchError(reason, token[2])

    def filter(self):
        if self.peek()[0] == "end":
            return None
        expr = self.any_of()
        if self.peek()[0] != "end":
            self.fail(self.peek(), "%s is not expected here; join conditions with AND or OR." % self.describe(self.peek()))
        return expr

    def order_by(self):
        keys = []
        while True:
            column = self.column()
            descending = False
            if self.peek()[0] in ("ASC", "DESC"):
                descending = self.take(self.peek()[0], "")[0] == "DESC"
            keys.append((column, descending))
            if self.peek()[0] != "comma":
                break
            self.at += 1
        if self.peek()[0] != "end":
            self.fail(self.peek(), "%s is not expected here; join conditions with AND or OR." % self.describe(self.peek()))
        return keys

    def any_of(self):
        items = [self.all_of()]
        while self.peek()[0] == "OR":
            self.at += 1
            items.append(self.all_of())
        return items[0] if len(items) == 1 else ("or", items)

    def all_of(self):
        items = [self.term()]
        while self.peek()[0] == "AND":
            self.at += 1
            items.append(self.term())
        return items[0] if len(items) == 1 else ("and", items)

    def term(self):
        token = self.peek()
        if token[0] == "NOT":
            self.at += 1
            return ("not", self.term())
        if token[0] == "lparen":
            self.at += 1
            inner = self.any_of()
            self.take("rparen", "')'")
            return inner
        if token[0] == "name":
            return self.comparison()
        self.fail(token, '%s is not expected here; expected a condition such as metrics.auc > 0.9, NOT, or "(".' % self.describe(token))

    def comparison(self):
        column = self.column()
        token = self.peek()
        negated = token if token[0] == "NOT" and self.peek(1)[0] in ("LIKE", "ILIKE", "IN") else None
        if negated:
            self.at += 1
            token = self.peek()
        if token[0] == "op":
            self.at += 1
            op = {"<>": "!=", "==": "="}.get(token[1], token[1])
            return ("compare", column, op, [self.value()], token[2])
        if token[0] in ("LIKE", "ILIKE"):
            self.at += 1
            return ("compare", column, ("NOT " if negated else "") + token[0], [self.value()], (negated or token)[2])
        if token[0] == "IN":
            self.at += 1
            self.take("lparen", "'('")
            values = [self.value()]
            while self.peek()[0] == "comma":
                self.at += 1
                values.append(self.value())
            self.take("rparen", "')'")
            return ("compare", column, "NOT IN" if negated else "IN", values, (negated or token)[2])
        if token[0] == "IS":
            self.at += 1
            present = self.peek()[0] == "NOT"
            if present:
                self.at += 1
            self.take("NULL", "NULL")
            return ("compare", column, "IS NOT NULL" if present else "IS NULL", [], token[2])
        self.fail(token, "%s is not expected here; expected a comparison such as =, !=, <, >, LIKE, IN (...) or IS NULL." % self.describe(token))

    def value(self):
        token = self.peek()
        if token[0] == "string":
            self.at += 1
            quote = token[1][0]
            return (token[1][1:-1].replace(quote + quote, quote), token[2], token[1])
        if token[0] == "number":
            self.at += 1
            return (float(token[1]), token[2], token[1])
        if token[0] in ("TRUE", "FALSE"):
            self.at += 1
            return (token[0] == "TRUE", token[2], token[1])
        self.fail(token, "%s is not expected here; expected a quoted value such as 'v2', a number, true or false." % self.describe(token))

    def column(self):
        name = self.take("name", "a column such as metrics.auc")
        if self.peek()[0] != "lparen":
            return _search_column(name, "last")
        self.at += 1
        inner = self.take("name", "a column such as metrics.auc")
        self.take("rparen", "')'")
        aggregate = name[1].lower()
        if aggregate not in ("last", "min", "max", "best"):
            self.fail(name, "%s() is not known; use last(), min(), max() or best() of a metric." % name[1])
        return _search_column(inner, aggregate)


def _search_column(token, aggregate):
    text, at = token[1], token[2]
    dot = text.find(".", text.find("`", 1)) if text.startswith("`") else text.find(".")
    if dot < 0:
        entity, key = "attribute", _strip_key_quotes(text)
    else:
        prefix, key = _strip_key_quotes(text[:dot]), _strip_key_quotes(text[dot + 1:])
        if prefix in ("dataset", "datasets"):
            raise SearchError("%s: ML Lifecycle does not keep MLflow dataset inputs; filter on a tag or param instead." % text, at)
        entity = _SEARCH_ENTITIES.get(prefix)
        if entity is None:
            raise SearchError('"%s" is not a kind of column; write metrics.KEY, params.KEY, tags.KEY or attributes.KEY.' % prefix, at)
        if not key:
            raise SearchError("%s names no key; write %s.KEY, quoting the key with backticks if it has spaces or symbols." % (text, prefix), at)
    if entity == "attribute":
        if key in ("artifact_uri", "lifecycle_stage"):
            raise SearchError("attributes.%s is not available in ML Lifecycle." % key, at)
        key = _SEARCH_ALIASES.get(key, key)
        if key not in _SEARCH_ATTRIBUTES:
            raise SearchError('"%s" is not a run attribute. Attributes: %s; or write metrics.%s, params.%s or tags.%s.' % (key, ", ".join(_SEARCH_ATTRIBUTES), key, key, key), at)
    if aggregate != "last" and entity != "metric":
        raise SearchError("%s() applies to metrics only, not to %s." % (aggregate, text), at)
    return {"entity": entity, "key": key, "aggregate": aggregate, "text": text, "at": at}


def _search_extreme(fn):
    return (
        "SELECT %s(v) FROM (SELECT b.%s AS v FROM metric_blocks b WHERE b.run_id = r.id AND b.key = ? AND b.shift = 12 "
        "UNION ALL SELECT m.value FROM metric_dirty d JOIN metrics m ON m.run_id = d.run_id AND m.key = d.key AND m.step BETWEEN d.lo AND d.hi "
        "WHERE d.run_id = r.id AND d.key = ? AND abs(m.value) <= 1.7976931348623157e308)" % (fn, fn)
    )


def _search_type(column):
    if column["entity"] == "metric":
        return "number"
    return _SEARCH_ATTRIBUTES[column["key"]][0] if column["entity"] == "attribute" else "text"


def _search_column_sql(column, stale_before):
    entity, key = column["entity"], column["key"]
    if entity == "attribute":
        sql = _SEARCH_ATTRIBUTES[key][1]
        return sql, ([stale_before] if "?" in sql else [])
    if entity in ("param", "tag"):
        return "(SELECT x.value FROM %s x WHERE x.run_id = r.id AND x.key = ?)" % ("params" if entity == "param" else "tags"), [key]
    aggregate = column["aggregate"]
    if aggregate == "last":
        return "(SELECT m.value FROM metrics m WHERE m.run_id = r.id AND m.key = ? ORDER BY m.step DESC, m.timestamp DESC, m.seq DESC LIMIT 1)", [key]
    if aggregate in ("min", "max"):
        return "(%s)" % _search_extreme(aggregate), [key, key]
    guess = "min" if any(word in key.lower() for word in _LOWER_IS_BETTER) else "max"
    sql = "(CASE WHEN (CASE WHEN e.primary_metric = ? AND e.metric_direction IS NOT NULL THEN e.metric_direction ELSE ? END) = 'min' THEN (%s) ELSE (%s) END)"
    return sql % (_search_extreme("min"), _search_extreme("max")), [key, guess, key, key, key, key]


def _search_reuse(sql, params, template):
    parts = template.split("$X")
    return sql.join(parts), params * (len(parts) - 1)


def _search_like_to_glob(pattern):
    return "".join("*" if c == "%" else "?" if c == "_" else "[%s]" % c if c in "*?[" else c for c in pattern)


def _search_compile(expr, stale_before):
    if expr is None:
        return "1", []
    if expr[0] in ("and", "or"):
        parts = [_search_compile(item, stale_before) for item in expr[1]]
        return "(%s)" % (" %s " % expr[0].upper()).join(p[0] for p in parts), [v for p in parts for v in p[1]]
    if expr[0] == "not":
        sql, params = _search_compile(expr[1], stale_before)
        return "(NOT %s)" % sql, params
    _, column, op, values, at = expr
    if op in ("IS NULL", "IS NOT NULL"):
        if column["entity"] == "metric":
            return "(%sEXISTS (SELECT 1 FROM metrics m WHERE m.run_id = r.id AND m.key = ?))" % ("" if op == "IS NOT NULL" else "NOT "), [column["key"]]
        sql, params = _search_column_sql(column, stale_before)
        return "(%s %s)" % (sql, op), params
    column_type = _search_type(column)
    kinds = ["boolean" if isinstance(v[0], bool) else "number" if isinstance(v[0], float) else "text" for v in values]
    for value, kind in zip(values, kinds):
        if kind != kinds[0]:
            mixed = "true/false with other values" if "boolean" in (kind, kinds[0]) else "numbers and quoted text"
            raise SearchError("the list mixes %s (%s); use one kind." % (mixed, value[2]), value[1])
    value_type = kinds[0]
    if "boolean" in (column_type, value_type):
        return _search_yes_no(expr, column_type, value_type, stale_before)
    text_only = op in ("LIKE", "ILIKE", "NOT LIKE", "NOT ILIKE")
    first = values[0]
    if text_only and column_type == "number":
        raise SearchError("%s is a number; %s only applies to text such as params, tags and names." % (column["text"], op), at)
    if column_type == "number" and value_type == "text":
        raise SearchError("%s is a number; compare it with a number, not with %s." % (column["text"], first[2]), first[1])
    if text_only and value_type == "number":
        raise SearchError("%s matches text; quote the pattern, e.g. '%s%%'." % (op, first[2]), first[1])
    if op in ("<", "<=", ">", ">=") and value_type == "text":
        try:
            numeric = math.isfinite(float(first[0])) and first[0].strip() != ""
        except ValueError:
            numeric = False
        if numeric:
            raise SearchError("%s compares numbers; write the number without quotes: %s %s %s." % (op, column["text"], op, first[0]), first[1])
        raise SearchError("%s compares numbers, and %s is text; use =, !=, LIKE, ILIKE or IN for text." % (op, first[2]), first[1])
    if column_type == "text" and value_type == "number" and column["entity"] == "attribute":
        raise SearchError("%s is text; quote the value: '%s'." % (column["text"], first[2]), first[1])
    sql, params = _search_column_sql(column, stale_before)
    if column_type == "text" and value_type == "number":
        sql, params = _search_reuse(sql, params, _AS_NUMBER)
    bound = [v[0] for v in values]
    if op in ("IN", "NOT IN"):
        return "(%s %s (%s))" % (sql, op, ", ".join("?" * len(bound))), params + bound
    if op in ("LIKE", "NOT LIKE"):  # MLflow's LIKE is case-sensitive; SQLite's is not
        return "(%s%s GLOB ?)" % ("NOT " if op == "NOT LIKE" else "", sql), params + [_search_like_to_glob(first[0])]
    if op in ("ILIKE", "NOT ILIKE"):
        return "(%s%s LIKE ?)" % ("NOT " if op == "NOT ILIKE" else "", sql), params + [first[0]]
    return "(%s %s ?)" % (sql, op), params + [first[0]]


def _search_yes_no(expr, column_type, value_type, stale_before):
    """A yes/no attribute (1 or 0 in SQL) against true or false, with = or != only."""
    _, column, op, values, at = expr
    first = values[0]
    if column_type != "boolean":
        raise SearchError("%s only compares with a yes/no attribute such as attributes.starred; quote it to match text: '%s'." % (first[2], first[2]), first[1])
    if value_type != "boolean":
        raise SearchError("%s is true or false; write %s = true." % (column["text"], column["text"]), first[1])
    if op not in ("=", "!="):
        raise SearchError("%s is true or false; compare it with = or !=." % column["text"], at)
    sql, params = _search_column_sql(column, stale_before)
    return "(%s %s ?)" % (sql, op), params + [1 if first[0] else 0]


class SearchedRun:
    """A run found by search_runs(): MLflow's Run with .info and .data (latest metric values)."""

    def __init__(self, info, data):
        self.info = info
        self.data = data

    def __repr__(self):
        return "<SearchedRun run_id=%r run_name=%r status=%r>" % (self.info.run_id, self.info.run_name, self.info.status)


class _SearchedInfo:
    def __init__(self, row):
        self.run_id = self.run_uuid = row[1]
        self.run_name, self.experiment_id, self.status, self.start_time, self.end_time, self.user_id = row[2:8]
        self.experiment_id = str(self.experiment_id)
        self.lifecycle_stage = "active"

    def __repr__(self):
        return "<RunInfo run_id=%r run_name=%r experiment_id=%r status=%r>" % (self.run_id, self.run_name, self.experiment_id, self.status)


def search_runs(experiment_ids=None, filter_string="", run_view_type=None, max_results=100000, order_by=None, output_format="list",
                search_all_experiments=False, experiment_names=None, *, store=None):
    """Runs that match filter_string, as MLflow's search_runs(output_format="list") returns them.

    filter_string: MLflow's syntax (metrics.auc > 0.9 and params.lr = '0.01' and tags.d LIKE 'v2%'),
    plus OR, NOT, parentheses, IN (...) on any column and min()/max()/best() of a metric; the same
    as `ml-lifecycle runs list --filter` and the Runs table. A bad filter raises SearchError with
    the 1-based column. order_by: e.g. ["metrics.auc DESC", "params.lr"]; newest first after it.
    experiment_ids / experiment_names: our experiment ids or names; all experiments when neither.
    Runs in the trash are never returned. output_format "pandas" is not available (stdlib only).
    """
    if output_format != "list":
        raise NotSupportedError("search_runs(output_format=%r) is not supported: ml_lifecycle is standard library only; use output_format='list' (the default here)." % (output_format,))
    stale_before = _now_ms() - STALE_HEARTBEAT_SECONDS * 1000
    expr = _SearchParser(filter_string or "").filter()
    where, params = _search_compile(expr, stale_before)
    orders, order_params = [], []
    for text in [order_by] if isinstance(order_by, str) else (order_by or []):
        for column, descending in _SearchParser(text).order_by():
            sql, column_params = _search_column_sql(column, stale_before)
            if _search_type(column) == "text":
                sql, column_params = _search_reuse(sql, column_params, _NUMBERS_FIRST)
            orders.append("%s %s NULLS LAST" % (sql, "DESC" if descending else "ASC"))
            order_params += column_params
    scope, scope_params = "", []
    if experiment_ids:
        scope, scope_params = "AND r.experiment_id IN (%s)" % ", ".join("?" * len(experiment_ids)), [int(i) for i in experiment_ids]
    elif experiment_names:
        scope, scope_params = "AND e.name IN (%s)" % ", ".join("?" * len(experiment_names)), list(experiment_names)

    def work(conn, store_path):
        rows = conn.execute(
            "SELECT r.id, r.uuid, r.name, r.experiment_id, %s, r.start_time, r.end_time, r.user_name FROM runs r JOIN experiments e ON e.id = r.experiment_id "
            "WHERE r.deleted_at IS NULL AND e.deleted_at IS NULL %s AND %s ORDER BY %s LIMIT ?"
            % (_STATUS_SQL, scope, where, ", ".join(orders + ["r.start_time DESC", "r.id DESC"])),
            [stale_before] + scope_params + params + order_params + [int(max_results)],
        ).fetchall()
        found = []
        for row in rows:
            run_params = dict(conn.execute("SELECT key, value FROM params WHERE run_id = ?", (row[0],)))
            tags = dict(conn.execute("SELECT key, value FROM tags WHERE run_id = ?", (row[0],)))
            metrics = {}
            for (key,) in conn.execute("SELECT DISTINCT key FROM metrics WHERE run_id = ?", (row[0],)):
                value = conn.execute("SELECT value FROM metrics WHERE run_id = ? AND key = ? ORDER BY step DESC, timestamp DESC, seq DESC LIMIT 1", (row[0], key)).fetchone()[0]
                metrics[key] = float("nan") if value is None else value
            found.append(SearchedRun(_SearchedInfo(row), RunData(run_params, metrics, tags)))
        return found

    return _with_store(store, work)


# ---- what MLflow has and this module does not ---------------------------------------------------

_LOG_MODEL = "save the model with its library (joblib.dump, torch.save, model.save_model...) and log the file with log_artifact(path, kind='model')"
_READ_BACK = "read runs in the VS Code view, with `ml-lifecycle runs list --json`, or from the store (SQLite)"
_UNSUPPORTED = {
    "autolog": "log with log_params/log_metric in your training loop, or the library's callbacks calling them",
    "log_model": _LOG_MODEL,
    "log_input": "log the dataset's path with log_artifact(path, kind='data') (sha256 and size are recorded) and its name as a tag",
    "log_inputs": "log each dataset with log_artifact(path, kind='data')",
    "log_outputs": "log the files with log_artifact",
    "log_figure": "save the figure (fig.savefig('plot.png')) and log the file with log_artifact",
    "log_image": "save the image to a file and log it with log_artifact",
    "log_table": "write the table to a file (CSV, JSON) and log it with log_artifact, or log its columns with log_dict",
    "log_stream": "write the stream to a file and log it with log_artifact",
    "log_model_params": "log them with log_params",
    "load_table": "read the file you logged with log_artifact",
    "register_model": "register a run's artifact with \"ML Lifecycle: Register Model Version…\" in VS Code",
    "search_experiments": _READ_BACK,
    "search_registered_models": "use the Models view in VS Code",
    "search_model_versions": "use the Models view in VS Code",
    "search_logged_models": "use the Models view in VS Code",
    "get_run": _READ_BACK + "; last_active_run() gives this process's last run",
    "get_parent_run": _READ_BACK,
    "get_experiment": "use get_experiment_by_name(name)",
    "delete_run": "delete runs in the VS Code view (they go to the trash)",
    "delete_experiment": "delete experiments in the VS Code view (they go to the trash)",
    "restore_run": "restore runs in the VS Code view (Restore from Trash…)",
    "restore_experiment": "restore experiments in the VS Code view (Restore from Trash…)",
    "evaluate": "compute the metrics yourself and log them with log_metrics",
    "run": "run the script yourself; the run is started by start_run",
    "set_registry_uri": "the registry is the ML Lifecycle store",
    "get_registry_uri": "the registry is the ML Lifecycle store",
    "set_system_metrics_samples_before_logging": "each sample is logged as it is taken; choose how often with set_system_metrics_sampling_interval(seconds)",
    "set_system_metrics_node_id": "start one run per machine (nested=True under a parent) instead",
    "MlflowClient": "use the module-level functions (start_run, log_metric...) and last_active_run()",
    "tracking": "use the module-level functions (start_run, log_metric...)",
    "models": _LOG_MODEL,
    "pyfunc": _LOG_MODEL,
    "sklearn": _LOG_MODEL,
    "pytorch": _LOG_MODEL,
    "tensorflow": _LOG_MODEL,
    "keras": _LOG_MODEL,
    "xgboost": _LOG_MODEL,
    "lightgbm": _LOG_MODEL,
    "catboost": _LOG_MODEL,
    "transformers": _LOG_MODEL,
    "statsmodels": _LOG_MODEL,
    "onnx": _LOG_MODEL,
    "spark": _LOG_MODEL,
    "data": "log dataset files with log_artifact(path, kind='data')",
    "artifacts": "the run's files are under .ml-lifecycle/%s/<run id>/ (get_artifact_uri()) or where log_artifact found them" % ARTIFACTS_DIR,
    "start_span": "tracing is not supported: time the code yourself and log the durations with log_metric",
    "trace": "tracing is not supported: time the code yourself and log the durations with log_metric",
    "set_active_model": "name the model in a tag (set_tag)",
    "log_trace": "tracing is not supported",
    "search_traces": "tracing is not supported",
    "genai": "GenAI evaluation and tracing are not supported",
    "projects": "run the script yourself",
}


def __getattr__(name):
    """MLflow's names this module lacks raise saying what to use instead (PEP 562), never do nothing."""
    alternative = _UNSUPPORTED.get(name)
    if alternative is None:
        raise AttributeError("module %r has no attribute %r" % (__name__, name))
    raise NotSupportedError("mlflow.%s is not supported by ml_lifecycle: %s." % (name, alternative))


# ---- production metrics -------------------------------------------------------------------------


def log_production_metric(model, version, key, value, timestamp=None, store=None):
    """Records one measurement of a registered model version in production.

    version: the version number, or an alias such as "champion" (or "@champion").
    Written at once (no buffering): production loggers are usually not in a tight loop.
    """
    model = _check_name("model", model)
    _check_key("production metric", key)
    number = _metric_value(key, value)
    number = None if number != number else number
    at = _now_ms() if timestamp is None else _timestamp(key, timestamp)
    store_path = os.path.abspath(os.fspath(store)) if store is not None else discover_store_path()
    conn, lock = _shared_store(store_path)

    def work(c):
        version_id = _resolve_version(c, store_path, model, version)
        c.execute("INSERT INTO production_metrics (version_id, key, timestamp, value) VALUES (?, ?, ?, ?)", (version_id, key, at, number))

    with lock:
        _write(conn, store_path, work, "log production metric %s of %s" % (_preview(key), model))


def _shared_store(store_path):
    with _registry_lock:
        entry = _shared_stores.get(store_path)
        if entry is None:
            entry = (_open(store_path), threading.Lock())
            _shared_stores[store_path] = entry
        return entry


def _resolve_version(c, store_path, model, version):
    found = c.execute("SELECT id FROM registered_models WHERE name = ?", (model,)).fetchone()
    if found is None:
        names = [row[0] for row in c.execute("SELECT name FROM registered_models ORDER BY name LIMIT 20")]
        known = ("Registered models: %s." % ", ".join(names)) if names else "No model is registered yet."
        raise InputError("There is no registered model %s in %s. %s Register a version first (ML Lifecycle: Register Model Version…)." % (_preview(model), store_path, known))
    model_id = found[0]
    if isinstance(version, str) and not version.strip().isdigit():
        alias = version.strip().lstrip("@")
        row = c.execute("SELECT version_id FROM model_aliases WHERE model_id = ? AND alias = ?", (model_id, alias)).fetchone()
        if row is None:
            aliases = [r[0] for r in c.execute("SELECT alias FROM model_aliases WHERE model_id = ? ORDER BY alias", (model_id,))]
            raise InputError("Model %s has no alias %s (aliases: %s)." % (_preview(model), _preview(alias), ", ".join(aliases) or "none"))
        return row[0]
    try:
        number = int(version)
    except (TypeError, ValueError):
        raise InputError("Model version %s is neither a version number nor an alias." % _preview(version)) from None
    row = c.execute("SELECT id FROM model_versions WHERE model_id = ? AND version = ?", (model_id, number)).fetchone()
    if row is None:
        versions = [str(r[0]) for r in c.execute("SELECT version FROM model_versions WHERE model_id = ? ORDER BY version", (model_id,))]
        raise InputError("Model %s has no version %d (versions: %s)." % (_preview(model), number, ", ".join(versions) or "none"))
    return row[0]
