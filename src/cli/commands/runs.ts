import { formatDuration, formatMetric, formatTime, truncateLabel } from '../../shared/format.ts';
import { openStore, type Store } from '../../store/database.ts';
import { discoverStorePath } from '../../store/location.ts';
import { refreshDirtyBlocks } from '../../store/metricBlocks.ts';
import { parseOrderBy } from '../../search/parser.ts';
import { searchRunIds } from '../../search/query.ts';
import { SearchError } from '../../search/syntax.ts';
import { type Experiment, type RunSummary, findExperimentByName, getRunsByIds, listExperiments, listRuns, metricHeadlines } from '../../tracking/experiments.ts';
import { jsonNumber, parseIntegerText, splitAssignment } from '../../tracking/loggingInput.ts';
import { FINAL_STATUSES, type FinalStatus, RUN_STATUSES, type RunStatus } from '../../tracking/model.ts';
import { attachRun } from '../../tracking/runLogger.ts';
import { createRun } from '../../tracking/runRecords.ts';
import { staleCutoff } from '../../tracking/staleness.ts';
import { type CliCommand, type CliInvocation, CliError, option, optionValues } from '../command.ts';

/** Runs read per page while listing. */
const PAGE = 500;

/** The store the CLI works on: $ML_LIFECYCLE_STORE, else the nearest .ml-lifecycle/ folder. */
export function openCliStore(invocation: CliInvocation, create: boolean): Store {
  return openStore(discoverStorePath(invocation.cwd, invocation.env), { create });
}

/** `k=v` words as an object; the same key twice with different values is refused. */
export function assignments(words: readonly string[], what: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const word of words) {
    const [key, value] = splitAssignment(word, what);
    if (key in result && result[key] !== value) throw new CliError(`${what} "${key}" is given twice, as "${result[key]}" and "${value}". Give it once.`);
    result[key] = value;
  }
  return result;
}

interface ListedRun {
  run: RunSummary;
  experiment: Experiment;
  parentUuid: string | null;
}

/** An experiment's runs, newest first, each followed by its child runs. */
function* runsOf(store: Store, experiment: Experiment, parent: { id: number; uuid: string } | null, staleBefore: number): Generator<ListedRun> {
  for (let offset = 0; ; offset += PAGE) {
    const page = listRuns(store, { experimentId: experiment.id, parentRunId: parent?.id ?? null, offset, limit: PAGE, staleBefore });
    for (const run of page.runs) {
      yield { run, experiment, parentUuid: parent?.uuid ?? null };
      if (run.childCount > 0) yield* runsOf(store, experiment, run, staleBefore);
    }
    if (offset + PAGE >= page.total) return;
  }
}

interface SearchOptions {
  filter: string | undefined;
  orderBy: string | undefined;
  experiments: Experiment[] | undefined;
  status: RunStatus | undefined;
  limit: number;
  staleBefore: number;
}

/** Runs that match a filter, in the order asked (newest first after it), flat: children are not nested. */
function searched(store: Store, options: SearchOptions): ListedRun[] {
  const orderBy = searchSyntax('--order-by', () => parseOrderBy(options.orderBy ?? ''));
  const ids = searchSyntax('--filter', () =>
    searchRunIds(store, { filter: options.filter ?? '', orderBy, experimentIds: options.experiments?.map((e) => e.id), staleBefore: options.staleBefore }),
  );
  const experiments = new Map(listExperiments(store, options.staleBefore).map((e) => [e.id, e]));
  const runs = getRunsByIds(store, ids, options.staleBefore).filter((run) => options.status === undefined || run.status === options.status);
  runs.length = Math.min(runs.length, options.limit);
  const parents = new Map(getRunsByIds(store, [...new Set(runs.flatMap((run) => (run.parentRunId === null ? [] : [run.parentRunId])))]).map((p) => [p.id, p.uuid]));
  return runs.map((run) => ({ run, experiment: experiments.get(run.experimentId)!, parentUuid: run.parentRunId === null ? null : (parents.get(run.parentRunId) ?? null) }));
}

