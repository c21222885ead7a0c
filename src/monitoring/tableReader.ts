import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { parse, CsvError } from 'csv-parse';

/** One value of a row: CSV gives strings; JSON lines may also give numbers, booleans and null. */
export type Cell = string | number | boolean | null;

export type TableFormat = 'csv' | 'tsv' | 'jsonl';

/** A row longer than this is refused, so one runaway quoted field cannot exhaust memory. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

/** Bad input: the message names the file (and line) and says what to do. */
export class TableError extends Error {
  override readonly name = 'TableError';
}

/** The format from the file name: .tsv/.tab are tab-separated, .jsonl/.ndjson/.json are JSON lines, anything else CSV. */
export function tableFormat(file: string): TableFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  return 'csv';
}

export interface TableVisitor {
  /** Called once, before any row, with the column names (CSV header, or the first JSON object's keys). */
  header(columns: readonly string[]): void;
  /** Called for every data row with one cell per column, in header order. */
  row(cells: readonly Cell[]): void;
}

export interface ReadOptions {
  signal?: AbortSignal | undefined;
  /** Called as the file is read, with the bytes read so far. */
  onBytes?: ((bytesRead: number) => void) | undefined;
  /** Read size; small when only the header is wanted. */
  chunkBytes?: number;
}

/** Streams a CSV, TSV or JSON-lines file through `visitor`; memory stays flat whatever the file size. Returns the row count. */
export async function readTable(file: string, visitor: TableVisitor, options: ReadOptions = {}): Promise<number> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new TableError(`${file} was not found. Check the path and pick the file again.`);
  }
  if (!stat.isFile()) throw new TableError(`${file} is not a file. Pick a CSV or JSON-lines file.`);
  if (stat.size === 0) throw new TableError(`${file} is empty. A data snapshot needs a header and at least one row.`);
  const format = tableFormat(file);
  const input = fs.createReadStream(file, { highWaterMark: options.chunkBytes ?? 1 << 20 });
  if (options.onBytes) {
    const report = options.onBytes;
    input.on('data', () => report(input.bytesRead));
  }
  let rows = 0;
  let columns: readonly string[] | undefined;
  const onRecord = (cells: readonly Cell[], line: number): void => {
    if (!columns) {
      columns = checkHeader(file, cells, line);
      visitor.header(columns);
      return;
    }
    rows++;
    visitor.row(cells);
  };
  try {
    if (format === 'jsonl') await pipeline(input, jsonLines(file, onRecord), { signal: options.signal });
    else {
      const parser = parse({
        delimiter: format === 'tsv' ? '\t' : ',',
        bom: true,
        skip_empty_lines: true,
        max_record_size: MAX_RECORD_BYTES,
        on_record: (record: string[], context) => {
          onRecord(record, context.lines);
          return null;
        },
      });
      await pipeline(input, parser, discard(), { signal: options.signal });
    }
  } catch (error) {
    throw explain(file, error, columns?.length);
  }
  if (!columns) throw new TableError(`${file} has no header row. Its first line must name the columns.`);
  if (rows === 0) throw new TableError(`${file} has a header but no rows. Export at least one row of data.`);
  return rows;
}

function checkHeader(file: string, cells: readonly Cell[], line: number): string[] {
  const names = cells.map((cell) => String(cell ?? '').trim());
  const seen = new Set<string>();
  names.forEach((name, index) => {
    if (!name) throw new TableError(`${file}, line ${line}: column ${index + 1} of the header has no name. Name every column.`);
    if (seen.has(name)) throw new TableError(`${file}, line ${line}: the header names the column "${name}" twice. Column names must be unique.`);
    seen.add(name);
  });
  return names;
}

/** A Writable that reads JSON lines (one object per line); the first object's keys are the header. */
function jsonLines(file: string, onRecord: (cells: readonly Cell[], line: number) => void): Writable {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 0;
  let keys: string[] | undefined;
  const handle = (text: string): void => {
    line++;
    const trimmed = line === 1 ? text.replace(/^\uFEFF/, '').trim() : text.trim();
    if (!trimmed) return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw new TableError(`${file}, line ${line}: not valid JSON (${(error as Error).message}). Each line must hold one JSON object.`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new TableError(`${file}, line ${line}: expected a JSON object such as {"age": 42}, found ${Array.isArray(value) ? 'an array' : typeof value}.`);
    }
    const record = value as Record<string, unknown>;
    if (!keys) {
      keys = Object.keys(record);
      onRecord(keys, line);
    }
    onRecord(keys.map((key) => jsonCell(record[key])), line);
  };
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      try {
        pending += decoder.write(chunk);
        let start = 0;
        for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
          handle(pending.slice(start, end));
          start = end + 1;
        }
        pending = pending.slice(start);
        if (pending.length > MAX_RECORD_BYTES) throw new TableError(`${file}, line ${line + 1}: a line is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MB. Is this really a JSON-lines file?`);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    final(callback) {
      try {
        pending += decoder.end();
        if (pending.trim()) handle(pending);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

function jsonCell(value: unknown): Cell {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

function discard(): Writable {
  return new Writable({
    objectMode: true,
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}

/** Turns parser errors into messages that name the file and line and say what to fix. */
function explain(file: string, error: unknown, headerLength: number | undefined): Error {
  if (error instanceof TableError) return error;
  if ((error as Error).name === 'AbortError') return error as Error;
  if (error instanceof CsvError) {
    const line = (error as CsvError & { lines?: number }).lines;
    const where = line ? `${file}, line ${line}` : file;
    switch (error.code) {
      case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
        const record = (error as CsvError & { record?: unknown[] }).record;
        return new TableError(`${where}: this row has ${record?.length ?? 'a different number of'} values but the header has ${headerLength ?? 'another number of'} columns. Every row needs one value per column (quote values that contain commas).`);
      }
      case 'CSV_QUOTE_NOT_CLOSED':
        return new TableError(`${where}: a quoted value is never closed. Check for a stray double quote.`);
      case 'CSV_MAX_RECORD_SIZE':
        return new TableError(`${where}: a row is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MB. Check for an unclosed quote, or that this is really a CSV file.`);
      default:
        return new TableError(`${where}: ${error.message}`);
    }
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new TableError(`${file} was not found. Check the path and pick the file again.`);
  if (code === 'EACCES' || code === 'EPERM') return new TableError(`${file} cannot be read (permission denied). Check its permissions.`);
  return error instanceof Error ? error : new Error(String(error));
}
