/**
 * Ending the live runs of a process when it exits: one set of process listeners for all of them.
 * A clean exit (code 0) ends them FINISHED, another code FAILED, SIGINT/SIGTERM KILLED; before
 * exit each is flushed once, so its points are written while the event loop still runs.
 */
import type { FinalStatus } from './model.ts';

export interface ExitingRun {
  flush(): void;
  finish(status: FinalStatus): void;
}

const live = new Set<ExitingRun>();
let hooked = false;

/** Ends `run` at process exit until the returned function is called. */
export function watchExit(run: ExitingRun): () => void {
  live.add(run);
  hook();
  return () => {
    live.delete(run);
    if (live.size === 0) unhook();
  };
}

function onBeforeExit(): void {
  for (const run of live) {
    try {
      run.flush();
    } catch {
      // The exit handler tries once more and keeps the points in a file if it must.
    }
  }
}

function onExit(code: number): void {
  const status: FinalStatus = code === 0 ? 'FINISHED' : 'FAILED';
  for (const run of [...live].reverse()) run.finish(status);
}

function onSignal(signal: NodeJS.Signals): void {
  // A program with its own handler decides what the signal means; its runs end at exit.
  if (process.listenerCount(signal) > 1) return;
  for (const run of [...live].reverse()) run.finish('KILLED');
  unhook();
  process.kill(process.pid, signal);
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function unhook(): void {
  if (!hooked) return;
  hooked = false;
  process.off('beforeExit', onBeforeExit);
  process.off('exit', onExit);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}