/** A SearchError as the CLI's one-line reason, naming the option and the column. */
function searchSyntax<T>(what: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof SearchError) throw new CliError(`${what}, column ${error.column}: ${error.reason}`);
    throw error;
  }
}

const runsList: CliCommand = {
  words: ['runs', 'list'],
  summary: 'List runs, newest first, with each experiment\'s primary metric; --filter and --order-by take MLflow\'s search syntax.',
  usage: '[--experiment NAME] [--status RUNNING|FINISHED|FAILED|KILLED] [--filter EXPR] [--order-by "KEY [DESC], ..."] [--limit N] [--json]',
  run(invocation) {
    const experimentName = option(invocation, 'experiment');
    const statusText = option(invocation, 'status');
    const status = statusText === undefined ? undefined : (statusText.toUpperCase() as RunStatus);
    if (status !== undefined && !RUN_STATUSES.includes(status)) throw new CliError(`--status ${statusText} is not one of ${RUN_STATUSES.join(', ')}.`);
    const limitText = option(invocation, 'limit');
    const limit = limitText === undefined ? 50 : parseIntegerText(limitText, '--limit');
    if (limit < 1) throw new CliError('--limit must be at least 1.');
    const filter = option(invocation, 'filter');
    const orderBy = option(invocation, 'order-by');

    const store = openCliStore(invocation, false);
    try {
      if (!store.readonly) {
        try {
          refreshDirtyBlocks(store.db);
        } catch (error) {
          invocation.progress(`Metric values may lag: the summaries could not be brought up to date (${(error as Error).message}).`);
        }
      }
      let experiments = listExperiments(store);
      if (experimentName !== undefined) {
        const found = findExperimentByName(store, experimentName);
        if (!found || found.deletedAt !== null) {
          const names = experiments.map((e) => e.name);
          throw new CliError(`There is no experiment "${experimentName}". ${names.length ? `Experiments: ${names.slice(0, 20).join(', ')}.` : 'The store has no experiments yet.'}`);
        }
        experiments = [found];
      }
      const staleBefore = staleCutoff();
      const listed: ListedRun[] = [];
      if (filter !== undefined || orderBy !== undefined) {
        listed.push(...searched(store, { filter, orderBy, experiments: experimentName === undefined ? undefined : experiments, status, limit, staleBefore }));
      } else {
        for (const experiment of experiments) {
          let taken = 0;
          for (const item of runsOf(store, experiment, null, staleBefore)) {
            if (status !== undefined && item.run.status !== status) continue;
            listed.push(item);
            if (++taken >= limit) break;
          }
        }
        listed.sort((a, b) => b.run.startTime - a.run.startTime || b.run.id - a.run.id);
        listed.length = Math.min(listed.length, limit);
      }

      const headlines = new Map<number, { key: string; last: number | null; best: number | null; lastStep: number | null }>();
      for (const experiment of experiments) {
        if (!experiment.primaryMetric) continue;
        const ids = listed.filter((item) => item.experiment.id === experiment.id).map((item) => item.run.id);
        for (const [id, headline] of metricHeadlines(store, ids, experiment.primaryMetric, experiment.metricDirection)) {
          headlines.set(id, { key: experiment.primaryMetric, last: headline.last, best: headline.best, lastStep: headline.lastStep });
        }
      }

      if (invocation.json) {
        invocation.print(
          JSON.stringify(
            listed.map(({ run, experiment, parentUuid }) => {
              const headline = headlines.get(run.id);
              return {
                id: run.uuid,
                name: run.name,
                experiment: experiment.name,
                status: run.status,
                parentId: parentUuid,
                startTime: run.startTime,
                endTime: run.endTime,
                heartbeatAt: run.heartbeatAt,
                gitCommit: run.gitCommit,
                gitBranch: run.gitBranch,
                gitDirty: run.gitDirty,
                entryPoint: run.entryPoint,
                primaryMetric: headline ? { key: headline.key, last: jsonNumber(headline.last), best: jsonNumber(headline.best), lastStep: headline.lastStep } : null,
              };
            }),
            null,
            2,
          ),
        );
        return;
      }
      if (listed.length === 0) {
        invocation.print(status ? `No ${status} runs.` : 'No runs yet. Log one from Python (import ml_lifecycle), Node, or: ml-lifecycle run start --experiment NAME');
        return;
      }
      const rows = listed.map(({ run, experiment, parentUuid }) => {
        const headline = headlines.get(run.id);
        return [
          run.uuid.slice(0, 12),
          truncateLabel(experiment.name, 30),
          `${parentUuid ? '└ ' : ''}${truncateLabel(run.name, 40)}`,
          run.status,
          formatTime(run.startTime),
          formatDuration((run.endTime ?? (run.status === 'RUNNING' ? Date.now() : run.heartbeatAt ?? run.startTime)) - run.startTime),
          headline ? `${truncateLabel(headline.key, 24)} ${formatMetric(headline.last)}` : '',
        ];
      });
      invocation.print(table(['RUN', 'EXPERIMENT', 'NAME', 'STATUS', 'STARTED', 'DURATION', 'PRIMARY METRIC (LAST)'], rows));
    } finally {
      store.close();
    }
  },
};

