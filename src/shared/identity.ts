import * as os from 'node:os';

/** Who and where a change comes from, as the audit log records it. */
export function currentActor(): { actor: string; host: string } {
  let actor = process.env.USER ?? process.env.USERNAME ?? 'unknown';
  try {
    actor = os.userInfo().username || actor;
  } catch {
    // No passwd entry (some containers): keep the environment's name.
  }
  return { actor, host: os.hostname() };
}
