import * as vscode from 'vscode';
import { STALE_HEARTBEAT_SECONDS, staleCutoff } from '../tracking/staleness.ts';

/**
 * The one place the extension reads `mlLifecycle.staleHeartbeatSeconds`: a RUNNING run whose
 * heartbeat is older than the time returned reads as KILLED (the rule is src/tracking/staleness.ts).
 */
export function staleBefore(now: number = Date.now()): number {
  return staleCutoff(vscode.workspace.getConfiguration('mlLifecycle').get<number>('staleHeartbeatSeconds', STALE_HEARTBEAT_SECONDS), now);
}
