import { formatMetric, formatTime, truncateLabel } from '../shared/format.ts';
import type { Store } from '../store/database.ts';
import type { TreeEntry } from '../shared/treeEntry.ts';
import type { ArtifactState } from './artifacts.ts';
import { type ModelVersion, type RegisteredModel, listModels, listVersions } from './models.ts';
import { type VersionStatus, versionStatuses } from './status.ts';

/**
 * What the Models view shows, computed without `vscode`. A version node carries `kind: 'version'`
 * and `versionId`: other features' commands (Show Production Metrics) receive it as is.
 */
export type ModelsNode =
  | { kind: 'model'; model: RegisteredModel }
  | { kind: 'version'; versionId: number; modelId: number; version: ModelVersion; status: VersionStatus };

export function modelChildren(store: Store, node: ModelsNode | undefined): ModelsNode[] {
  if (!node) return listModels(store).map((model) => ({ kind: 'model', model }));
  if (node.kind !== 'model') return [];
  return versionStatuses(store, listVersions(store, node.model.id)).map((status) => ({
    kind: 'version',
    versionId: status.version.id,
    modelId: status.version.modelId,
    version: status.version,
    status,
  }));
}

export function describeModel(model: RegisteredModel, champion: ModelVersion | undefined): TreeEntry {
  const parts = [`${model.versionCount} version${model.versionCount === 1 ? '' : 's'}`];
  if (champion) parts.push(`@champion v${champion.version}`);
  const tooltip = [model.name];
  if (model.description) tooltip.push('', model.description);
  tooltip.push('', `Created ${formatTime(model.createdAt)}`);
  return {
    id: `model:${model.id}`,
    label: truncateLabel(model.name),
    description: parts.join(' · '),
    tooltip: tooltip.join('\n'),
    icon: { id: 'library' },
    contextValue: 'model',
    collapsible: true,
  };
}

/** Warnings about the artifact, in words; undefined when it is fine or not checked yet. */
export function artifactWarning(state: ArtifactState | undefined): string | undefined {
  switch (state?.status) {
    case 'changed':
      return `The artifact changed on disk since it was registered (${state.path}). Register the new file as a new version, or restore the original.`;
    case 'missing':
      return `The artifact file is missing: ${state.path}. Restore it, or register a new version.`;
    case 'unreadable':
      return `The artifact cannot be read (${state.reason}).`;
    default:
      return undefined;
  }
}

export function describeVersion(node: Extract<ModelsNode, { kind: 'version' }>, artifact: ArtifactState | undefined): TreeEntry {
  const { version, status } = node;
  const parts: string[] = [];
  if (version.aliases.length) parts.push(version.aliases.map((a) => `@${truncateLabel(a, 30)}`).join(' '));
  if (status.headline) parts.push(`${truncateLabel(status.headline.key, 30)} ${formatMetric(status.headline.value)}`);
  const artifactProblem = artifactWarning(artifact);
  const breached = status.problems.filter((p) => p.kind === 'kill-criterion');
  if (breached.length) parts.push(`⚠ kill criterion: ${truncateLabel(breached[0]!.criterion ?? breached[0]!.key, 40)}${breached.length > 1 ? ` (+${breached.length - 1})` : ''}`);
  if (status.problems.some((p) => p.kind === 'below-floor')) parts.push(`⚠ below ${status.targets.direction === 'min' ? 'ceiling' : 'floor'}`);
  if (status.problems.some((p) => p.kind === 'over-latency')) parts.push('⚠ over latency budget');
  if (artifact?.status === 'changed') parts.push('⚠ artifact changed');
  if (artifact?.status === 'missing') parts.push('⚠ artifact missing');
  if (artifact?.status === 'unreadable') parts.push('⚠ artifact unreadable');

  const tooltip = [`${version.modelName} v${version.version}`];
  if (version.aliases.length) tooltip.push(`Aliases: ${version.aliases.map((a) => `@${a}`).join(', ')}`);
  if (version.description) tooltip.push('', version.description);
  tooltip.push('', `Registered ${formatTime(version.createdAt)}`);
  const run = version.lineage?.run;
  if (run) tooltip.push(`From run ${run.name} in ${run.experiment.name}`);
  const git = version.lineage?.git;
  if (git?.commit) tooltip.push(`git ${git.commit.slice(0, 10)}${git.dirty ? ' (uncommitted changes)' : ''}`);
  tooltip.push(`Artifact ${version.artifactUri}`);
  if (version.artifactSha256) tooltip.push(`sha256 ${version.artifactSha256.slice(0, 16)}…`);
  tooltip.push(artifactProblem ?? (artifact?.status === 'ok' ? 'Artifact verified: unchanged since registration.' : artifact?.status === 'unverifiable' ? `Artifact not verifiable: ${artifact.reason}.` : 'Artifact not verified yet.'));
  if (status.targets.metric) {
    const frozen = version.lineage?.metrics[status.targets.metric];
    tooltip.push('', `Primary metric ${status.targets.metric}: ${frozen ? formatMetric(frozen.last) : 'not logged'}${status.targets.threshold === null ? '' : ` (threshold ${formatMetric(status.targets.threshold)})`}`);
  }
  if (status.latest.size) {
    tooltip.push('', 'Production (latest):');
    for (const point of [...status.latest.values()].slice(0, 12)) tooltip.push(`  ${truncateLabel(point.key, 60)} = ${formatMetric(point.value)} at ${formatTime(point.timestamp)}`);
  }
  if (status.drift) tooltip.push('', `Latest drift report: ${status.drift.verdict}, worst PSI ${formatMetric(status.drift.worstPsi)} at ${formatTime(status.drift.createdAt)}`);
  if (status.problems.length) tooltip.push('', ...status.problems.map((p) => (p.kind === 'kill-criterion' ? `⚠ ${p.message}.` : `⚠ ${p.message}. Consider retraining.`)));

  const warned = status.problems.length > 0 || artifactProblem !== undefined;
  return {
    id: `version:${version.id}`,
    label: `v${version.version}`,
    ...(parts.length ? { description: parts.join(' · ') } : {}),
    tooltip: tooltip.join('\n'),
    icon: warned ? { id: 'warning', color: 'list.warningForeground' } : version.aliases.includes('champion') ? { id: 'star-full', color: 'charts.yellow' } : { id: 'package' },
    contextValue: `modelVersion${version.aliases.length ? '.aliased' : ''}${warned ? '.warning' : ''}`,
    collapsible: false,
  };
}
