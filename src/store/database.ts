import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LOCK_WAIT_MS, retryWhileLocked } from './lockRetry.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.ts';
import { StoreError, translateSqliteError } from './storeError.ts';

export type Db = Database.Database;

/*
 * Read-only stores, and the user's mlflow.db the MLflow importer ATTACHes, open through a URI
 * filename (`file:…?mode=ro`). better-sqlite3 reads SQLITE_USE_URI once, when its addon loads on
 * the first `new Database`, so load it here, before any store is opened, and restore the variable.
 */
const previousUseUri = process.env.SQLITE_USE_URI;
try {
  process.env.SQLITE_USE_URI = '1';
  new Database(':memory:').close();
} finally {
  if (previousUseUri === undefined) delete process.env.SQLITE_USE_URI;
  else process.env.SQLITE_USE_URI = previousUseUri;
}

export { StoreError, type StoreProblem, translateSqliteError } from './storeError.ts';

export interface Store {
  readonly db: Db;
  readonly path: string;
  /** True when the file could only be opened for reading; writes are refused with a StoreError. */
  readonly readonly: boolean;
  close(): void;
}

export interface OpenOptions {
  /** Create the file and its folder when missing. Without it a missing store is a StoreError. */
  create?: boolean;
  /** Open for reading only, never migrating and never writing a byte (nor a -shm or -wal file). */
  readonly?: boolean;
  /** How long one SQLite call waits for another process's lock, in ms. */
  busyTimeoutMs?: number;
  /** How long opening keeps retrying while the store stays locked, as writes do; 0 for one try. */
  lockWaitMs?: number;
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export function openStore(storePath: string, options: OpenOptions = {}): Store {
  const exists = fs.existsSync(storePath);
  if (!exists && !options.create) {
    throw new StoreError('missing', storePath, `No ML Lifecycle store at ${storePath}. Create an experiment or log a run to create one.`);
  }
  if (exists) assertSqliteHeader(storePath);
  else createFolder(storePath);

  const readonly = options.readonly === true || (exists && !isWritable(storePath));
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const open = (): Db => (readonly ? openReadOnly(storePath, busyTimeoutMs) : openReadWrite(storePath, exists, busyTimeoutMs));
  const lockWaitMs = options.lockWaitMs ?? LOCK_WAIT_MS;
  const db = lockWaitMs > 0 ? retryWhileLocked(storePath, 'open the store', open, lockWaitMs) : open();
  return {
    db,
    path: storePath,
    readonly,
    close: () => db.close(),
  };
}

/** Checks the schema version before anything is written, so a newer store keeps every byte. */
function openReadWrite(storePath: string, exists: boolean, busyTimeoutMs: number): Db {
  let db: Db;
  try {
    db = new Database(storePath, { fileMustExist: exists });
  } catch (error) {
    throw translateSqliteError(error, storePath);
  }
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    db.pragma('foreign_keys = ON');
    const version = checkedVersion(db, storePath);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    if (version < SCHEMA_VERSION) migrate(db, storePath, version);
    return db;
  } catch (error) {
    db.close();
    throw translateSqliteError(error, storePath);
  }
}

/**
 * `mode=ro` reads a store while others write it. In a folder we may not write, a WAL store cannot
 * get its -shm file that way: then `immutable=1`, which reads the file as it is, with no locks.
 * The plain path is the last resort, for a SQLite loaded without URI filenames.
 */
function openReadOnly(storePath: string, busyTimeoutMs: number): Db {
  const uri = pathToFileURL(storePath).href;
  const names = [`${uri}?mode=ro`, `${uri}?immutable=1`, storePath];
  for (const name of names) {
    let db: Db | undefined;
    try {
      db = new Database(name, { readonly: true, fileMustExist: true });
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      db.pragma('foreign_keys = ON');
      if (checkedVersion(db, storePath) < SCHEMA_VERSION) {
        throw new StoreError(
          'read-only',
          storePath,
          `The store ${storePath} needs an upgrade to schema version ${SCHEMA_VERSION}, but it can only be read here. Open it once where it can be written; nothing was changed.`,
        );
      }
      db.prepare('SELECT count(*) FROM experiments').get();
      return db;
    } catch (error) {
      db?.close();
      const code = (error as { code?: string }).code ?? '';
      if (name !== storePath && (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY'))) continue;
      throw translateSqliteError(error, storePath);
    }
  }
  throw new Error('unreachable');
}

function checkedVersion(db: Db, storePath: string): number {
  const version = userVersion(db);
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      'newer-schema',
      storePath,
      `The store ${storePath} has schema version ${version}, newer than this version of ML Lifecycle understands (${SCHEMA_VERSION}). Update ML Lifecycle; the store was left untouched.`,
    );
  }
  return version;
}

const FOLDER_PROBLEMS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a file is in the way',
  EEXIST: 'a file is in the way',
};

function createFolder(storePath: string): void {
  const folder = path.dirname(storePath);
  try {
    fs.mkdirSync(folder, { recursive: true });
    fs.accessSync(folder, fs.constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new StoreError(
      'read-only',
      storePath,
      `Cannot create the store in ${folder} (${FOLDER_PROBLEMS[code] ?? (code || (error as Error).message)}). Create that folder with write access, or point ML_LIFECYCLE_STORE at a writable place.`,
    );
  }
}

const statementCache = new WeakMap<Db, Map<string, Database.Statement<unknown[]>>>();

/** The connection's compiled statement for `sql`, compiled on first use: for queries run per tree item. */
export function cachedStatement(db: Db, sql: string): Database.Statement<unknown[]> {
  let statements = statementCache.get(db);
  if (!statements) statementCache.set(db, (statements = new Map<string, Database.Statement<unknown[]>>()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = db.prepare<unknown[]>(sql)));
  return statement;
}

export function userVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Runs every pending migration in one transaction, after copying a non-empty store aside. */
function migrate(db: Db, storePath: string, from: number): void {
  if (from > 0) {
    const backup = `${storePath}.v${from}-${Date.now()}.bak`;
    db.prepare('VACUUM INTO ?').run(backup);
  }
  db.transaction(() => {
    // Another process may have migrated (or created) the store while we waited for the lock.
    for (let version = userVersion(db); version < SCHEMA_VERSION; version++) {
      db.exec(MIGRATIONS[version]!);
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

function assertSqliteHeader(storePath: string): void {
  const header = Buffer.alloc(SQLITE_HEADER.length);
  let read: number;
  try {
    const fd = fs.openSync(storePath, 'r');
    try {
      read = fs.readSync(fd, header, 0, header.length, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    throw new StoreError('read-only', storePath, `The store ${storePath} cannot be read (${(error as Error).message}). Check its permissions.`);
  }
  // An empty file is what SQLite itself leaves for a new database: accept it.
  if (read > 0 && !header.subarray(0, read).equals(SQLITE_HEADER.subarray(0, read))) {
    throw new StoreError('not-sqlite', storePath, `${storePath} is not a SQLite database. Move it aside and a new store will be created; the file was not touched.`);
  }
}

function isWritable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    fs.accessSync(path.dirname(file), fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs `work` in an IMMEDIATE transaction so a writer takes its lock up front, never mid-way. */
export function writeTransaction<T>(store: Store, work: () => T): T {
  if (store.readonly) {
    throw new StoreError('read-only', store.path, `The store ${store.path} is open read-only, so this change was not made. Make the file writable, then open it again.`);
  }
  try {
    return store.db.transaction(work).immediate();
  } catch (error) {
    throw translateSqliteError(error, store.path);
  }
}
