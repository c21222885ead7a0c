/**
 * Cells of a data table as the drift check sees them: missing, a number, or text. CSV fields are
 * classified from their bytes, so a number never becomes a string on the way (the drift check's
 * hot path); anything unusual goes through `classifyCell`, which defines the meaning.
 */
import { FieldCache } from './fieldCache.ts';

/** One value of a row: CSV gives strings; JSON lines may also give numbers, booleans and null. */
export type Cell = string | number | boolean | null;

export const MISSING = 0;
export const NUMBER = 1;
export const TEXT = 2;
export type CellKind = typeof MISSING | typeof NUMBER | typeof TEXT;

/** One data row, read cell by cell. `numberAt` and `textAt` are valid after `kind` said so. */
export interface TableRow {
  readonly length: number;
  kind(column: number): CellKind;
  numberAt(column: number): number;
  /** The trimmed text of a TEXT cell, or of a NUMBER cell as written (for category counts). */
  textAt(column: number): string;
  /** The cell as read, untrimmed. */
  cell(column: number): Cell;
}

const MISSING_TOKENS = new Set(['na', 'n/a', 'nan', 'null', 'none']);

/** null for a missing value, a number for a numeric one, the text otherwise. */
export function classifyCell(cell: Cell): number | string | null {
  if (cell === null) return null;
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : null;
  if (typeof cell === 'boolean') return String(cell);
  const text = cell;
  if (text.length === 0) return null;
  if (text.length <= 4 && MISSING_TOKENS.has(text.toLowerCase())) return null;
  if (text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32) {
    const trimmed = text.trim();
    if (trimmed.length === 0) return null;
    if (trimmed !== text) return classifyCell(trimmed);
  }
  const value = Number(text);
  if (!Number.isFinite(value)) return text;
  // Number() also reads hex, binary and octal literals; data files mean text by those.
  if (text.charCodeAt(0) === 48 && text.length > 2) {
    const second = text.charCodeAt(1) | 0x20;
    if (second === 120 || second === 98 || second === 111) return text;
  }
  return value;
}

/** Cells held as values (JSON lines). */
export class CellRow implements TableRow {
  cells: readonly Cell[] = [];
  private values: (number | string | null)[] = [];

  set(cells: readonly Cell[]): this {
    this.cells = cells;
    this.values = cells.map(classifyCell);
    return this;
  }
  get length(): number {
    return this.cells.length;
  }
  kind(column: number): CellKind {
    const value = this.values[column];
    return value === null || value === undefined ? MISSING : typeof value === 'number' ? NUMBER : TEXT;
  }
  numberAt(column: number): number {
    return this.values[column] as number;
  }
  textAt(column: number): string {
    const value = this.values[column];
    return typeof value === 'number' ? String(this.cells[column]).trim() : (value as string);
  }
  cell(column: number): Cell {
    return this.cells[column] ?? null;
  }
}

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** JavaScript's String.prototype.trim() whitespace among ASCII: tab, LF, VT, FF, CR, space. */
function isSpace(byte: number): boolean {
  return byte === 32 || (byte >= 9 && byte <= 13);
}

/**
 * The decimal number in bytes[start, end), or NaN when it is not one this fast path reads exactly:
 * at most 15 significant digits and a power of ten up to 22 (Clinger's fast path: one rounding, so
 * the result equals Number() of the text). The caller falls back to `classifyCell` on NaN.
 */
export function decimalAt(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (bytes[i] === 45) {
    negative = true;
    i++;
  } else if (bytes[i] === 43) i++;
  let mantissa = 0;
  let digits = 0;
  let exponent = 0;
  let sawDigit = false;
  for (; i < end; i++) {
    const digit = bytes[i]! - 48;
    if (digit < 0 || digit > 9) break;
    sawDigit = true;
    if (mantissa === 0 && digit === 0) continue;
    if (++digits > 15) return Number.NaN;
    mantissa = mantissa * 10 + digit;
  }
  if (i < end && bytes[i] === 46) {
    for (i++; i < end; i++) {
      const digit = bytes[i]! - 48;
      if (digit < 0 || digit > 9) break;
      sawDigit = true;
      exponent--;
      if (mantissa === 0 && digit === 0) continue;
      if (++digits > 15) return Number.NaN;
      mantissa = mantissa * 10 + digit;
    }
  }
  if (!sawDigit) return Number.NaN;
  if (i < end && (bytes[i]! | 0x20) === 101) {
    i++;
    let sign = 1;
    if (bytes[i] === 45) {
      sign = -1;
      i++;
    } else if (bytes[i] === 43) i++;
    let power = 0;
    const first = i;
    for (; i < end; i++) {
      const digit = bytes[i]! - 48;
      if (digit < 0 || digit > 9 || power > 1000) break;
      power = power * 10 + digit;
    }
    if (i === first) return Number.NaN;
    exponent += sign * power;
  }
  if (i !== end) return Number.NaN;
  if (mantissa === 0) return negative ? -0 : 0;
  let value: number;
  if (exponent === 0) value = mantissa;
  else if (exponent > 0 && exponent <= 22) value = mantissa * POWERS_OF_TEN[exponent]!;
  else if (exponent < 0 && exponent >= -22) value = mantissa / POWERS_OF_TEN[-exponent]!;
  else return Number.NaN;
  return negative ? -value : value;
}

