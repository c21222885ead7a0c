import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Cell, readTable } from '../shared/table/tableReader.ts';
import { LogInputError, parseIntegerText, parseMetricText, quote } from './loggingInput.ts';

/** One point read from a metrics file; step and timestamp are undefined when the file leaves them out. */
export interface MetricFileRow {
  key: string;
  /** NaN for nan (and for null in the long format). */
  value: number;
  step: number | undefined;
  timestamp: number | undefined;
  /** "file, row N" for messages. */
  where: string;
}

const RESERVED = ['key', 'value', 'step', 'timestamp'];

/**
 * Streams the metric points of a file to `onRow`. Formats (docs/cli.md):
 * - long: columns key, value and optionally step, timestamp — one point per row;
 * - wide: a step column (optional), an optional timestamp column and one column per metric — one
 *   point per non-empty cell.
 * CSV, TSV and JSON lines are streamed; a .json file may also be one array of such objects (then
 * each object is read on its own, so rows may name different metrics).
 * Returns the number of points.
 */
export async function readMetricFile(file: string, onRow: (row: MetricFileRow) => void): Promise<number> {
  let points = 0;
  const emit = (row: MetricFileRow) => {
    points++;
    onRow(row);
  };
  const array = path.extname(file).toLowerCase() === '.json' ? readJsonArray(file) : undefined;
  if (array) {
    array.forEach((item, index) => {
      const where = `${file}, item ${index + 1}`;
      if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new LogInputError(`${where}: expected an object such as {"key": "loss", "value": 0.5, "step": 1}.`);
      const columns = Object.keys(item);
      readRow(layout(file, columns), columns.map((c) => cellOf((item as Record<string, unknown>)[c])), where, emit);
    });
    return points;
  }
  let shape: Layout | undefined;
  let rowNumber = 0;
  await readTable(file, {
    header: (columns) => {
      shape = layout(file, columns);
    },
    row: (cells) => readRow(shape!, cells, `${file}, data row ${++rowNumber}`, emit),
  });
  return points;
}

interface Layout {
  columns: readonly string[];
  long: boolean;
  key: number;
  value: number;
  step: number;
  timestamp: number;
}

function layout(file: string, columns: readonly string[]): Layout {
  const index = (name: string) => columns.findIndex((c) => c.trim().toLowerCase() === name);
  const shape: Layout = { columns, long: false, key: index('key'), value: index('value'), step: index('step'), timestamp: index('timestamp') };
  shape.long = shape.key >= 0 && shape.value >= 0;
  if (shape.long) {
    const extra = columns.find((c) => !RESERVED.includes(c.trim().toLowerCase()));
    if (extra !== undefined) throw new LogInputError(`${file}: column ${quote(extra)} is not one of key, value, step, timestamp (the long format). Remove it, or use the wide format: a step column and one column per metric.`);
  } else if (shape.key >= 0 || shape.value >= 0) {
    throw new LogInputError(`${file}: the long format needs both a key and a value column. Add the missing one, or use the wide format: a step column and one column per metric.`);
  } else if (columns.every((c) => RESERVED.includes(c.trim().toLowerCase()))) {
    throw new LogInputError(`${file}: no metric columns. Give either key and value columns, or a step column and one column per metric.`);
  }
  return shape;
}

function readRow(shape: Layout, cells: readonly Cell[], where: string, emit: (row: MetricFileRow) => void): void {
  const step = optionalInteger(cells[shape.step], 'step', where);
  const timestamp = optionalInteger(cells[shape.timestamp], 'timestamp', where);
  if (shape.long) {
    const key = cells[shape.key];
    if (typeof key !== 'string' || !key.trim()) throw new LogInputError(`${where}: the key is empty. Name the metric in the key column.`);
    emit({ key, value: metricCell(cells[shape.value], key, where, true)!, step, timestamp, where });
    return;
  }
  shape.columns.forEach((column, index) => {
    if (index === shape.step || index === shape.timestamp) return;
    const value = metricCell(cells[index], column, where, false);
    if (value !== undefined) emit({ key: column, value, step, timestamp, where });
  });
}

/** A value cell; null (JSON) is NaN in the long format and "no point" in the wide one, as an empty CSV cell is. */
function metricCell(cell: Cell | undefined, key: string, where: string, long: boolean): number | undefined {
  if (cell === undefined || cell === '' || cell === null) {
    if (long && cell === null) return NaN;
    if (long) throw new LogInputError(`${where}: metric ${quote(key)} has no value. Write a number, or nan.`);
    return undefined;
  }
  if (typeof cell === 'number') return cell;
  if (typeof cell === 'boolean') throw new LogInputError(`${where}: metric ${quote(key)} has the value ${cell}, a boolean; write 1 or 0.`);
  try {
    return parseMetricText(key, cell);
  } catch (error) {
    throw new LogInputError(`${where}: ${(error as Error).message}`);
  }
}

function optionalInteger(cell: Cell | undefined, what: string, where: string): number | undefined {
  if (cell === undefined || cell === null || cell === '') return undefined;
  if (typeof cell === 'number') {
    if (!Number.isSafeInteger(cell)) throw new LogInputError(`${where}: the ${what} ${cell} is not a whole number.`);
    return cell;
  }
  try {
    return parseIntegerText(String(cell), `${where}: the ${what}`);
  } catch (error) {
    throw new LogInputError((error as Error).message);
  }
}

function cellOf(value: unknown): Cell {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** The items of a .json file holding one array; undefined when it is JSON lines instead. */
function readJsonArray(file: string): unknown[] | undefined {
  let text: string;
  try {
    const head = Buffer.alloc(4096);
    const fd = fs.openSync(file, 'r');
    try {
      const read = fs.readSync(fd, head, 0, head.length, 0);
      if (!head.subarray(0, read).toString('utf8').replace(/^\uFEFF/, '').trimStart().startsWith('[')) return undefined;
    } finally {
      fs.closeSync(fd);
    }
    text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new LogInputError(`${file} cannot be read (${(error as Error).message}).`);
  }
  try {
    return JSON.parse(text) as unknown[];
  } catch (error) {
    throw new LogInputError(`${file} is not valid JSON (${(error as Error).message}).`);
  }
}
