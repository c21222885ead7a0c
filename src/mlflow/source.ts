import * as fs from 'node:fs';
import * as path from 'node:path';

/** One MLflow tracking store on disk: the `mlruns/` folder store or a SQLite `mlflow.db`. */
export interface MlflowSource {
  kind: 'folder' | 'database';
  /** Absolute path of the mlruns folder or of the database file. */
  path: string;
}

/** The input is not something MLflow wrote; the message is the one-line reason for the user. */
export class NotMlflowError extends Error {
  override readonly name = 'NotMlflowError';
}

export const MLRUNS_DIR = 'mlruns';
export const MLFLOW_DB = 'mlflow.db';

const SQLITE_HEADER = 'SQLite format 3\0';

function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

function isSqliteFile(file: string): boolean {
  const header = Buffer.alloc(SQLITE_HEADER.length);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    return fs.readSync(fd, header, 0, header.length, 0) === header.length && header.toString('latin1') === SQLITE_HEADER;
  } finally {
    fs.closeSync(fd);
  }
}

/** What a folder of a folder store is, from the keys of its meta.yaml (written by PyYAML, one per line). */
type StoreFolder = 'experiment' | 'run' | 'logged-model' | 'registered-model' | 'model-version' | 'other';

function folderKind(dir: string): StoreFolder {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, 'meta.yaml'), 'utf8').slice(0, 64 * 1024);
  } catch {
    return 'other';
  }
  const keys = new Set([...text.matchAll(/^([A-Za-z_]+):/gm)].map((m) => m[1]));
  if (keys.has('run_uuid') || keys.has('run_id') && keys.has('artifact_uri')) return 'run';
  if (keys.has('model_id')) return 'logged-model';
  if (keys.has('experiment_id')) return 'experiment';
  if (keys.has('version') && keys.has('current_stage')) return 'model-version';
  if (keys.has('name') && keys.has('creation_timestamp')) return 'registered-model';
  return 'other';
}

function subfolders(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
}

/** The kind of most of a folder's sub-folders that have a meta.yaml. */
function childKind(dir: string): StoreFolder {
  for (const child of subfolders(dir)) {
    const kind = folderKind(child);
    if (kind !== 'other') return kind;
  }
  return 'other';
}

/** Whether `dir` is itself a folder store: a `.trash` folder or experiment folders in it. */
function looksLikeMlruns(dir: string): boolean {
  return fs.existsSync(path.join(dir, '.trash')) || childKind(dir) === 'experiment';
}

/** The store folder above `dir`, when `dir` lies inside one: for naming what to import instead. */
function storeAbove(dir: string): string {
  let at = path.dirname(dir);
  for (let i = 0; i < 4 && at !== path.dirname(at); i++, at = path.dirname(at)) if (looksLikeMlruns(at)) return at;
  return path.dirname(dir);
}

/** Refuses a folder inside a folder store: importing it alone would make empty or made-up experiments. */
function refuseStorePart(dir: string): void {
  const kind = path.basename(dir) === '.trash' ? 'trash' : folderKind(dir);
  const inside: Partial<Record<StoreFolder | 'trash', string>> = {
    experiment: 'one experiment of an MLflow folder store',
    run: 'one run of an MLflow folder store',
    'logged-model': 'a logged model of an MLflow folder store',
    'registered-model': 'a registered model of an MLflow folder store',
    'model-version': 'a model version of an MLflow folder store',
    trash: 'the trash of an MLflow folder store',
  };
  let what = inside[kind];
  if (!what) {
    const children = childKind(dir);
    if (children === 'registered-model') what = 'the model registry of an MLflow folder store';
    else if (children === 'logged-model') what = "an experiment's logged models in an MLflow folder store";
    else if (children === 'run') what = 'one experiment of an MLflow folder store';
  }
  if (what) throw new NotMlflowError(`${dir} is ${what}; import the whole store instead: ${storeAbove(dir)}`);
}

/**
 * What `input` names: an mlruns folder, a folder holding `mlruns/` and/or `mlflow.db`, or a
 * database file. Throws NotMlflowError with a one-line reason when it is none of these.
 */
export function resolveSources(input: string): MlflowSource[] {
  const full = path.resolve(input);
  const stat = statOf(full);
  if (!stat) throw new NotMlflowError(`${full} does not exist.`);
  if (stat.isFile()) {
    if (!isSqliteFile(full)) throw new NotMlflowError(`${full} is not an MLflow store: it is not a SQLite database (and not a folder).`);
    return [{ kind: 'database', path: full }];
  }
  if (!stat.isDirectory()) throw new NotMlflowError(`${full} is not an MLflow store: it is neither a folder nor a file.`);
  refuseStorePart(full);
  if (looksLikeMlruns(full)) return [{ kind: 'folder', path: full }];
  const inside = findWorkspaceSources(full);
  if (inside.length === 0) {
    throw new NotMlflowError(`${full} is not an MLflow store: no meta.yaml in its folders, and no ${MLRUNS_DIR}/ folder or ${MLFLOW_DB} in it.`);
  }
  return inside;
}

/** The MLflow stores at the top of a workspace folder, where MLflow puts them by default. */
export function findWorkspaceSources(root: string): MlflowSource[] {
  const sources: MlflowSource[] = [];
  const mlruns = path.join(root, MLRUNS_DIR);
  if (statOf(mlruns)?.isDirectory()) sources.push({ kind: 'folder', path: mlruns });
  const db = path.join(root, MLFLOW_DB);
  if (statOf(db)?.isFile() && isSqliteFile(db)) sources.push({ kind: 'database', path: db });
  return sources;
}

/**
 * How the store names a source in external ids: relative to the workspace that holds the store
 * (so moving the workspace keeps them), absolute when the source lies outside it.
 */
export function sourceKey(sourcePath: string, storePath: string): string {
  let real = sourcePath;
  try {
    real = fs.realpathSync(sourcePath);
  } catch {
    // Keep the path as given.
  }
  let workspace = path.dirname(path.dirname(path.resolve(storePath)));
  try {
    workspace = fs.realpathSync(workspace);
  } catch {
    // Keep the path as given.
  }
  const relative = path.relative(workspace, real);
  const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  return (inside ? relative : real).split(path.sep).join('/');
}
