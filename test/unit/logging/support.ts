import { type ChildProcess, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const PYTHON_DIR = path.join(ROOT, 'python');
export const CLI = path.join(ROOT, 'src', 'cli', 'main.ts');
export const RUN_LOGGER = path.join(ROOT, 'src', 'tracking', 'runLogger.ts');

/**
 * The environment for child loggers: this store, and none of the caller's run settings. System
 * metrics are off, so tests that check exact metric sets see only what they logged; the
 * system-metrics tests turn them on through `extra`.
 */
export function loggerEnv(storePath: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: PYTHON_DIR, ML_LIFECYCLE_STORE: storePath, ML_LIFECYCLE_SYSTEM_METRICS: 'false', ...extra };
  delete env.ML_LIFECYCLE_RUN_ID;
  delete env.ML_LIFECYCLE_EXPERIMENT;
  return env;
}

export function python(code: string, env: NodeJS.ProcessEnv, cwd?: string, input?: string): SpawnSyncReturns<string> {
  return spawnSync('python3', ['-c', code], { env, cwd, input, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
}

/** Runs the CLI from source (Node strips the types), like the ml-lifecycle bin. */
export function cli(args: readonly string[], env: NodeJS.ProcessEnv, cwd?: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], { env, cwd, encoding: 'utf8', timeout: 120_000 });
}

export interface Exit {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** A running child: its first line of output (a child prints one when it is ready), and its exit. */
export function launch(command: string, args: readonly string[], env: NodeJS.ProcessEnv): { child: ChildProcess; firstLine: Promise<string>; done: Promise<Exit> } {
  const child = spawn(command, args, { env });
  let stdout = '';
  let stderr = '';
  let announce: (line: string) => void = () => {};
  const firstLine = new Promise<string>((resolve) => (announce = resolve));
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    if (stdout.includes('\n')) announce(stdout.slice(0, stdout.indexOf('\n')));
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      announce(stdout);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, firstLine, done };
}

/** A child process's exit, with its output; resolves however it ends. */
export function finished(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Exit> {
  return launch(command, args, env).done;
}
