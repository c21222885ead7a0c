/**
 * Browses a team's tracking server: lists its active experiments and runs (runs/search, a page of
 * up to 1000 at a time) into the store's cache (remoteCache.ts). Each page is written in its own
 * transaction, so a server that dies mid-way leaves whole pages and the earlier cache; what the
 * server no longer lists leaves the cache only after a complete listing. Nothing is ever sent
 * to the server but searches.
 */
import { type Store, writeTransaction } from '../store/database.ts';
import { recordAudit } from '../store/audit.ts';
import { type ClientOptions, MlflowClient, MlflowServerError } from './client.ts';
import { type ListedExperiment, type ListedRun, RemoteCache } from './remoteCache.ts';
import { checkServer } from './remote.ts';
import { formatCount } from '../shared/format.ts';

export interface BrowseOptions extends Omit<ClientOptions, 'signal'> {
  /** Runs per runs/search page (MLflow allows up to 50,000; 1000 keeps answers small). */
  pageSize?: number;
  isCancelled?: () => boolean;
  onProgress?: (progress: { done: number; total: number; message: string }) => void;
}

export interface BrowseSummary {
  uri: string;
  experiments: number;
  runs: number;
  /** Cached rows removed because the server no longer lists them. */
  removed: number;
  pages: number;
  ms: number;
  cancelled: boolean;
}

export const RUNS_PAGE_SIZE = 1000;

/**
 * A server lost mid-fetch (retries ran out), said for someone browsing rather than pushing: what
 * is cached stays, consistent, until the next refresh.
 */
export function explainLost(error: unknown, uri: string, cached: string): unknown {
  if (!(error instanceof MlflowServerError) || !error.retryable) return error;
  const reason = /\(last: ([^)]*)\)/.exec(error.message)?.[1] ?? `HTTP ${error.status}`;
  return new MlflowServerError(`Lost ${uri} while fetching (${reason}). ${cached} Refresh when the server is back.`, error.status, error.code, true);
}

/** Cancellation as an AbortSignal the client honours, checked again between pages. */
export function cancellation(isCancelled: (() => boolean) | undefined): { signal: AbortSignal; cancelled: () => boolean } {
  const abort = new AbortController();
  const cancelled = () => {
    if (!abort.signal.aborted && isCancelled?.()) abort.abort(new Error('cancelled'));
    return abort.signal.aborted;
  };
  return { signal: abort.signal, cancelled };
}

async function listExperiments(client: MlflowClient, cancelled: () => boolean): Promise<ListedExperiment[]> {
  const experiments: ListedExperiment[] = [];
  let pageToken: string | undefined;
  do {
    if (cancelled()) break;
    const answer = await client.call<{ experiments?: ListedExperiment[]; next_page_token?: string }>('POST', 'experiments/search', {
      max_results: 1000,
      view_type: 'ACTIVE_ONLY',
      ...(pageToken ? { page_token: pageToken } : {}),
    });
    experiments.push(...(answer.experiments ?? []));
    pageToken = answer.next_page_token || undefined;
  } while (pageToken);
  return experiments;
}

export async function browseServer(store: Store, trackingUri: string, options: BrowseOptions = {}): Promise<BrowseSummary> {
  const started = performance.now();
  const { signal, cancelled } = cancellation(options.isCancelled);
  const client = new MlflowClient(trackingUri, { ...options, signal });
  const summary: BrowseSummary = { uri: client.baseUrl, experiments: 0, runs: 0, removed: 0, pages: 0, ms: 0, cancelled: false };
  const cache = new RemoteCache(store.db, client.baseUrl);
  const pageSize = options.pageSize ?? RUNS_PAGE_SIZE;
  const seenExperiments = new Set<string>();
  const seenRuns = new Set<string>();
  let complete = false;
  try {
    await checkServer(client);
    const experiments = await listExperiments(client, cancelled);
    writeTransaction(store, () => {
      cache.touchSource();
      for (const experiment of experiments) {
        cache.experiment(experiment);
        seenExperiments.add(experiment.experiment_id);
      }
    });
    summary.experiments = experiments.length;
    let index = 0;
    for (const experiment of experiments) {
      index++;
      const search = (pageToken: string | undefined) =>
        client.call<{ runs?: ListedRun[]; next_page_token?: string }>('POST', 'runs/search', {
          experiment_ids: [experiment.experiment_id],
          run_view_type: 'ACTIVE_ONLY',
          max_results: pageSize,
          ...(pageToken ? { page_token: pageToken } : {}),
        });
      // The next page is asked for before this one is written, so the server works while we write.
      let pending: Promise<{ runs?: ListedRun[]; next_page_token?: string }> | undefined = search(undefined);
      while (pending && !cancelled()) {
        options.onProgress?.({ done: index - 1, total: experiments.length, message: `${experiment.name}: ${formatCount(seenRuns.size)} runs so far` });
        const answer: { runs?: ListedRun[]; next_page_token?: string } = await pending;
        const next = answer.next_page_token || undefined;
        pending = next ? search(next) : undefined;
        // A page asked for but left (cancelled, or a write failed) must not reject unhandled.
        pending?.catch(() => undefined);
        const runs = answer.runs ?? [];
        writeTransaction(store, () => {
          const now = Date.now();
          for (const run of runs) {
            cache.run(run, now);
            seenRuns.add(run.info.run_id);
          }
        });
        summary.pages++;
      }
      if (cancelled()) break;
    }
    complete = !cancelled();
  } catch (error) {
    if (!cancelled()) throw explainLost(error, client.baseUrl, `The ${formatCount(seenRuns.size)} runs fetched so far are cached; runs cached before are kept.`);
  } finally {
    summary.runs = seenRuns.size;
    summary.cancelled = cancelled();
    writeTransaction(store, () => {
      cache.linkParents();
      if (complete) summary.removed = cache.prune(seenExperiments, seenRuns);
    });
    summary.ms = Math.round(performance.now() - started);
  }
  writeTransaction(store, () =>
    recordAudit(store.db, { entity: 'store', entityId: summary.uri, action: summary.cancelled ? 'browse-mlflow-cancelled' : 'browse-mlflow', details: { ...summary } }),
  );
  return summary;
}
