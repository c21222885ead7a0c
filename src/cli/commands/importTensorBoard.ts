import { StoreError } from '../../store/database.ts';
import { NotLogdirError } from '../../tensorboard/discovery.ts';
import { importTensorBoard } from '../../tensorboard/importTensorBoard.ts';
import { describeSummary } from '../../tensorboard/summary.ts';
import { type CliCommand, CliError } from '../command.ts';
import { buildChartSummaries, openImportStore, throttledProgress } from '../importSupport.ts';

export const importTensorBoardCommand: CliCommand = {
  words: ['import', 'tensorboard'],
  summary: 'Import the runs of a TensorBoard logdir: scalars, text and hparams (read-only; run again to read on where it stopped).',
  usage: '<logdir> [--merge-train-validation] [--json]',
  async run(invocation) {
    const logdir = invocation.args[0];
    if (!logdir) throw new CliError('Give the TensorBoard logdir: the folder you pass to tensorboard --logdir.');
    const mergeSplits = invocation.options.has('merge-train-validation');
    const { store, storePath } = openImportStore(invocation);
    try {
      const summary = await importTensorBoard(store, logdir, { mergeSplits, isCancelled: invocation.cancelled, onProgress: throttledProgress(invocation) });
      const summariesMs = await buildChartSummaries(store, invocation, summary.metricPoints > 0);
      if (invocation.json) invocation.print(JSON.stringify({ store: storePath, summary, summariesMs }, null, 2));
      else {
        invocation.print(describeSummary(summary).join('\n'));
        invocation.print(`Chart summaries built in ${(summariesMs / 1000).toFixed(1)} s.`);
      }
    } catch (error) {
      if (error instanceof NotLogdirError || error instanceof StoreError) throw new CliError(error.message);
      throw error;
    } finally {
      store.close();
    }
  },
};
