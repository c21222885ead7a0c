/**
 * Importing a TensorBoard logdir of 100,000 steps × 20 tags (2 million records, one scalar each,
 * as tensorboardX and TF writers lay them out), beside TensorBoard's own EventAccumulator reading
 * the same file with no sampling limit, in the same run.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore } from '../../src/store/database.ts';
import { importTensorBoard } from '../../src/tensorboard/importTensorBoard.ts';
import { ROOT, pythonEnv } from '../support/pythonEnv.ts';
import { fileVersionEvent, frameRecord, simpleValueRecord } from '../unit/tensorboard/framing.ts';
import { report } from './format.ts';

const STEPS = 100_000;
const TAGS = 20;
const log = (text: string) => process.stderr.write(`${text}\n`);

function writeLogdir(runDir: string): number {
  fs.mkdirSync(runDir, { recursive: true });
  const file = fs.openSync(path.join(runDir, 'events.out.tfevents.1700000000.bench.1.0'), 'w');
  let records = 1;
  fs.writeSync(file, frameRecord(fileVersionEvent(1_700_000_000)));
  const batch: Buffer[] = [];
  for (let step = 0; step < STEPS; step++) {
    for (let tag = 0; tag < TAGS; tag++) batch.push(simpleValueRecord(`metric_${tag}`, step, Math.sin(step / 100 + tag), 1_700_000_000 + step * 0.1));
    records += TAGS;
    if (batch.length >= 20_000) fs.writeSync(file, Buffer.concat(batch.splice(0)));
  }
  fs.writeSync(file, Buffer.concat(batch));
  fs.closeSync(file);
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(path.join(runDir, fs.readdirSync(runDir)[0]!), past, past);
  return records;
}

export async function run(): Promise<void> {
  let env;
  try {
    env = pythonEnv('tensorboard');
  } catch (error) {
    log(`tensorboard: ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-bench-tensorboard-'));
  try {
    const logdir = path.join(dir, 'logs');
    const records = writeLogdir(path.join(logdir, 'run'));
    const store = openStore(path.join(dir, 'ws', '.ml-lifecycle', 'store.sqlite'), { create: true });
    const started = performance.now();
    const summary = await importTensorBoard(store, logdir);
    const ms = performance.now() - started;
    store.close();
    if (summary.metricPoints !== STEPS * TAGS) throw new Error(`imported ${summary.metricPoints} points, expected ${STEPS * TAGS}`);
    const ours = records / (ms / 1000);
    if (!env.python) {
      report('tensorboard.import.records_per_s', ours, 'records/s');
      log('tensorboard: EventAccumulator beside it skipped: install it with: bash python/testenv/setup.sh tensorboard');
      return;
    }
    const side = spawnSync(env.python, [path.join(ROOT, 'test', 'bench', 'python', 'tensorboard_side.py'), path.join(logdir, 'run')], { encoding: 'utf8', timeout: 1_200_000 });
    if (side.status !== 0) throw new Error(`tensorboard_side.py failed: ${side.stderr}`);
    const theirs = JSON.parse(side.stdout.trim().split('\n').pop()!) as { seconds: number; points: number };
    if (theirs.points !== STEPS * TAGS) throw new Error(`EventAccumulator holds ${theirs.points} points, expected ${STEPS * TAGS}`);
    report('tensorboard.import.records_per_s', ours, 'records/s', { value: records / theirs.seconds, name: 'tensorboard-event-accumulator' });
    report('tensorboard.import.seconds', ms / 1000, 's', { value: theirs.seconds, name: 'tensorboard-event-accumulator' });
    log(`tensorboard: ${records} records (${STEPS} steps × ${TAGS} tags) imported into the store in ${(ms / 1000).toFixed(1)} s; EventAccumulator.Reload() in ${theirs.seconds.toFixed(1)} s`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
