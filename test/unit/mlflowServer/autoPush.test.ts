/**
 * Auto-push against a real MLflow tracking server: ended runs go, running and cached remote runs
 * stay; with the server killed the queue waits and retries with backoff, and a new pusher (a
 * reload) finds the same queue in the store and finishes it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type AutoPushState, AutoPusher, pendingRuns } from '../../../src/mlflowServer/autoPush.ts';
import { MlflowClient } from '../../../src/mlflowServer/client.ts';
import { pushToMlflow } from '../../../src/mlflowServer/push.ts';
import { findPushedRuns } from '../../../src/mlflowServer/remote.ts';
import type { Store } from '../../../src/store/database.ts';
import { type MlflowServer, mlflowServerAvailability, startMlflowServer } from '../../support/mlflowServer.ts';
import { tempStore } from '../helpers.ts';
import { addRun, assertServerMatchesStore, readServer, steps } from './fixtures.ts';

const availability = mlflowServerAvailability();

async function until(what: string, ok: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs / 1000} s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function remoteUuids(uri: string, experiment: string): Promise<string[]> {
  const client = new MlflowClient(uri);
  const found = await client.call<{ experiment: { experiment_id: string } }>('GET', 'experiments/get-by-name', { experiment_name: experiment });
  return [...(await findPushedRuns(client, found.experiment.experiment_id)).keys()].sort();
}

function uuidOf(store: Store, id: number): string {
  return (store.db.prepare('SELECT uuid FROM runs WHERE id = ?').get(id) as { uuid: string }).uuid;
}

describe('auto-push', { skip: availability.skip }, () => {
  let server: MlflowServer;
  before(async () => {
    server = await startMlflowServer(availability);
  });
  after(async () => {
    await server?.stop();
  });

  test('pushes ended runs only, never cached remote runs; survives a killed server and a reload, resuming from the store', async () => {
    const store = tempStore();
    const quick = { retry: { attempts: 2, baseDelayMs: 20, maxDelayMs: 20 } };
    const states: AutoPushState[] = [];
    const make = () =>
      new AutoPusher({
        uri: server.uri,
        store: () => store,
        since: 0,
        backoff: { baseMs: 200, maxMs: 1000 },
        push: (s, uri, runIds) => pushToMlflow(s, uri, { ...quick, runIds }),
        onState: (state) => states.push(state),
      });
    const ended1 = await addRun(store, { experiment: 'auto', name: 'ended-1', metrics: { loss: steps(1500, (s) => 1 / (s + 1)) } });
    const ended2 = await addRun(store, { experiment: 'auto', name: 'ended-2', params: { lr: '0.1' }, metrics: { loss: steps(10, (s) => s) } });
    const running = await addRun(store, { experiment: 'auto', name: 'still-running', status: 'RUNNING', metrics: { loss: steps(10, (s) => s) } });
    const cached = await addRun(store, { experiment: 'auto', name: 'from-the-server', metrics: { loss: [[0, 1]] } });
    store.db.prepare('UPDATE runs SET external_id = ? WHERE id = ?').run('mlflow-server:http://elsewhere/run/abc', cached);
    assert.deepEqual(pendingRuns(store, server.uri, 0), [ended1, ended2]);

    const pusher = make();
    pusher.poke();
    await pusher.idle();
    assert.deepEqual(pendingRuns(store, server.uri, 0), [], 'the queue is empty once pushed');
    assert.equal(states.at(-1)?.pending, 0);
    assert.deepEqual(await remoteUuids(server.uri, 'auto'), [uuidOf(store, ended1), uuidOf(store, ended2)].sort(), 'neither the running nor the cached run went');

    // The server dies; the running run ends meanwhile: it waits in the queue, with backoff.
    await server.kill();
    store.db.prepare("UPDATE runs SET status = 'FINISHED', end_time = ? WHERE id = ?").run(Date.now(), running);
    store.db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value, seq) VALUES (?, ?, ?, ?, ?, 0)').run(ended1, 'loss', 5000, Date.now(), 0.01);
    pusher.poke();
    await pusher.idle();
    const failed = states.at(-1)!;
    assert.equal(failed.pending, 2, 'the ended run and the run with a new point wait');
    assert.match(failed.error ?? '', /failed 2 times \(last: ECONNREFUSED\)/);
    assert.ok(failed.retryAt !== undefined && failed.retryAt > Date.now() - 1000, 'a retry is scheduled');
    await until('a second, later retry', () => states.filter((s) => s.error).length >= 2);
    const errors = states.filter((s) => s.retryAt !== undefined);
    assert.ok(errors.length >= 2 && errors.at(-1)!.retryAt! - errors.at(-2)!.retryAt! >= 200, 'backoff grows');

    // A reload: this pusher goes, a new one reads the same queue from the store.
    pusher.dispose();
    await server.restart();
    const reloaded = make();
    reloaded.poke();
    await reloaded.idle();
    assert.deepEqual(pendingRuns(store, server.uri, 0), []);
    assert.deepEqual(await remoteUuids(server.uri, 'auto'), [uuidOf(store, ended1), uuidOf(store, ended2), uuidOf(store, running)].sort());
    store.db.prepare('DELETE FROM runs WHERE id = ?').run(cached);
    assertServerMatchesStore(store, readServer(server.python, server.uri), ['auto']);
    reloaded.dispose();
  });
});
