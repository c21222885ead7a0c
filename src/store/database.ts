import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.ts';

export type Db = Database.Database;

/*
 * The MLflow importer ATTACHes a user's mlflow.db read-only, which SQLite allows only through a URI
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

export type StoreProblem = 'not-sqlite' | 'locked' | 'read-only' | 'newer-schema' | 'missing' | 'corrupt';

/** A store that cannot be used as asked. `message` is for people: it names the file and what to do. */
export class StoreError extends Error {
  readonly problem: StoreProblem;
  readonly storePath: string;
  constructor(problem: StoreProblem, storePath: string, message: string) {
    super(message);
    this.name = 'StoreError';
    this.problem = problem;
    this.storePath = storePath;
  }
}

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
  /** Open for reading only, never migrating. */
  readonly?: boolean;
  /** How long a writer waits for another process's lock before giving up, in ms. */
  busyTimeoutMs?: number;
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export function openStore(storePath: string, options: OpenOptions = {}): Store {
  const exists = fs.existsSync(storePath);
  if (!exists && !options.create) {
    throw new StoreError('missing', storePath, `No ML Lifecycle store at ${storePath}. Create an experiment or log a run to create one.`);
  }
  if (exists) assertSqliteHeader(storePath);
  else fs.mkdirSync(path.dirname(storePath), { recursive: true });

  const readonly = options.readonly === true || (exists && !isWritable(storePath));
  let db: Db;
  try {
    db = new Database(storePath, { readonly, fileMustExist: exists });
  } catch (error) {
    throw translateSqliteError(error, storePath);
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    db.pragma('foreign_keys = ON');
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    const version = userVersion(db);
    if (version > SCHEMA_VERSION) {
      throw new StoreError(
        'newer-schema',
        storePath,
        `The store ${storePath} has schema version ${version}, newer than this extension understands (${SCHEMA_VERSION}). Update ML Lifecycle; the store was left untouched.`,
      );
    }
    if (version < SCHEMA_VERSION) {
      if (readonly) {
        throw new StoreError(
          'read-only',
          storePath,
          `The store ${storePath} needs an upgrade to schema version ${SCHEMA_VERSION} but it is read-only. Make the file writable and reload; nothing was changed.`,
        );
      }
      migrate(db, storePath, version);
    }
  } catch (error) {
    db.close();
    throw error instanceof StoreError ? error : translateSqliteError(error, storePath);
  }
  return {
    db,
    path: storePath,
    readonly,
    close: () => db.close(),
  };
}

const statementCache = new WeakMap<Db, Map<string, Database.Statement<unknown[]>>>();

/** The connection's compiled statement for `sql`, compiled on first use: for queries run per tree item. */
export function cachedStatement(db: Db, sql: string): Database.Statement<unknown[]> {
  let statements = statementCache.get(db);
  if (!statements) statementCache.set(db, (statements = new Map()));
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
  let read = 0;
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
    throw new StoreError(
      'not-sqlite',
      storePath,
      `${storePath} is not a SQLite database. Move it aside (or point the mlLifecycle.storePath setting elsewhere) and a new store will be created; the file was not touched.`,
    );
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

/** Turns SQLite's codes into a StoreError that says what to do. */
export function translateSqliteError(error: unknown, storePath: string): Error {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: string }).code ?? '';
  const detail = (error as Error).message;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError('locked', storePath, `The store ${storePath} is locked by another process (${detail}). Wait for it to finish, or close the program holding it, then retry.`);
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return new StoreError('read-only', storePath, `The store ${storePath} cannot be written (${detail}). Check the file's and its folder's permissions.`);
  }
  if (code === 'SQLITE_NOTADB') {
    return new StoreError('not-sqlite', storePath, `${storePath} is not a SQLite database. Move it aside and a new store will be created; the file was not touched.`);
  }
  if (code === 'SQLITE_CORRUPT') {
    return new StoreError('corrupt', storePath, `The store ${storePath} is damaged (${detail}). Restore it from a backup (*.bak files next to it); it was not modified.`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Runs `work` in an IMMEDIATE transaction so a writer takes its lock up front, never mid-way. */
export function writeTransaction<T>(store: Store, work: () => T): T {
  if (store.readonly) {
    throw new StoreError('read-only', store.path, `The store ${store.path} is open read-only, so this change was not made. Make the file writable and reload.`);
  }
  try {
    return store.db.transaction(work).immediate();
  } catch (error) {
    throw translateSqliteError(error, store.path);
  }
}
