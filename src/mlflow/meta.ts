import * as fs from 'node:fs/promises';
import { YAMLParseError, parse } from 'yaml';

/** A meta.yaml that could not be used; the message names what is wrong, the caller names the file. */
export class MetaError extends Error {
  override readonly name = 'MetaError';
  readonly line: number | undefined;
  constructor(message: string, line?: number) {
    super(message);
    this.line = line;
  }
}

export type Meta = Readonly<Record<string, unknown>>;

/** Reads MLflow's meta.yaml (flat `key: value` YAML written by PyYAML). */
export async function readMeta(file: string): Promise<Meta> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MetaError(code === 'ENOENT' ? 'no meta.yaml' : `meta.yaml cannot be read (${code ?? (error as Error).message})`);
  }
  let value: unknown;
  try {
    // PyYAML writes YAML 1.1 (`1e5` is a string there, a number in 1.2), so read it as 1.1.
    value = parse(text, { version: '1.1', uniqueKeys: false, logLevel: 'error' });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const line = error.linePos?.[0].line;
      throw new MetaError(`meta.yaml is not valid YAML (${error.message.split('\n')[0]})`, line);
    }
    throw new MetaError(`meta.yaml is not valid YAML: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new MetaError('meta.yaml is not a list of "key: value" lines');
  }
  return value as Meta;
}

export function metaString(meta: Meta, key: string): string | undefined {
  const value = meta[key];
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/** A whole number (MLflow's times and statuses), accepting numeric strings; undefined otherwise. */
export function metaInteger(meta: Meta, key: string): number | undefined {
  const value = meta[key];
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isSafeInteger(number) ? number : undefined;
}
