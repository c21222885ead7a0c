import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { type ArtifactState, localArtifactPath, verifyArtifact } from '../../registry/artifacts.ts';
import type { ModelVersion } from '../../registry/models.ts';

/** The file's size and mtime, or 'missing'; a changed stamp means the artifact must be hashed again. */
function stampOf(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/**
 * Checks registered artifacts against their recorded sha256 in the background, one at a time,
 * and remembers each result with the file's size and mtime, so the tree hashes a file again
 * only after it changed on disk.
 */
export class ArtifactVerifier implements vscode.Disposable {
  private readonly results = new Map<number, { stamp: string; state: ArtifactState }>();
  private readonly queue = new Map<number, { version: ModelVersion; root: string }>();
  private running = false;
  private readonly stop = new AbortController();
  private readonly verified = new vscode.EventEmitter<number>();
  /** Fires with a version id when its artifact was checked. */
  readonly onDidVerify = this.verified.event;
  private readonly log: vscode.LogOutputChannel;

  constructor(log: vscode.LogOutputChannel) {
    this.log = log;
  }

  /** The last known state; undefined while the first check is pending (one is queued). */
  stateOf(version: ModelVersion, root: string): ArtifactState | undefined {
    const local = localArtifactPath(version.artifactUri, root);
    if (local === undefined) return { status: 'unverifiable', reason: `${version.artifactUri} is not a local file` };
    const stamp = stampOf(local);
    if (stamp === 'missing') return { status: 'missing', path: local };
    if (!version.artifactSha256) return { status: 'unverifiable', reason: 'no hash was recorded when it was registered' };
    const known = this.results.get(version.id);
    if (known?.stamp === stamp) return known.state;
    this.queue.set(version.id, { version, root });
    void this.drain();
    return undefined;
  }

  /** Hashes every given artifact now, whatever is remembered. */
  async verifyAll(
    versions: readonly ModelVersion[],
    root: string,
    progress: (done: number, version: ModelVersion) => void,
    token: vscode.CancellationToken,
  ): Promise<Map<number, ArtifactState>> {
    const states = new Map<number, ArtifactState>();
    const cancel = new AbortController();
    const subscription = token.onCancellationRequested(() => cancel.abort());
    try {
      for (const [index, version] of versions.entries()) {
        if (token.isCancellationRequested) break;
        progress(index, version);
        const state = await this.check(version, root, cancel.signal);
        states.set(version.id, state);
      }
    } finally {
      subscription.dispose();
    }
    return states;
  }

  private async check(version: ModelVersion, root: string, signal: AbortSignal): Promise<ArtifactState> {
    const local = localArtifactPath(version.artifactUri, root);
    const stamp = local === undefined ? '' : stampOf(local);
    const state = await verifyArtifact({ uri: version.artifactUri, sha256: version.artifactSha256, size: version.artifactSize }, root, { signal });
    this.results.set(version.id, { stamp, state });
    this.verified.fire(version.id);
    return state;
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const [id, job] of this.queue) {
        this.queue.delete(id);
        if (this.stop.signal.aborted) return;
        try {
          await this.check(job.version, job.root, this.stop.signal);
        } catch (error) {
          if (!this.stop.signal.aborted) this.log.warn(`Could not verify the artifact of ${job.version.modelName} v${job.version.version}: ${(error as Error).message}`);
        }
      }
    } finally {
      this.running = false;
    }
  }

  dispose(): void {
    this.stop.abort();
    this.verified.dispose();
  }
}
