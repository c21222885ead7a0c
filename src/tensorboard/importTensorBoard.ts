import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Store } from '../store/database.ts';
import { type TensorBoardRun, discoverRuns } from './discovery.ts';
import { type SkippedKind, type TagPlugins, readEvent } from './events.ts';
import { RunBatch } from './runBatch.ts';
import { type FileState, TensorBoardWriter, keptEndStatus } from './storeWriter.ts';
import { type TensorBoardSummary, addUnreadable, emptySummary } from './summary.ts';
import { HEADER_BYTES, readRecords, startsWithRecord } from './tfrecord.ts';
import { logdirKey } from './workspace.ts';

export interface TensorBoardImportOptions {
  /** Import a folder's `train` and `validation` sub-folders as one run, keys prefixed `train/` and `validation/`. */
  mergeSplits?: boolean;
  onProgress?: (progress: { done: number; total: number; message: string }) => void;
  /** Checked between chunks of a file; what was read up to there is kept. */
  isCancelled?: () => boolean;
}

/** Bytes of an event file read and written to the store at a time. */
const CHUNK_BYTES = 8 * 1024 * 1024;
/** WAL pages between checkpoints while importing. */
const IMPORT_CHECKPOINT_PAGES = 100_000;
/** A file changed this recently may still be getting its last record, and its run is still training. */
const LIVE_MS = 30_000;
/** A last record still this short this long after the file changed is truncated, not being written. */
const SETTLED_MS = 2000;

interface PlannedFile {
  run: TensorBoardRun;
  path: string;
  name: string;
  keyPrefix: string;
  size: number;
  mtimeMs: number;
  from: FileState;
}

/**
 * Imports a TensorBoard logdir into the store: each folder holding event files is a run of the
 * logdir's experiment. Safe to run again: each file is read on from where the last import stopped.
 * Event files are only read. Throws NotLogdirError (one-line reason) when `logdir` has no event
 * files; unreadable records are listed in the summary with their file and offset, and skipped.
 */
export async function importTensorBoard(store: Store, logdir: string, options: TensorBoardImportOptions = {}): Promise<TensorBoardSummary> {
  const started = performance.now();
  const root = path.resolve(logdir);
  const runs = discoverRuns(root, options);
  const summary = emptySummary(root);
  const writer = new TensorBoardWriter(store, logdirKey(root, store.path), root, summary);
  writer.experiment(path.basename(root) || root);

  const planned: PlannedFile[][] = [];
  for (const run of runs) planned.push(await planRun(writer, run));
  const total = planned.flat().reduce((n, file) => n + file.size - file.from.bytes, 0);
  let done = 0;
  const progress = (bytes: number) => {
    done += bytes;
    options.onProgress?.({ done, total, message: `${(done / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB of event files` });
  };
  // As the MLflow import does: a checkpoint after every batch would double the writing.
  const checkpointPages = store.db.pragma('wal_autocheckpoint', { simple: true }) as number;
  store.db.pragma(`wal_autocheckpoint = ${IMPORT_CHECKPOINT_PAGES}`);
  try {
    for (const files of planned) {
      if (options.isCancelled?.()) break;
      await importRun(writer, files, options, progress);
    }
  } finally {
    store.db.pragma(`wal_autocheckpoint = ${checkpointPages}`);
  }
  summary.cancelled = options.isCancelled?.() ?? false;
  writer.finish();
  store.db.pragma('wal_checkpoint(PASSIVE)');
  summary.durationMs = performance.now() - started;
  return summary;
}

