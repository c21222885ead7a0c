/**
 * The servers setting (mlLifecycle.mlflowServer.servers): an array of tracking URIs, nothing
 * else (credentials live in SecretStorage). Read leniently: an entry that is not a usable URI
 * is reported once, and the others still work.
 */
import { normalizeTrackingUri } from './client.ts';

export interface ServerList {
  uris: string[];
  /** One line per entry left out, naming it and why. */
  problems: string[];
}

export function readServerList(setting: unknown): ServerList {
  if (setting === undefined || setting === null) return { uris: [], problems: [] };
  if (!Array.isArray(setting)) return { uris: [], problems: ['mlLifecycle.mlflowServer.servers is not a list of URIs; it is ignored. Write it as ["http://host:5000"].'] };
  const uris: string[] = [];
  const problems: string[] = [];
  setting.forEach((value, index) => {
    if (typeof value !== 'string') {
      problems.push(`mlLifecycle.mlflowServer.servers[${index}] is not a string; it is ignored.`);
      return;
    }
    try {
      const uri = normalizeTrackingUri(value);
      if (!uris.includes(uri)) uris.push(uri);
    } catch (error) {
      problems.push(`mlLifecycle.mlflowServer.servers[${index}]: ${(error as Error).message}`);
    }
  });
  return { uris, problems };
}

/** For an address input box: why the text is not a usable tracking URI, or undefined when it is. */
export function uriProblem(value: string): string | undefined {
  try {
    normalizeTrackingUri(value);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
