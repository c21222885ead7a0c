import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../store/database.ts';
import { MlflowDatabase, text } from './mlflowDatabase.ts';

const RUN_PREFIX = 'mlflow:run:';

/**
 * The local folder that holds an imported run's artifacts, as MLflow recorded it (the run's
 * meta.yaml or the runs table; both only read). Undefined when the run was not imported from
 * MLflow, its store has moved, or its artifacts are not on this disk (s3:, http:, …).
 */
export function mlflowArtifactFolder(store: Store, runId: number): string | undefined {
  const row = store.db
    .prepare('SELECT r.external_id AS run, e.external_id AS experiment FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?')
    .get(runId) as { run: string | null; experiment: string | null } | undefined;
  if (!row?.run?.startsWith(RUN_PREFIX) || !row.experiment?.startsWith('mlflow:')) return undefined;
  const uuid = row.run.slice(RUN_PREFIX.length);
  const experimentKey = row.experiment.slice('mlflow:'.length);
  const split = experimentKey.lastIndexOf(':');
  if (split <= 0) return undefined;
  // The source's key is relative to the workspace (the folder holding .ml-lifecycle/) unless it is outside.
  const workspace = path.dirname(path.dirname(path.resolve(store.path)));
  const source = path.resolve(workspace, experimentKey.slice(0, split));
  const experimentId = experimentKey.slice(split + 1);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(source);
  } catch {
    return undefined;
  }
  if (stat.isDirectory()) {
    const runDir = path.join(source, experimentId, uuid);
    const recorded = artifactUriInMeta(path.join(runDir, 'meta.yaml'));
    const local = recorded === undefined ? undefined : localFolder(recorded, path.dirname(source));
    return firstFolder(local, path.join(runDir, 'artifacts'));
  }
  return firstFolder(databaseArtifactFolder(source, uuid));
}

function artifactUriInMeta(file: string): string | undefined {
  try {
    const match = /^artifact_uri:\s*(.+?)\s*$/m.exec(fs.readFileSync(file, 'utf8').slice(0, 64 * 1024));
    return match?.[1]?.replace(/^['"]|['"]$/g, '');
  } catch {
    return undefined;
  }
}

function databaseArtifactFolder(file: string, uuid: string): string | undefined {
  let database: MlflowDatabase;
  try {
    database = new MlflowDatabase(file);
  } catch {
    return undefined;
  }
  try {
    const uri = text((database.db.prepare('SELECT artifact_uri FROM runs WHERE run_uuid = ?').get(uuid) as { artifact_uri?: unknown } | undefined)?.artifact_uri);
    return uri === undefined ? undefined : localFolder(uri, path.dirname(file));
  } finally {
    database.db.close();
  }
}

/**
 * A local path for an MLflow artifact URI: file: URIs, absolute and relative paths (relative to
 * where MLflow ran, taken as the store's folder), and `mlflow-artifacts:` (a tracking server's
 * default `./mlartifacts` folder). Remote schemes give undefined.
 */
function localFolder(uri: string, base: string): string | undefined {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return undefined;
    }
  }
  if (uri.startsWith('mlflow-artifacts:')) return path.join(base, 'mlartifacts', uri.slice('mlflow-artifacts:'.length).replace(/^\/+/, ''));
  if (/^[a-z][a-z0-9+.-]+:/i.test(uri) && !/^[a-z]:[\\/]/i.test(uri)) return undefined;
  return path.resolve(base, uri);
}

function firstFolder(...candidates: (string | undefined)[]): string | undefined {
  return candidates.find((candidate) => {
    if (candidate === undefined) return false;
    try {
      return fs.statSync(candidate).isDirectory();
    } catch {
      return false;
    }
  });
}
