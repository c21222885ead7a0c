import { StoreError } from './storeError.ts';

/** How long a write (or an open) keeps retrying while another process holds the store's lock. */
export const LOCK_WAIT_MS = 30_000;

/**
 * Runs `attempt` until it stops failing with a "locked" StoreError, with back-off up to `waitMs`.
 * Blocks the thread between attempts: loggers and the CLI have nothing else to do meanwhile.
 */
export function retryWhileLocked<T>(storePath: string, what: string, attempt: () => T, waitMs: number = LOCK_WAIT_MS): T {
  const deadline = Date.now() + waitMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    try {
      return attempt();
    } catch (error) {
      if (!(error instanceof StoreError && error.problem === 'locked')) throw error;
      if (Date.now() + delay > deadline) {
        throw new StoreError(
          'locked',
          storePath,
          `Could not ${what}: the store ${storePath} stayed locked by another process for ${Math.round(waitMs / 100) / 10} s. ` +
            'Close programs that hold it open in a transaction (a database browser?), then retry.',
        );
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(delay, Math.max(1, deadline - Date.now())));
    }
  }
}
