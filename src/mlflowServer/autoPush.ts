/**
 * Auto-push: each run is pushed to one tracking server when it ends. The queue is not kept
 * anywhere of its own: it is read from the push-state tables (ended runs not fully pushed), so it
 * survives a reload, a crash and time offline. A failed push is retried with backoff; a refusal
 * that retrying cannot fix (credentials, a name clash) waits for the user instead.
 */
import type { Store } from '../store/database.ts';
import { localOnly } from '../tracking/remoteRows.ts';
import { MlflowServerError, normalizeTrackingUri } from './client.ts';
import type { PushSummary } from './push.ts';

/**
 * Ended runs (not cached from a server) that are on `uri` already or ended since this store first
 * pushed to it (or since `since` for a server never pushed to), and are not fully there: never
 * created, or with fields, metric points or artifacts not yet sent.
 */
export function pendingRuns(store: Store, uri: string, since: number): number[] {
  const remote = store.db.prepare('SELECT id, first_pushed_at AS firstPushedAt FROM mlflow_remotes WHERE uri = ?').get(normalizeTrackingUri(uri)) as
    | { id: number; firstPushedAt: number }
    | undefined;
  const rows = store.db
    .prepare(
      `SELECT r.id FROM runs r
       WHERE r.deleted_at IS NULL AND r.status != 'RUNNING' AND r.end_time IS NOT NULL
         AND (r.end_time >= :since OR EXISTS (SELECT 1 FROM mlflow_remote_ids i WHERE i.remote_id = :remote AND i.entity = 'run' AND i.local_key = CAST(r.id AS TEXT)))
         AND ${localOnly('r')}
         AND NOT EXISTS (SELECT 1 FROM experiments e WHERE e.id = r.experiment_id AND e.deleted_at IS NOT NULL)
         AND (
           NOT EXISTS (SELECT 1 FROM mlflow_remote_ids i WHERE i.remote_id = :remote AND i.entity = 'run' AND i.local_key = CAST(r.id AS TEXT) AND i.sent IS NOT NULL)
           OR EXISTS (
             SELECT 1 FROM (SELECT m.key, count(*) AS n FROM metrics m WHERE m.run_id = r.id GROUP BY m.key) k
             LEFT JOIN mlflow_pushed_metrics p ON p.remote_id = :remote AND p.run_id = r.id AND p.key = k.key
             WHERE k.n > coalesce(p.points, 0))
           OR EXISTS (
             SELECT 1 FROM artifacts a WHERE a.run_id = r.id AND NOT EXISTS (
               SELECT 1 FROM mlflow_remote_ids i WHERE i.remote_id = :remote AND i.entity = 'artifact' AND i.local_key = r.id || ':' || a.path AND i.sent = a.sha256))
         )
       ORDER BY r.end_time, r.id`,
    )
    .all({ remote: remote?.id ?? -1, since: remote?.firstPushedAt ?? since }) as { id: number }[];
  return rows.map((r) => r.id);
}

export interface AutoPushState {
  uri: string;
  /** Runs waiting to be pushed. */
  pending: number;
  pushing: boolean;
  /** Runs a push finished without sending whole (a warning says why); left until the next reload. */
  stuck: number;
  /** Why the last push failed, if it did. */
  error: string | undefined;
  /** When the next try is, after a failure that may pass. */
  retryAt: number | undefined;
}

export interface AutoPusherOptions {
  uri: string;
  /** The store now, or undefined while none is open (or it is read-only). */
  store: () => Store | undefined;
  /** Pushes these runs; the glue adds credentials, the log and cancellation. */
  push: (store: Store, uri: string, runIds: readonly number[]) => Promise<PushSummary>;
  onState: (state: AutoPushState) => void;
  onPushed?: (summary: PushSummary) => void;
  /** When a never-pushed-to server's queue starts; runs that ended before are not pushed. */
  since?: number;
  backoff?: { baseMs: number; maxMs: number };
}

const DEFAULT_BACKOFF = { baseMs: 5_000, maxMs: 5 * 60_000 };

/** Whether waiting may help: nothing answered, a timeout, retries that ran out on 429/5xx. */
export function mayPass(error: unknown): boolean {
  if (!(error instanceof MlflowServerError)) return false;
  return error.retryable || error.status === 0 || error.status === 429 || error.status >= 500;
}

export class AutoPusher {
  private readonly options: AutoPusherOptions;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly since: number;
  private readonly stuck = new Set<number>();
  private pushing = false;
  private again = false;
  private failures = 0;
  private error: string | undefined;
  private retryAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** Settles when the push under way (if any) ends; for tests and shutdown. */
  private running: Promise<void> = Promise.resolve();

  constructor(options: AutoPusherOptions) {
    this.options = options;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.since = options.since ?? Date.now();
  }

  private pending(): number[] {
    const store = this.options.store();
    return store ? pendingRuns(store, this.options.uri, this.since).filter((id) => !this.stuck.has(id)) : [];
  }

  private report(pending = this.pending().length): void {
    this.options.onState({ uri: this.options.uri, pending, pushing: this.pushing, stuck: this.stuck.size, error: this.error, retryAt: this.retryAt });
  }

  /** Something changed in the store: push what is pending, unless a push or a backoff is under way. */
  poke(): void {
    if (this.disposed) return;
    if (this.pushing) {
      this.again = true;
      return;
    }
    const pending = this.pending();
    this.report(pending.length);
    if (pending.length > 0 && this.retryAt === undefined && this.error === undefined) this.start(pending);
  }

  /** The user asked: push now, whatever the backoff or the last refusal. */
  pushNow(): Promise<void> {
    this.clearRetry();
    this.error = undefined;
    this.stuck.clear();
    this.poke();
    return this.running;
  }

  /** Resolves when no push is under way. */
  async idle(): Promise<void> {
    while (this.pushing) await this.running;
  }

  private clearRetry(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.retryAt = undefined;
  }

  private start(runIds: number[]): void {
    const store = this.options.store();
    if (!store) return;
    this.pushing = true;
    this.again = false;
    this.report(runIds.length);
    this.running = this.options
      .push(store, this.options.uri, runIds)
      .then((summary) => {
        this.failures = 0;
        this.error = undefined;
        this.options.onPushed?.(summary);
        // A run still pending after a push that went through cannot be sent whole now (a warning says why).
        const left = new Set(this.pending());
        for (const id of runIds) if (left.has(id)) this.stuck.add(id);
      })
      .catch((error: unknown) => {
        this.error = (error as Error).message;
        if (mayPass(error)) {
          this.failures++;
          const delay = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (this.failures - 1));
          this.retryAt = Date.now() + delay;
          this.timer = setTimeout(() => {
            this.timer = undefined;
            this.retryAt = undefined;
            this.error = undefined;
            this.poke();
          }, delay);
          this.timer.unref();
        }
      })
      .finally(() => {
        this.pushing = false;
        if (this.disposed) return;
        if (this.again && this.retryAt === undefined && this.error === undefined) this.poke();
        else this.report();
      });
  }

  dispose(): void {
    this.disposed = true;
    this.clearRetry();
  }
}
