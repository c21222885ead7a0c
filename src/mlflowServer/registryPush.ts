/**
 * Pushes the model registry: models (shared by name with whoever else pushes them), versions
 * (each found again by our VERSION_TAG, so never created twice) and aliases. An alias is set on
 * the server only when it changed here since the last push, so a push never undoes a promotion
 * that a teammate made on the server in the meantime.
 */
import * as path from 'node:path';
import { localArtifactPath, workspaceRootOf } from '../registry/artifacts.ts';
import type { Db } from '../store/database.ts';
import type { KeyValue } from './batches.ts';
import type { MlflowClient } from './client.ts';
import type { PushState } from './pushState.ts';
import { createVersionOnce, ensureRegisteredModel, setRemoteAlias } from './remote.ts';
import { uploadArtifact } from './runPush.ts';

export interface RegistryPushResult {
  models: number;
  versions: number;
  aliases: number;
  warnings: string[];
}

interface LocalVersion {
  id: number;
  modelId: number;
  version: number;
  runId: number | null;
  runUuid: string | null;
  artifactUri: string;
  artifactSha256: string | null;
  description: string | null;
}

export interface RegistryPushContext {
  db: Db;
  storePath: string;
  client: MlflowClient;
  state: PushState;
  isCancelled: () => boolean;
  /** The remote run and artifact URI of a pushed local run. */
  remoteRun: (runId: number) => { runId: string; artifactUri: string } | undefined;
  /** Limits the push to models with a version from these local runs (from --experiment), when given. */
  runIds?: ReadonlySet<number> | undefined;
}

export async function pushRegistry(context: RegistryPushContext): Promise<RegistryPushResult> {
  const { db, client, state } = context;
  const result: RegistryPushResult = { models: 0, versions: 0, aliases: 0, warnings: [] };
  const models = db.prepare('SELECT id, name, description FROM registered_models ORDER BY name').all() as { id: number; name: string; description: string | null }[];
  const versionsOf = db.prepare(
    `SELECT v.id, v.model_id AS modelId, v.version, v.run_id AS runId, r.uuid AS runUuid, v.artifact_uri AS artifactUri,
       v.artifact_sha256 AS artifactSha256, v.description
     FROM model_versions v LEFT JOIN runs r ON r.id = v.run_id WHERE v.model_id = ? ORDER BY v.version`,
  );
  const tagsOf = db.prepare('SELECT key, value FROM model_version_tags WHERE version_id = ? ORDER BY key');
  const aliasesOf = db.prepare('SELECT alias, version_id AS versionId FROM model_aliases WHERE model_id = ? ORDER BY alias');
  const workspace = workspaceRootOf(context.storePath);

  for (const model of models) {
    if (context.isCancelled()) break;
    const versions = (versionsOf.all(model.id) as LocalVersion[]).filter((v) => !context.runIds || (v.runId !== null && context.runIds.has(v.runId)));
    if (versions.length === 0) continue;
    if (!state.get('model', model.id)) {
      await ensureRegisteredModel(client, model.name, model.description);
      state.set('model', model.id, model.name);
      result.models++;
    }
    for (const version of versions) {
      if (context.isCancelled()) break;
      if (state.get('model_version', version.id)) continue;
      const source = await versionSource(context, version, workspace);
      if (typeof source !== 'object') {
        result.warnings.push(`${model.name} version ${version.version} not sent: ${source}`);
        continue;
      }
      const remoteVersion = await createVersionOnce(client, {
        model: model.name,
        identity: `${version.runUuid ?? '-'}/${model.name}/v${version.version}/${version.artifactSha256 ?? '-'}`,
        source: source.uri,
        runId: source.runId,
        description: version.description,
        tags: [...(tagsOf.all(version.id) as KeyValue[]), { key: 'ml-lifecycle.local_version', value: String(version.version) }],
      });
      state.set('model_version', version.id, remoteVersion);
      result.versions++;
    }
    for (const { alias, versionId } of aliasesOf.all(model.id) as { alias: string; versionId: number }[]) {
      const remoteVersion = state.get('model_version', versionId)?.remoteRef;
      if (!remoteVersion) continue;
      const key = `${model.id}:${alias}`;
      if (state.get('alias', key)?.sent === remoteVersion) continue;
      await setRemoteAlias(client, model.name, alias, remoteVersion);
      state.set('alias', key, `${model.name}@${alias}`, remoteVersion);
      result.aliases++;
    }
  }
  return result;
}

/**
 * Where the server's version points: the artifact in the pushed run's artifacts (uploaded now if
 * the run did not log it), or a remote URI as it is. A local file without a run has no place on
 * the server to go, so that version is skipped with the reason.
 */
async function versionSource(context: RegistryPushContext, version: LocalVersion, workspace: string): Promise<{ uri: string; runId: string | undefined } | string> {
  const local = localArtifactPath(version.artifactUri, workspace);
  const remoteRun = version.runId === null ? undefined : context.remoteRun(version.runId);
  if (!local) return { uri: version.artifactUri, runId: remoteRun?.runId };
  if (!remoteRun) return version.runId === null ? 'its artifact is a local file and it has no run to upload it with.' : 'its run was not pushed.';
  const artifactKey = `${version.runId}:${local}`;
  if (!context.state.get('artifact', artifactKey)) {
    const uploaded = await uploadArtifact(context.client, remoteRun.artifactUri, local);
    if (typeof uploaded === 'string') return uploaded;
    context.state.set('artifact', artifactKey, `${remoteRun.artifactUri}/${path.basename(local)}`, version.artifactSha256);
  }
  return { uri: `${remoteRun.artifactUri}/${path.basename(local)}`, runId: remoteRun.runId };
}
