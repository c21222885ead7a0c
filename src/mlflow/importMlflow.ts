import { type Store, writeTransaction } from '../store/database.ts';
import { importDatabase } from './databaseImport.ts';
import { importFolder } from './folderImport.ts';
import { type MlflowSource, resolveSources, sourceKey } from './source.ts';
import { type ImportSummary, emptySummary } from './summary.ts';
import { type ImportOptions, ImportWriter } from './writer.ts';

/**
 * Imports MLflow data into the store: `input` is an mlruns folder, a folder holding mlruns/ or
 * mlflow.db, a database file, or sources found beforehand. Safe to run again: it adds only what is
 * new. MLflow's files are only read. The new points' chart summaries are left dirty for readers
 * to build (refreshDirtyBlocks), so the import itself only moves data. Throws NotMlflowError (one-line reason) when `input` is not
 * MLflow's; rows it cannot read are listed in the summaries and skipped.
 */
export async function importMlflow(store: Store, input: string | readonly MlflowSource[], options: ImportOptions = {}): Promise<ImportSummary[]> {
  const sources = typeof input === 'string' ? resolveSources(input) : input;
  const summaries: ImportSummary[] = [];
  for (const source of sources) {
    if (options.isCancelled?.()) break;
    summaries.push(await importSource(store, source, options));
  }
  return summaries;
}

/** WAL pages between checkpoints while importing: a checkpoint after every batch would double the writing. */
const IMPORT_CHECKPOINT_PAGES = 100_000;

async function importSource(store: Store, source: MlflowSource, options: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const summary = emptySummary(source.path, source.kind);
  const writer = new ImportWriter(store, source, sourceKey(source.path, store.path), summary);
  const checkpointPages = store.db.pragma('wal_autocheckpoint', { simple: true }) as number;
  store.db.pragma(`wal_autocheckpoint = ${IMPORT_CHECKPOINT_PAGES}`);
  try {
    if (source.kind === 'folder') await importFolder(writer, options);
    else await importDatabase(writer, options);
  } finally {
    store.db.pragma(`wal_autocheckpoint = ${checkpointPages}`);
  }
  writeTransaction(store, () => writer.auditImport());
  store.db.pragma('wal_checkpoint(PASSIVE)');
  summary.durationMs = performance.now() - started;
  return summary;
}

/** Whether an earlier import read this source into the store. */
export function wasImported(store: Store, sourcePath: string): boolean {
  return store.db.prepare('SELECT 1 FROM mlflow_sources WHERE source = ?').get(sourceKey(sourcePath, store.path)) !== undefined;
}
