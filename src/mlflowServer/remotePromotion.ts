/**
 * Promote to Champion on a tracking server, through our promotion gate: the candidate version's
 * source run must meet the success threshold and be no worse than the server's champion on the
 * primary metric. The metric, direction and threshold come from the local experiment (and its
 * framing) the run was pushed from, else from the local model of the same name. A failing gate
 * refuses with its reasons; a promotion sets the server's `champion` alias and is audited here
 * with names (server, model, version), never ids of this store.
 */
import { type GateInput, type GateResult, type MetricReading, evaluatePromotion } from '../registry/promotion.ts';
import { CHAMPION, findModel, listVersions } from '../registry/models.ts';
import { versionTargets } from '../registry/targets.ts';
import { recordAudit } from '../store/audit.ts';
import { type Store, writeTransaction } from '../store/database.ts';
import type { KeyValue } from './batches.ts';
import { type MlflowClient, MlflowServerError } from './client.ts';
import { RUN_TAG, setRemoteAlias } from './remote.ts';
import { type RemoteModel, getRemoteModel } from './remoteRegistry.ts';

export class PromotionRefusedError extends Error {
  override readonly name = 'PromotionRefusedError';
  readonly gate: GateResult;
  constructor(message: string, gate: GateResult) {
    super(message);
    this.gate = gate;
  }
}

interface RemoteRunData {
  tags: KeyValue[];
  metrics: Map<string, MetricReading>;
}

async function runData(client: MlflowClient, runId: string | null): Promise<RemoteRunData | undefined> {
  if (!runId) return undefined;
  try {
    const answer = await client.call<{ run: { data?: { tags?: KeyValue[]; metrics?: { key: string; value: number | string }[] } } }>('GET', 'runs/get', { run_id: runId });
    const metrics = new Map<string, MetricReading>();
    for (const m of answer.run.data?.metrics ?? []) metrics.set(m.key, typeof m.value === 'number' ? m.value : m.value === 'NaN' ? null : Number(m.value));
    return { tags: answer.run.data?.tags ?? [], metrics };
  } catch (error) {
    if (error instanceof MlflowServerError && error.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
    throw error;
  }
}

/** Where the gate's metric and threshold come from: the local run the server's run was pushed from, else the local model of that name. */
function targetsFor(store: Store, model: string, candidate: RemoteRunData | undefined): ReturnType<typeof versionTargets> | undefined {
  const uuid = candidate?.tags.find((t) => t.key === RUN_TAG)?.value;
  const localRun = uuid ? (store.db.prepare('SELECT id FROM runs WHERE uuid = ?').get(uuid) as { id: number } | undefined) : undefined;
  if (localRun) return versionTargets(store, { runId: localRun.id, lineage: undefined });
  const local = findModel(store, model);
  const latest = local ? listVersions(store, local.id).at(-1) : undefined;
  return latest ? versionTargets(store, latest) : undefined;
}

export interface RemoteGate extends GateResult {
  input: GateInput;
  model: RemoteModel;
}

/** The gate for making `version` of the server's `model` its champion. */
export async function remotePromotionGate(store: Store, client: MlflowClient, modelName: string, version: string): Promise<RemoteGate> {
  const model = await getRemoteModel(client, modelName);
  if (!model) throw new MlflowServerError(`${client.baseUrl} has no registered model named "${modelName}". Refresh the Models view.`, 404, 'RESOURCE_DOES_NOT_EXIST');
  const candidateVersion = model.versions.find((v) => v.version === version);
  if (!candidateVersion) throw new MlflowServerError(`${client.baseUrl} has no version ${version} of "${modelName}". Refresh the Models view.`, 404, 'RESOURCE_DOES_NOT_EXIST');
  const candidateRun = await runData(client, candidateVersion.runId);
  const targets = targetsFor(store, modelName, candidateRun);
  const metric = targets?.metric ?? null;
  const championVersion = model.aliases.get(CHAMPION);
  const championRun = championVersion === undefined ? undefined : await runData(client, model.versions.find((v) => v.version === championVersion)?.runId ?? null);
  const input: GateInput = {
    metric,
    direction: targets?.direction ?? null,
    threshold: targets?.threshold ?? null,
    source: targets ? `${targets.source}, on ${client.baseUrl}` : `no local experiment or model for "${modelName}"`,
    candidate: { version: Number(version), value: metric ? candidateRun?.metrics.get(metric) : undefined },
    champion: championVersion === undefined ? null : { version: Number(championVersion), value: metric ? championRun?.metrics.get(metric) : undefined },
  };
  return { ...evaluatePromotion(input), input, model };
}

/**
 * Sets the server's `champion` alias on `version` when the gate passes; otherwise refuses with
 * the failing checks. Either way the attempt is audited in the store.
 */
export async function promoteRemoteChampion(store: Store, client: MlflowClient, modelName: string, version: string): Promise<{ previous: string | undefined; gate: RemoteGate }> {
  const gate = await remotePromotionGate(store, client, modelName, version);
  const previous = gate.model.aliases.get(CHAMPION);
  const details = {
    server: client.baseUrl,
    model: modelName,
    version,
    previous: previous ?? null,
    gatePassed: gate.passed,
    checks: gate.checks.map((c) => ({ label: c.label, passed: c.passed, detail: c.detail })),
  };
  const entityId = `${client.baseUrl} ${modelName}@${CHAMPION}`;
  if (!gate.passed) {
    const reasons = gate.checks.filter((c) => c.passed !== true).map((c) => `${c.label}: ${c.detail}`);
    const message = `Not promoted: ${modelName} version ${version} on ${client.baseUrl} did not pass the gate. ${reasons.join(' ')}`;
    writeTransaction(store, () => recordAudit(store.db, { entity: 'alias', entityId, action: 'promote-remote-refused', reason: message, details }));
    throw new PromotionRefusedError(message, gate);
  }
  await setRemoteAlias(client, modelName, CHAMPION, version);
  writeTransaction(store, () => recordAudit(store.db, { entity: 'alias', entityId, action: 'promote-remote', details }));
  return { previous, gate };
}
