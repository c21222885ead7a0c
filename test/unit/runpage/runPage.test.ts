import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { importMlflow } from '../../../src/mlflow/importMlflow.ts';
import { registerModelVersion, setAlias } from '../../../src/registry/models.ts';
import { listRunArtifacts } from '../../../src/runpage/artifacts.ts';
import { removeRunTag, setRunNote, setRunTag } from '../../../src/runpage/edits.ts';
import { SPARKLINE_BUCKETS, loadRunPage } from '../../../src/runpage/model.ts';
import { PREVIEW_ROWS, PREVIEW_TEXT_BYTES, readPreview } from '../../../src/runpage/preview.ts';
import { listAudit } from '../../../src/store/audit.ts';
import { startRun } from '../../../src/tracking/runLogger.ts';
import { tempDir, tempStore } from '../helpers.ts';
import { writeMlflowDb, writeMlruns } from '../mlflow/fixtures.ts';

const NOW = () => Date.now() - 120_000;

async function loggedRun() {
  const store = tempStore();
  const parent = startRun({ experiment: 'churn', name: 'sweep', storePath: store.path });
  const run = startRun({ experiment: 'churn', name: 'gbm-d6', storePath: store.path, params: { max_depth: 6, lr: 0.05 }, tags: { dataset: 'v1' }, parentRunId: parent.id });
  for (let step = 0; step < 500; step++) run.logMetrics({ loss: 1 / (step + 1), auc: step === 250 ? Number.NaN : 0.5 + step / 1000 }, step);
  const csv = path.join(store.dir, 'predictions.csv');
  fs.writeFileSync(csv, ['id,score', ...Array.from({ length: 2500 }, (_, i) => `${i},${(i / 2500).toFixed(4)}`)].join('\n'));
  const model = path.join(store.dir, 'model.bin');
  fs.writeFileSync(model, Buffer.from([0, 1, 2, 3, 0, 255]));
  await run.logArtifact(csv, 'data');
  const logged = await run.logArtifact(model, 'model');
  run.end('FINISHED');
  parent.end('FINISHED');
  const runId = (store.db.prepare('SELECT id FROM runs WHERE uuid = ?').get(run.id) as { id: number }).id;
  return { store, runId, csv, model, logged };
}

describe('run page model', () => {
  test('header, params, tags, metrics with sparklines, parent, registered versions', async () => {
    const { store, runId, logged } = await loggedRun();
    const version = registerModelVersion(store, { modelName: 'churn-classifier', runId, artifact: { uri: `file://${logged.path}`, sha256: logged.sha256, size: logged.size }, artifactSource: 'run' });
    setAlias(store, { versionId: version.id, alias: 'champion' });
    const page = loadRunPage(store, runId, NOW())!;
    assert.equal(page.run.name, 'gbm-d6');
    assert.equal(page.run.status, 'FINISHED');
    assert.ok(page.run.host, 'the logger records the host');
    assert.equal(page.parent?.name, 'sweep');
    assert.deepEqual(page.params, [['lr', '0.05'], ['max_depth', '6']]);
    assert.deepEqual(page.tags.find(([k]) => k === 'dataset'), ['dataset', 'v1']);
    const loss = page.metrics.find((m) => m.key === 'loss')!;
    assert.equal(loss.points, 500);
    assert.equal(loss.last, 1 / 500);
    assert.equal(loss.max, 1);
    assert.ok(loss.sparkline.length <= SPARKLINE_BUCKETS * 4, 'at most first, min, max, last per bucket');
    const auc = page.metrics.find((m) => m.key === 'auc')!;
    assert.equal(auc.nonfinite, 1);
    assert.ok(auc.sparkline.includes(null), 'a NaN is a gap in the sparkline');
    assert.deepEqual(page.charts.map((c) => c.key).sort(), ['auc', 'loss']);
    assert.deepEqual(page.versions, [{ versionId: version.id, modelName: 'churn-classifier', version: 1, aliases: ['champion'] }]);
    const parentPage = loadRunPage(store, page.parent.id, NOW())!;
    assert.deepEqual(parentPage.children.map((c) => c.name), ['gbm-d6']);
    assert.equal(loadRunPage(store, 99_999, NOW()), undefined);
  });

  test('tag and note edits are audited; bad input gets a clear message', async () => {
    const { store, runId } = await loggedRun();
    setRunTag(store, runId, ' reviewed ', 'yes');
    setRunTag(store, runId, 'dataset', 'v2');
    removeRunTag(store, runId, 'reviewed');
    setRunNote(store, runId, '# Findings\n\n- depth 6 is best');
    setRunNote(store, runId, '# Findings\n\n- depth 6 is best'); // unchanged: no second entry
    const page = loadRunPage(store, runId, NOW())!;
    assert.deepEqual(page.tags.find(([k]) => k === 'dataset'), ['dataset', 'v2']);
    assert.equal(page.tags.find(([k]) => k === 'reviewed'), undefined);
    assert.equal(page.run.notes, '# Findings\n\n- depth 6 is best');
    const actions = listAudit(store.db, { entity: 'run' }).filter((a) => a.entityId === String(runId)).map((a) => [a.action, JSON.parse(a.details ?? 'null')]);
    assert.deepEqual(actions.reverse(), [
      ['set-tag', { key: 'reviewed', from: null, to: 'yes' }],
      ['set-tag', { key: 'dataset', from: 'v1', to: 'v2' }],
      ['remove-tag', { key: 'reviewed', from: 'yes' }],
      ['edit-note', { from: null, to: '# Findings\n\n- depth 6 is best' }],
    ]);
    assert.throws(() => setRunTag(store, runId, '  ', 'x'), /tag name is empty/);
    assert.throws(() => setRunNote(store, 99_999, 'x'), /no longer exists/);
  });
});

