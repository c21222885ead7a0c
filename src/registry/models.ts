import { recordAudit } from '../store/audit.ts';
import { writeTransaction, type Store } from '../store/database.ts';
import { refreshDirtyBlocks } from '../store/metricBlocks.ts';
import { getRun, validateName } from '../tracking/experiments.ts';
import { type Lineage, decodeLineage, encodeLineage, snapshotLineage } from './lineage.ts';

export interface RegisteredModel {
  id: number;
  name: string;
  description: string | null;
  createdAt: number;
  versionCount: number;
  latestVersion: number | null;
}

export interface ModelVersion {
  id: number;
  modelId: number;
  modelName: string;
  version: number;
  runId: number | null;
  artifactUri: string;
  artifactSha256: string | null;
  artifactSize: number | null;
  description: string | null;
  lineage: Lineage | undefined;
  createdAt: number;
  /** Aliases pointing at this version, sorted (champion first). */
  aliases: string[];
}

export const CHAMPION = 'champion';
export const CHALLENGER = 'challenger';

const MODEL_COLUMNS = `m.id, m.name, m.description, m.created_at AS createdAt,
  (SELECT count(*) FROM model_versions v WHERE v.model_id = m.id) AS versionCount,
  (SELECT max(version) FROM model_versions v WHERE v.model_id = m.id) AS latestVersion`;

const VERSION_COLUMNS = `v.id, v.model_id AS modelId, m.name AS modelName, v.version, v.run_id AS runId, v.artifact_uri AS artifactUri,
  v.artifact_sha256 AS artifactSha256, v.artifact_size AS artifactSize, v.description, v.lineage, v.created_at AS createdAt,
  (SELECT json_group_array(alias) FROM (SELECT alias FROM model_aliases a WHERE a.version_id = v.id ORDER BY alias != 'champion', alias != 'challenger', alias)) AS aliases`;

type VersionRow = Omit<ModelVersion, 'lineage' | 'aliases'> & { lineage: string | null; aliases: string };

function toVersion(row: VersionRow): ModelVersion {
  return { ...row, lineage: decodeLineage(row.lineage), aliases: JSON.parse(row.aliases) as string[] };
}

export function listModels(store: Store): RegisteredModel[] {
  return store.db.prepare(`SELECT ${MODEL_COLUMNS} FROM registered_models m ORDER BY m.name COLLATE NOCASE`).all() as RegisteredModel[];
}

function findModel(store: Store, name: string): RegisteredModel | undefined {
  return store.db.prepare(`SELECT ${MODEL_COLUMNS} FROM registered_models m WHERE m.name = ?`).get(name) as RegisteredModel | undefined;
}

export function getModel(store: Store, id: number): RegisteredModel | undefined {
  return store.db.prepare(`SELECT ${MODEL_COLUMNS} FROM registered_models m WHERE m.id = ?`).get(id) as RegisteredModel | undefined;
}

/** A model's versions, newest first. */
export function listVersions(store: Store, modelId: number): ModelVersion[] {
  const rows = store.db
    .prepare(`SELECT ${VERSION_COLUMNS} FROM model_versions v JOIN registered_models m ON m.id = v.model_id WHERE v.model_id = ? ORDER BY v.version DESC`)
    .all(modelId) as VersionRow[];
  return rows.map(toVersion);
}

export function getVersion(store: Store, versionId: number): ModelVersion | undefined {
  const row = store.db.prepare(`SELECT ${VERSION_COLUMNS} FROM model_versions v JOIN registered_models m ON m.id = v.model_id WHERE v.id = ?`).get(versionId) as
    | VersionRow
    | undefined;
  return row && toVersion(row);
}

/** Every version of every model, for pickers. */
export function listAllVersions(store: Store): ModelVersion[] {
  const rows = store.db
    .prepare(`SELECT ${VERSION_COLUMNS} FROM model_versions v JOIN registered_models m ON m.id = v.model_id ORDER BY m.name COLLATE NOCASE, v.version DESC`)
    .all() as VersionRow[];
  return rows.map(toVersion);
}

/** The version an alias points at. */
export function aliasTarget(store: Store, modelId: number, alias: string): ModelVersion | undefined {
  const row = store.db.prepare('SELECT version_id AS versionId FROM model_aliases WHERE model_id = ? AND alias = ?').get(modelId, alias) as { versionId: number } | undefined;
  return row && getVersion(store, row.versionId);
}

