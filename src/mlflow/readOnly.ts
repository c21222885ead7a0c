import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Db } from '../store/database.ts';

// URI filenames (`file:…?mode=ro`) are switched on when src/store/database.ts loads SQLite.
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
