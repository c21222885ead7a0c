import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { currentActor } from '../shared/identity.ts';

/** Where a run's code comes from, as the runs table records it. */
export interface RunSource {
  entryPoint: string | null;
  gitCommit: string | null;
  gitBranch: string | null;
  gitDirty: 0 | 1 | null;
  host: string;
  userName: string;
}

/** The entry script (default process.argv[1]) and the git state of its folder; git gets 2 s per call. */
export function captureRunSource(entryPoint: string | undefined = process.argv[1]): RunSource {
  const entry = entryPoint || null;
  const folder = entry && isFile(entry) ? path.dirname(path.resolve(entry)) : process.cwd();
  const commit = git(folder, 'rev-parse', 'HEAD');
  const branch = commit ? git(folder, 'rev-parse', '--abbrev-ref', 'HEAD') : null;
  const status = commit ? git(folder, 'status', '--porcelain', '--untracked-files=no') : null;
  const { actor, host } = currentActor();
  return {
    entryPoint: entry,
    gitCommit: commit,
    gitBranch: branch && branch !== 'HEAD' ? branch : null,
    gitDirty: status === null ? null : status ? 1 : 0,
    host,
    userName: actor,
  };
}

function git(cwd: string, ...args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd, timeout: 2000, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null; // no git, not a repository, or too slow
  }
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
