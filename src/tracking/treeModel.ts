import type { Store } from '../store/database.ts';
import { formatMetric, formatTime, truncateLabel, formatCount } from '../shared/format.ts';
import {
  type Experiment,
  type MetricHeadline,
  type RunSummary,
  type TrashItem,
  getExperiment,
  getRun,
  listExperiments,
  listRuns,
  listTrash,
  meetsTarget,
  metricHeadlines,
  paramsOfRuns,
} from './experiments.ts';
import type { RunStatus } from './model.ts';
import { cachedServers, remoteExperiments } from './remoteRows.ts';
import type { TreeEntry } from '../shared/treeEntry.ts';

/**
 * What the Experiments view shows, computed without `vscode` so it is tested on real stores in
 * plain Node. The glue turns each TreeEntry into a TreeItem one to one.
 */
export type ExperimentsNode =
  | { kind: 'server'; uri: string; experiments: Experiment[]; refreshedAt: number | null }
  | { kind: 'experiment'; experiment: Experiment; server?: string }
  | { kind: 'run'; run: RunSummary; experiment: Experiment; details: RunDetails; server?: string }
  | { kind: 'loadMore'; experiment: Experiment; parentRunId: number | null; shown: number; total: number }
  | { kind: 'trash'; items: TrashItem[] }
  | { kind: 'trashed'; item: TrashItem };

/** What a run's row shows besides the run itself, read for a whole page at once. */
export interface RunDetails {
  /** The experiment's primary metric for this run, if both exist. */
  headline: MetricHeadline | undefined;
  params: [string, string][];
}

export interface TreeOptions {
  pageSize: number;
  staleBefore: number;
  runDescription: 'last' | 'best';
  /** How many runs are shown per experiment (or parent run) key; grows with "Load more". */
  shown: ReadonlyMap<string, number>;
  /** MLflow servers browsed (mlLifecycle.mlflowServer.servers); their cached experiments sit under them. */
  servers?: readonly string[];
}

// A killed run was stopped, not disabled: a stop icon in a theme colour, never a greyed-out one.
export const STATUS_ICONS: Record<RunStatus, { id: string; color: string }> = {
  RUNNING: { id: 'loading~spin', color: 'charts.blue' },
  FINISHED: { id: 'pass', color: 'testing.iconPassed' },
  FAILED: { id: 'error', color: 'testing.iconFailed' },
  KILLED: { id: 'debug-stop', color: 'charts.orange' },
};

/**
 * Sidebar labels are cut to this many characters plus "…" so that, at the default sidebar width,
 * the status icon, the name and the primary metric's value all show; the tooltip has the full name.
 */
export const TREE_LABEL_CHARS = 28;
/** The primary metric's name in a run's description: its value matters more. */
const TREE_METRIC_CHARS = 16;

function treeLabel(name: string): string {
  return truncateLabel(name, TREE_LABEL_CHARS + 1);
}

const STATUS_WORDS: Record<RunStatus, string> = { RUNNING: 'running', FINISHED: 'finished', FAILED: 'failed', KILLED: 'killed' };

export function pageKey(experimentId: number, parentRunId: number | null): string {
  return `${experimentId}:${parentRunId ?? ''}`;
}

export function childrenOf(store: Store, node: ExperimentsNode | undefined, options: TreeOptions): ExperimentsNode[] {
  if (!node) {
    const remote = remoteExperiments(store.db);
    const all = listExperiments(store, options.staleBefore);
    const experiments: ExperimentsNode[] = all.filter((e) => !remote.has(e.id)).map((experiment) => ({ kind: 'experiment', experiment }));
    const cached = cachedServers(store.db);
    const uris = [...new Set([...(options.servers ?? []), ...cached.keys()])];
    const servers: ExperimentsNode[] = uris.map((uri) => ({
      kind: 'server',
      uri,
      experiments: all.filter((e) => remote.get(e.id) === uri),
      refreshedAt: cached.get(uri) ?? null,
    }));
    const trashed = listTrash(store);
    return [...experiments, ...servers, ...(trashed.length ? [{ kind: 'trash', items: trashed } as const] : [])];
  }
  switch (node.kind) {
    case 'server':
      return node.experiments.map((experiment) => ({ kind: 'experiment', experiment, server: node.uri }));
    case 'experiment':
      return runPage(store, node.experiment, null, options, node.server);
    case 'run':
      return node.run.childCount > 0 ? runPage(store, node.experiment, node.run.id, options, node.server) : [];
    case 'trash':
      return node.items.map((item) => ({ kind: 'trashed', item }));
    default:
      return [];
  }
}

