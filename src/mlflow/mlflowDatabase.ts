import Database from 'better-sqlite3';
import type { Db } from '../store/database.ts';
import { readOnlyUri } from './readOnly.ts';
import { NotMlflowError } from './source.ts';
import { skip } from './summary.ts';
import type { ImportWriter } from './writer.ts';

export type Row = Record<string, unknown>;

export function text(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : undefined;
}

export function integer(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(number) ? Math.trunc(number) : undefined;
}

/** The columns every MLflow version has had, which the importer relies on (metrics may be absent). */
const MLFLOW_COLUMNS: Record<string, readonly string[]> = {
  experiments: ['experiment_id', 'name'],
  runs: ['run_uuid', 'experiment_id'],
  metrics: ['run_uuid', 'key', 'value', 'timestamp'],
};

/** Through a URI that writes nothing beside the file; by its plain path where this SQLite takes no URIs. */
function openWithFallback(file: string): Db {
  try {
    return new Database(readOnlyUri(file), { readonly: true, fileMustExist: true });
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_CANTOPEN') throw error;
    return new Database(file, { readonly: true, fileMustExist: true });
  }
}

/** A read-only view of MLflow's database that tolerates tables and columns older versions lack. */
export class MlflowDatabase {
  readonly db: Db;
  readonly file: string;
  readonly tables: Set<string>;
  private readonly columnCache = new Map<string, Set<string>>();

  constructor(file: string) {
    this.file = file;
    try {
      this.db = openWithFallback(file);
    } catch (error) {
      throw new NotMlflowError(`${file} cannot be opened read-only: ${(error as Error).message}.`);
    }
    try {
      this.db.pragma('busy_timeout = 5000');
      this.tables = new Set(this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    } catch (error) {
      this.db.close();
      const code = (error as { code?: string }).code;
      throw new NotMlflowError(code === 'SQLITE_NOTADB' ? `${file} is not an MLflow store: it is not a SQLite database.` : `${file} cannot be read: ${(error as Error).message}.`);
    }
    const missing = this.missingParts();
    if (missing.length) {
      this.db.close();
      throw new NotMlflowError(`${file} is not an MLflow store: ${missing.join('; ')}.`);
    }
  }

  /** What an MLflow tracking database must have that this one lacks, e.g. "table runs has no run_uuid column". */
  private missingParts(): string[] {
    const missing: string[] = [];
    for (const [table, columns] of Object.entries(MLFLOW_COLUMNS)) {
      if (!this.tables.has(table)) {
        if (table !== 'metrics') missing.push(`no ${table} table`);
        continue;
      }
      const absent = columns.filter((column) => !this.columns(table).has(column));
      if (absent.length) missing.push(`table ${table} has no ${absent.join(', ')} column${absent.length === 1 ? '' : 's'}`);
      else if (!this.hasRowid(table)) missing.push(`table ${table} is not a rowid table, as MLflow's are`);
    }
    return missing;
  }

  private hasRowid(table: string): boolean {
    try {
      this.db.prepare(`SELECT rowid FROM "${table}" LIMIT 0`).all();
      return true;
    } catch {
      return false;
    }
  }

  columns(table: string): Set<string> {
    let columns = this.columnCache.get(table);
    if (!columns) {
      columns = new Set(this.tables.has(table) ? (this.db.pragma(`table_info("${table}")`) as { name: string }[]).map((c) => c.name) : []);
      this.columnCache.set(table, columns);
    }
    return columns;
  }

  /** `column` when the table has it, else `fallback AS column`. */
  column(table: string, column: string, fallback = 'NULL', prefix = ''): string {
    return this.columns(table).has(column) ? `${prefix}"${column}"` : `${fallback} AS "${column}"`;
  }

  /** All rows of `table` with the wanted columns (missing ones read as NULL), plus rowid. */
  rows(table: string, wanted: readonly string[], order = ''): Row[] {
    if (!this.tables.has(table)) return [];
    const list = wanted.map((c) => this.column(table, c)).join(', ');
    return this.db.prepare(`SELECT rowid AS _rowid, ${list} FROM "${table}" ${order}`).all() as Row[];
  }

  close(): void {
    this.db.close();
  }
}

/** key -> value per owner (run uuid, experiment id...), skipping rows without a key. */
export function grouped(writer: ImportWriter, source: MlflowDatabase, table: string, owner: string, ownerWanted = [owner]): Map<string, Map<string, string>> {
  const result = new Map<string, Map<string, string>>();
  for (const row of source.rows(table, [...ownerWanted, 'key', 'value'])) {
    const id = ownerWanted.map((c) => text(row[c]) ?? '').join('\u0000');
    const key = text(row.key);
    if (key === undefined || !id) {
      skip(writer.summary, { where: `${source.file} (table ${table})`, rowid: Number(row._rowid), reason: `no ${key === undefined ? 'key' : owner}; row skipped` });
      continue;
    }
    let values = result.get(id);
    if (!values) result.set(id, (values = new Map<string, string>()));
    values.set(key, text(row.value) ?? '');
  }
  return result;
}
