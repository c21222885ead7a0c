import { CsvRow } from './cells.ts';

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** A CSV or TSV problem at a line; the table reader adds the file name. */
export class CsvSyntaxError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(message);
    this.line = line;
  }
}

/**
 * Splits CSV (RFC 4180: quoted fields with doubled quotes, LF or CRLF line ends) or TSV into
 * records, chunk by chunk, without making a string per field. Empty lines are skipped and a
 * UTF-8 byte order mark is dropped. A record cut by a chunk's end waits for the next chunk.
 */
export class CsvScanner {
  private readonly delimiter: number;
  private readonly maxRecordBytes: number;
  private readonly onRecord: (row: CsvRow, line: number) => void;
  private readonly row = new CsvRow();
  private leftover: Buffer | undefined;
  private started = false;
  /** Line of the next record's first byte, 1-based. */
  private line = 1;

  constructor(delimiter: string, maxRecordBytes: number, onRecord: (row: CsvRow, line: number) => void) {
    this.delimiter = delimiter.charCodeAt(0);
    this.maxRecordBytes = maxRecordBytes;
    this.onRecord = onRecord;
  }

  /** Scans `chunk` (after what is left of the previous one); `final` on the last chunk of the file. */
  push(chunk: Buffer, final: boolean): void {
    let data = this.leftover ? Buffer.concat([this.leftover, chunk]) : chunk;
    this.leftover = undefined;
    if (!this.started && data.length >= 3) {
      this.started = true;
      if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
    } else if (!this.started && final) this.started = true;
    let position = 0;
    while (position < data.length) {
      const next = this.record(data, position, final);
      if (next === -1) break;
      position = next;
    }
    if (position < data.length) {
      if (data.length - position > this.maxRecordBytes) {
        throw new CsvSyntaxError(this.line, `a row is longer than ${this.maxRecordBytes / 1024 / 1024} MB. Check for an unclosed quote, or that this is really a CSV file.`);
      }
      this.leftover = Buffer.from(data.subarray(position));
    }
  }

  /** Reads one record from `start`; the position after its line end, or -1 when it is not complete yet. */
  private record(data: Buffer, start: number, final: boolean): number {
    const row = this.row;
    const delimiter = this.delimiter;
    const n = data.length;
    row.begin(data);
    let lines = 0;
    let i = start;
    for (;;) {
      if (i < n && data[i] === QUOTE) {
        let escaped = false;
        let from = i + 1;
        let close: number;
        for (;;) {
          close = data.indexOf(QUOTE, from);
          if (close === -1 || (close + 1 === n && !final)) {
            if (!final) return -1;
            throw new CsvSyntaxError(this.line, 'a quoted value is never closed. Check for a stray double quote.');
          }
          if (data[close + 1] !== QUOTE) break;
          escaped = true;
          from = close + 2;
        }
        for (let k = i + 1; k < close; k++) if (data[k] === LF) lines++;
        row.add(i + 1, close, escaped);
        i = close + 1;
        if (i < n && data[i] !== delimiter && data[i] !== LF && data[i] !== CR) {
          throw new CsvSyntaxError(this.line + lines, 'a quoted value is followed by more text before the next separator. Quote the whole value, doubling quotes inside it.');
        }
      } else {
        const from = i;
        while (i < n) {
          const byte = data[i]!;
          if (byte === delimiter || byte === LF || byte === CR) break;
          i++;
        }
        row.add(from, i, false);
      }
      if (i >= n) {
        if (!final) return -1;
        this.emit(row, lines);
        return n;
      }
      const byte = data[i]!;
      if (byte === delimiter) {
        i++;
        continue;
      }
      // A line end: CRLF, LF, or a lone CR.
      if (byte === CR) {
        if (i + 1 === n && !final) return -1;
        i += data[i + 1] === LF ? 2 : 1;
      } else i++;
      this.emit(row, lines);
      this.line += 1;
      return i;
    }
  }

  private emit(row: CsvRow, innerLines: number): void {
    const line = this.line;
    this.line += innerLines;
    // An empty line is one empty, unquoted field.
    if (row.length === 1 && row.starts[0] === row.ends[0] && !row.escaped[0] && row.bytes[row.starts[0]! - 1] !== QUOTE) return;
    this.onRecord(row, line);
  }
}
