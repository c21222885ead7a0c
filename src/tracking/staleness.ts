import { localOnly } from './remoteRows.ts';

/**
 * When a RUNNING run reads as KILLED: its logger sends a heartbeat every 10 s, so a run whose last
 * heartbeat (or start, before the first one) is older than this has most likely lost its process
 * (kill -9, out of memory). The stored status stays RUNNING; only what people see changes, so a
 * run that comes back is live again. python/ml_lifecycle.py's STALE_HEARTBEAT_SECONDS and the
 * setting mlLifecycle.staleHeartbeatSeconds default to the same (test/unit/tracking/staleness.test.ts).
 */
export const STALE_HEARTBEAT_SECONDS = 120;

/** The time before which a RUNNING run's heartbeat is stale, in ms since the epoch. */
export function staleCutoff(seconds: number = STALE_HEARTBEAT_SECONDS, now: number = Date.now()): number {
  return now - seconds * 1000;
}

/**
 * SQL for a run's status as people see it: RUNNING with a stale heartbeat reads as KILLED. `runs`
 * is the alias of the runs table; `cutoff` is SQL for the staleBefore time (a literal or a parameter).
 * A run cached from a team's MLflow server has no heartbeat of ours: it reads as the server last
 * said, as MLflow's own UI shows it, however long ago the cache was refreshed.
 */
export function effectiveStatusSql(runs: string, cutoff: string): string {
  return `(CASE WHEN ${runs}.status = 'RUNNING' AND ${liveSince(runs)} < ${cutoff} AND ${localOnly(runs)} THEN 'KILLED' ELSE ${runs}.status END)`;
}

/** SQL that holds for a run that reads as RUNNING at `cutoff` (see effectiveStatusSql). */
export function liveRunSql(runs: string, cutoff: string): string {
  return `${runs}.status = 'RUNNING' AND (${liveSince(runs)} >= ${cutoff} OR NOT ${localOnly(runs)})`;
}

function liveSince(runs: string): string {
  return `coalesce(${runs}.heartbeat_at, ${runs}.start_time)`;
}
