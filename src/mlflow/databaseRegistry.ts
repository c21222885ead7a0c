import { type MlflowDatabase, type Row, grouped, integer, text } from './mlflowDatabase.ts';
import { skip } from './summary.ts';
import type { ImportWriter, MlflowModel } from './writer.ts';

/** The registry of an MLflow database; models are kept apart per workspace (MLflow 3.6+). */
export function readModels(writer: ImportWriter, source: MlflowDatabase): MlflowModel[] {
  if (!source.tables.has('registered_models')) return [];
  const versionTags = grouped(writer, source, 'model_version_tags', 'name', ['workspace', 'name', 'version']);
  const byName = new Map<string, MlflowModel>();
  const id = (row: Row) => `${text(row.workspace) ?? ''}\u0000${text(row.name) ?? ''}`;
  for (const row of source.rows('registered_models', ['workspace', 'name', 'creation_time', 'description'])) {
    const name = text(row.name);
    if (!name) {
      skip(writer.summary, { where: `${source.file} (table registered_models)`, rowid: Number(row._rowid), reason: 'no name; model skipped' });
      continue;
    }
    byName.set(id(row), { name, workspace: text(row.workspace), description: text(row.description) || undefined, createdAt: integer(row.creation_time), versions: [], aliases: new Map() });
  }
  for (const row of source.rows('model_versions', ['workspace', 'name', 'version', 'creation_time', 'description', 'current_stage', 'source', 'storage_location', 'run_id'], 'ORDER BY name, version')) {
    const model = byName.get(id(row));
    const version = integer(row.version);
    if (!model || version === undefined) {
      skip(writer.summary, { where: `${source.file} (table model_versions)`, rowid: Number(row._rowid), reason: !model ? `its model ${String(row.name)} is not in registered_models; version skipped` : 'no version number; skipped' });
      continue;
    }
    const stage = text(row.current_stage);
    if (stage === 'Deleted_Internal') continue;
    model.versions.push({
      version,
      runUuid: text(row.run_id) || undefined,
      source: text(row.source) ?? text(row.storage_location) ?? '',
      description: text(row.description) || undefined,
      createdAt: integer(row.creation_time),
      stage,
      tags: versionTags.get(`${id(row)}\u0000${version}`) ?? new Map(),
    });
  }
  for (const row of source.rows('registered_model_aliases', ['workspace', 'name', 'alias', 'version'])) {
    const model = byName.get(id(row));
    const alias = text(row.alias);
    const version = integer(row.version);
    if (!model || !alias || version === undefined) {
      skip(writer.summary, { where: `${source.file} (table registered_model_aliases)`, rowid: Number(row._rowid), reason: 'incomplete alias row; skipped' });
      continue;
    }
    (model.aliases as Map<string, number>).set(alias, version);
  }
  for (const [name, tags] of grouped(writer, source, 'registered_model_tags', 'name')) {
    writer.summary.notes.push(`Model "${name}" has ${tags.size} tag(s) in MLflow; ML Lifecycle keeps tags on versions only, so they were not imported.`);
  }
  return [...byName.values()];
}
