/**
 * MLflow's folder store keeps one metric history per file, one point per line:
 * `<timestamp_ms> <value> <step>`, the step optional (then 0), the value as Python prints a float
 * (`0.25`, `1e-05`, `nan`, `inf`, `-inf`). Files written on Windows end lines with CRLF.
 */

export interface MetricLineProblem {
  /** 1-based line number in the file. */
  line: number;
  reason: string;
}

/** What one chunk of a metric file held. Points go to `sink`; problems are returned. */
export interface ParsedChunk {
  /** Bytes of complete lines consumed (the rest is an unfinished line to read next time). */
  bytes: number;
  lines: number;
  points: number;
  problems: MetricLineProblem[];
}

export type PointSink = (step: number, timestamp: number, value: number) => void;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const INTEGER = /^[+-]?\d+$/;

/** Parses a metric value as MLflow writes it; undefined when it is not a number. */
export function parseMetricValue(text: string): number | undefined {
  if (NUMBER.test(text)) return Number(text);
  switch (text.toLowerCase()) {
    case 'nan':
    case '+nan':
    case '-nan':
      return Number.NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Number.POSITIVE_INFINITY;
    case '-inf':
    case '-infinity':
      return Number.NEGATIVE_INFINITY;
    default:
      return undefined;
  }
}

function parseInteger(text: string): number | undefined {
  if (!INTEGER.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Why a line is not a point (the slow path, only for lines the fast one refused). */
function problemOf(line: string): string {
  const fields = line.trim().split(' ');
  if (fields.length !== 2 && fields.length !== 3) {
    return `expected "<timestamp> <value> [<step>]" but found ${fields.length} field${fields.length === 1 ? '' : 's'}`;
  }
  if (parseInteger(fields[0]!) === undefined) return `the timestamp "${fields[0]}" is not a whole number of milliseconds`;
  if (parseMetricValue(fields[1]!) === undefined) return `the value "${fields[1]}" is not a number`;
  return `the step "${fields[2]}" is not a whole number`;
}

const SPACE = 32;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;

function isBlank(code: number): boolean {
  return code === SPACE || code === 9 || code === 13;
}

/** The whole number in text[start, end), or undefined. Scans char codes: no slicing for the usual case. */
function integerAt(text: string, start: number, end: number): number | undefined {
  let i = start;
  const sign = text.charCodeAt(i);
  if (sign === MINUS || sign === PLUS) i++;
  if (i >= end) return undefined;
  if (end - i > 15) return parseInteger(text.slice(start, end));
  let value = 0;
  for (; i < end; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return sign === MINUS ? -value : value;
}

function valueAt(text: string, start: number, end: number): number | undefined {
  const first = text.charCodeAt(start);
  const second = end - start > 1 ? text.charCodeAt(start + 1) | 0x20 : 0;
  // Number() also takes 0x.., 0b.., 0o.. and "Infinity": leave anything unusual to the strict parser.
  if (((first >= ZERO && first <= NINE) || first === MINUS || first === DOT) && second !== 0x78 && second !== 0x62 && second !== 0x6f && second !== 0x69 && second !== 0x6e) {
    const value = Number(text.slice(start, end));
    if (!Number.isNaN(value)) return value;
  }
  return parseMetricValue(text.slice(start, end));
}

/** Parses one line (text[start, end)) into `sink`; false when it is not a point. */
function parseLine(text: string, start: number, end: number, sink: PointSink): boolean {
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  const first = text.indexOf(' ', start);
  if (first === -1 || first >= end) return false;
  let second = text.indexOf(' ', first + 1);
  if (second >= end) second = -1;
  const third = second === -1 ? -1 : text.indexOf(' ', second + 1);
  if (third !== -1 && third < end) return false;
  const timestamp = integerAt(text, start, first);
  if (timestamp === undefined) return false;
  const value = valueAt(text, first + 1, second === -1 ? end : second);
  if (value === undefined) return false;
  const step = second === -1 ? 0 : integerAt(text, second + 1, end);
  if (step === undefined) return false;
  sink(step, timestamp, value);
  return true;
}

/**
 * Parses the complete lines of `text`, which starts at line `firstLine` (1-based) of its file.
 * A last line without its newline is left unread unless `final` (the file is no longer being
 * written), so a line MLflow is still appending is never taken half-written; even then, one that
 * lacks its step is reported as cut off and left unread, never stored at step 0.
 */
export function parseMetricChunk(text: string, firstLine: number, final: boolean, sink: PointSink): ParsedChunk {
  const result: ParsedChunk = { bytes: 0, lines: 0, points: 0, problems: [] };
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) {
      if (!final) break;
      // MLflow ends every line with a newline: a last line without one and without its step was cut off.
      const fields = text.slice(start).trim().split(' ').length;
      if (fields < 3 && text.slice(start).trim() !== '') {
        result.problems.push({ line: firstLine + result.lines, reason: 'the last line ends without its step or a line end, so the file looks cut off' });
        break;
      }
      end = text.length;
    }
    result.lines++;
    let blank = true;
    for (let i = start; i < end; i++) {
      if (!isBlank(text.charCodeAt(i))) {
        blank = false;
        break;
      }
    }
    if (!blank) {
      if (parseLine(text, start, end, sink)) result.points++;
      else result.problems.push({ line: firstLine + result.lines - 1, reason: problemOf(text.slice(start, end).replace(/\r$/, '')) });
    }
    start = end + 1;
  }
  const consumed = Math.min(start, text.length);
  result.bytes = Buffer.byteLength(consumed === text.length ? text : text.slice(0, consumed), 'utf8');
  return result;
}
