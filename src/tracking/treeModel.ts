import type { Store } from '../store/database.ts';
import { formatMetric, formatTime, truncateLabel } from '../shared/format.ts';
import {
  type Experiment,
  type RunSummary,
  type TrashItem,
  getParams,
  listExperiments,
  listRuns,
  listTrash,
  meetsTarget,
  metricHeadlines,
} from './experiments.ts';
import type { RunStatus } from './model.ts';
import type { TreeEntry } from '../shared/treeEntry.ts';

/**
 * What the Experiments view shows, computed without `vscode` so it is tested on real stores in
 * plain Node. The glue turns each TreeEntry into a TreeItem one to one.
 */
export type ExperimentsNode =
  | { kind: 'experiment'; experiment: Experiment }
  | { kind: 'run'; run: RunSummary; experiment: Experiment }
  | { kind: 'loadMore'; experiment: Experiment; parentRunId: number | null; shown: number; total: number }
  | { kind: 'trash'; items: TrashItem[] }
  | { kind: 'trashed'; item: TrashItem };


export interface TreeOptions {
  pageSize: number;
  staleBefore: number;
  runDescription: 'last' | 'best';
  /** How many runs are shown per experiment (or parent run) key; grows with "Load more". */
  shown: ReadonlyMap<string, number>;
}

export const STATUS_ICONS: Record<RunStatus, { id: string; color: string }> = {
  RUNNING: { id: 'loading~spin', color: 'charts.blue' },
  FINISHED: { id: 'pass', color: 'testing.iconPassed' },
  FAILED: { id: 'error', color: 'testing.iconFailed' },
  KILLED: { id: 'circle-slash', color: 'disabledForeground' },
};

export function pageKey(experimentId: number, parentRunId: number | null): string {
  return `${experimentId}:${parentRunId ?? ''}`;
}

export function childrenOf(store: Store, node: ExperimentsNode | undefined, options: TreeOptions): ExperimentsNode[] {
  if (!node) {
    const experiments: ExperimentsNode[] = listExperiments(store, options.staleBefore).map((experiment) => ({ kind: 'experiment', experiment }));
    const trashed = listTrash(store);
    return trashed.length ? [...experiments, { kind: 'trash', items: trashed }] : experiments;
  }
  switch (node.kind) {
    case 'experiment':
      return runPage(store, node.experiment, null, options);
    case 'run':
      return node.run.childCount > 0 ? runPage(store, node.experiment, node.run.id, options) : [];
    case 'trash':
      return node.items.map((item) => ({ kind: 'trashed', item }));
    default:
      return [];
  }
}

function runPage(store: Store, experiment: Experiment, parentRunId: number | null, options: TreeOptions): ExperimentsNode[] {
  const limit = options.shown.get(pageKey(experiment.id, parentRunId)) ?? options.pageSize;
  const page = listRuns(store, { experimentId: experiment.id, parentRunId, limit, staleBefore: options.staleBefore });
  const nodes: ExperimentsNode[] = page.runs.map((run) => ({ kind: 'run', run, experiment }));
  if (page.total > page.runs.length) nodes.push({ kind: 'loadMore', experiment, parentRunId, shown: page.runs.length, total: page.total });
  return nodes;
}

export function describeNode(store: Store, node: ExperimentsNode, options: Pick<TreeOptions, 'runDescription'>): TreeEntry {
  switch (node.kind) {
    case 'experiment':
      return describeExperiment(node.experiment);
    case 'run':
      return describeRun(store, node.run, node.experiment, options.runDescription);
    case 'loadMore':
      return {
        id: `more:${pageKey(node.experiment.id, node.parentRunId)}`,
        label: `Load more… (${node.shown.toLocaleString('en-US')} of ${node.total.toLocaleString('en-US')} shown)`,
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
        label: truncateLabel(node.item.name),
        description: node.item.kind === 'run' ? `run in ${truncateLabel(node.item.experimentName, 40)}` : 'experiment',
        tooltip: `${node.item.name}\nDeleted ${formatTime(node.item.deletedAt)}`,
        icon: { id: node.item.kind === 'run' ? 'circle-outline' : 'beaker' },
        contextValue: `trashed.${node.item.kind}`,
        collapsible: false,
      };
  }
}

function describeExperiment(experiment: Experiment): TreeEntry {
  const parts = [`${experiment.runCount} run${experiment.runCount === 1 ? '' : 's'}`];
  if (experiment.activeRunCount) parts.push(`${experiment.activeRunCount} running`);
  if (experiment.primaryMetric) parts.push(`${experiment.metricDirection === 'max' ? '↑' : '↓'} ${truncateLabel(experiment.primaryMetric, 40)}`);
  const tooltip = [experiment.name];
  if (experiment.description) tooltip.push('', experiment.description);
  tooltip.push('', `Created ${formatTime(experiment.createdAt)}`);
  if (experiment.primaryMetric) {
    tooltip.push(`Primary metric: ${experiment.primaryMetric} (${experiment.metricDirection === 'max' ? 'higher is better' : 'lower is better'})`);
  }
  if (experiment.metricTarget !== null) tooltip.push(`Target from framing: ${formatMetric(experiment.metricTarget)}`);
  return {
    id: `experiment:${experiment.id}`,
    label: truncateLabel(experiment.name),
    description: parts.join(' · '),
    tooltip: tooltip.join('\n'),
    icon: { id: 'beaker' },
    contextValue: 'experiment',
    collapsible: true,
  };
}

function describeRun(store: Store, run: RunSummary, experiment: Experiment, runDescription: 'last' | 'best'): TreeEntry {
  const tooltip = [run.name, '', `${run.status} · started ${formatTime(run.startTime)}${run.endTime ? ` · ended ${formatTime(run.endTime)}` : ''}`];
  if (run.gitCommit) tooltip.push(`git ${run.gitCommit.slice(0, 10)}${run.gitBranch ? ` on ${run.gitBranch}` : ''}${run.gitDirty ? ' (uncommitted changes)' : ''}`);
  if (run.entryPoint) tooltip.push(`entry ${run.entryPoint}`);
  let description: string | undefined;
  let meets: boolean | null = null;
  if (experiment.primaryMetric) {
    const headline = metricHeadlines(store, [run.id], experiment.primaryMetric, experiment.metricDirection).get(run.id);
    if (headline) {
      const value = runDescription === 'best' && headline.best !== null ? headline.best : headline.last;
      meets = meetsTarget(experiment, value);
      description = `${truncateLabel(experiment.primaryMetric, 30)} ${formatMetric(value)}${meets ? ' ✓ target' : ''}`;
      if (run.status === 'RUNNING' && headline.lastStep !== null) description += ` · step ${headline.lastStep}`;
    }
  }
  const params = Object.entries(getParams(store, run.id));
  if (params.length) {
    tooltip.push('');
    for (const [key, value] of params.slice(0, 12)) tooltip.push(`${truncateLabel(key, 60)} = ${truncateLabel(value, 80)}`);
    if (params.length > 12) tooltip.push(`… and ${params.length - 12} more params`);
  }
  if (run.notes) tooltip.push('', truncateLabel(run.notes, 500));
  return {
    id: `run:${run.id}`,
    label: truncateLabel(run.name),
    ...(description === undefined ? {} : { description }),
    tooltip: tooltip.join('\n'),
    icon: STATUS_ICONS[run.status],
    accessibilityLabel: [`run ${truncateLabel(run.name)}`, run.status.toLowerCase(), description].filter(Boolean).join(', '),
    contextValue: `run.${run.status.toLowerCase()}${meets ? '.meetsTarget' : ''}`,
    collapsible: run.childCount > 0,
  };
}