/**
 * A version by model name and a reference as people write it: a number ("3", "v3") or an alias
 * ("champion", "@champion"). Throws a message listing what exists when nothing matches.
 */
export function resolveVersion(store: Store, modelName: string, reference: string): ModelVersion {
  const model = findModel(store, modelName);
  if (!model) {
    const names = listModels(store).map((m) => `"${m.name}"`);
    throw new Error(`There is no registered model "${modelName}". ${names.length ? `Registered models: ${names.slice(0, 20).join(', ')}.` : 'No model is registered yet.'}`);
  }
  const trimmed = reference.trim();
  const number = /^v?(\d+)$/i.exec(trimmed);
  if (number) {
    const found = store.db.prepare('SELECT id FROM model_versions WHERE model_id = ? AND version = ?').get(model.id, Number(number[1])) as { id: number } | undefined;
    if (!found) throw new Error(`Model "${modelName}" has no version ${number[1]}; its versions go up to ${model.latestVersion ?? 0}.`);
    return getVersion(store, found.id)!;
  }
  const alias = trimmed.replace(/^@/, '');
  const target = aliasTarget(store, model.id, alias);
  if (!target) {
    const aliases = (store.db.prepare('SELECT alias FROM model_aliases WHERE model_id = ? ORDER BY alias').all(model.id) as { alias: string }[]).map((a) => `@${a.alias}`);
    throw new Error(`Model "${modelName}" has no version or alias "${reference}". ${aliases.length ? `Its aliases: ${aliases.join(', ')}.` : 'It has no aliases yet.'}`);
  }
  return target;
}

// ---- registration -----------------------------------------------------------------------------

export interface FinishedRun {
  id: number;
  uuid: string;
  name: string;
  experimentName: string;
  endTime: number | null;
}

/** Finished runs that could become versions, most recently ended first. */
export function finishedRuns(store: Store, limit = 500): FinishedRun[] {
  return store.db
    .prepare(`SELECT r.id, r.uuid, r.name, e.name AS experimentName, r.end_time AS endTime FROM runs r JOIN experiments e ON e.id = r.experiment_id
      WHERE r.status = 'FINISHED' AND r.deleted_at IS NULL AND e.deleted_at IS NULL ORDER BY coalesce(r.end_time, r.start_time) DESC, r.id DESC LIMIT ?`)
    .all(limit) as FinishedRun[];
}

/** The same file is already registered for this model: ask before registering it again. */
export class DuplicateArtifactError extends Error {
  override readonly name = 'DuplicateArtifactError';
  readonly existing: ModelVersion;
  constructor(existing: ModelVersion) {
    super(`Version ${existing.version} of "${existing.modelName}" already holds this exact artifact (same sha256).`);
    this.existing = existing;
  }
}

export interface NewVersion {
  modelName: string;
  /** Used only when the model is created now. */
  modelDescription?: string | undefined;
  runId: number | null;
  artifact: { uri: string; sha256: string; size: number };
  artifactSource: Lineage['artifactSource'];
  description?: string | undefined;
  /** Register even when another version of the model holds the same artifact. */
  allowDuplicate?: boolean;
}

/**
 * Registers a new version: creates the model if needed, takes the next version number (in the
 * same IMMEDIATE transaction, so two writers never get the same one) and freezes the lineage.
 * Every step goes to the audit log.
 */
