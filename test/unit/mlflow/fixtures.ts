/**
 * Builds MLflow stores the way MLflow writes them (folder store: mlflow/store/tracking/file_store.py
 * and model_registry/file_store.py; SQL store: dbmodels/models.py), so the importer is tested on
 * the documented formats without MLflow installed.
 */
import Database from 'better-sqlite3';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Point = readonly [timestamp: number, value: number, step?: number];

export interface FixtureRun {
  id: string;
  name?: string;
  /** Folder-store integer: 1 RUNNING, 2 SCHEDULED, 3 FINISHED, 4 FAILED, 5 KILLED. */
  status?: number;
  startTime?: number;
  endTime?: number | null;
  deleted?: boolean;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  metrics?: Record<string, readonly Point[]>;
}

export interface FixtureExperiment {
  id: string;
  name: string;
  deleted?: boolean;
  tags?: Record<string, string>;
  runs: FixtureRun[];
}

export interface FixtureModel {
  name: string;
  description?: string;
  versions: { version: number; runId?: string; source: string; stage?: string; description?: string; tags?: Record<string, string> }[];
  aliases?: Record<string, number>;
}

export const STATUS_NAMES = ['', 'RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
const DBL_MAX = 1.7976931348623157e308;

/** A float as Python's str() prints it, which is what MLflow writes into metric files. */
export function pythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return Number.isInteger(value) && Math.abs(value) < 1e16 ? value.toFixed(1) : String(value);
}

/** MLflow's FileStore writes meta.yaml with PyYAML's safe_dump: sorted keys, quoted numeric strings. */
function yaml(fields: Record<string, string | number | null>): string {
  return Object.keys(fields)
    .sort()
    .map((key) => {
      const value = fields[key]!;
      if (value === null) return `${key}: null`;
      if (typeof value === 'number') return `${key}: ${value}`;
      return `${key}: ${value === '' || /^[\d.+-]|^(true|false|null|yes|no)$|[:#]/i.test(value) ? `'${value.replaceAll("'", "''")}'` : value}`;
    })
    .join('\n')
    .concat('\n');
}

function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

export function metricLines(points: readonly Point[]): string {
  return points.map(([ts, value, step]) => `${ts} ${pythonFloat(value)}${step === undefined ? '' : ` ${step}`}\n`).join('');
}

/** Writes an mlruns/ folder store under `root`, files dated an hour ago (settled, not being written). */
export function writeMlruns(root: string, experiments: readonly FixtureExperiment[], models: readonly FixtureModel[] = []): string {
  for (const experiment of experiments) {
    const dir = path.join(root, experiment.deleted ? '.trash' : '', experiment.id);
    write(
      path.join(dir, 'meta.yaml'),
      yaml({
        artifact_location: `file://${path.join(root, experiment.id)}`,
        creation_time: 1_700_000_000_000,
        experiment_id: experiment.id,
        last_update_time: 1_700_000_500_000,
        lifecycle_stage: experiment.deleted ? 'deleted' : 'active',
        name: experiment.name,
      }),
    );
    for (const [key, value] of Object.entries(experiment.tags ?? {})) write(path.join(dir, 'tags', key), value);
    for (const run of experiment.runs) {
      const runDir = path.join(dir, run.id);
      write(
        path.join(runDir, 'meta.yaml'),
        yaml({
          artifact_uri: `file://${path.join(runDir, 'artifacts')}`,
          end_time: run.endTime === undefined ? 1_700_000_100_000 : run.endTime,
          entry_point_name: '',
          experiment_id: experiment.id,
          lifecycle_stage: run.deleted ? 'deleted' : 'active',
          run_id: run.id,
          run_name: run.name ?? '',
          run_uuid: run.id,
          source_name: '',
          source_type: 4,
          source_version: '',
          start_time: run.startTime ?? 1_700_000_000_000,
          status: run.status ?? 3,
          user_id: 'ada',
          ...(run.deleted ? { deleted_time: 1_700_000_200_000 } : {}),
        }),
      );
      fs.mkdirSync(path.join(runDir, 'artifacts'), { recursive: true });
      for (const [key, value] of Object.entries(run.params ?? {})) write(path.join(runDir, 'params', key), value);
      for (const [key, value] of Object.entries(run.tags ?? {})) write(path.join(runDir, 'tags', key), value);
      for (const [key, points] of Object.entries(run.metrics ?? {})) write(path.join(runDir, 'metrics', key), metricLines(points));
    }
  }
  for (const model of models) {
    const dir = path.join(root, 'models', model.name);
    write(path.join(dir, 'meta.yaml'), yaml({ creation_timestamp: 1_700_000_300_000, description: model.description ?? '', last_updated_timestamp: 1_700_000_300_000, name: model.name }));
    for (const version of model.versions) {
      const versionDir = path.join(dir, `version-${version.version}`);
      write(
        path.join(versionDir, 'meta.yaml'),
        yaml({
          creation_timestamp: 1_700_000_400_000,
          current_stage: version.stage ?? 'None',
          description: version.description ?? '',
          last_updated_timestamp: 1_700_000_400_000,
          name: model.name,
          run_id: version.runId ?? '',
          run_link: '',
          source: version.source,
          status: 'READY',
          status_message: null,
          storage_location: version.source,
          user_id: null,
          version: version.version,
        }),
      );
      for (const [key, value] of Object.entries(version.tags ?? {})) write(path.join(versionDir, 'tags', key), value);
    }
    for (const [alias, version] of Object.entries(model.aliases ?? {})) write(path.join(dir, 'aliases', alias), String(version));
  }
  fs.mkdirSync(path.join(root, '.trash'), { recursive: true });
  ageTree(root);
  return root;
}

