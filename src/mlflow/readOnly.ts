import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
// Loading the store module switches on URI filenames (`file:…?mode=ro`) before any connection.
import type { Db } from '../store/database.ts';
import '../store/database.ts';

// URI filenames (`file:…?mode=ro`) are switched on when src/store/database.ts loads SQLite.
export const ATTACHED_SCHEMA = 'mlflow';

/** Whether the SQLite header says WAL mode (file format versions 2 at offsets 18 and 19). */
function inWalMode(file: string): boolean {
  const header = Buffer.alloc(20);
  const fd = fs.openSync(file, 'r');
  try {
    return fs.readSync(fd, header, 0, 20, 0) === 20 && header[18] === 2;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A URI that opens `file` without writing a byte beside it. Reading a WAL database with `mode=ro`
 * creates its -shm and -wal files; when no -wal file is there (no MLflow process has it open), the
 * file is all there is, and `immutable=1` reads it with no side files and no locks.
 */
export function readOnlyUri(file: string): string {
  const quiet = inWalMode(file) && !fs.existsSync(`${file}-wal`);
  return `${pathToFileURL(file).href}?${quiet ? 'immutable=1' : 'mode=ro'}`;
}

/**
 * Attaches `file` read-only to the store's connection as schema `mlflow`; false when this SQLite
 * cannot (no URI filenames), and then nothing was opened or created.
 */
export function attachReadOnly(db: Db, file: string): boolean {
  const uri = readOnlyUri(file);
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
