import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { type Cell, CellRow, type TableRow } from './cells.ts';
import { CsvScanner, CsvSyntaxError } from './csvScanner.ts';

export type { Cell, TableRow } from './cells.ts';

export type TableFormat = 'csv' | 'tsv' | 'jsonl';

/** A row longer than this is refused, so one runaway quoted field cannot exhaust memory. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

/** Bad input: the message names the file (and line) and says what to do. */
export class TableError extends Error {
  override readonly name = 'TableError';
}

/** The format from the file name: .tsv/.tab are tab-separated, .jsonl/.ndjson/.json are JSON lines, anything else CSV. */
function tableFormat(file: string): TableFormat {
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
  return readRows(
    file,
    {
      header: (columns) => visitor.header(columns),
      row: (row) => {
        const cells = new Array<Cell>(row.length);
        for (let j = 0; j < row.length; j++) cells[j] = row.cell(j);
        visitor.row(cells);
      },
    },
    options,
  );
}

export interface RowVisitor {
  header(columns: readonly string[]): void;
  /** Every data row, with as many cells as the header has columns. The row object is reused: read it before returning. */
  row(row: TableRow): void;
}

/** Like readTable, with rows read cell by cell: CSV numbers never become strings. */
export async function readRows(file: string, visitor: RowVisitor, options: ReadOptions = {}): Promise<number> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new TableError(`${file} was not found. Check the path and pick the file again.`);
  }
  if (!stat.isFile()) throw new TableError(`${file} is not a file. Pick a CSV or JSON-lines file.`);
  if (stat.size === 0) throw new TableError(`${file} is empty. A data snapshot needs a header and at least one row.`);
  const format = tableFormat(file);
  let rows = 0;
  let columns: readonly string[] | undefined;
  const onRecord = (row: TableRow, line: number): void => {
    if (!columns) {
      const names: Cell[] = [];
      for (let j = 0; j < row.length; j++) names.push(row.cell(j));
      columns = checkHeader(file, names, line);
      visitor.header(columns);
      return;
    }
    if (row.length !== columns.length) {
      throw new TableError(`${file}, line ${line}: this row has ${row.length} values but the header has ${columns.length} columns. Every row needs one value per column (quote values that contain commas).`);
    }
    rows++;
    visitor.row(row);
  };
  try {
    if (format === 'jsonl') {
      const input = fs.createReadStream(file, { highWaterMark: options.chunkBytes ?? 1 << 20 });
      if (options.onBytes) {
        const report = options.onBytes;
        input.on('data', () => report(input.bytesRead));
      }
      const cellRow = new CellRow();
      await pipeline(input, jsonLines(file, (cells, line) => onRecord(cellRow.set(cells), line)), { signal: options.signal });
    } else await scanCsv(file, format === 'tsv' ? '\t' : ',', onRecord, options);
  } catch (error) {
    throw explain(file, error);
  }
  if (!columns) throw new TableError(`${file} has no header row. Its first line must name the columns.`);
  if (rows === 0) throw new TableError(`${file} has a header but no rows. Export at least one row of data.`);
  return rows;
}

/** Reads the file in chunks; each is scanned synchronously, and the event loop runs between them. */
async function scanCsv(file: string, delimiter: string, onRecord: (row: TableRow, line: number) => void, options: ReadOptions): Promise<void> {
  const scanner = new CsvScanner(delimiter, MAX_RECORD_BYTES, onRecord);
  const handle = await fs.promises.open(file, 'r');
  try {
    let total = 0;
    for (;;) {
      if (options.signal?.aborted) {
        const error = new Error('The operation was aborted');
        error.name = 'AbortError';
        throw error;
      }
      const buffer = Buffer.allocUnsafe(options.chunkBytes ?? 1 << 20);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      total += bytesRead;
      scanner.push(buffer.subarray(0, bytesRead), bytesRead === 0);
      options.onBytes?.(total);
      if (bytesRead === 0) return;
    }
  } finally {
    await handle.close();
  }
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

/** Turns parser errors into messages that name the file and line and say what to fix. */
function explain(file: string, error: unknown): Error {
  if (error instanceof TableError) return error;
  if ((error as Error).name === 'AbortError') return error as Error;
  if (error instanceof CsvSyntaxError) return new TableError(`${file}, line ${error.line}: ${error.message}`);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new TableError(`${file} was not found. Check the path and pick the file again.`);
  if (code === 'EACCES' || code === 'EPERM') return new TableError(`${file} cannot be read (permission denied). Check its permissions.`);
  return error instanceof Error ? error : new Error(String(error));
}
