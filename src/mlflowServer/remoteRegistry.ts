/**
 * A tracking server's model registry, read-only: registered models with their aliases, and each
 * version's source, source run, tags and aliases. Listing never writes anything anywhere.
 */
import type { KeyValue } from './batches.ts';
import type { MlflowClient } from './client.ts';
import { quoteFilter } from './remote.ts';

export interface RemoteModelVersion {
  model: string;
  version: string;
  source: string;
  runId: string | null;
  status: string;
  createdAt: number | null;
  description: string;
  tags: KeyValue[];
  /** Aliases pointing at this version, champion first. */
  aliases: string[];
}

export interface RemoteModel {
  name: string;
  description: string;
  /** alias -> version */
  aliases: Map<string, string>;
  /** Newest first. */
  versions: RemoteModelVersion[];
}

interface WireAlias {
  alias: string;
  version: string;
}

interface WireModel {
  name: string;
  description?: string;
  aliases?: WireAlias[];
}

export interface WireVersion {
  name: string;
  version: string;
  source?: string;
  run_id?: string;
  status?: string;
  creation_timestamp?: string | number;
  description?: string;
  tags?: KeyValue[];
  aliases?: string[];
}

const PAGE = '1000';

function byChampionFirst(a: string, b: string): number {
  const rank = (alias: string) => (alias === 'champion' ? 0 : alias === 'challenger' ? 1 : 2);
  return rank(a) - rank(b) || a.localeCompare(b);
}

export function toRemoteVersion(wire: WireVersion, aliases: ReadonlyMap<string, string>): RemoteModelVersion {
  const pointing = [...aliases].filter(([, version]) => version === wire.version).map(([alias]) => alias);
  return {
    model: wire.name,
    version: wire.version,
    source: wire.source ?? '',
    runId: wire.run_id || null,
    status: wire.status ?? 'READY',
    createdAt: wire.creation_timestamp === undefined ? null : Number(wire.creation_timestamp),
    description: wire.description ?? '',
    tags: wire.tags ?? [],
    aliases: [...new Set([...pointing, ...(wire.aliases ?? [])])].sort(byChampionFirst),
  };
}

async function versionsOf(client: MlflowClient, model: string, aliases: ReadonlyMap<string, string>): Promise<RemoteModelVersion[]> {
  const versions: RemoteModelVersion[] = [];
  let pageToken: string | undefined;
  do {
    const answer = await client.call<{ model_versions?: WireVersion[]; next_page_token?: string }>('GET', 'model-versions/search', {
      filter: `name = ${quoteFilter(model)}`,
      max_results: PAGE,
      ...(pageToken ? { page_token: pageToken } : {}),
    });
    for (const wire of answer.model_versions ?? []) versions.push(toRemoteVersion(wire, aliases));
    pageToken = answer.next_page_token || undefined;
  } while (pageToken);
  return versions.sort((a, b) => Number(b.version) - Number(a.version));
}

/** One registered model with its versions, or undefined when the server has no model of that name. */
export async function getRemoteModel(client: MlflowClient, name: string): Promise<RemoteModel | undefined> {
  let wire: WireModel;
  try {
    wire = (await client.call<{ registered_model: WireModel }>('GET', 'registered-models/get', { name })).registered_model;
  } catch (error) {
    if ((error as { code?: string }).code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
    throw error;
  }
  return toRemoteModel(client, wire);
}

async function toRemoteModel(client: MlflowClient, wire: WireModel): Promise<RemoteModel> {
  const aliases = new Map((wire.aliases ?? []).map((a) => [a.alias, a.version]));
  return { name: wire.name, description: wire.description ?? '', aliases, versions: await versionsOf(client, wire.name, aliases) };
}

/** Every registered model of the server, by name, with its versions. */
export async function listRemoteRegistry(client: MlflowClient): Promise<RemoteModel[]> {
  const wires: WireModel[] = [];
  let pageToken: string | undefined;
  do {
    const answer = await client.call<{ registered_models?: WireModel[]; next_page_token?: string }>('GET', 'registered-models/search', {
      max_results: PAGE,
      ...(pageToken ? { page_token: pageToken } : {}),
    });
    wires.push(...(answer.registered_models ?? []));
    pageToken = answer.next_page_token || undefined;
  } while (pageToken);
  const models: RemoteModel[] = [];
  for (const wire of wires.sort((a, b) => a.name.localeCompare(b.name))) models.push(await toRemoteModel(client, wire));
  return models;
}
