import { formatMetric, formatCount } from '../shared/format.ts';
import type { AuditAction, AuditRecord } from '../store/audit.ts';

/**
 * Audit entries in words: what happened ("promoted version 3 to @champion") and to what, by name
 * ("model churn-classifier"), not by the store's internal ids. Pure: names come in as lookups.
 */

/** Names of the things audit entries point at by id; an id missing here was removed since. */
export interface AuditNames {
  experiments: ReadonlyMap<number, string>;
  runs: ReadonlyMap<number, string>;
  models: ReadonlyMap<number, string>;
  versions: ReadonlyMap<number, { model: string; version: number }>;
  framings: ReadonlyMap<number, string>;
}

export interface AuditDescription {
  /** What happened, e.g. 'promoted version 3 to @champion'. */
  description: string;
  /** What it happened to, e.g. 'model "churn-classifier"'. */
  subject: string;
}

type Details = Record<string, unknown>;

function parseDetails(details: string | null): Details {
  if (!details) return {};
  try {
    const parsed: unknown = JSON.parse(details);
    if (Array.isArray(parsed)) return { items: parsed };
    return parsed !== null && typeof parsed === 'object' ? (parsed as Details) : {};
  } catch {
    return {};
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined);
const count = (value: unknown): number => (typeof value === 'number' ? value : 0);
const quoted = (value: unknown): string => (value === null || value === undefined ? 'nothing' : `"${typeof value === 'string' ? value : JSON.stringify(value)}"`);
const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

function versionLabel(d: Details): string {
  const version = text(d.version);
  return version === undefined ? 'a version' : `version ${version}`;
}

/** The alias's name: from the details, else from "<model>@<alias>". */
function aliasOf(record: AuditRecord, d: Details): string {
  return text(d.alias) ?? record.entityId.split('@').pop() ?? record.entityId;
}

function framingName(d: Details, names: AuditNames): string {
  const id = typeof d.framingId === 'number' ? d.framingId : undefined;
  return text(d.framing) ?? (id !== undefined ? names.framings.get(id) : undefined) ?? 'a framing that was removed since';
}

type Describer = (record: AuditRecord, d: Details, names: AuditNames) => string;

const ACTIONS: Record<AuditAction, Describer> = {
  create: () => 'created',
  rename: (_r, d) => `renamed from ${quoted(d.from)} to ${quoted(d.to)}`,
  delete: () => 'moved to the trash',
  restore: () => 'restored from the trash',
  'empty-trash': (_r, d) => `emptied the trash (${plural(Array.isArray(d.items) ? d.items.length : 0, 'item')} removed for good)`,
  'set-primary-metric': (_r, d) => (text(d.metric) ? `set the primary metric to ${String(d.metric)}${d.direction ? ` (${d.direction === 'min' ? 'lower' : 'higher'} is better)` : ''}` : 'cleared the primary metric'),
  'default-primary-metric': (_r, d) => `took ${text(d.metric) ?? 'its first metric'} as the primary metric by default${d.direction ? ` (${d.direction === 'min' ? 'lower' : 'higher'} is better)` : ''}`,
  'link-framing': (_r, d, names) => `linked to framing "${framingName(d, names)}"`,
  'unlink-framing': (_r, d, names) => `unlinked from framing "${framingName(d, names)}"`,
  'sync-framing-target': (_r, d, names) => `took ${text(d.metric) ?? 'its metric'}${typeof d.target === 'number' ? ` (target ${formatMetric(d.target)})` : ''} from framing "${framingName(d, names)}"`,
  save: (_r, d) => {
    const changed = (Array.isArray(d.changed) ? d.changed.length : 0) + count(d.more);
    return `saved revision ${text(d.revision) ?? '?'}${changed ? ` (${plural(changed, 'field')} changed)` : ''}`;
  },
  'restore-revision': (_r, d) => `restored revision ${text(d.restoredFrom) ?? '?'} as revision ${text(d.revision) ?? '?'}`,
  register: (_r, d) => `registered ${versionLabel(d)}`,
  set: (r, d) => `set @${aliasOf(r, d)} on ${versionLabel(d)}`,
  move: (r, d) => `moved @${aliasOf(r, d)} from version ${text(d.previousVersion) ?? '?'} to ${versionLabel(d)}`,
  promote: (r, d) => `promoted ${versionLabel(d)} to @${aliasOf(r, d)}${d.gatePassed === false ? ' past a failed gate' : ''}${text(d.previousVersion) ? ` (was version ${String(d.previousVersion)})` : ''}`,
  remove: (r, d) => `removed @${aliasOf(r, d)} from ${versionLabel(d)}`,
  'set-tag': (_r, d) => `set tag ${text(d.key) ?? '?'} to ${quoted(d.to)}${d.from === null || d.from === undefined ? '' : ` (was ${quoted(d.from)})`}`,
  'remove-tag': (_r, d) => `removed tag ${text(d.key) ?? '?'} (was ${quoted(d.from)})`,
  'edit-note': (_r, d) => (d.from === null || d.from === undefined ? 'added a note' : d.to === null || d.to === undefined ? 'cleared the note' : 'edited the note'),
  check: (_r, d) => `checked data drift: ${text(d.verdict) ?? 'no verdict'}${typeof d.worstPsi === 'number' ? ` (worst PSI ${formatMetric(d.worstPsi)})` : ''}`,
  import: (r, d) =>
    r.entity === 'alias' ? `imported @${aliasOf(r, d)} on ${versionLabel(d)} from MLflow` : r.entity === 'model_version' ? `imported ${versionLabel(d)} from MLflow` : 'imported from MLflow',
  'set-stage': (_r, d) => (text(d.to) ? `set the stage to ${String(d.to)}${text(d.from) ? ` (was ${String(d.from)})` : ''}` : 'cleared the stage'),
  'import-mlflow': (_r, d) => `imported from MLflow: ${plural(count(d.experiments), 'experiment')}, ${plural(count(d.runs), 'run')}, ${plural(count(d.versions), 'model version')}${d.cancelled ? ' (cancelled part way)' : ''}`,
  'import-tensorboard': (_r, d) => `imported from TensorBoard: ${plural(count(d.runs), 'run')}, ${plural(count(d.metricPoints), 'point')}${d.cancelled ? ' (cancelled part way)' : ''}`,
  'push-mlflow': () => 'pushed to an MLflow server',
  'push-mlflow-failed': () => 'push to an MLflow server failed',
  'push-mlflow-cancelled': () => 'push to an MLflow server was cancelled',
  'browse-mlflow': () => 'read runs from an MLflow server',
  'browse-mlflow-cancelled': () => 'reading runs from an MLflow server was cancelled',
  'promote-remote': (_r, d) => `promoted ${versionLabel(d)} to @champion on ${text(d.server) ?? 'an MLflow server'}${text(d.previous) ? ` (was version ${String(d.previous)})` : ''}`,
  'promote-remote-refused': (_r, d) => `refused to promote ${versionLabel(d)} to @champion on ${text(d.server) ?? 'an MLflow server'}: the gate failed`,
  'remove-mlflow-server': (_r, d) => `removed an MLflow server and its ${plural(count(d.runs), 'cached run')}`,
};

function subjectOf(record: AuditRecord, d: Details, names: AuditNames): string {
  const id = Number(record.entityId);
  const named = (kind: string, name: string | undefined) => (name === undefined ? `${kind} (removed since)` : `${kind} "${name}"`);
  switch (record.entity) {
    case 'experiment':
      return named('experiment', names.experiments.get(id) ?? text(d.name));
    case 'run':
      return named('run', names.runs.get(id) ?? text(d.to));
    case 'model':
      return named('model', names.models.get(id) ?? text(d.name));
    case 'model_version': {
      const version = names.versions.get(id) ?? (text(d.model) && d.version !== undefined ? { model: String(d.model), version: Number(d.version) } : undefined);
      return version ? `model "${version.model}" version ${version.version}` : 'model version (removed since)';
    }
    case 'alias':
      return `model "${text(d.model) ?? record.entityId.split('@')[0]}"`;
    case 'framing':
      return named('framing', names.framings.get(id) ?? text(d.name));
    case 'drift': {
      const version = typeof d.versionId === 'number' ? names.versions.get(d.versionId) : undefined;
      return version ? `model "${version.model}" version ${version.version}` : 'a model version (removed since)';
    }
    case 'store':
      return `store ${record.entityId}`;
  }
}

function isKnown(action: string): action is AuditAction {
  return Object.hasOwn(ACTIONS, action);
}

/** One audit entry in words. Actions this version does not know (a newer extension's) read as their code. */
export function describeAudit(record: AuditRecord, names: AuditNames): AuditDescription {
  const d = parseDetails(record.details);
  return { description: isKnown(record.action) ? ACTIONS[record.action](record, d, names) : record.action.replace(/-/g, ' '), subject: subjectOf(record, d, names) };
}

/** The ids of each kind that `records` point at, so only those names are looked up. */
export function auditIds(records: readonly AuditRecord[]): Record<keyof AuditNames, number[]> {
  const ids: Record<keyof AuditNames, Set<number>> = { experiments: new Set(), runs: new Set(), models: new Set(), versions: new Set(), framings: new Set() };
  for (const record of records) {
    const id = Number(record.entityId);
    const d = parseDetails(record.details);
    if (record.entity === 'experiment' && Number.isInteger(id)) ids.experiments.add(id);
    if (record.entity === 'run' && Number.isInteger(id)) ids.runs.add(id);
    if (record.entity === 'model' && Number.isInteger(id)) ids.models.add(id);
    if (record.entity === 'model_version' && Number.isInteger(id)) ids.versions.add(id);
    if (record.entity === 'framing' && Number.isInteger(id)) ids.framings.add(id);
    if (typeof d.framingId === 'number') ids.framings.add(d.framingId);
    if (record.entity === 'drift' && typeof d.versionId === 'number') ids.versions.add(d.versionId);
  }
  return {
    experiments: [...ids.experiments],
    runs: [...ids.runs],
    models: [...ids.models],
    versions: [...ids.versions],
    framings: [...ids.framings],
  };
}