export function registerModelVersion(store: Store, input: NewVersion): ModelVersion {
  const name = validateName('model', input.modelName);
  if (input.runId !== null) {
    const run = getRun(store, input.runId);
    if (!run) throw new Error('The run no longer exists. Refresh the Experiments view and pick another run.');
    if (run.status !== 'FINISHED') throw new Error(`Run "${run.name}" is ${run.status}; only finished runs can be registered, so the version's metrics are final.`);
  }
  // Summaries must hold every point before the metrics are frozen into the lineage.
  if (!store.readonly && input.runId !== null) refreshDirtyBlocks(store.db, { runIds: [input.runId] });
  return writeTransaction(store, () => {
    const now = Date.now();
    let model = findModel(store, name);
    if (!model) {
      const id = Number(
        store.db.prepare('INSERT INTO registered_models (name, description, created_at) VALUES (?, ?, ?)').run(name, input.modelDescription?.trim() || null, now).lastInsertRowid,
      );
      recordAudit(store.db, { entity: 'model', entityId: id, action: 'create', details: { name } }, now);
      model = getModel(store, id)!;
    }
    if (!input.allowDuplicate) {
      const same = store.db.prepare('SELECT id FROM model_versions WHERE model_id = ? AND artifact_sha256 = ? ORDER BY version DESC LIMIT 1').get(model.id, input.artifact.sha256) as
        | { id: number }
        | undefined;
      if (same) throw new DuplicateArtifactError(getVersion(store, same.id)!);
    }
    const next = ((store.db.prepare('SELECT max(version) AS v FROM model_versions WHERE model_id = ?').get(model.id) as { v: number | null }).v ?? 0) + 1;
    const lineage = snapshotLineage(store, input.runId, input.artifactSource);
    const id = Number(
      store.db
        .prepare(
          `INSERT INTO model_versions (model_id, version, run_id, artifact_uri, artifact_sha256, artifact_size, description, lineage, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(model.id, next, input.runId, input.artifact.uri, input.artifact.sha256, input.artifact.size, input.description?.trim() || null, encodeLineage(lineage), now).lastInsertRowid,
    );
    recordAudit(
      store.db,
      {
        entity: 'model_version',
        entityId: id,
        action: 'register',
        details: { model: name, version: next, run: lineage.run?.uuid ?? null, artifact: input.artifact.uri, sha256: input.artifact.sha256, size: input.artifact.size },
      },
      now,
    );
    return getVersion(store, id)!;
  });
}

// ---- aliases ------------------------------------------------------------------------------------

export function validateAlias(alias: string): string {
  const trimmed = alias.trim().replace(/^@/, '');
  if (!trimmed) throw new Error('The alias is empty. Use a word such as "champion" or "staging".');
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(trimmed)) {
    throw new Error(`"${trimmed}" cannot be an alias: start with a letter, then letters, digits, "-" or "_" (at most 64 characters).`);
  }
  if (/^v\d+$/i.test(trimmed) || trimmed.toLowerCase() === 'latest') throw new Error(`"${trimmed}" cannot be an alias: it would read as a version number.`);
  return trimmed;
}

/** The alias already points at another version: moving it must be confirmed. */
export class AliasTakenError extends Error {
  override readonly name = 'AliasTakenError';
  readonly current: ModelVersion;
  constructor(alias: string, current: ModelVersion) {
    super(`@${alias} of "${current.modelName}" points at version ${current.version}.`);
    this.current = current;
  }
}

export interface AliasChange {
  versionId: number;
  alias: string;
  reason?: string | undefined;
  /** Move the alias if it points at another version; without it an AliasTakenError is thrown. */
  move?: boolean;
  /** Recorded with the change, e.g. the promotion gate's checks. */
  details?: Record<string, unknown>;
  action?: 'set' | 'promote';
}

/** Points an alias of the version's model at the version (one version per alias per model). Returns the version it moved from, if any. */
export function setAlias(store: Store, change: AliasChange): { previous: ModelVersion | undefined } {
  const alias = validateAlias(change.alias);
  return writeTransaction(store, () => {
    const version = getVersion(store, change.versionId);
    if (!version) throw new Error('That model version no longer exists. Refresh the Models view.');
    const previous = aliasTarget(store, version.modelId, alias);
    if (previous?.id === version.id) return { previous: undefined };
    if (previous && !change.move) throw new AliasTakenError(alias, previous);
    store.db
      .prepare('INSERT INTO model_aliases (model_id, alias, version_id) VALUES (?, ?, ?) ON CONFLICT (model_id, alias) DO UPDATE SET version_id = excluded.version_id')
      .run(version.modelId, alias, version.id);
    recordAudit(store.db, {
      entity: 'alias',
      entityId: `${version.modelName}@${alias}`,
      action: change.action ?? (previous ? 'move' : 'set'),
      reason: change.reason?.trim() || undefined,
      details: { model: version.modelName, alias, version: version.version, previousVersion: previous?.version ?? null, ...change.details },
    });
    return { previous };
  });
}

export function removeAlias(store: Store, modelId: number, aliasName: string, reason?: string): void {
  const alias = aliasName.replace(/^@/, '');
  writeTransaction(store, () => {
    const target = aliasTarget(store, modelId, alias);
    if (!target) throw new Error(`The alias @${alias} is already gone. Refresh the Models view.`);
    store.db.prepare('DELETE FROM model_aliases WHERE model_id = ? AND alias = ?').run(modelId, alias);
    recordAudit(store.db, {
      entity: 'alias',
      entityId: `${target.modelName}@${alias}`,
      action: 'remove',
      reason: reason?.trim() || undefined,
      details: { model: target.modelName, alias, version: target.version },
    });
  });
}
