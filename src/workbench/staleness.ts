import * as vscode from 'vscode';
import { DEFAULT_STALE_MS } from '../tracking/experiments.ts';

/**
 * The one place the extension reads `mlLifecycle.staleHeartbeatSeconds`: a RUNNING run whose
 * heartbeat is older than the time returned reads as KILLED (the rule itself is in tracking/experiments.ts).
 */
export function staleBefore(now: number = Date.now()): number {
  return now - vscode.workspace.getConfiguration('mlLifecycle').get<number>('staleHeartbeatSeconds', DEFAULT_STALE_MS / 1000) * 1000;
}
