import * as fs from 'node:fs';
import * as path from 'node:path';
import { sourceKey } from '../mlflow/source.ts';
import type { Store } from '../store/database.ts';
import { isEventFile } from './discovery.ts';

/** Folders no training script writes its logs into, and that can be huge. */
const NOT_LOGS = new Set(['node_modules', '__pycache__', 'site-packages', 'dist', 'build']);
/** How deep below a top-level folder event files are looked for (lightning_logs/version_0/… is 1). */
const MAX_DEPTH = 6;
/** Folders looked into before giving up: a workspace scan must stay quick. */
const MAX_FOLDERS = 5000;

/** The key an import of `logdir` keeps in mlflow_sources (`tensorboard:<path>`). */
export function logdirKey(logdir: string, storePath: string): string {
  return `tensorboard:${sourceKey(logdir, storePath)}`;
}

/** Whether an earlier import read this logdir into the store. */
export function wasImported(store: Store, logdir: string): boolean {
  return store.db.prepare('SELECT 1 FROM mlflow_sources WHERE source = ?').get(logdirKey(path.resolve(logdir), store.path)) !== undefined;
}

/** The logdirs earlier imports read, as absolute paths (a workspace-relative key resolves against `workspace`). */
export function importedLogdirs(store: Store, workspace: string): string[] {
  const keys = store.db.prepare("SELECT substr(source, length('tensorboard:') + 1) FROM mlflow_sources WHERE source LIKE 'tensorboard:%'").pluck().all() as string[];
  return keys.map((key) => path.resolve(workspace, key));
}

/**
 * The logdirs of a workspace, where training code writes them by default: each top-level folder
 * with event files in it or below (`runs/`, `lightning_logs/`, `logs/`...), and the workspace
 * itself when event files lie directly in it. Hidden folders and package folders are not looked in.
 */
export function findWorkspaceLogdirs(root: string): string[] {
  const found: string[] = [];
  let budget = MAX_FOLDERS;
  const holdsEvents = (dir: string, depth: number): boolean => {
    if (--budget < 0) return false;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    if (entries.some((e) => e.isFile() && isEventFile(e.name))) return true;
    if (depth >= MAX_DEPTH) return false;
    return entries.some((e) => e.isDirectory() && !e.name.startsWith('.') && !NOT_LOGS.has(e.name) && holdsEvents(path.join(dir, e.name), depth + 1));
  };
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  if (entries.some((e) => e.isFile() && isEventFile(e.name))) return [root];
  for (const entry of entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && !NOT_LOGS.has(e.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = path.join(root, entry.name);
    if (holdsEvents(dir, 1)) found.push(dir);
  }
  return found;
}

/** The logdirs (of `logdirs`) that hold one of the changed `files`: what an auto-sync imports again. */
export function logdirsHolding(files: readonly string[], logdirs: readonly string[]): string[] {
  return logdirs.filter((logdir) => files.some((file) => isInside(file, logdir)));
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