/** Dates every file and folder under `root` an hour back. */
export function ageTree(root: string): void {
  const past = new Date(Date.now() - 3_600_000);
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) fs.utimesSync(path.join(entry.parentPath, entry.name), past, past);
  fs.utimesSync(root, past, past);
}

/** MLflow's SQL schema (current shape). `legacy` drops what early versions lacked. */
export function mlflowSchema(legacy = false): string {
  return `
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
CREATE TABLE experiments (experiment_id INTEGER NOT NULL, name VARCHAR(256) NOT NULL, artifact_location VARCHAR(256), lifecycle_stage VARCHAR(32)${legacy ? '' : ', creation_time BIGINT, last_update_time BIGINT'}, CONSTRAINT experiment_pk PRIMARY KEY (experiment_id), UNIQUE (name));
CREATE TABLE experiment_tags (key VARCHAR(250) NOT NULL, value VARCHAR(5000), experiment_id INTEGER NOT NULL, CONSTRAINT experiment_tag_pk PRIMARY KEY (key, experiment_id), FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id));
CREATE TABLE runs (run_uuid VARCHAR(32) NOT NULL,${legacy ? '' : ' name VARCHAR(250),'} source_type VARCHAR(20), source_name VARCHAR(500), entry_point_name VARCHAR(50), user_id VARCHAR(256), status VARCHAR(9), start_time BIGINT, end_time BIGINT,${legacy ? '' : ' deleted_time BIGINT,'} source_version VARCHAR(50), lifecycle_stage VARCHAR(20), artifact_uri VARCHAR(200), experiment_id INTEGER, CONSTRAINT run_pk PRIMARY KEY (run_uuid), FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id));
CREATE TABLE metrics (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT NOT NULL, run_uuid VARCHAR(32) NOT NULL${legacy ? ', CONSTRAINT metric_pk PRIMARY KEY (key, timestamp, run_uuid, value)' : `, step BIGINT DEFAULT '0' NOT NULL, is_nan BOOLEAN DEFAULT '0' NOT NULL, CONSTRAINT metric_pk PRIMARY KEY (key, timestamp, step, run_uuid, value, is_nan)`}, FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid));
${legacy ? '' : 'CREATE INDEX index_metrics_run_uuid ON metrics (run_uuid);'}
CREATE TABLE latest_metrics (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT, step BIGINT NOT NULL, is_nan BOOLEAN NOT NULL, run_uuid VARCHAR(32) NOT NULL, CONSTRAINT latest_metric_pk PRIMARY KEY (key, run_uuid));
CREATE TABLE params (key VARCHAR(250) NOT NULL, value VARCHAR(8000) NOT NULL, run_uuid VARCHAR(32) NOT NULL, CONSTRAINT param_pk PRIMARY KEY (key, run_uuid));
CREATE TABLE tags (key VARCHAR(250) NOT NULL, value VARCHAR(8000), run_uuid VARCHAR(32) NOT NULL, CONSTRAINT tag_pk PRIMARY KEY (key, run_uuid));
CREATE TABLE registered_models (name VARCHAR(256) NOT NULL, creation_time BIGINT, last_updated_time BIGINT, description VARCHAR(5000), CONSTRAINT registered_model_pk PRIMARY KEY (name));
CREATE TABLE model_versions (name VARCHAR(256) NOT NULL, version INTEGER NOT NULL, creation_time BIGINT, last_updated_time BIGINT, description VARCHAR(5000), user_id VARCHAR(256), current_stage VARCHAR(20), source VARCHAR(500), run_id VARCHAR(32), status VARCHAR(20), status_message VARCHAR(500), run_link VARCHAR(500)${legacy ? '' : ', storage_location VARCHAR(500)'}, CONSTRAINT model_version_pk PRIMARY KEY (name, version));
CREATE TABLE model_version_tags (key VARCHAR(250) NOT NULL, value VARCHAR(5000), name VARCHAR(256) NOT NULL, version INTEGER NOT NULL, CONSTRAINT model_version_tag_pk PRIMARY KEY (key, name, version));
CREATE TABLE registered_model_tags (key VARCHAR(250) NOT NULL, value VARCHAR(5000), name VARCHAR(256) NOT NULL, CONSTRAINT registered_model_tag_pk PRIMARY KEY (key, name));
${legacy ? '' : 'CREATE TABLE registered_model_aliases (alias VARCHAR(256) NOT NULL, version INTEGER NOT NULL, name VARCHAR(256) NOT NULL, CONSTRAINT registered_model_alias_pk PRIMARY KEY (name, alias));'}
INSERT INTO alembic_version VALUES ('${legacy ? '451aebb31d03' : '6953534de441'}');
`;
}