function runPage(store: Store, experiment: Experiment, parentRunId: number | null, options: TreeOptions, server: string | undefined): ExperimentsNode[] {
  const limit = options.shown.get(pageKey(experiment.id, parentRunId)) ?? options.pageSize;
  const page = listRuns(store, { experimentId: experiment.id, parentRunId, limit, staleBefore: options.staleBefore });
  // One query each for the page's headlines and params, not two per row.
  const ids = page.runs.map((run) => run.id);
  const headlines = experiment.primaryMetric ? metricHeadlines(store, ids, experiment.primaryMetric, experiment.metricDirection) : new Map<number, MetricHeadline>();
  const params = paramsOfRuns(store, ids);
  const nodes: ExperimentsNode[] = page.runs.map((run) => {
    const details = { headline: headlines.get(run.id), params: params.get(run.id) ?? [] };
    return server ? { kind: 'run', run, experiment, details, server } : { kind: 'run', run, experiment, details };
  });
  if (page.total > page.runs.length) nodes.push({ kind: 'loadMore', experiment, parentRunId, shown: page.runs.length, total: page.total });
  return nodes;
}

/** The tree node of a run (to reveal it), or undefined when it is gone or in the trash. */
export function runNode(store: Store, runId: number, staleBefore: number): Extract<ExperimentsNode, { kind: 'run' }> | undefined {
  const run = getRun(store, runId, staleBefore);
  const experiment = run && run.deletedAt === null ? getExperiment(store, run.experimentId) : undefined;
  if (!run || !experiment) return undefined;
  const headline = experiment.primaryMetric ? metricHeadlines(store, [run.id], experiment.primaryMetric, experiment.metricDirection).get(run.id) : undefined;
  return { kind: 'run', run, experiment, details: { headline, params: paramsOfRuns(store, [run.id]).get(run.id) ?? [] } };
}

/** A node's parent in the tree (TreeView.reveal walks up with it): a run's parent run or experiment. */
export function parentOf(store: Store, node: ExperimentsNode, staleBefore: number): ExperimentsNode | undefined {
  switch (node.kind) {
    case 'run':
      return node.run.parentRunId === null ? { kind: 'experiment', experiment: node.experiment } : runNode(store, node.run.parentRunId, staleBefore);
    case 'loadMore':
      return node.parentRunId === null ? { kind: 'experiment', experiment: node.experiment } : runNode(store, node.parentRunId, staleBefore);
    case 'trashed':
      return { kind: 'trash', items: listTrash(store) };
    default:
      return undefined;
  }
}

export function describeNode(node: ExperimentsNode, options: Pick<TreeOptions, 'runDescription'>): TreeEntry {
  switch (node.kind) {
    case 'server':
      return describeServer(node);
    case 'experiment':
      return node.server ? remoteEntry(describeExperiment(node.experiment), node.server) : describeExperiment(node.experiment);
    case 'run': {
      const entry = describeRun(node.run, node.experiment, node.details, options.runDescription);
      return node.server ? { ...remoteEntry(entry, node.server), contextValue: `${entry.contextValue}.remote` } : entry;
    }
    case 'loadMore':
      return {
        id: `more:${pageKey(node.experiment.id, node.parentRunId)}`,
        label: `Load more… (${formatCount(node.shown)} of ${formatCount(node.total)} shown)`,
        tooltip: 'Show the next page of runs',
        icon: { id: 'ellipsis' },
        contextValue: 'loadMore',
        collapsible: false,
      };
    case 'trash':
      return {
        id: 'trash',
        label: 'Trash',
        description: `${node.items.length}`,
        tooltip: 'Deleted experiments and runs. Restore them, or empty the trash to remove them for good.',
        icon: { id: 'trash' },
        contextValue: 'trash',
        collapsible: true,
      };
    case 'trashed':
      return {
        id: `trashed:${node.item.kind}:${node.item.id}`,
        label: treeLabel(node.item.name),
        description: node.item.kind === 'run' ? `run in ${truncateLabel(node.item.experimentName, 40)}` : 'experiment',
        tooltip: `${node.item.name}\nDeleted ${formatTime(node.item.deletedAt)}`,
        icon: { id: node.item.kind === 'run' ? 'circle-outline' : 'beaker' },
        contextValue: `trashed.${node.item.kind}`,
        collapsible: false,
      };
  }
}

