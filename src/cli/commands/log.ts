import { LogInputError, checkKey, parseMetricText, metricTimestamp, parseIntegerText, splitAssignment } from '../../tracking/loggingInput.ts';
import { readMetricFile } from '../../tracking/metricFile.ts';
import { type RunLogger, attachRun } from '../../tracking/runLogger.ts';
import { type CliCommand, type CliInvocation, CliError, option } from '../command.ts';
import { assignments, openCliStore } from './runs.ts';
import { formatCount } from '../../shared/format.ts';

/** Runs `work` on an existing run and writes what it buffered; the store must exist. */
async function withRunOf(invocation: CliInvocation, work: (run: RunLogger) => void | Promise<void>): Promise<RunLogger> {
  const runId = invocation.args[0];
  if (!runId) throw new CliError('Give the run id first (ml-lifecycle runs list shows them; ml-lifecycle run start prints a new one).');
  const store = openCliStore(invocation, false);
  try {
    const run = attachRun(store, runId);
    await work(run);
    run.flush();
    return run;
  } finally {
    store.close();
  }
}

function optionalInteger(invocation: CliInvocation, name: string): number | undefined {
  const text = option(invocation, name);
  return text === undefined ? undefined : parseIntegerText(text, `--${name}`);
}

const logParam: CliCommand = {
  words: ['log', 'param'],
  summary: 'Log params of a run (a param never changes once logged).',
  usage: '<run-id> key=value [key=value ...] [--json]',
  async run(invocation) {
    const params = assignments(invocation.args.slice(1), 'param');
    if (Object.keys(params).length === 0) throw new CliError('Give at least one param as key=value, e.g. lr=0.01.');
    const run = await withRunOf(invocation, (run) => run.logParams(params));
    report(invocation, run, { params: Object.keys(params).length }, `Logged ${Object.keys(params).length} param(s)`);
  },
};

const logTag: CliCommand = {
  words: ['log', 'tag'],
  summary: 'Set tags of a run (a tag may be overwritten).',
  usage: '<run-id> key=value [key=value ...] [--json]',
  async run(invocation) {
    const tags = assignments(invocation.args.slice(1), 'tag');
    if (Object.keys(tags).length === 0) throw new CliError('Give at least one tag as key=value, e.g. dataset=2024-06.');
    const run = await withRunOf(invocation, (run) => run.setTags(tags));
    report(invocation, run, { tags: Object.keys(tags).length }, `Set ${Object.keys(tags).length} tag(s)`);
  },
};

const logMetric: CliCommand = {
  words: ['log', 'metric'],
  summary: 'Log metric values of a run; without --step each key continues after its last step.',
  usage: '<run-id> key=value [key=value ...] [--step N] [--timestamp MS] [--json]',
  async run(invocation) {
    const points = invocation.args.slice(1).map((word) => {
      const [key, text] = splitAssignment(word, 'metric');
      return { key, value: parseMetricText(key, text) };
    });
    if (points.length === 0) throw new CliError('Give at least one metric as key=value, e.g. val_loss=0.31 (nan, inf and -inf are allowed).');
    const step = optionalInteger(invocation, 'step');
    const timestamp = optionalInteger(invocation, 'timestamp');
    const run = await withRunOf(invocation, (run) => {
      for (const point of points) run.logMetric(point.key, point.value, step, timestamp);
    });
    report(invocation, run, { points: points.length }, `Logged ${points.length} metric point(s)`);
  },
};

const logMetrics: CliCommand = {
  words: ['log', 'metrics'],
  summary: 'Log metric points from a CSV, TSV, JSON or JSON-lines file (long: key,value[,step,timestamp]; wide: step + one column per metric).',
  usage: '<run-id> <file> [--json]',
  async run(invocation) {
    const file = invocation.args[1];
    if (!file) throw new CliError('Give the file after the run id: a .csv, .tsv, .json or .jsonl file (see docs/cli.md for its columns).');
    // Check the whole file first, so a bad row further down leaves the run untouched.
    const total = await readMetricFile(file, (row) => {
      try {
        checkKey('metric', row.key);
        if (row.timestamp !== undefined) metricTimestamp(row.key, row.timestamp);
      } catch (error) {
        throw new LogInputError(`${row.where}: ${(error as Error).message}`);
      }
    });
    let written = 0;
    let lastReport = Date.now();
    const run = await withRunOf(invocation, async (run) => {
      await readMetricFile(file, (row) => {
        if (invocation.cancelled()) throw new CliError(`Stopped after ${formatCount(written)} of ${formatCount(total)} points; those are stored.`);
        try {
          run.logMetric(row.key, row.value, row.step, row.timestamp);
        } catch (error) {
          throw error instanceof LogInputError ? new LogInputError(`${row.where}: ${error.message}`) : error;
        }
        written++;
        if (Date.now() - lastReport >= 1000) {
          lastReport = Date.now();
          invocation.progress(`Logged ${formatCount(written)} of ${formatCount(total)} points…`);
        }
      });
    });
    report(invocation, run, { points: written }, `Logged ${formatCount(written)} metric point(s) from ${file}`);
  },
};

function report(invocation: CliInvocation, run: RunLogger, counts: Record<string, number>, text: string): void {
  if (invocation.json) invocation.print(JSON.stringify({ id: run.id, name: run.name, ...counts }));
  else invocation.print(`${text} to run ${run.id} ("${run.name}").`);
}

export const LOG_COMMANDS: readonly CliCommand[] = [logParam, logTag, logMetric, logMetrics];
