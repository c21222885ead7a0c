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
  maxTimestamp: number;
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

/** Why a line is not a point, or undefined when it is one (then `sink` got it). */
function parseLine(line: string, sink: PointSink, out: { timestamp: number }): string | undefined {
  const fields = line.trim().split(' ');
  if (fields.length !== 2 && fields.length !== 3) {
    return `expected "<timestamp> <value> [<step>]" but found ${fields.length} field${fields.length === 1 ? '' : 's'}`;
  }
  const timestamp = parseInteger(fields[0]!);
  if (timestamp === undefined) return `the timestamp "${fields[0]}" is not a whole number of milliseconds`;
  const value = parseMetricValue(fields[1]!);
  if (value === undefined) return `the value "${fields[1]}" is not a number`;
  const step = fields.length === 3 ? parseInteger(fields[2]!) : 0;
  if (step === undefined) return `the step "${fields[2]}" is not a whole number`;
  out.timestamp = timestamp;
  sink(step, timestamp, value);
  return undefined;
}

/**
 * Parses the complete lines of `text`, which starts at line `firstLine` (1-based) of its file.
 * A last line without its newline is left unread unless `final` (the file is no longer being
 * written), so a line MLflow is still appending is never taken half-written.
 */
export function parseMetricChunk(text: string, firstLine: number, final: boolean, sink: PointSink): ParsedChunk {
  const result: ParsedChunk = { bytes: 0, lines: 0, points: 0, maxTimestamp: Number.NEGATIVE_INFINITY, problems: [] };
  const seen = { timestamp: 0 };
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    const complete = end !== -1;
    if (!complete) {
      if (!final) break;
      end = text.length;
    }
    const raw = text.slice(start, end);
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    result.lines++;
    if (line.trim() !== '') {
      const problem = parseLine(line, sink, seen);
      if (problem) result.problems.push({ line: firstLine + result.lines - 1, reason: problem });
      else {
        result.points++;
        if (seen.timestamp > result.maxTimestamp) result.maxTimestamp = seen.timestamp;
      }
    }
    start = end + 1;
  }
  const consumed = Math.min(start, text.length);
  result.bytes = Buffer.byteLength(consumed === text.length ? text : text.slice(0, consumed), 'utf8');
  return result;
}
