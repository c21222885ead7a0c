import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Cell, readTable } from '../shared/table/tableReader.ts';

/** Rows a CSV preview shows; the file is streamed and reading stops there. */
export const PREVIEW_ROWS = 1000;
/** Text shown of a text file; a longer file shows its head and says so. */
export const PREVIEW_TEXT_BYTES = 256 * 1024;
/** Images larger than this are not shown inline (Open shows them in an editor). */
const PREVIEW_IMAGE_BYTES = 20 * 1024 * 1024;
const CELL_CHARS = 300;
const MAX_COLUMNS = 100;

export type TextLanguage = 'json' | 'yaml' | 'markdown' | 'text';

export type Preview =
  | { kind: 'text'; language: TextLanguage; text: string; truncated: boolean; size: number }
  | { kind: 'table'; columns: string[]; rows: string[][]; truncated: boolean; size: number }
  | { kind: 'image'; size: number }
  /** Not shown inline: binary (a model file), or an image too large. */
  | { kind: 'none'; reason: string; size: number }
  | { kind: 'missing' }
  | { kind: 'error'; message: string };

const IMAGES = new Set(['.png', '.jpg', '.jpeg', '.gif', '.svg', '.webp']);
const TABLES = new Set(['.csv', '.tsv']);
const LANGUAGES: Record<string, TextLanguage> = { '.json': 'json', '.yaml': 'yaml', '.yml': 'yaml', '.md': 'markdown', '.markdown': 'markdown' };

/** Reads what the page shows of one artifact file: bounded work whatever the file's size. */
export async function readPreview(file: string, signal?: AbortSignal): Promise<Preview> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch {
    return { kind: 'missing' };
  }
  if (!stat.isFile()) return { kind: 'none', reason: 'This is not a regular file.', size: stat.size };
  const ext = path.extname(file).toLowerCase();
  try {
    if (IMAGES.has(ext)) {
      return stat.size <= PREVIEW_IMAGE_BYTES ? { kind: 'image', size: stat.size } : { kind: 'none', reason: 'This image is too large to show here.', size: stat.size };
    }
    if (TABLES.has(ext)) return await tablePreview(file, stat.size, signal);
    return await textPreview(file, stat.size, LANGUAGES[ext] ?? 'text');
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    return { kind: 'error', message: (error as Error).message };
  }
}

async function textPreview(file: string, size: number, language: TextLanguage): Promise<Preview> {
  const handle = await fs.promises.open(file, 'r');
  let bytes: Buffer;
  try {
    const buffer = Buffer.alloc(Math.min(size, PREVIEW_TEXT_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    bytes = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (bytes.subarray(0, 8192).includes(0)) return { kind: 'none', reason: 'This is a binary file.', size };
  const truncated = size > bytes.length;
  let text = bytes.toString('utf8');
  // A cut in the middle of a character leaves a replacement character at the end: drop it.
  if (truncated) text = text.replace(/\uFFFD$/, '');
  if (language === 'json' && !truncated) {
    try {
      text = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // Shown as written: a preview is no validator.
    }
  }
  return { kind: 'text', language, text, truncated, size };
}

async function tablePreview(file: string, size: number, signal?: AbortSignal): Promise<Preview> {
  const columns: string[] = [];
  const rows: string[][] = [];
  const stop = new AbortController();
  const abort = () => stop.abort();
  signal?.addEventListener('abort', abort);
  let more = false;
  try {
    await readTable(
      file,
      {
        header: (names) => columns.push(...names.slice(0, MAX_COLUMNS)),
        row: (cells) => {
          if (rows.length === PREVIEW_ROWS) {
            more = true;
            stop.abort();
            return;
          }
          rows.push(cells.slice(0, MAX_COLUMNS).map(cellText));
        },
      },
      { signal: stop.signal, chunkBytes: 64 * 1024 },
    );
  } catch (error) {
    if (signal?.aborted) throw error;
    if (!stop.signal.aborted) throw error;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
  return { kind: 'table', columns, rows, truncated: more, size };
}

function cellText(cell: Cell): string {
  const text = cell === null ? '' : String(cell);
  return text.length > CELL_CHARS ? `${text.slice(0, CELL_CHARS - 1)}…` : text;
}
