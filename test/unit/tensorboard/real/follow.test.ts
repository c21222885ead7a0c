/**
 * Following a training run: TensorBoard's own writer (tensorboard.summary.Writer, from the
 * "tensorboard" environment) keeps its event file open and appends to it between two syncs, as
 * training does while auto-sync (mlLifecycle.tensorboard.autoSync) watches. The child writes when
 * told and answers once its points are flushed, so nothing here depends on timing.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { test } from 'node:test';
import { importTensorBoard } from '../../../../src/tensorboard/importTensorBoard.ts';
import { pythonEnv } from '../../../support/pythonEnv.ts';
import { tempDir, tempStore } from '../../helpers.ts';

const env = pythonEnv('tensorboard');

/** Reads "<first> <count>" lines: writes `count` steps from `first`, flushes, answers "flushed". */
const WRITER = `
import sys
from tensorboard.summary import Writer
writer = Writer(sys.argv[1])
for line in sys.stdin:
    first, count = map(int, line.split())
    for step in range(first, first + count):
        writer.add_scalar("loss", 1.0 / (1 + step), step, wall_time=1_700_000_000 + step / 1000)
    writer.flush()
    print("flushed", flush=True)
writer.close()
`;

test('a run TensorBoard is still writing: each sync imports only the points appended since the last, none lost or doubled', { skip: env.skip }, async (t) => {
  const logdir = path.join(tempDir(), 'runs');
  const child = spawn(env.python!, ['-c', WRITER, path.join(logdir, 'live')], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.after(() => child.kill());
  const answers = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const write = async (first: number, count: number) => {
    child.stdin.write(`${first} ${count}\n`);
    assert.deepEqual(await answers.next(), { value: 'flushed', done: false });
  };
  const store = tempStore();
  const points = () => store.db.prepare("SELECT step, value FROM metrics WHERE key = 'loss' ORDER BY step").raw().all() as [number, number][];

  await write(0, 1000);
  const first = await importTensorBoard(store, logdir);
  assert.equal(first.metricPoints, 1000);
  assert.equal(store.db.prepare('SELECT status FROM runs').pluck().get(), 'RUNNING', 'the file changed just now: still training');
  const [file] = fs.readdirSync(path.join(logdir, 'live'));
  const sizeAtFirstSync = fs.statSync(path.join(logdir, 'live', file!)).size;

  await write(1000, 500);
  assert.ok(fs.statSync(path.join(logdir, 'live', file!)).size > sizeAtFirstSync, 'the same file grew');
  assert.deepEqual(fs.readdirSync(path.join(logdir, 'live')), [file], 'no second event file');
  const second = await importTensorBoard(store, logdir);
  assert.deepEqual([second.runs, second.runsUpdated, second.metricPoints], [0, 1, 500], 'only what was appended');

  const third = await importTensorBoard(store, logdir);
  assert.equal(third.metricPoints, 0, 'nothing new, nothing read twice');
  const all = points();
  assert.equal(all.length, 1500);
  assert.deepEqual(all.map(([step]) => step), Array.from({ length: 1500 }, (_, i) => i), 'every step once');
  assert.ok(all.every(([step, value]) => Math.abs(value - 1 / (1 + step)) < 1e-6), 'float32 values of 1/(1 + step)');
  child.stdin.end();
});
