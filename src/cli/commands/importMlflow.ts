import { importMlflow } from '../../mlflow/importMlflow.ts';
import { NotMlflowError } from '../../mlflow/source.ts';
import { describeSummary } from '../../mlflow/summary.ts';
import { StoreError } from '../../store/database.ts';
import { type CliCommand, CliError } from '../command.ts';
import { buildChartSummaries, openImportStore, throttledProgress } from '../importSupport.ts';

export const importMlflowCommand: CliCommand = {
  words: ['import', 'mlflow'],
  summary: 'Import experiments, runs, metrics and models from an mlruns/ folder or mlflow.db (read-only; run again to add only what is new).',
  usage: '<path> [--json]',
  async run(invocation) {
    const input = invocation.args[0];
    if (!input) throw new CliError('Give the mlruns/ folder, a folder containing it, or an mlflow.db file.');
    const { store, storePath } = openImportStore(invocation);
    try {
      const summaries = await importMlflow(store, input, { isCancelled: invocation.cancelled, onProgress: throttledProgress(invocation) });
      const summariesMs = await buildChartSummaries(store, invocation, summaries.some((s) => s.metricPoints > 0));
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
