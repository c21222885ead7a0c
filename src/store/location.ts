import * as fs from 'node:fs';
import * as path from 'node:path';

export const STORE_DIR = '.ml-lifecycle';
export const STORE_FILE = 'store.sqlite';
export const STORE_ENV = 'ML_LIFECYCLE_STORE';

/** The store of a workspace folder: the env variable, then the setting (relative to the folder), then the default. */
export function workspaceStorePath(workspaceRoot: string, setting: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[STORE_ENV]?.trim();
  if (fromEnv) return path.resolve(workspaceRoot, fromEnv);
  const fromSetting = setting?.trim();
  if (fromSetting) return path.resolve(workspaceRoot, fromSetting);
  return path.join(workspaceRoot, STORE_DIR, STORE_FILE);
}

/**
 * The store that loggers and the CLI use: the env variable, else the nearest `.ml-lifecycle/`
 * folder walking up from `cwd`, else a new one in `cwd`.
 */
export function discoverStorePath(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[STORE_ENV]?.trim();
  if (fromEnv) return path.resolve(cwd, fromEnv);
  let dir = path.resolve(cwd);
  for (;;) {
    if (fs.existsSync(path.join(dir, STORE_DIR))) return path.join(dir, STORE_DIR, STORE_FILE);
    const parent = path.dirname(dir);
    if (parent === dir) return path.join(path.resolve(cwd), STORE_DIR, STORE_FILE);
    dir = parent;
  }
}
