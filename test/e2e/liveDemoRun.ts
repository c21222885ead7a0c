/**
 * The demo's run that is still training, in its own process as real training code would be:
 *
 *   node test/e2e/liveDemoRun.ts <store path> [step ms]
 *
 * It logs through the project's Node API (startLiveDemoRun in demoData.ts) until SIGTERM or
 * SIGINT, or until its parent closes the pipe on stdin (so it never outlives the demo), then
 * ends the run as KILLED, like a stopped training job.
 */
import { startLiveDemoRun } from './demoData.ts';

const [storePath, stepText] = process.argv.slice(2);
if (!storePath) {
  console.error('usage: node test/e2e/liveDemoRun.ts <store path> [step ms]');
  process.exit(2);
}
const live = startLiveDemoRun(storePath, stepText ? Number(stepText) : undefined);
console.log(`live demo run: logging to ${storePath}`);

let stopped = false;
function stop(): void {
  if (stopped) return;
  stopped = true;
  live.stop();
  console.log('live demo run: stopped (KILLED)');
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
