/**
 * What the Models view shows of a tracking server's registry, computed without `vscode`: a node
 * per server (from the team's server list and the servers pushed to), its models, their versions.
 * Read-only: the only action on a server version is Promote to Champion, through our gate.
 */
import type { TreeEntry } from '../shared/treeEntry.ts';
import type { RemoteModel, RemoteModelVersion } from './remoteRegistry.ts';

export type RemoteRegistryNode =
  | { kind: 'remoteServer'; uri: string }
  | { kind: 'remoteModel'; uri: string; model: RemoteModel }
  | { kind: 'remoteVersion'; uri: string; version: RemoteModelVersion }
  | { kind: 'remoteMessage'; uri: string; text: string; error: boolean };

export function isRemoteRegistryNode(node: unknown): node is RemoteRegistryNode {
  const kind = (node as { kind?: unknown } | undefined)?.kind;
  return kind === 'remoteServer' || kind === 'remoteModel' || kind === 'remoteVersion' || kind === 'remoteMessage';
}

/** The children of a server node once its registry is read (or failed to be). */
export function serverChildren(uri: string, registry: RemoteModel[] | Error): RemoteRegistryNode[] {
  if (registry instanceof Error) return [{ kind: 'remoteMessage', uri, text: registry.message, error: true }];
  if (registry.length === 0) return [{ kind: 'remoteMessage', uri, text: 'No registered models on this server.', error: false }];
  return registry.map((model) => ({ kind: 'remoteModel', uri, model }));
}

export function describeRemoteNode(node: RemoteRegistryNode): TreeEntry {
  switch (node.kind) {
    case 'remoteServer':
      return {
        id: `remote-registry:${node.uri}`,
        label: node.uri.replace(/^https?:\/\//, ''),
        description: 'MLflow server registry',
        tooltip: `The model registry of ${node.uri}, read-only. Promote to Champion sets the champion alias there, through this workspace's promotion gate.`,
        icon: { id: 'cloud' },
        contextValue: 'remoteRegistryServer',
        collapsible: true,
      };
    case 'remoteModel': {
      const champion = node.model.aliases.get('champion');
      const count = node.model.versions.length;
      return {
        id: `remote-registry:${node.uri}:${node.model.name}`,
        label: node.model.name,
        description: `${count} version${count === 1 ? '' : 's'}${champion ? ` · champion v${champion}` : ''}`,
        tooltip: [node.model.name, node.model.description, `on ${node.uri}`].filter(Boolean).join('\n'),
        icon: { id: 'package' },
        contextValue: 'remoteModel',
        collapsible: count > 0,
      };
    }
    case 'remoteVersion': {
      const v = node.version;
      const aliases = v.aliases.map((a) => `@${a}`).join(' ');
      const tags = v.tags.filter((t) => !t.key.startsWith('ml-lifecycle.')).map((t) => `${t.key}=${t.value}`);
      return {
        id: `remote-registry:${node.uri}:${v.model}:${v.version}`,
        label: `v${v.version}`,
        ...(aliases ? { description: aliases } : {}),
        tooltip: [
          `${v.model} version ${v.version} on ${node.uri}`,
          v.aliases.length ? `Aliases: ${v.aliases.join(', ')}` : 'No alias',
          `Source: ${v.source || 'unknown'}`,
          `Source run: ${v.runId ?? 'none'}`,
          v.status !== 'READY' ? `Status: ${v.status}` : '',
          tags.length ? `Tags: ${tags.join(', ')}` : '',
          v.description,
        ]
          .filter(Boolean)
          .join('\n'),
        icon: { id: v.aliases.includes('champion') ? 'star-full' : 'versions' },
        contextValue: v.aliases.includes('champion') ? 'remoteVersion.champion' : 'remoteVersion',
        collapsible: false,
        accessibilityLabel: `${v.model} version ${v.version}${v.aliases.length ? `, aliases ${v.aliases.join(', ')}` : ''}, on ${node.uri}`,
      };
    }
    case 'remoteMessage':
      return {
        id: `remote-registry:${node.uri}:message`,
        label: node.text,
        tooltip: node.text,
        icon: node.error ? { id: 'warning', color: 'problemsWarningIcon.foreground' } : { id: 'info' },
        contextValue: 'remoteMessage',
        collapsible: false,
      };
  }
}

export function remoteChildren(node: RemoteRegistryNode): RemoteRegistryNode[] {
  return node.kind === 'remoteModel' ? node.model.versions.map((version) => ({ kind: 'remoteVersion', uri: node.uri, version })) : [];
}