const runStart: CliCommand = {
  words: ['run', 'start'],
  summary: 'Start a run (creating the experiment if needed) and print its id, for logging from scripts.',
  usage: '--experiment NAME [--name NAME] [--parent RUN_ID] [--param k=v ...] [k=v ...] [--json]',
  run(invocation) {
    const experiment = option(invocation, 'experiment');
    if (!experiment) throw new CliError('Give the experiment: --experiment NAME (it is created when missing).');
    const name = option(invocation, 'name');
    const parentRunId = option(invocation, 'parent');
    const params = assignments([...optionValues(invocation, 'param'), ...invocation.args], 'param');
    const store = openCliStore(invocation, true);
    try {
      // The entry point is the shell, not this CLI: git state is read from the current folder.
      const run = createRun(store, { experiment, name, params, parentRunId, source: 'cli', entryPoint: '' });
      if (invocation.json) invocation.print(JSON.stringify({ id: run.uuid, name: run.name, experiment: run.experiment, store: store.path }, null, 2));
      else {
        invocation.progress(`Started run "${run.name}" in experiment "${run.experiment}" (${store.path}). End it with: ml-lifecycle run end ${run.uuid}`);
        invocation.print(run.uuid);
      }
    } finally {
      store.close();
    }
  },
};

const runEnd: CliCommand = {
  words: ['run', 'end'],
  summary: 'End a run: FINISHED by default, or FAILED / KILLED.',
  usage: '<run-id> [--status FINISHED|FAILED|KILLED] [--json]',
  run(invocation) {
    const runId = invocation.args[0];
    if (!runId) throw new CliError('Give the run id (ml-lifecycle runs list shows them).');
    const status = (option(invocation, 'status') ?? 'FINISHED').toUpperCase() as FinalStatus;
    if (!FINAL_STATUSES.includes(status)) throw new CliError(`--status ${status} is not one of ${FINAL_STATUSES.join(', ')}.`);
    const store = openCliStore(invocation, false);
    try {
      const run = attachRun(store, runId);
      run.end(status);
      if (invocation.json) invocation.print(JSON.stringify({ id: run.id, name: run.name, status }));
      else invocation.print(`Run ${run.id} ("${run.name}") ended as ${status}.`);
    } finally {
      store.close();
    }
  },
};

export const RUN_COMMANDS: readonly CliCommand[] = [runsList, runStart, runEnd];

/** Plain-text columns, padded to the widest cell. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return [header, ...rows].map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd()).join('\n');
}
