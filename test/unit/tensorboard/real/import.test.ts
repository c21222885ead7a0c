/**
 * Imports of logdirs that the real writers (tensorboardX, tensorboard.summary.Writer) wrote,
 * checked against what TensorBoard's own loader reads from them: same runs, tags and points.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { NotLogdirError } from '../../../../src/tensorboard/discovery.ts';
import { importTensorBoard } from '../../../../src/tensorboard/importTensorBoard.ts';
import { pythonEnv } from '../../../support/pythonEnv.ts';
import { tempDir, tempStore } from '../../helpers.ts';
import { type OracleRun, oracleFloat, realLogdirs } from './realLogdirs.ts';

const env = pythonEnv('tensorboard');
type TestStore = ReturnType<typeof tempStore>;

/** Our runs of one logdir: name -> id. */
function runsOf(store: TestStore, logdir: string): Map<string, number> {
  const rows = store.db.prepare("SELECT r.name, r.id FROM runs r JOIN tags t ON t.run_id = r.id AND t.key = 'tensorboard.logdir' WHERE t.value = ?").raw().all(logdir) as [string, number][];
  return new Map(rows);
}

function keysOf(store: TestStore, runId: number): string[] {
  return (store.db.prepare('SELECT DISTINCT key FROM metrics WHERE run_id = ? ORDER BY key').pluck().all(runId) as string[]);
}

/** Points as comparable lines "step|ms|value", sorted: the order of points at one step may differ. */
function ourPoints(store: TestStore, runId: number, key: string): string[] {
  const rows = store.db.prepare('SELECT step, timestamp, value FROM metrics WHERE run_id = ? AND key = ?').raw().all(runId, key) as [number, number, number | null][];
  return rows.map(([step, timestamp, value]) => `${step}|${timestamp}|${value === null ? Number.NaN : value}`).sort();
}

function oraclePoints(run: OracleRun, tag: string): string[] {
  return run.scalars[tag]!.map(([step, wall, value]) => `${step}|${Math.round(wall * 1000)}|${oracleFloat(value)}`).sort();
}

function tagsOf(store: TestStore, runId: number): Record<string, string> {
  return Object.fromEntries(store.db.prepare('SELECT key, value FROM tags WHERE run_id = ?').raw().all(runId) as [string, string][]);
}

function paramsOf(store: TestStore, runId: number): Record<string, string> {
  return Object.fromEntries(store.db.prepare('SELECT key, value FROM params WHERE run_id = ?').raw().all(runId) as [string, string][]);
}

function copyFile(from: string, to: string, bytes?: number): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const data = fs.readFileSync(from);
  fs.writeFileSync(to, bytes === undefined ? data : data.subarray(0, bytes));
}

/** Makes a file look settled: changed a minute ago. */
function settle(file: string): void {
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(file, past, past);
}

