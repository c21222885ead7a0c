import * as fs from 'node:fs';
import * as path from 'node:path';
import { mlflowArtifactFolder } from '../mlflow/artifactLocation.ts';
import { workspaceRootOf } from '../registry/artifacts.ts';
import type { Store } from '../store/database.ts';

/** Files listed per run at most: a folder of a million files must not freeze the page. */
const MAX_ARTIFACT_FILES = 5000;

export interface ArtifactFile {
  /** Where the page shows it: '/'-separated, relative to the run's artifact folder or the workspace when it can be. */
  display: string;
  absolute: string;
  /** Bytes on disk now; null when the file is gone. */
  size: number | null;
  /** As logged (the logger hashed it); null when not logged one by one (files of a logged folder, MLflow's). */
  sha256: string | null;
  kind: 'file' | 'model' | 'data' | null;
  /** Whether it is on disk now. */
  exists: boolean;
}

export interface ArtifactListing {
  files: ArtifactFile[];
  /** The folder MLflow keeps this imported run's artifacts in, when it is on this disk. */
  mlflowFolder: string | null;
  /** More files than MAX_ARTIFACT_FILES: the rest are not listed. */
  truncated: boolean;
}

interface LoggedRow {
  path: string;
  sha256: string | null;
  size: number | null;
  kind: 'file' | 'model' | 'data';
}

/**
 * The run's artifacts: every file it logged (with the logged sha256), the files inside folders
 * it logged, and for MLflow-imported runs the files in MLflow's artifact folder. Only reads.
 */
export function listRunArtifacts(store: Store, runId: number): ArtifactListing {
  const run = store.db.prepare('SELECT uuid FROM runs WHERE id = ?').get(runId) as { uuid: string } | undefined;
  if (!run) return { files: [], mlflowFolder: null, truncated: false };
  const workspace = workspaceRootOf(store.path);
  const ownFolder = path.join(path.dirname(store.path), 'artifacts', run.uuid);
  const logged = store.db.prepare('SELECT path, sha256, size, kind FROM artifacts WHERE run_id = ? ORDER BY path').all(runId) as LoggedRow[];
  const files = new Map<string, ArtifactFile>();
  let truncated = false;
  const add = (file: Omit<ArtifactFile, 'display'>, base: string | null) => {
    if (files.has(file.absolute)) return;
    if (files.size >= MAX_ARTIFACT_FILES) {
      truncated = true;
      return;
    }
    files.set(file.absolute, { display: displayPath(file.absolute, base, ownFolder, workspace), ...file });
  };
  for (const row of logged) {
    const absolute = path.resolve(workspace, row.path);
    const stat = statOf(absolute);
    if (stat?.isDirectory()) {
      for (const inner of walk(absolute, MAX_ARTIFACT_FILES - files.size + 1)) add({ ...inner, sha256: null, kind: row.kind, exists: true }, null);
      continue;
    }
    add({ absolute, size: stat?.size ?? null, sha256: row.sha256, kind: row.kind, exists: stat !== undefined }, null);
  }
  const mlflowFolder = mlflowArtifactFolder(store, runId) ?? null;
  if (mlflowFolder) {
    for (const inner of walk(mlflowFolder, MAX_ARTIFACT_FILES - files.size + 1)) add({ ...inner, sha256: null, kind: null, exists: true }, mlflowFolder);
  }
  return { files: [...files.values()].sort((a, b) => a.display.localeCompare(b.display)), mlflowFolder, truncated };
}

function displayPath(absolute: string, base: string | null, ownFolder: string, workspace: string): string {
  for (const root of [base, ownFolder, workspace]) {
    if (root === null) continue;
    const relative = path.relative(root, absolute);
    if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) return relative.split(path.sep).join('/');
  }
  return absolute.split(path.sep).join('/');
}

function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

/** Files under `folder` (no symlinks followed), at most `limit`. */
function walk(folder: string, limit: number): { absolute: string; size: number }[] {
  const found: { absolute: string; size: number }[] = [];
  const pending = [folder];
  while (pending.length && found.length < limit) {
    const dir = pending.shift()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile()) {
        found.push({ absolute: full, size: statOf(full)?.size ?? 0 });
        if (found.length >= limit) break;
      }
    }
  }
  return found;
}
