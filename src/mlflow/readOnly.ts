import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Db } from '../store/database.ts';

/*
 * ATTACH opens MLflow's database read-only only through a URI (`file:…?mode=ro`), and
 * better-sqlite3 reads SQLITE_USE_URI once, when its native addon loads on the first
 * `new Database`. So this module, imported before any store is opened (the extension and the
 * CLI import it at start-up), loads the addon with URIs on and puts the variable back. If the
 * addon was already loaded without them, attachReadOnly() says so and the importer copies the
 * metrics through a separate read-only connection instead (slower, same result).
 */
const previous = process.env.SQLITE_USE_URI;
try {
  process.env.SQLITE_USE_URI = '1';
  new Database(':memory:').close();
} finally {
  if (previous === undefined) delete process.env.SQLITE_USE_URI;
  else process.env.SQLITE_USE_URI = previous;
}

export const ATTACHED_SCHEMA = 'mlflow';

/**
 * Attaches `file` read-only to the store's connection as schema `mlflow`; false when this SQLite
 * cannot (no URI filenames), and then nothing was opened or created.
 */
export function attachReadOnly(db: Db, file: string): boolean {
  const uri = `${pathToFileURL(file).href}?mode=ro`;
  try {
    db.prepare(`ATTACH DATABASE ? AS ${ATTACHED_SCHEMA}`).run(uri);
  } catch (error) {
    // Without URI support the name is taken as a relative path under a missing "file:" folder.
    if ((error as { code?: string }).code === 'SQLITE_CANTOPEN') return false;
    throw error;
  }
  const attached = (db.pragma('database_list') as { name: string; file: string }[]).find((d) => d.name === ATTACHED_SCHEMA);
  if (!attached || fs.realpathSync(attached.file) !== fs.realpathSync(file)) {
    detach(db);
    return false;
  }
  return true;
}

export function detach(db: Db): void {
  db.prepare(`DETACH DATABASE ${ATTACHED_SCHEMA}`).run();
}
