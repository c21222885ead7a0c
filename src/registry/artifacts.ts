import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { STORE_DIR } from '../store/location.ts';

export interface ArtifactHash {
  sha256: string;
  size: number;
}

export interface HashOptions {
  signal?: AbortSignal | undefined;
  /** Called as bytes are hashed, with the running total. */
  onBytes?: ((bytes: number) => void) | undefined;
}

/**
 * sha256 and size of a file, streamed; of a folder, the sha256 of its file list — one line
 * "<relative/path>\0<sha256 of the file>\n" per file, sorted by the UTF-8 bytes of the path —
 * and the total size. The Python logger's hash_path computes the same, so a registered version's
 * hash can be checked against the run's logged artifacts.
 */
export async function hashPath(target: string, options: HashOptions = {}): Promise<ArtifactHash> {
  let done = 0;
  const hashFile = async (file: string): Promise<ArtifactHash> => {
    const digest = crypto.createHash('sha256');
    let size = 0;
    const input = fs.createReadStream(file, { highWaterMark: 1 << 20 });
    input.on('data', (chunk) => {
      size += chunk.length;
      done += chunk.length;
      options.onBytes?.(done);
    });
    await pipeline(input, digest, { signal: options.signal });
    return { sha256: digest.digest('hex'), size };
  };
  const stat = await fs.promises.stat(target);
  if (stat.isFile()) return hashFile(target);
  if (!stat.isDirectory()) throw new Error(`${target} is neither a file nor a folder, so it cannot be hashed.`);
  const files: { relative: string; full: string }[] = [];
  for (const entry of await fs.promises.readdir(target, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.push({ relative: path.relative(target, full).split(path.sep).join('/'), full });
  }
  files.sort((a, b) => Buffer.compare(Buffer.from(a.relative, 'utf8'), Buffer.from(b.relative, 'utf8')));
  const manifest = crypto.createHash('sha256');
  let total = 0;
  for (const file of files) {
    const { sha256, size } = await hashFile(file.full);
    manifest.update(`${file.relative}\0${sha256}\n`, 'utf8');
    total += size;
  }
  return { sha256: manifest.digest('hex'), size: total };
}

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
