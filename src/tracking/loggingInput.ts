/**
 * Limits and checks for everything a logger writes: the Node API (runLogger.ts) and the CLI use
 * these, python/ml_lifecycle.py has the same rules (docs/logging.md lists them).
 */
import { displayText, formatCount } from '../shared/format.ts';
import { parseDecimal } from '../shared/numberText.ts';

const MAX_KEY_LENGTH = 250;
const MAX_PARAM_VALUE_LENGTH = 6000;
export const MAX_TAG_VALUE_LENGTH = 8000;

/** Points buffered before a write, and the longest a point waits in the buffer. */
export const BATCH_SIZE = 5000;
export const FLUSH_INTERVAL_MS = 1000;
export const HEARTBEAT_INTERVAL_MS = 10_000;
export { LOCK_WAIT_MS } from '../store/lockRetry.ts';

const ARTIFACT_KINDS = ['file', 'model', 'data'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

export type KeyKind = 'metric' | 'param' | 'tag' | 'production metric';

/** A key or value the store cannot take; nothing of that call was written. */
export class LogInputError extends Error {
  override readonly name = 'LogInputError';
}

/** A value quoted for an error message, shortened so a 10,000-character key stays readable. */
export function quote(value: unknown, limit = 60): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length <= limit ? text : `${text.slice(0, limit - 1)}…`);
}

/** Newline, tab, NUL and the other C0 controls, and DEL: refused in keys and names. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export function checkKey(kind: KeyKind, key: unknown): string {
  if (typeof key !== 'string') throw new LogInputError(`${kind} key ${quote(key)} is a ${typeName(key)}; keys must be strings.`);
  if (!key.trim()) throw new LogInputError(`A ${kind} key is empty; give it a name with at least one visible character.`);
  if (key.length > MAX_KEY_LENGTH) {
    throw new LogInputError(`${kind} key ${quote(key)} is ${formatCount(key.length)} characters long; the limit is ${MAX_KEY_LENGTH}. Shorten it.`);
  }
  if (CONTROL_CHARS.test(key)) throw new LogInputError(`${kind} key ${JSON.stringify(key)} contains a control character (newline, tab, NUL...); remove it.`);
  return key;
}

/** A metric value as stored: a number, ±Infinity, or null for NaN. */
export function metricValue(key: string, value: unknown): number | null {
  if (typeof value === 'number') return Number.isNaN(value) ? null : value;
  if (typeof value === 'bigint') {
    const number = Number(value);
    if (!Number.isFinite(number)) throw new LogInputError(`metric ${quote(key)}: ${quote(value, 30)} is too large for a 64-bit float.`);
    return number;
  }
  if (typeof value === 'boolean') throw new LogInputError(`metric ${quote(key)}: ${value} is a boolean, not a number; log 1 or 0 if that is what you mean.`);
  if (typeof value === 'string') throw new LogInputError(`metric ${quote(key)}: ${quote(value)} is a string, not a number; convert it with Number(...) first.`);
  if (value === null || value === undefined) throw new LogInputError(`metric ${quote(key)}: the value is ${value}; log NaN for a missing value.`);
  throw new LogInputError(`metric ${quote(key)}: a ${typeName(value)} is not a number.`);
}

function integer(what: string, key: string, value: unknown): number {
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new LogInputError(`metric ${quote(key)}: ${what} ${quote(value, 30)} is out of range (at most 2^53 - 1 in size).`);
    }
    value = Number(value);
  }
  if (typeof value !== 'number') throw new LogInputError(`metric ${quote(key)}: ${what} ${quote(value)} is a ${typeName(value)}; give an integer.`);
  if (!Number.isInteger(value)) throw new LogInputError(`metric ${quote(key)}: ${what} ${value} is not a whole number.`);
  if (!Number.isSafeInteger(value)) throw new LogInputError(`metric ${quote(key)}: ${what} ${value} is out of range (at most 2^53 - 1 in size).`);
  return value;
}

export function metricStep(key: string, step: unknown): number {
  return integer('step', key, step);
}

/** Milliseconds since 1970; fractions are dropped. */
export function metricTimestamp(key: string, timestamp: unknown): number {
  const value = integer('timestamp', key, typeof timestamp === 'number' && Number.isFinite(timestamp) ? Math.floor(timestamp) : timestamp);
  if (value < 0) throw new LogInputError(`metric ${quote(key)}: timestamp ${value} is negative; give milliseconds since 1970 (Date.now()).`);
  return value;
}

function text(kind: 'param' | 'tag', key: string, value: unknown, limit: number): string {
  let result: string;
  if (typeof value === 'string') result = value;
  else if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    throw new LogInputError(`${kind} ${quote(key)}: the value is ${value === undefined ? 'undefined' : `a ${typeof value}`}; give a string, number or boolean.`);
  } else if (value !== null && typeof value === 'object') {
    try {
      result = JSON.stringify(value);
    } catch (error) {
      throw new LogInputError(`${kind} ${quote(key)}: the value cannot be written as JSON (${(error as Error).message}).`);
    }
  } else result = displayText(value);
  if (result.length > limit) {
    throw new LogInputError(
      `${kind} ${quote(key)}: the value is ${formatCount(result.length)} characters long; the limit is ${formatCount(limit)}. Log long text as an artifact instead.`,
    );
  }
  return result;
}

export function paramText(key: string, value: unknown): string {
  return text('param', key, value, MAX_PARAM_VALUE_LENGTH);
}

export function tagText(key: string, value: unknown): string {
  return text('tag', key, value, MAX_TAG_VALUE_LENGTH);
}

export function artifactKind(kind: unknown): ArtifactKind {
  if (!(ARTIFACT_KINDS as readonly unknown[]).includes(kind)) throw new LogInputError(`artifact kind ${quote(kind)} is not one of ${ARTIFACT_KINDS.join(', ')}.`);
  return kind as ArtifactKind;
}

/** A metric value written as text (command lines, metric files): decimal, nan or ±inf, never changed silently. */
export function parseMetricText(key: string, text: string): number {
  const parsed = parseDecimal(text);
  if ('value' in parsed) return parsed.value;
  throw new LogInputError(`The value of ${quote(key)} is ${quote(text)}, which is ${parsed.problem}. Write it like 0.87, 120, 1e-3, nan or -inf.`);
}

/** A whole number written as text (steps, timestamps, limits). */
export function parseIntegerText(raw: string, what: string): number {
  const textValue = raw.trim();
  if (!/^[+-]?\d+$/.test(textValue) || !Number.isSafeInteger(Number(textValue))) throw new LogInputError(`${what} ${quote(raw)} is not a whole number.`);
  return Number(textValue);
}

/** `key=value` as typed on a command line; the value may itself contain '='. */
export function splitAssignment(arg: string, what: string): [string, string] {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new LogInputError(`${quote(arg)} is not ${what}=value. Write it as key=value, e.g. lr=0.01.`);
  return [arg.slice(0, eq), arg.slice(eq + 1)];
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A metric value for JSON, which has no NaN or Infinity: NaN (or null) becomes null, ±Infinity the strings "Infinity" / "-Infinity". */
export function jsonNumber(value: number | null): number | string | null {
  if (value === null || Number.isNaN(value)) return null;
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}