describe('run artifacts', () => {
  test('lists logged files with their sha256, and the files inside a logged folder', async () => {
    const { store, runId, csv, logged } = await loggedRun();
    const folder = path.join(store.dir, 'plots');
    fs.mkdirSync(path.join(folder, 'roc'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'roc', 'curve.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    store.db.prepare("INSERT INTO artifacts (run_id, path, sha256, size, kind, logged_at) VALUES (?, ?, 'x', 1, 'file', 1)").run(runId, folder);
    const listing = listRunArtifacts(store, runId);
    assert.deepEqual(listing.files.map((f) => f.display), ['model.bin', 'plots/roc/curve.svg', 'predictions.csv']);
    const model = listing.files.find((f) => f.display === 'model.bin')!;
    assert.equal(model.sha256, logged.sha256);
    assert.equal(model.kind, 'model');
    assert.equal(listing.files.find((f) => f.display === 'plots/roc/curve.svg')!.sha256, null, 'files of a logged folder are hashed when selected');
    fs.rmSync(csv);
    assert.equal(listRunArtifacts(store, runId).files.find((f) => f.display === 'predictions.csv')!.exists, false);
  });

  test('MLflow-imported runs list the files in MLflow\'s artifact folder (folder store and mlflow.db)', async () => {
    const store = tempStore();
    const mlruns = path.join(store.dir, 'mlruns');
    writeMlruns(mlruns, [{ id: '1', name: 'imported', runs: [{ id: 'a'.repeat(32), name: 'folder-run' }] }]);
    const artifacts = path.join(mlruns, '1', 'a'.repeat(32), 'artifacts');
    fs.mkdirSync(path.join(artifacts, 'model'), { recursive: true });
    fs.writeFileSync(path.join(artifacts, 'model', 'MLmodel'), 'flavors: {}\n');
    const db = path.join(store.dir, 'server', 'mlflow.db');
    writeMlflowDb(db, [{ id: '2', name: 'from-db', runs: [{ id: 'b'.repeat(32), name: 'db-run' }] }]);
    const served = path.join(store.dir, 'server', 'mlartifacts', '2', 'b'.repeat(32), 'artifacts');
    fs.mkdirSync(served, { recursive: true });
    fs.writeFileSync(path.join(served, 'metrics.json'), '{"auc": 0.9}');
    await importMlflow(store, mlruns);
    await importMlflow(store, db);
    const idOf = (name: string) => (store.db.prepare('SELECT id FROM runs WHERE name = ?').get(name) as { id: number }).id;
    const folderListing = listRunArtifacts(store, idOf('folder-run'));
    assert.equal(folderListing.mlflowFolder, artifacts);
    assert.deepEqual(folderListing.files.map((f) => f.display), ['model/MLmodel']);
    const dbListing = listRunArtifacts(store, idOf('db-run'));
    assert.equal(dbListing.mlflowFolder, served);
    assert.deepEqual(dbListing.files.map((f) => f.display), ['metrics.json']);
  });
});

describe('artifact previews', () => {
  test('CSV is streamed to the first rows, JSON pretty-printed, binary and images not read as text', async () => {
    const { csv, model } = await loggedRun();
    const table = await readPreview(csv);
    assert.equal(table.kind, 'table');
    if (table.kind === 'table') {
      assert.deepEqual(table.columns, ['id', 'score']);
      assert.equal(table.rows.length, PREVIEW_ROWS);
      assert.equal(table.truncated, true);
      assert.deepEqual(table.rows[0], ['0', '0.0000']);
    }
    const dir = tempDir();
    const json = path.join(dir, 'metrics.json');
    fs.writeFileSync(json, '{"auc":0.9,"tags":["a"]}');
    assert.deepEqual(await readPreview(json), { kind: 'text', language: 'json', text: '{\n  "auc": 0.9,\n  "tags": [\n    "a"\n  ]\n}', truncated: false, size: 24 });
    assert.equal((await readPreview(model)).kind, 'none');
    const png = path.join(dir, 'plot.png');
    fs.writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    assert.deepEqual(await readPreview(png), { kind: 'image', size: 4 });
    const log = path.join(dir, 'train.log');
    fs.writeFileSync(log, 'x'.repeat(PREVIEW_TEXT_BYTES * 3));
    const head = await readPreview(log);
    assert.equal(head.kind === 'text' && head.truncated && head.text.length, PREVIEW_TEXT_BYTES);
    assert.deepEqual(await readPreview(path.join(dir, 'gone.txt')), { kind: 'missing' });
  });
});