function describeServer(node: Extract<ExperimentsNode, { kind: 'server' }>): TreeEntry {
  const host = serverHost(node.uri);
  const runs = node.experiments.reduce((n, e) => n + e.runCount, 0);
  const description = node.refreshedAt === null ? 'MLflow server · not fetched yet' : `MLflow server · ${node.experiments.length} experiments · ${formatCount(runs)} runs`;
  return {
    id: `server:${node.uri}`,
    label: host,
    description,
    tooltip: [
      node.uri,
      node.refreshedAt === null ? 'Not fetched yet: use Refresh MLflow Server.' : `Fetched ${formatTime(node.refreshedAt)}`,
      '',
      'Read-only: these experiments and runs belong to the server; they are cached in this workspace’s store.',
    ].join('\n'),
    icon: { id: 'cloud' },
    accessibilityLabel: `MLflow server ${host}, remote and read-only, ${description}`,
    contextValue: 'mlflowServer',
    collapsible: true,
  };
}

function serverHost(uri: string): string {
  try {
    const url = new URL(uri);
    return `${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return uri;
  }
}

/** Marks an experiment's or run's entry as a read-only copy from a server. */
function remoteEntry(entry: TreeEntry, uri: string): TreeEntry {
  return {
    ...entry,
    tooltip: `${entry.tooltip}\n\nRead-only copy from ${uri}`,
    accessibilityLabel: `${entry.accessibilityLabel ?? entry.label}, remote, read-only`,
  };
}

export function describeExperiment(experiment: Experiment): TreeEntry {
  const parts = [`${experiment.runCount} run${experiment.runCount === 1 ? '' : 's'}`];
  if (experiment.activeRunCount) parts.push(`${experiment.activeRunCount} running`);
  if (experiment.primaryMetric) parts.push(`${experiment.metricDirection === 'max' ? '↑' : '↓'} ${truncateLabel(experiment.primaryMetric, TREE_METRIC_CHARS)}`);
  const tooltip = [experiment.name];
  if (experiment.description) tooltip.push('', experiment.description);
  tooltip.push('', `Created ${formatTime(experiment.createdAt)}`);
  if (experiment.primaryMetric) {
    tooltip.push(`Primary metric: ${experiment.primaryMetric} (${experiment.metricDirection === 'max' ? 'higher is better' : 'lower is better'})`);
  }
  if (experiment.metricTarget !== null) tooltip.push(`Target from framing: ${formatMetric(experiment.metricTarget)}`);
  return {
    id: `experiment:${experiment.id}`,
    label: treeLabel(experiment.name),
    description: parts.join(' · '),
    tooltip: tooltip.join('\n'),
    icon: { id: 'beaker' },
    contextValue: 'experiment',
    collapsible: true,
  };
}

export function describeRun(run: RunSummary, experiment: Experiment, details: RunDetails, runDescription: 'last' | 'best'): TreeEntry {
  const tooltip = [run.name, '', `${run.status} · started ${formatTime(run.startTime)}${run.endTime ? ` · ended ${formatTime(run.endTime)}` : ''}`];
  if (run.gitCommit) tooltip.push(`git ${run.gitCommit.slice(0, 10)}${run.gitBranch ? ` on ${run.gitBranch}` : ''}${run.gitDirty ? ' (uncommitted changes)' : ''}`);
  if (run.entryPoint) tooltip.push(`entry ${run.entryPoint}`);
  let description: string | undefined;
  let meets: boolean | null = null;
  const headline = details.headline;
  if (experiment.primaryMetric) {
    if (headline) {
      const value = runDescription === 'best' && headline.best !== null ? headline.best : headline.last;
      meets = meetsTarget(experiment, value);
      description = `${truncateLabel(experiment.primaryMetric, TREE_METRIC_CHARS)} ${formatMetric(value)}${meets ? ' ✓ target' : ''}`;
      if (run.status === 'RUNNING' && headline.lastStep !== null) description += ` · step ${headline.lastStep}`;
    }
  }
  const params = details.params;
  if (params.length) {
    tooltip.push('');
    for (const [key, value] of params.slice(0, 12)) tooltip.push(`${truncateLabel(key, 60)} = ${truncateLabel(value, 80)}`);
    if (params.length > 12) tooltip.push(`… and ${params.length - 12} more params`);
  }
  if (run.notes) tooltip.push('', truncateLabel(run.notes, 500));
  return {
    id: `run:${run.id}`,
    label: treeLabel(run.name),
    ...(description === undefined ? {} : { description }),
    tooltip: tooltip.join('\n'),
    icon: STATUS_ICONS[run.status],
    // The status is only an icon on screen: a screen reader says it.
    accessibilityLabel: [`run ${truncateLabel(run.name)}`, STATUS_WORDS[run.status], description].filter(Boolean).join(', '),
    contextValue: `run.${run.status.toLowerCase()}${meets ? '.meetsTarget' : ''}`,
    collapsible: run.childCount > 0,
  };
}
