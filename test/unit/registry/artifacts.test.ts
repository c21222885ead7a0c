import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { artifactUri, localArtifactPath, verifyArtifact, workspaceRootOf } from '../../../src/registry/artifacts.ts';
import { hashPath } from '../../../src/shared/hashPath.ts';
import { tempDir } from '../helpers.ts';
import { sha256, writeFile } from './fixtures.ts';

describe('artifact hashes', () => {
  test('a file hashes to its sha256, streamed', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'model.pkl', 'weights');
    let reported = 0;
    assert.deepEqual(await hashPath(file, { onBytes: (n) => (reported = n) }), { sha256: sha256('weights'), size: 7 });
    assert.equal(reported, 7);
  });

  test('a folder hashes like the Python logger does', async () => {
    const dir = tempDir();
    const model = path.join(dir, 'saved_model');
    writeFile(model, 'b.bin', 'bbb');
    writeFile(model, 'a/z.json', '{}');
    writeFile(model, 'é.txt', 'accent');
    const manifest = ['a/z.json', 'b.bin', 'é.txt'].map((name) => `${name}\0${sha256(fs.readFileSync(path.join(model, name), 'utf8'))}\n`).join('');
    const ours = await hashPath(model);
    assert.deepEqual(ours, { sha256: sha256(manifest), size: 3 + 2 + 6 });
    const python = spawnSync('python3', ['-c', 'import sys, json; sys.path.insert(0, sys.argv[1]); import ml_lifecycle; print(json.dumps(ml_lifecycle.hash_path(sys.argv[2])))', path.resolve(import.meta.dirname, '..', '..', '..', 'python'), model], { encoding: 'utf8' });
    assert.equal(python.status, 0, python.stderr);
    assert.deepEqual(JSON.parse(python.stdout), [ours.sha256, ours.size]);
  });
});

describe('verifying artifacts', () => {
  test('ok, changed, missing and remote', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'model.pkl', 'v1');
    const recorded = { uri: artifactUri(file), sha256: sha256('v1'), size: 2 };
    assert.deepEqual(await verifyArtifact(recorded, dir), { status: 'ok', path: file });
    fs.writeFileSync(file, 'v2'); // same size, other bytes
    const changed = await verifyArtifact(recorded, dir);
    assert.equal(changed.status, 'changed');
    fs.writeFileSync(file, 'longer');
    assert.equal((await verifyArtifact(recorded, dir)).status, 'changed');
    fs.rmSync(file);
    assert.deepEqual(await verifyArtifact(recorded, dir), { status: 'missing', path: file });
    assert.equal((await verifyArtifact({ uri: 's3://bucket/model', sha256: 'x', size: 1 }, dir)).status, 'unverifiable');
    writeFile(dir, 'rel/model.bin', 'r');
    assert.equal((await verifyArtifact({ uri: 'rel/model.bin', sha256: sha256('r'), size: 1 }, dir)).status, 'ok');
    assert.equal((await verifyArtifact({ uri: 'rel/model.bin', sha256: null, size: null }, dir)).status, 'unverifiable');
  });

  test('paths and URIs', () => {
    assert.equal(localArtifactPath('file:///tmp/a%20b.pkl', '/ws'), '/tmp/a b.pkl');
    assert.equal(localArtifactPath('models/m.pkl', '/ws'), '/ws/models/m.pkl');
    assert.equal(localArtifactPath('runs:/abc/model', '/ws'), undefined);
    assert.equal(localArtifactPath('models:/churn/1', '/ws'), undefined);
    assert.equal(workspaceRootOf('/ws/.ml-lifecycle/store.sqlite'), '/ws');
    assert.equal(workspaceRootOf('/elsewhere/custom.sqlite'), '/elsewhere');
  });
});
