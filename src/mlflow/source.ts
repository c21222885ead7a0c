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

export function isSqliteFile(file: string): boolean {
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

/** Whether `dir` is itself a folder store: a `.trash` folder or an experiment folder with a meta.yaml. */
function looksLikeMlruns(dir: string): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  return entries.some(
    (entry) => entry.isDirectory() && (entry.name === '.trash' || (!entry.name.startsWith('.') && fs.existsSync(path.join(dir, entry.name, 'meta.yaml')))),
  );
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
