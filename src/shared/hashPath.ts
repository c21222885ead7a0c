import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';

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
