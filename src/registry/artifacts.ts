import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hashPath, type HashOptions } from '../shared/hashPath.ts';
import { STORE_DIR } from '../store/location.ts';

/** The URI a version records for a local artifact. */
export function artifactUri(localPath: string): string {
  return pathToFileURL(path.resolve(localPath)).href;
}

/**
 * The local path of an artifact URI: file: URIs and absolute paths as they are, relative paths
 * from the workspace folder. Undefined for remote URIs (s3:, runs:, models:, http: ...).
 */
export function localArtifactPath(uri: string, workspaceRoot: string): string | undefined {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return undefined;
    }
  }
  // A Windows drive path ("C:\...") is local; any other scheme is not.
  if (/^[a-z][a-z0-9+.-]+:/i.test(uri) && !/^[a-z]:[\\/]/i.test(uri)) return undefined;
  return path.resolve(workspaceRoot, uri);
}

export type ArtifactState =
  | { status: 'ok'; path: string }
  | { status: 'changed'; path: string; sha256: string; size: number }
  | { status: 'missing'; path: string }
  | { status: 'unreadable'; path: string; reason: string }
  /** A remote URI, or a version registered without a hash: nothing to compare. */
  | { status: 'unverifiable'; reason: string };

/** Compares an artifact on disk with what was recorded at registration. */
export async function verifyArtifact(
  recorded: { uri: string; sha256: string | null; size: number | null },
  workspaceRoot: string,
  options: HashOptions = {},
): Promise<ArtifactState> {
  const local = localArtifactPath(recorded.uri, workspaceRoot);
  if (local === undefined) return { status: 'unverifiable', reason: `${recorded.uri} is not a local file` };
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(local);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'missing', path: local };
    return { status: 'unreadable', path: local, reason: (error as Error).message };
  }
  if (!recorded.sha256) return { status: 'unverifiable', reason: 'no hash was recorded when it was registered' };
  // A file whose size differs has changed: no need to read it.
  if (stat.isFile() && recorded.size !== null && stat.size !== recorded.size) return { status: 'changed', path: local, sha256: '', size: stat.size };
  try {
    const now = await hashPath(local, options);
    return now.sha256 === recorded.sha256 ? { status: 'ok', path: local } : { status: 'changed', path: local, ...now };
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    return { status: 'unreadable', path: local, reason: (error as Error).message };
  }
}

/** The workspace folder of a store: the folder holding its `.ml-lifecycle/` folder. */
export function workspaceRootOf(storePath: string): string {
  const dir = path.dirname(storePath);
  return path.basename(dir) === STORE_DIR ? path.dirname(dir) : dir;
}
