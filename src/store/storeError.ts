export type StoreProblem = 'not-sqlite' | 'locked' | 'read-only' | 'newer-schema' | 'missing' | 'corrupt';

/**
 * A store that cannot be used as asked. `message` is for people, in words that fit a terminal as
 * well as the editor: it names the file and what to do.
 */
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