describe('imports of logdirs the real TensorBoard writers wrote', { skip: env.skip }, () => {
  test('every run, tag and point that TensorBoard reads, with NaN and ±Inf; text, hparams and what is skipped', async () => {
    const { manifest, oracle } = realLogdirs(env);
    const store = tempStore();
    const summary = await importTensorBoard(store, manifest.logdir);
    const runs = runsOf(store, manifest.logdir);
    assert.deepEqual([...runs.keys()].sort(), Object.keys(oracle).sort());
    let points = 0;
    for (const [name, expected] of Object.entries(oracle)) {
      const id = runs.get(name)!;
      assert.deepEqual(keysOf(store, id), Object.keys(expected.scalars).sort(), `run ${name}`);
      for (const tag of Object.keys(expected.scalars)) {
        assert.deepEqual(ourPoints(store, id, tag), oraclePoints(expected, tag), `run ${name}, tag ${tag}`);
        points += expected.scalars[tag]!.length;
      }
      const tags = tagsOf(store, id);
      for (const [tag, text] of Object.entries(expected.texts)) assert.equal(tags[tag], text, `text ${tag} of ${name}`);
      const params = paramsOf(store, id);
      assert.deepEqual(Object.keys(params).sort(), Object.keys(expected.params).sort(), `params of ${name}`);
      for (const [key, value] of Object.entries(expected.params)) assert.equal(typeof value === 'number' ? Number(params[key]) : params[key], value, `param ${key} of ${name}`);
    }
    assert.ok(oracle.tbx!.scalars.loss!.length === manifest.steps, 'the long run has every step');
    assert.equal(summary.metricPoints, points);
    assert.equal(summary.unreadableCount, 0);

    const tbx = runs.get('tbx')!;
    const notes = store.db.prepare('SELECT notes FROM runs WHERE id = ?').pluck().get(tbx);
    assert.equal(notes, oracle.tbx!.texts['notes/text_summary'], 'a text summary named notes is the run’s notes');
    const session = store.db.prepare('SELECT status, end_time FROM runs WHERE id = ?').get(runs.get('tbx/session')) as { status: string; end_time: number };
    assert.equal(oracle['tbx/session']!.status, 'STATUS_SUCCESS');
    assert.equal(session.status, 'FINISHED');

    const counts = Object.values(oracle).reduce((sum, run) => ({ histograms: sum.histograms + run.counts.histograms, images: sum.images + run.counts.images, audio: sum.audio + run.counts.audio }), { histograms: 0, images: 0, audio: 0 });
    assert.deepEqual(summary.skippedData, { ...counts, 'plugin "my_plugin"': oracle.tbx!.otherPlugins.my_plugin });

    const again = await importTensorBoard(store, manifest.logdir);
    assert.equal(again.metricPoints, 0, 'a second import adds nothing');
    assert.equal(again.runs + again.runsUpdated + again.records, 0);
  });

  test('a file still being written is read on from where the last import stopped, and its run is RUNNING until it settles', async () => {
    const { manifest, oracle } = realLogdirs(env);
    const store = tempStore();
    const source = fs.readdirSync(path.join(manifest.logdir, 'native')).map((f) => path.join(manifest.logdir, 'native', f))[0]!;
    const logdir = path.join(tempDir(), 'live');
    const file = path.join(logdir, 'native', path.basename(source));
    const size = fs.statSync(source).size;
    // Cut mid-record, as a reader sees a file while the writer appends to it.
    copyFile(source, file, Math.floor(size * 0.4) + 7);
    const first = await importTensorBoard(store, logdir);
    assert.equal(first.unreadableCount, 0, 'a record being written is not reported');
    const run = runsOf(store, logdir).get('native')!;
    assert.equal(store.db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(run), 'RUNNING');
    const partial = ourPoints(store, run, 'loss').length;
    assert.ok(partial > 0 && partial < 2000);

    copyFile(source, file);
    settle(file);
    const second = await importTensorBoard(store, logdir);
    assert.equal(second.unreadableCount, 0);
    assert.equal(second.runsUpdated, 1);
    for (const tag of ['loss', 'lr']) assert.deepEqual(ourPoints(store, run, tag), oraclePoints(oracle.native!, tag), tag);
    assert.equal(store.db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(run), 'FINISHED');
  });

  test('train/validation merged into one run with prefixed keys', async () => {
    const { manifest, oracle } = realLogdirs(env);
    const store = tempStore();
    await importTensorBoard(store, manifest.logdir, { mergeSplits: true });
    const runs = runsOf(store, manifest.logdir);
    assert.ok(!runs.has('keras/train') && !runs.has('keras/validation'));
    const keras = runs.get('keras')!;
    assert.deepEqual(keysOf(store, keras), ['train/epoch_loss', 'validation/epoch_loss']);
    assert.deepEqual(ourPoints(store, keras, 'train/epoch_loss'), oraclePoints(oracle['keras/train']!, 'epoch_loss'));
    assert.deepEqual(ourPoints(store, keras, 'validation/epoch_loss'), oraclePoints(oracle['keras/validation']!, 'epoch_loss'));
  });

  test('damaged files: each problem named with its file and offset, every readable record imported, nothing else lost', async () => {
    const { manifest, oracle, damagedOracle } = realLogdirs(env);
    const store = tempStore();
    await importTensorBoard(store, manifest.logdir);
    const before = store.db.prepare('SELECT count(*) FROM metrics').pluck().get() as number;
    const { damaged } = manifest;
    for (const file of Object.values(damaged)) settle(file.file);
    const summary = await importTensorBoard(store, manifest.damagedLogdir);
    const runs = runsOf(store, manifest.damagedLogdir);
    assert.deepEqual([...runs.keys()].sort(), Object.keys(damagedOracle).sort());

    const find = (file: string) => summary.unreadable.filter((item) => item.file === file);
    assert.deepEqual(find(damaged.truncated.file).map((i) => i.offset), [damaged.truncated.offset]);
    assert.match(find(damaged.truncated.file)[0]!.reason, /truncated/);
    assert.deepEqual(find(damaged.bad_data_crc.file).map((i) => i.offset), [damaged.bad_data_crc.offset]);
    assert.match(find(damaged.bad_data_crc.file)[0]!.reason, /data .* fails its checksum/);
    assert.deepEqual(find(damaged.bad_length_crc.file).map((i) => i.offset), [damaged.bad_length_crc.offset]);
    assert.match(find(damaged.bad_length_crc.file)[0]!.reason, new RegExp(`length fails its checksum.*resumed at offset ${damaged.bad_length_crc.next}`));
    assert.deepEqual(find(damaged.not_tfrecord.file).map((i) => i.offset), [0]);
    assert.match(find(damaged.not_tfrecord.file)[0]!.reason, /not a TFRecord file/);
    assert.equal(summary.unreadableCount, 4);

    // Cut short: what TensorBoard reads too.
    for (const tag of ['loss', 'lr']) assert.deepEqual(ourPoints(store, runs.get('truncated')!, tag), oraclePoints(damagedOracle.truncated!, tag));
    // One bad record: TensorBoard stops there; we skip it and read on, so one point of the original is missing.
    for (const name of ['bad_data_crc', 'bad_length_crc']) {
      const id = runs.get(name)!;
      const ours = [...ourPoints(store, id, 'loss'), ...ourPoints(store, id, 'lr')];
      const original = [...oraclePoints(oracle.native!, 'loss'), ...oraclePoints(oracle.native!, 'lr')];
      const seenByTensorBoard = [...oraclePoints(damagedOracle[name]!, 'loss'), ...oraclePoints(damagedOracle[name]!, 'lr')];
      assert.equal(ours.length, original.length - 1, name);
      const set = new Set(original);
      assert.ok(ours.every((p) => set.has(p)), `${name}: every point is one the writer wrote`);
      const oursSet = new Set(ours);
      assert.ok(seenByTensorBoard.every((p) => oursSet.has(p)), `${name}: every point TensorBoard reads`);
    }
    const after = store.db.prepare("SELECT count(*) FROM metrics m JOIN tags t ON t.run_id = m.run_id AND t.key = 'tensorboard.logdir' WHERE t.value = ?").pluck().get(manifest.logdir);
    assert.equal(after, before, 'the first logdir’s points are all still there');
  });

  test('a folder with no event files gets a one-line reason naming it', async () => {
    const store = tempStore();
    const empty = tempDir();
    fs.writeFileSync(path.join(empty, 'readme.txt'), 'no events here');
    await assert.rejects(importTensorBoard(store, empty), (error: Error) => error instanceof NotLogdirError && error.message.includes(empty) && error.message.includes('no event file'));
    await assert.rejects(importTensorBoard(store, path.join(empty, 'missing')), /does not exist/);
  });
});
