/**
 * Pushes to a real MLflow tracking server (PostgreSQL backend, artifact proxy) started for this
 * file, and reads everything back with MLflow's own Python client.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MlflowServerError } from '../../../src/mlflowServer/client.ts';
import { pushToMlflow } from '../../../src/mlflowServer/push.ts';
import { listAudit } from '../../../src/store/audit.ts';
import { openStore } from '../../../src/store/database.ts';
import { type MlflowServer, freePort, mlflowServerAvailability, startMlflowServer } from '../../support/mlflowServer.ts';
import { tempStore } from '../helpers.ts';
import { addRun, assertServerMatchesStore, fillStore, readServer, steps } from './fixtures.ts';

const availability = mlflowServerAvailability();
const CLI = path.resolve(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');

/** A proxy in front of `upstream` where `fault` may answer a request itself (returning true); the rest pass through. */
async function faultyProxy(upstream: string, fault: (request: http.IncomingMessage, response: http.ServerResponse) => boolean): Promise<string> {
  const proxy = http.createServer((request, response) => {
    if (fault(request, response)) return;
    const forwarded = http.request(`${upstream}${request.url}`, { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(response);
    });
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  after(() => proxy.close());
  return `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
}

describe('push to an MLflow tracking server', { skip: availability.skip }, () => {
  let server: MlflowServer;
  before(async () => {
    server = await startMlflowServer(availability);
  });
  after(async () => {
    await server?.stop();
  });

  test('sends experiments, nested runs, every point (NaN, ±Inf, 10,000 steps), params and tags over the batch limits, artifacts and the registry; again sends only what is new', async () => {
    const store = tempStore();
    const { runs } = await fillStore(store, 'full');
    const first = await pushToMlflow(store, server.uri);
    assert.equal(first.runsCreated, 6);
    assert.equal(first.points, 20_000 + 1 + 50 + 6 + 20 + 5);
    assert.equal(first.versions, 2);
    assert.equal(first.aliases, 2);
    assert.deepEqual(first.warnings, []);
    assertServerMatchesStore(store, readServer(server.python, server.uri));

    const again = await pushToMlflow(store, server.uri);
    assert.deepEqual([again.runsCreated, again.runsUpdated, again.points, again.artifacts, again.versions, again.aliases, again.requests], [0, 0, 0, 0, 0, 0, 0], 'nothing new, nothing sent');

    // New points (after and below the last one sent), a tag and an end: only those go.
    store.db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)').run(runs.long, 'loss', 10_000, 1_800_000_000_000, 0.5);
    store.db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)').run(runs.fold, 'loss', 2, 1_800_000_000_000, -1);
    store.db.prepare("UPDATE runs SET status = 'FINISHED', end_time = ? WHERE id = ?").run(1_800_000_000_000, runs.fold);
    store.db.prepare('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)').run(runs.trial2, 'reviewed', 'yes');
    const third = await pushToMlflow(store, server.uri);
    assert.equal(third.runsCreated, 0);
    assert.equal(third.runsUpdated, 2);
    assert.ok(third.points >= 2 && third.points <= 2 + 5, `only the new points and, for a point below the watermark, that key again (${third.points})`);
    assertServerMatchesStore(store, readServer(server.python, server.uri));

    const audit = listAudit(store.db, { entity: 'store' }).filter((a) => a.action === 'push-mlflow');
    assert.equal(audit.length, 3);
    assert.equal(JSON.parse(audit[2]!.details!).points, first.points);
    assert.ok(!JSON.stringify(audit).includes('password'));
  });

  test('killing the push (kill -9) halfway, then pushing again, loses no point and duplicates nothing', async () => {
    const store = tempStore();
    for (let i = 0; i < 8; i++) {
      await addRun(store, { experiment: 'killed-push', name: `run-${i}`, params: { i: String(i) }, metrics: { loss: steps(1500, (s) => s / (i + 1)), acc: steps(1500, (s) => -1 - s) } });
    }
    const child = spawn(process.execPath, [CLI, 'push', 'mlflow', server.uri], { env: { ...process.env, ML_LIFECYCLE_STORE: store.path }, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const watcher = openStore(store.path, { readonly: true });
    for (;;) {
      const sent = (watcher.db.prepare('SELECT coalesce(sum(points), 0) AS n FROM mlflow_pushed_metrics').get() as { n: number }).n;
      if (sent > 4000) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    await exited;
    const sentBefore = (watcher.db.prepare('SELECT sum(points) AS n FROM mlflow_pushed_metrics').get() as { n: number }).n;
    watcher.close();
    assert.ok(sentBefore < 24_000, `killed before the end (${sentBefore} of 24,000 points recorded)`);

    const resumed = await pushToMlflow(store, server.uri);
    // At most the requests in flight when it was killed (8 batches across runs) are sent twice; the server keeps one copy.
    assert.ok(resumed.points <= 24_000 - sentBefore + 8 * 1000, `resumed where it stopped: ${resumed.points} points`);
    assertServerMatchesStore(store, readServer(server.python, server.uri), ['killed-push']);
  });

  test('a server killed mid-push: the push fails with a clear message, and the next push finishes the job', async () => {
    const store = tempStore();
    for (let i = 0; i < 6; i++) await addRun(store, { experiment: 'killed-server', name: `run-${i}`, metrics: { loss: steps(4000, (s) => s * i) } });
    let killing: Promise<void> | undefined;
    await assert.rejects(
      pushToMlflow(store, server.uri, {
        retry: { attempts: 2, baseDelayMs: 50, maxDelayMs: 50 },
        onProgress: ({ done, total }) => {
          if (!killing && done > total / 3) killing = server.kill();
        },
      }),
      (error: Error) => error instanceof MlflowServerError && /failed 2 times .*push again/.test(error.message),
    );
    await killing;
    await server.restart();
    await pushToMlflow(store, server.uri);
    assertServerMatchesStore(store, readServer(server.python, server.uri), ['killed-server']);
    assert.equal(listAudit(store.db, { entity: 'store' }).filter((a) => a.action === 'push-mlflow-failed').length, 1);
  });

  test('429, 503 and dropped connections are retried with backoff, and nothing lands twice', async () => {
    let requests = 0;
    let failed = 0;
    const uri = await faultyProxy(server.uri, (request, response) => {
      requests++;
      if (requests % 3 !== 0) return false;
      failed++;
      if (requests % 9 === 0) request.socket.destroy();
      else {
        response.writeHead(requests % 2 ? 429 : 503, { 'retry-after': '0' });
        response.end('busy');
      }
      return true;
    });
    const store = tempStore();
    const parent = await addRun(store, { experiment: 'flaky', name: 'parent', params: { a: '1' }, metrics: { loss: steps(3000, (s) => 1 / (s + 1)) } });
    for (let i = 0; i < 4; i++) await addRun(store, { experiment: 'flaky', name: `child-${i}`, parent, metrics: { loss: steps(500, (s) => s * i), nan: [[0, Number.NaN], [1, Infinity]] } });
    const retries: string[] = [];
    await pushToMlflow(store, uri, { retry: { baseDelayMs: 10, maxDelayMs: 50 }, onRetry: ({ reason }) => retries.push(reason) });
    assert.ok(failed > 10, `the proxy failed ${failed} of ${requests} requests`);
    assert.ok(retries.some((r) => r === 'HTTP 429') && retries.some((r) => r === 'HTTP 503') && retries.some((r) => !r.startsWith('HTTP')), retries.join(', '));
    assertServerMatchesStore(store, readServer(server.python, server.uri), ['flaky']);
  });

  test("a server whose database connections are all busy (MLflow's 400 for a full pool) is retried like a 503", async () => {
    // The body a loaded `mlflow server` over PostgreSQL sent in the push bench.
    const poolTimeout = JSON.stringify({
      error_code: 'BAD_REQUEST',
      message: 'QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00 (Background on this error at: https://sqlalche.me/e/21/3o7r)',
    });
    let batches = 0;
    let refused = 0;
    const uri = await faultyProxy(server.uri, (request, response) => {
      if (!request.url?.endsWith('/runs/log-batch') || ++batches % 4 !== 0) return false;
      refused++;
      request.resume();
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(poolTimeout);
      return true;
    });
    const store = tempStore();
    for (let i = 0; i < 3; i++) await addRun(store, { experiment: 'busy-pool', name: `run-${i}`, metrics: { loss: steps(2500, (s) => s * i), acc: steps(2500, (s) => -1 - s) } });
    const retries: string[] = [];
    const summary = await pushToMlflow(store, uri, { retry: { baseDelayMs: 10, maxDelayMs: 50 }, onRetry: ({ reason }) => retries.push(reason) });
    assert.equal(summary.points, 15_000);
    assert.ok(refused >= 3 && retries.filter((r) => r.includes('connections are all busy')).length === refused, retries.join(', '));
    assertServerMatchesStore(store, readServer(server.python, server.uri), ['busy-pool']);
  });

  test('bad input: nothing listening, not an MLflow server, a deleted experiment of the same name', async () => {
    const store = tempStore();
    await addRun(store, { experiment: 'clash', name: 'r', metrics: { loss: [[0, 1]] } });
    const quick = { retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 } };
    await assert.rejects(pushToMlflow(store, `http://127.0.0.1:${await freePort()}/`, quick), /failed 2 times \(last: ECONNREFUSED\)/);
    await assert.rejects(pushToMlflow(store, 'ftp://example.com', quick), /not an http\(s\) tracking server URI/);
    const notMlflow = http.createServer((_request, response) => {
      response.writeHead(404, { 'content-type': 'text/html' });
      response.end('<html>nope</html>');
    });
    await new Promise<void>((resolve) => notMlflow.listen(0, '127.0.0.1', resolve));
    after(() => notMlflow.close());
    await assert.rejects(pushToMlflow(store, `http://127.0.0.1:${(notMlflow.address() as { port: number }).port}`, quick), /not an MLflow tracking server/);

    const post = (endpoint: string, body: unknown) =>
      fetch(`${server.uri}/api/2.0/mlflow/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const created = (await (await post('experiments/create', { name: 'clash' })).json()) as { experiment_id: string };
    assert.equal((await post('experiments/delete', { experiment_id: created.experiment_id })).status, 200);
    await assert.rejects(pushToMlflow(store, server.uri, quick), /deleted experiment named "clash".*Restore it/);
    assert.equal((store.db.prepare("SELECT count(*) AS n FROM mlflow_remote_ids WHERE entity = 'run'").get() as { n: number }).n, 0, 'no run recorded as pushed');
  });
});