/** Writes a SQLite tracking store at `file` holding the same experiments, runs and models. */
export function writeMlflowDb(file: string, experiments: readonly FixtureExperiment[], models: readonly FixtureModel[] = [], options: { legacy?: boolean } = {}): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  const legacy = options.legacy === true;
  db.exec(mlflowSchema(legacy));
  const insert = {
    experiment: db.prepare(
      legacy
        ? 'INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage) VALUES (?, ?, ?, ?)'
        : 'INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (?, ?, ?, ?, 1700000000000, 1700000500000)',
    ),
    experimentTag: db.prepare('INSERT INTO experiment_tags (key, value, experiment_id) VALUES (?, ?, ?)'),
    run: db.prepare(
      legacy
        ? 'INSERT INTO runs (run_uuid, source_type, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri, experiment_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'
        : 'INSERT INTO runs (run_uuid, name, source_type, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri, experiment_id, deleted_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    metric: db.prepare(legacy ? 'INSERT INTO metrics (key, value, timestamp, run_uuid) VALUES (?, ?, ?, ?)' : 'INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)'),
    param: db.prepare('INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)'),
    tag: db.prepare('INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)'),
  };
  db.transaction(() => {
    for (const experiment of experiments) {
      insert.experiment.run(Number(experiment.id), experiment.name, `mlflow-artifacts:/${experiment.id}`, experiment.deleted ? 'deleted' : 'active');
      for (const [key, value] of Object.entries(experiment.tags ?? {})) insert.experimentTag.run(key, value, Number(experiment.id));
      for (const run of experiment.runs) {
        const fields = [run.id, 'LOCAL', 'ada', STATUS_NAMES[run.status ?? 3], run.startTime ?? 1_700_000_000_000, run.endTime === undefined ? 1_700_000_100_000 : run.endTime, run.deleted ? 'deleted' : 'active', `mlflow-artifacts:/${experiment.id}/${run.id}/artifacts`, Number(experiment.id)];
        if (legacy) insert.run.run(...fields);
        else insert.run.run(fields[0], run.name ?? null, ...fields.slice(1), run.deleted ? 1_700_000_200_000 : null);
        for (const [key, value] of Object.entries(run.params ?? {})) insert.param.run(key, value, run.id);
        for (const [key, value] of Object.entries(run.tags ?? {})) insert.tag.run(key, value, run.id);
        for (const [key, points] of Object.entries(run.metrics ?? {})) {
          for (const [ts, value, step] of points) {
            const isNan = Number.isNaN(value);
            const stored = isNan ? 0 : value === Infinity ? DBL_MAX : value === -Infinity ? -DBL_MAX : value;
            if (legacy) insert.metric.run(key, stored, ts, run.id);
            else insert.metric.run(key, stored, ts, run.id, step ?? 0, isNan ? 1 : 0);
          }
        }
      }
    }
    for (const model of models) {
      db.prepare('INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES (?, 1700000300000, 1700000300000, ?)').run(model.name, model.description ?? null);
      for (const version of model.versions) {
        db.prepare(
          `INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, current_stage, source, run_id, status${legacy ? '' : ', storage_location'})
           VALUES (?, ?, 1700000400000, 1700000400000, ?, ?, ?, ?, 'READY'${legacy ? '' : ', ?'})`,
        ).run(model.name, version.version, version.description ?? null, version.stage ?? 'None', version.source, version.runId ?? null, ...(legacy ? [] : [version.source]));
        for (const [key, value] of Object.entries(version.tags ?? {})) db.prepare('INSERT INTO model_version_tags (key, value, name, version) VALUES (?, ?, ?, ?)').run(key, value, model.name, version.version);
      }
      if (!legacy) for (const [alias, version] of Object.entries(model.aliases ?? {})) db.prepare('INSERT INTO registered_model_aliases (alias, version, name) VALUES (?, ?, ?)').run(alias, version, model.name);
    }
  })();
  db.close();
  return file;
}

/** A hash of every file's path, size, mtime and content under `root` (or of one file). */
export function fingerprint(target: string): string {
  const hash = crypto.createHash('sha256');
  const files = fs.statSync(target).isDirectory()
    ? fs.readdirSync(target, { recursive: true, withFileTypes: true }).map((e) => path.join(e.parentPath, e.name)).sort()
    : [target];
  for (const file of [target, ...files]) {
    const stat = fs.statSync(file);
    hash.update(`${path.relative(target, file)}|${stat.size}|${stat.mtimeMs}|${stat.isFile() ? fs.readFileSync(file).toString('base64') : 'dir'}\n`);
  }
  return hash.digest('hex');
}
