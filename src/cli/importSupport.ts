import { StoreError, type Store, openStore } from '../store/database.ts';
import { discoverStorePath } from '../store/location.ts';
import { refreshDirtyBlocks } from '../store/metricBlocks.ts';
import { type CliInvocation, CliError } from './command.ts';

/** How often building the summaries checks for Ctrl+C. */
const SUMMARY_SLICE_MS = 500;

/** The store an import writes to, made if missing; a store problem becomes its one-line reason. */
export function openImportStore(invocation: CliInvocation): { store: Store; storePath: string } {
  const storePath = discoverStorePath(invocation.cwd, invocation.env);
  try {
    return { store: openStore(storePath, { create: true }), storePath };
  } catch (error) {
    throw error instanceof StoreError ? new CliError(error.message) : error;
  }
}

/** Progress lines at most once a second, none for the last step. */
export function throttledProgress(invocation: CliInvocation): (progress: { done: number; total: number; message: string }) => void {
  let lastReport = 0;
  return ({ done, total, message }) => {
    const now = Date.now();
    if (now - lastReport < 1000 || done === total) return;
    lastReport = now;
    invocation.progress(`Importing: ${message}`);
  };
}

/**
 * Builds the chart summaries of the imported points, so a script that imports then reads finds
 * them ready; a cancel leaves them to the next reader. Returns the milliseconds it took.
 */
export async function buildChartSummaries(store: Store, invocation: CliInvocation, imported: boolean): Promise<number> {
  const started = performance.now();
  if (imported) invocation.progress('Building chart summaries of the new points…');
  let complete = false;
  while (!complete && !invocation.cancelled()) {
    complete = refreshDirtyBlocks(store.db, { budgetMs: SUMMARY_SLICE_MS });
    // Lets a Ctrl+C handler run between slices.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return Math.round(performance.now() - started);
}
