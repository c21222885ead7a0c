import { recordAudit } from '../store/audit.ts';
import { skip } from './summary.ts';
import { type ImportWriter, type MlflowModel, type MlflowModelVersion, STAGE_TAG } from './writer.ts';

/** MLflow's workspace when a store has none, or its `workspace` column says so (MLflow 3.6+). */
const DEFAULT_WORKSPACE = 'default';

/**
 * How a model is named here. Names are unique per MLflow workspace, so a model outside the default
 * workspace carries its workspace in its name: two "churn" models in two workspaces stay apart.
 */
export function workspaceName(name: string, workspace: string | undefined): string {
  return !workspace || workspace === DEFAULT_WORKSPACE ? name : `${name} (workspace ${workspace})`;
}

function modelExternalId(writer: ImportWriter, model: { name: string; workspace?: string | undefined }): string {
  const workspace = model.workspace && model.workspace !== DEFAULT_WORKSPACE ? `workspace:${model.workspace}:` : '';
  return `mlflow:${writer.key}:${workspace}model:${model.name}`;
}

/** Adds registered models, their versions (with stage tags) and aliases. Call inside a transaction. */
export function writeModels(writer: ImportWriter, models: readonly MlflowModel[]): void {
  for (const model of models) writeModel(writer, model);
}

function writeModel(writer: ImportWriter, model: MlflowModel): void {
  const db = writer.db;
  const source = writer.source.path;
  const externalId = modelExternalId(writer, model);
  const label = workspaceName(model.name, model.workspace);
  let modelId = (db.prepare('SELECT id FROM registered_models WHERE external_id = ?').get(externalId) as { id: number } | undefined)?.id;
  if (modelId === undefined) {
    const name = writer.uniqueName('registered_models', label);
    modelId = Number(
      db.prepare('INSERT INTO registered_models (name, description, created_at, external_id) VALUES (?, ?, ?, ?)').run(name, model.description ?? null, model.createdAt ?? Date.now(), externalId)
        .lastInsertRowid,
    );
    recordAudit(db, { entity: 'model', entityId: modelId, action: 'import', reason: `imported from MLflow (${source})`, details: { name, workspace: model.workspace ?? null } });
    writer.summary.models++;
  }
  const versionIds = new Map<number, number>();
  for (const version of model.versions) {
    const versionId = writeVersion(writer, modelId, externalId, label, version);
    if (versionId !== undefined) versionIds.set(version.version, versionId);
  }
  for (const [alias, version] of model.aliases) {
    const versionId = versionIds.get(version);
    if (versionId === undefined) {
      skip(writer.summary, { where: `${source} (model ${label})`, reason: `alias @${alias} points at version ${version}, which was not imported` });
      continue;
    }
    const current = db.prepare('SELECT version_id AS versionId FROM model_aliases WHERE model_id = ? AND alias = ?').get(modelId, alias) as { versionId: number } | undefined;
    if (!current) {
      db.prepare('INSERT INTO model_aliases (model_id, alias, version_id) VALUES (?, ?, ?)').run(modelId, alias, versionId);
      recordAudit(db, { entity: 'alias', entityId: `${modelId}@${alias}`, action: 'import', reason: `imported from MLflow (${source})`, details: { model: label, alias, version } });
      writer.summary.aliases++;
    } else if (current.versionId !== versionId) {
      writer.summary.notes.push(`Alias @${alias} of model "${label}" was kept on its version here; MLflow has it on version ${version}.`);
    }
  }
}

function writeVersion(writer: ImportWriter, modelId: number, modelExternal: string, label: string, version: MlflowModelVersion): number | undefined {
  const db = writer.db;
  const source = writer.source.path;
  const externalId = `${modelExternal}:${version.version}`;
  let versionId = (db.prepare('SELECT id FROM model_versions WHERE external_id = ?').get(externalId) as { id: number } | undefined)?.id;
  const runId = version.runUuid ? writer.existingRunId(version.runUuid) : undefined;
  if (versionId === undefined) {
    if (db.prepare('SELECT 1 FROM model_versions WHERE model_id = ? AND version = ?').get(modelId, version.version)) {
      skip(writer.summary, { where: `${source} (model ${label})`, reason: `version ${version.version} already exists in ML Lifecycle and was left as it is` });
      return undefined;
    }
    versionId = Number(
      db
        .prepare('INSERT INTO model_versions (model_id, version, run_id, artifact_uri, description, created_at, external_id) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(modelId, version.version, runId ?? null, version.source, version.description ?? null, version.createdAt ?? Date.now(), externalId).lastInsertRowid,
    );
    recordAudit(db, {
      entity: 'model_version',
      entityId: versionId,
      action: 'import',
      reason: `imported from MLflow (${source})`,
      details: { model: label, version: version.version, run: version.runUuid ?? null, source: version.source },
    });
    writer.summary.versions++;
  } else if (runId !== undefined) {
    db.prepare('UPDATE model_versions SET run_id = ? WHERE id = ? AND run_id IS NULL').run(runId, versionId);
  }
  const tag = db.prepare('INSERT INTO model_version_tags (version_id, key, value) VALUES (?, ?, ?) ON CONFLICT (version_id, key) DO UPDATE SET value = excluded.value WHERE value IS NOT excluded.value');
  for (const [key, value] of version.tags) tag.run(versionId, key, value);
  const stage = version.stage && version.stage.toLowerCase() !== 'none' ? version.stage : undefined;
  const currentStage = (db.prepare('SELECT value FROM model_version_tags WHERE version_id = ? AND key = ?').get(versionId, STAGE_TAG) as { value: string } | undefined)?.value;
  if (stage !== currentStage) {
    if (stage) tag.run(versionId, STAGE_TAG, stage);
    else db.prepare('DELETE FROM model_version_tags WHERE version_id = ? AND key = ?').run(versionId, STAGE_TAG);
    recordAudit(db, { entity: 'model_version', entityId: versionId, action: 'set-stage', reason: `stage from MLflow (${source})`, details: { from: currentStage ?? null, to: stage ?? null } });
  }
  return versionId;
}