/** One CSV record: each field a byte range of `bytes`; quoted fields with doubled quotes are unescaped on demand. */
export class CsvRow implements TableRow {
  bytes: Buffer = Buffer.alloc(0);
  length = 0;
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  /** 1 when the field was quoted and held doubled quotes. */
  escaped = new Uint8Array(64);
  private kinds = new Int8Array(64);
  private numbers = new Float64Array(64);
  private texts: (string | undefined)[] = [];
  private readonly cache = new FieldCache();

  /** Starts a record; fields are added with `add`. */
  begin(bytes: Buffer): void {
    this.bytes = bytes;
    this.length = 0;
  }

  add(start: number, end: number, escaped: boolean): void {
    if (this.length === this.starts.length) this.grow();
    const j = this.length++;
    this.starts[j] = start;
    this.ends[j] = end;
    this.escaped[j] = escaped ? 1 : 0;
    this.kinds[j] = -1;
    this.texts[j] = undefined;
  }

  kind(column: number): CellKind {
    const known = this.kinds[column]!;
    if (known >= 0) return known as CellKind;
    const bytes = this.bytes;
    let start = this.starts[column]!;
    let end = this.ends[column]!;
    let kind: CellKind;
    if (this.escaped[column]) kind = this.slowKind(column);
    else {
      while (start < end && isSpace(bytes[start]!)) start++;
      while (end > start && isSpace(bytes[end - 1]!)) end--;
      if (start === end) kind = MISSING;
      else {
        const value = decimalAt(bytes, start, end);
        if (Number.isNaN(value)) kind = this.cachedKind(column, start, end);
        else {
          this.numbers[column] = value;
          kind = NUMBER;
        }
      }
    }
    this.kinds[column] = kind;
    return kind;
  }

  /** The kind of an unquoted field that is not a plain decimal; `start`, `end`: its bytes without surrounding spaces. */
  private cachedKind(column: number, start: number, end: number): CellKind {
    const { bytes, cache } = this;
    const slot = cache.slotOf(bytes, start, end);
    if (slot >= 0 && cache.holds(slot, bytes, start, end)) {
      const kind = cache.kinds[slot] as CellKind;
      if (kind === NUMBER) this.numbers[column] = cache.numbers[slot]!;
      else if (kind === TEXT) this.texts[column] = cache.texts[slot];
      return kind;
    }
    const kind = this.slowKind(column);
    if (slot >= 0) cache.store(slot, bytes, start, end, kind, this.numbers[column]!, this.texts[column]);
    return kind;
  }

  private slowKind(column: number): CellKind {
    const value = classifyCell(this.cell(column));
    if (value === null) return MISSING;
    if (typeof value === 'number') {
      this.numbers[column] = value;
      return NUMBER;
    }
    this.texts[column] = value;
    return TEXT;
  }

  numberAt(column: number): number {
    return this.numbers[column]!;
  }

  textAt(column: number): string {
    return (this.texts[column] ??= (this.cell(column)).trim());
  }

  cell(column: number): string {
    const text = this.bytes.toString('utf8', this.starts[column], this.ends[column]);
    return this.escaped[column] ? text.replaceAll('""', '"') : text;
  }

  private grow(): void {
    const size = this.starts.length * 2;
    const copy = <T extends Int32Array | Uint8Array | Int8Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.starts = copy(this.starts, (n) => new Int32Array(n));
    this.ends = copy(this.ends, (n) => new Int32Array(n));
    this.escaped = copy(this.escaped, (n) => new Uint8Array(n));
    this.kinds = copy(this.kinds, (n) => new Int8Array(n));
    this.numbers = copy(this.numbers, (n) => new Float64Array(n));
  }
}