/** The run's event files with what is left to read in each. */
async function planRun(writer: TensorBoardWriter, run: TensorBoardRun): Promise<PlannedFile[]> {
  const existing = writer.existingRun(run.name);
  const states = existing ? writer.fileStates(existing.id) : new Map<string, FileState>();
  const files: PlannedFile[] = [];
  for (const file of run.files) {
    let stat;
    try {
      stat = await fs.stat(file.path);
    } catch (error) {
      addUnreadable(writer.summary, { file: file.path, offset: 0, reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
      continue;
    }
    let from = states.get(file.name) ?? { bytes: 0, records: 0 };
    if (from.bytes > stat.size) {
      writer.summary.notes.push(`${file.path} is shorter than when it was last read; it was read again from the start.`);
      from = { bytes: 0, records: 0 };
    }
    files.push({ run, path: file.path, name: file.name, keyPrefix: file.keyPrefix, size: stat.size, mtimeMs: stat.mtimeMs, from });
  }
  return files;
}

async function importRun(writer: TensorBoardWriter, files: readonly PlannedFile[], options: TensorBoardImportOptions, progress: (bytes: number) => void): Promise<void> {
  const run = files[0]?.run;
  if (!run) return;
  const summary = writer.summary;
  const batch = new RunBatch((kind) => countSkipped(summary, kind));
  const existing = writer.existingRun(run.name);
  if (existing) batch.endStatus = keptEndStatus(writer, existing.id);
  const plugins: TagPlugins = new Map();
  const states = new Map(files.map((file) => [file.name, { ...file.from }]));
  const lastChange = Math.max(...files.map((file) => file.mtimeMs));
  const liveSince = Date.now() - lastChange < LIVE_MS ? Math.round(lastChange) : undefined;
  let wrote = existing !== undefined;
  const write = () => {
    writer.writeBatch(run, batch, states, liveSince);
    batch.clear();
    wrote = true;
  };
  for (const file of files) {
    const state = states.get(file.name)!;
    batch.keyPrefix = file.keyPrefix;
    const finished = await readFile(writer, file, state, plugins, batch, options, (bytes) => {
      progress(bytes);
      write();
    });
    if (!finished) return;
  }
  // A run that stopped training since the last sync is FINISHED now, even with nothing new to read.
  const stopped = existing?.status === 'RUNNING' && liveSince === undefined;
  if (!wrote || !batch.isEmpty || stopped) write();
}

/**
 * Reads a file from `state` on, chunk by chunk, calling `chunkDone` after each so its records are
 * written with the offset after them. False when cancelled.
 */
async function readFile(
  writer: TensorBoardWriter,
  file: PlannedFile,
  state: FileState,
  plugins: TagPlugins,
  batch: RunBatch,
  options: TensorBoardImportOptions,
  chunkDone: (bytes: number) => void,
): Promise<boolean> {
  if (state.bytes >= file.size) return true;
  const summary = writer.summary;
  const handle = await fs.open(file.path, 'r');
  try {
    if (state.bytes === 0) {
      const head = Buffer.alloc(Math.min(HEADER_BYTES, file.size));
      await handle.read(head, 0, head.length, 0);
      if (head.length === HEADER_BYTES && !startsWithRecord(head)) {
        addUnreadable(summary, { file: file.path, offset: 0, reason: 'not a TFRecord file (its first 12 bytes are not a record length and its checksum); file skipped' });
        return true;
      }
    }
    let want = CHUNK_BYTES;
    while (state.bytes < file.size) {
      if (options.isCancelled?.()) return false;
      const chunk = Buffer.alloc(Math.min(want, file.size - state.bytes));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, state.bytes);
      const result = readRecords(chunk.subarray(0, bytesRead), state.bytes, (data, offset) => {
        try {
          readEvent(data, plugins, batch);
        } catch (error) {
          addUnreadable(summary, { file: file.path, offset, reason: `the record is not a TensorBoard Event (${(error as Error).message}); record skipped` });
        }
      });
      for (const problem of result.problems) addUnreadable(summary, { file: file.path, ...problem });
      state.bytes += result.consumed;
      state.records += result.records;
      summary.records += result.records;
      chunkDone(result.consumed);
      if (result.incomplete && result.incomplete.offset + result.incomplete.bytes <= file.size) {
        // A record longer than the chunk: read it whole next.
        want = Math.max(CHUNK_BYTES, result.incomplete.bytes);
        continue;
      }
      if (state.bytes < file.size && (result.incomplete || bytesRead < HEADER_BYTES)) {
        // The file ends inside a record: still being written, or cut short.
        if (Date.now() - file.mtimeMs > SETTLED_MS) {
          const needed = result.incomplete ? `${result.incomplete.bytes} bytes` : 'a 12-byte header';
          addUnreadable(summary, { file: file.path, offset: state.bytes, reason: `truncated: the last record needs ${needed} and the file ends ${file.size - state.bytes} bytes after its start; it is read if the file grows` });
        }
        break;
      }
    }
    return true;
  } finally {
    await handle.close();
  }
}

function countSkipped(summary: TensorBoardSummary, kind: SkippedKind): void {
  summary.skippedData[kind] = (summary.skippedData[kind] ?? 0) + 1;
}
