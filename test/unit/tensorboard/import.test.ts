/** Run discovery and the import on small event files built here (the real writers are in real/). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { discoverRuns } from '../../../src/tensorboard/discovery.ts';
import { importTensorBoard } from '../../../src/tensorboard/importTensorBoard.ts';
import { TensorProtoSchema } from '../../../src/tensorboard/proto/tensorboard/compat/proto/tensor_pb.js';
import { DataType } from '../../../src/tensorboard/proto/tensorboard/compat/proto/types_pb.js';
import { findWorkspaceLogdirs, importedLogdirs, logdirsHolding, wasImported } from '../../../src/tensorboard/workspace.ts';
import { tempDir, tempStore } from '../helpers.ts';
import { fileVersionEvent, frameRecord, simpleValueRecord, summaryEvent } from './framing.ts';

function write(file: string, ...records: Buffer[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.concat(records));
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(file, past, past);
}

const REPO = path.resolve(import.meta.dirname, '..', '..', '..');
const EVENTS = 'events.out.tfevents.1700000000.host-a.42.0';

test('runs are the folders holding event files, named by their path below the logdir', () => {
  const logdir = tempDir();
  write(path.join(logdir, EVENTS), simpleValueRecord('a', 0, 1));
  write(path.join(logdir, 'lightning_logs', 'version_3', EVENTS), simpleValueRecord('a', 0, 1));
  write(path.join(logdir, 'fit', 'train', EVENTS), simpleValueRecord('a', 0, 1));
  write(path.join(logdir, 'fit', 'validation', EVENTS), simpleValueRecord('a', 0, 1));
  fs.writeFileSync(path.join(logdir, 'fit', 'notes.txt'), 'not an event file');
  assert.deepEqual(discoverRuns(logdir).map((r) => r.name), ['.', 'fit/train', 'fit/validation', 'lightning_logs/version_3']);
  const merged = discoverRuns(logdir, { mergeSplits: true });
  assert.deepEqual(merged.map((r) => r.name), ['.', 'fit', 'lightning_logs/version_3']);
  assert.deepEqual(merged[1]!.files.map((f) => [f.name, f.keyPrefix]), [[`train/${EVENTS}`, 'train/'], [`validation/${EVENTS}`, 'validation/']]);
});

test('a tag’s plugin is named once per file; later values of the tag follow it', async () => {
  const logdir = tempDir();
  const scalarTensor = (value: number) => create(TensorProtoSchema, { dtype: DataType.DT_DOUBLE, doubleVal: [value] });
  const textTensor = (text: string) => create(TensorProtoSchema, { dtype: DataType.DT_STRING, stringVal: [Buffer.from(text)] });
  const imageTensor = () => create(TensorProtoSchema, { dtype: DataType.DT_STRING, stringVal: [Buffer.from('1'), Buffer.from('1'), Buffer.from('png')], tensorShape: { dim: [{ size: 3n }] } });
  write(
    path.join(logdir, 'run', EVENTS),
    frameRecord(fileVersionEvent(1_700_000_000)),
    frameRecord(summaryEvent(0, 1_700_000_000.25, { tag: 'loss', metadata: { pluginData: { pluginName: 'scalars' } }, value: { case: 'tensor', value: scalarTensor(0.5) } })),
    frameRecord(summaryEvent(1, 1_700_000_001.5, { tag: 'loss', value: { case: 'tensor', value: scalarTensor(0.25) } })),
    frameRecord(summaryEvent(0, 1_700_000_000, { tag: 'status', metadata: { pluginData: { pluginName: 'text' } }, value: { case: 'tensor', value: textTensor('warming up') } })),
    frameRecord(summaryEvent(1, 1_700_000_001, { tag: 'status', value: { case: 'tensor', value: textTensor('done') } })),
    frameRecord(summaryEvent(0, 1_700_000_000, { tag: 'sample', metadata: { pluginData: { pluginName: 'images' } }, value: { case: 'tensor', value: imageTensor() } })),
    frameRecord(summaryEvent(1, 1_700_000_001, { tag: 'sample', value: { case: 'tensor', value: imageTensor() } })),
  );
  const store = tempStore();
  const summary = await importTensorBoard(store, logdir);
  assert.deepEqual(store.db.prepare("SELECT step, timestamp, value FROM metrics WHERE key = 'loss' ORDER BY step").raw().all(), [[0, 1_700_000_000_250, 0.5], [1, 1_700_000_001_500, 0.25]]);
  assert.equal(store.db.prepare("SELECT value FROM tags WHERE key = 'status'").pluck().get(), 'done');
  assert.deepEqual(summary.skippedData, { images: 2 });
  const run = store.db.prepare('SELECT name, status, start_time, end_time, host FROM runs').get();
  assert.deepEqual(run, { name: 'run', status: 'FINISHED', start_time: 1_700_000_000_000, end_time: 1_700_000_001_500, host: 'host-a' });
});

test('a file appended to between imports adds only its new records, in the same run', async () => {
  const logdir = tempDir();
  const file = path.join(logdir, EVENTS);
  const head = [frameRecord(fileVersionEvent(1_700_000_000)), ...Array.from({ length: 10 }, (_, i) => simpleValueRecord('x', i, i))];
  write(file, ...head);
  const store = tempStore();
  assert.equal((await importTensorBoard(store, logdir)).metricPoints, 10);
  write(file, ...head, ...Array.from({ length: 5 }, (_, i) => simpleValueRecord('x', 10 + i, Number.NaN)));
  const second = await importTensorBoard(store, logdir);
  assert.deepEqual([second.runs, second.runsUpdated, second.metricPoints, second.records], [0, 1, 5, 5]);
  assert.equal(store.db.prepare("SELECT count(*) FROM metrics WHERE key = 'x' AND value IS NULL").pluck().get(), 5);
  assert.equal(store.db.prepare('SELECT count(*) FROM runs').pluck().get(), 1);
});

test('a cancelled import keeps what it read and the next one reads on from there', async () => {
  const logdir = tempDir();
  write(path.join(logdir, 'a', EVENTS), ...Array.from({ length: 3 }, (_, i) => simpleValueRecord('x', i, i)));
  write(path.join(logdir, 'b', EVENTS), ...Array.from({ length: 3 }, (_, i) => simpleValueRecord('x', i, i)));
  const store = tempStore();
  let checks = 0;
  const first = await importTensorBoard(store, logdir, { isCancelled: () => ++checks > 2 });
  assert.equal(first.cancelled, true);
  assert.equal(first.metricPoints, 3, 'run a only');
  const second = await importTensorBoard(store, logdir);
  assert.equal(second.metricPoints, 3, 'run b');
  assert.equal(second.cancelled, false);
});

test('ml-lifecycle import tensorboard: a summary, JSON with --json, a one-line reason and exit 1 for a folder without event files', () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, '.ml-lifecycle'));
  write(path.join(dir, 'logs', 'fit', 'train', EVENTS), simpleValueRecord('loss', 0, 1), simpleValueRecord('loss', 1, 0.5));
  write(path.join(dir, 'logs', 'fit', 'validation', EVENTS), simpleValueRecord('loss', 0, 2));
  const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(REPO, 'src', 'cli', 'main.ts'), 'import', 'tensorboard', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ML_LIFECYCLE_STORE: '' } });
  const first = cli('logs', '--merge-train-validation');
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^Imported 1 run, 3 metric points from .*logs\./);
  const second = cli('logs', '--merge-train-validation', '--json');
  assert.equal(second.status, 0, second.stderr);
  const json = JSON.parse(second.stdout) as { summary: { runs: number; metricPoints: number; unreadable: unknown[] } };
  assert.deepEqual([json.summary.runs, json.summary.metricPoints, json.summary.unreadable], [0, 0, []]);
  fs.mkdirSync(path.join(dir, 'empty'));
  const empty = cli('empty');
  assert.equal(empty.status, 1);
  assert.equal(empty.stderr.trim().split('\n').length, 1);
  assert.match(empty.stderr, /^ml-lifecycle import tensorboard: .*empty is not a TensorBoard logdir: no event file/m);
});

test('a workspace’s logdirs are its top-level folders with event files; imported ones are remembered', async () => {
  const store = tempStore();
  const root = store.dir;
  write(path.join(root, 'lightning_logs', 'version_0', EVENTS), simpleValueRecord('loss', 0, 1));
  write(path.join(root, 'runs', 'May01', 'train', EVENTS), simpleValueRecord('loss', 0, 1));
  write(path.join(root, 'node_modules', 'pkg', EVENTS), simpleValueRecord('loss', 0, 1));
  write(path.join(root, '.venv', EVENTS), simpleValueRecord('loss', 0, 1));
  fs.mkdirSync(path.join(root, 'src'));
  const logdirs = findWorkspaceLogdirs(root);
  assert.deepEqual(logdirs, [path.join(root, 'lightning_logs'), path.join(root, 'runs')]);
  assert.equal(wasImported(store, logdirs[0]!), false);
  await importTensorBoard(store, logdirs[0]!);
  assert.equal(wasImported(store, logdirs[0]!), true);
  assert.equal(wasImported(store, logdirs[1]!), false);
  assert.deepEqual(importedLogdirs(store, root), [logdirs[0]]);
});

test('auto-sync imports again the logdirs that hold a changed event file, and only those', () => {
  const root = tempDir();
  const [runs, logs, runs2] = [path.join(root, 'runs'), path.join(root, 'logs'), path.join(root, 'runs2')];
  const changed = [path.join(runs, 'May01', 'train', EVENTS), path.join(runs2, EVENTS), path.join(root, '..hidden', EVENTS)];
  assert.deepEqual(logdirsHolding(changed, [runs, logs, runs2]), [runs, runs2]);
  assert.deepEqual(logdirsHolding([path.join(runs, '..events', EVENTS)], [runs]), [runs], 'a folder whose name starts with two dots is still inside');
  assert.deepEqual(logdirsHolding(changed.slice(0, 1), [root]), [root], 'the workspace itself as the logdir');
  assert.deepEqual(logdirsHolding([], [runs]), []);
});
