/**
 * The server's registry, read-only, and Promote to Champion on the server through our gate,
 * against a real MLflow tracking server; the alias is read back with MLflow's own client.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MlflowClient } from '../../../src/mlflowServer/client.ts';
import { pushToMlflow } from '../../../src/mlflowServer/push.ts';
import { checkServer } from '../../../src/mlflowServer/remote.ts';
import { PromotionRefusedError, promoteRemoteChampion } from '../../../src/mlflowServer/remotePromotion.ts';
import { listRemoteRegistry } from '../../../src/mlflowServer/remoteRegistry.ts';
import { artifactUri } from '../../../src/registry/artifacts.ts';
import { hashPath } from '../../../src/shared/hashPath.ts';
import { registerModelVersion, setAlias } from '../../../src/registry/models.ts';
import { listAudit } from '../../../src/store/audit.ts';
import { findExperimentByName } from '../../../src/tracking/experiments.ts';
import { type MlflowServer, mlflowServerAvailability, startMlflowServer } from '../../support/mlflowServer.ts';
import { tempStore } from '../helpers.ts';
import { addRun } from './fixtures.ts';

const availability = mlflowServerAvailability();

function serverChampion(server: MlflowServer, model: string): string {
  const done = spawnSync(server.python, ['-c', `import sys\nfrom mlflow import MlflowClient\nprint(MlflowClient(tracking_uri=sys.argv[1], registry_uri=sys.argv[1]).get_model_version_by_alias(sys.argv[2], 'champion').version)`, server.uri, model], {
    encoding: 'utf8',
    env: { ...process.env, MLFLOW_ENABLE_TELEMETRY: 'false', DO_NOT_TRACK: 'true' },
  });
  assert.equal(done.status, 0, done.stderr);
  return done.stdout.trim();
}

describe('the server registry and promotion on the server', { skip: availability.skip }, () => {
  let server: MlflowServer;
  before(async () => {
    server = await startMlflowServer(availability);
  });
  after(async () => {
    await server?.stop();
  });

  test('lists models, versions with aliases, tags and source runs; promotes through the gate, refuses a failing version', async () => {
    const store = tempStore();
    const model = 'gate-model';
    const runs: number[] = [];
    for (const [i, auc] of [0.85, 0.9, 0.7].entries()) {
      const file = path.join(store.dir, `model-${i}.pkl`);
      fs.writeFileSync(file, `weights ${i}`);
      runs.push(await addRun(store, { experiment: 'gate', name: `run-${i}`, metrics: { auc: [[0, auc / 2], [1, auc]] }, artifacts: [file] }));
    }
    const experiment = findExperimentByName(store, 'gate')!;
    store.db.prepare("UPDATE experiments SET primary_metric = 'auc', metric_direction = 'max', metric_target = 0.8 WHERE id = ?").run(experiment.id);
    const versions = [];
    for (const [i, runId] of runs.entries()) {
      const file = path.join(store.dir, `model-${i}.pkl`);
      versions.push(registerModelVersion(store, { modelName: model, runId, artifact: { uri: artifactUri(file), ...(await hashPath(file)) }, artifactSource: 'run' }));
    }
    setAlias(store, { versionId: versions[0]!.id, alias: 'champion' });
    await pushToMlflow(store, server.uri);

    const client = new MlflowClient(server.uri);
    await checkServer(client);
    const listed = (await listRemoteRegistry(client)).find((m) => m.name === model);
    assert.ok(listed, 'the pushed model is listed');
    assert.deepEqual(listed.versions.map((v) => v.version), ['3', '2', '1'], 'newest first');
    assert.deepEqual(listed.versions.find((v) => v.version === '1')!.aliases, ['champion']);
    assert.equal(listed.aliases.get('champion'), '1');
    for (const version of listed.versions) {
      assert.ok(version.runId, 'each version names its source run');
      assert.match(version.source, /^mlflow-artifacts:|^runs:|artifacts/);
      assert.ok(version.tags.some((t) => t.key === 'ml-lifecycle.local_version'));
    }

    await assert.rejects(promoteRemoteChampion(store, client, model, '3'), (error: Error) => {
      assert.ok(error instanceof PromotionRefusedError);
      assert.match(error.message, /^Not promoted: gate-model version 3 .*misses the threshold 0\.8.*worse/);
      return true;
    });
    assert.equal(serverChampion(server, model), '1', 'a refused promotion leaves the server alone');

    const promoted = await promoteRemoteChampion(store, client, model, '2');
    assert.equal(promoted.previous, '1');
    assert.equal(serverChampion(server, model), '2', "MLflow's own client sees the new champion");

    const audit = listAudit(store.db, { entity: 'alias' }).filter((a) => a.action.startsWith('promote-remote'));
    assert.deepEqual(audit.map((a) => a.action).sort(), ['promote-remote', 'promote-remote-refused']);
    const done = audit.find((a) => a.action === 'promote-remote')!;
    assert.equal(done.entityId, `${server.uri} gate-model@champion`);
    assert.deepEqual(
      (({ model: m, version, previous, gatePassed }) => ({ m, version, previous, gatePassed }))(JSON.parse(done.details!) as { model: string; version: string; previous: string; gatePassed: boolean }),
      { m: model, version: '2', previous: '1', gatePassed: true },
    );
  });

  test('an MLflow too old for the registry endpoints says so', async () => {
    const old = http.createServer((request, response) => {
      if (request.url?.includes('experiments/search')) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"experiments": []}');
        return;
      }
      response.writeHead(404, { 'content-type': 'text/html' });
      response.end('<!doctype html><title>404 Not Found</title>');
    });
    await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
    after(() => old.close());
    const client = new MlflowClient(`http://127.0.0.1:${(old.address() as { port: number }).port}`);
    await checkServer(client);
    await assert.rejects(listRemoteRegistry(client), /is an MLflow server too old for registered-models\/search \(HTTP 404 on that endpoint\)/);
  });
});
