import { importMlflow } from '../../mlflow/importMlflow.ts';
import { NotMlflowError } from '../../mlflow/source.ts';
import { describeSummary } from '../../mlflow/summary.ts';
import { StoreError, openStore } from '../../store/database.ts';
import { discoverStorePath } from '../../store/location.ts';
import { refreshDirtyBlocks } from '../../store/metricBlocks.ts';
import { type CliCommand, CliError } from '../command.ts';

/** How often building the summaries checks for Ctrl+C. */
const SUMMARY_SLICE_MS = 500;

export const importMlflowCommand: CliCommand = {
  words: ['import', 'mlflow'],
  summary: 'Import experiments, runs, metrics and models from an mlruns/ folder or mlflow.db (read-only; run again to add only what is new).',
  usage: '<path> [--json]',
  async run(invocation) {
    const input = invocation.args[0];
    if (!input) throw new CliError('Give the mlruns/ folder, a folder containing it, or an mlflow.db file.');
    const storePath = discoverStorePath(invocation.cwd, invocation.env);
    let store;
    try {
      store = openStore(storePath, { create: true });
    } catch (error) {
      throw error instanceof StoreError ? new CliError(error.message) : error;
    }
    try {
      let lastReport = 0;
      const summaries = await importMlflow(store, input, {
        isCancelled: invocation.cancelled,
        onProgress: ({ done, total, message }) => {
          const now = Date.now();
          if (now - lastReport < 1000 || done === total) return;
          lastReport = now;
          invocation.progress(`Importing: ${message}`);
        },
      });
      // A script that imports then reads should find the chart summaries ready; a cancel leaves them to the next reader.
      const started = performance.now();
      if (summaries.some((s) => s.metricPoints > 0)) invocation.progress('Building chart summaries of the new points…');
      let complete = false;
      while (!complete && !invocation.cancelled()) {
        complete = refreshDirtyBlocks(store.db, { budgetMs: SUMMARY_SLICE_MS });
        // Lets a Ctrl+C handler run between slices.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const summariesMs = Math.round(performance.now() - started);
      if (invocation.json) invocation.print(JSON.stringify({ store: storePath, sources: summaries, summariesMs }, null, 2));
      else {
        for (const summary of summaries) invocation.print(describeSummary(summary).join('\n'));
        invocation.print(`Chart summaries built in ${(summariesMs / 1000).toFixed(1)} s.`);
      }
    } catch (error) {
      if (error instanceof NotMlflowError || error instanceof StoreError) throw new CliError(error.message);
      throw error;
    } finally {
      store.close();
    }
  },
};
