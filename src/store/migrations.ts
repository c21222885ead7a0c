/**
 * The store schema, one entry per version. Entry i moves a store from user_version i to i + 1.
 * Entries are append-only: a released entry is never edited, because stores in the wild were
 * built by it. docs/store-schema.md describes the result; python/ml_lifecycle.py carries the
 * same list (a test keeps the two equal) so the Python logger can create a store on its own.
 *
 * Conventions every writer follows:
 * - times are integer milliseconds since the Unix epoch (UTC);
 * - a metric value of NaN is stored as NULL (SQLite has no NaN); ±Inf and -0.0 are stored as REAL
 *   values (the value columns have no type affinity since version 8, so -0.0 keeps its sign);
 * - a metric point is identified by (run_id, key, step, timestamp); in the transaction that
 *   inserts points, a writer widens metric_dirty to cover the steps it wrote (MARK_DIRTY_SQL);
 * - soft-deleted rows carry deleted_at and are hidden, not removed, until the trash is emptied.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: experiment tracking.
  `
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
`,
  // 2: per-block summaries of metric histories (blocks of 16, 256 and 4096 steps), so charts
  // read a few rows per pixel column instead of every point. Writers only note the step range
  // they wrote in metric_dirty; readers rebuild those blocks (metricBlocks.ts) before reading.
  `
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
`,
  // 3: model registry, production monitoring, project framing, the audit log, and what an MLflow
  // import has read so far (mlflow_sources: per folder or database; mlflow_metric_files: per metric file).
  `
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
`,
  // 4: each 4096-step block also holds its 16-step blocks, packed in one value (metricBlocks.ts),
  // so a chart of short runs reads one row per 4096 steps. Readers rebuild the existing summaries.
  `
ALTER TABLE metric_blocks ADD COLUMN fine BLOB;
INSERT INTO metric_dirty (run_id, key, lo, hi)
SELECT run_id, key, min(first_step), max(last_step) FROM metric_blocks WHERE shift = 12 GROUP BY run_id, key
ON CONFLICT (run_id, key) DO UPDATE SET lo = min(lo, excluded.lo), hi = max(hi, excluded.hi);
`,
  // 5: several points of one metric at the same step and timestamp, as MLflow keeps them: \`seq\`
  // tells them apart (0 for the first). Loggers leave it 0; importers number the extra ones.
  `
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
`,
  // 6: pushing to MLflow tracking servers. Per server, what each local experiment, run, model,
  // version, artifact and alias is called there and what was last sent, and per run and metric how
  // far its history has been sent, so a push sends only what is new and resumes after a crash.
  `
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
`,
  // 7: a run's children are counted per listed run; without this index each count scans every run.
  `
CREATE INDEX runs_by_parent ON runs (parent_run_id, deleted_at) WHERE parent_run_id IS NOT NULL;
`,
  // 8: metric values keep the sign of -0.0. A REAL column stores a whole number as an integer on
  // disk and reads it back as +0.0; a column declared without a type has no affinity, so a REAL
  // -0.0 stays a REAL. The tables are copied in key order (one pass each), indexes recreated.
  `
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
`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
