/**
 * Authentication against MLflow's own basic-auth app (`mlflow server --app-name basic-auth`, the
 * mlflowauth venv) with a random admin password: 401 and 403 say which credential to set, a
 * refused push leaves nothing half-written, and the secret never reaches the store or the log.
 * The bearer-token path goes through a small gateway that checks the token, as teams put one in
 * front of MLflow (the basic-auth app itself takes no tokens).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MlflowServerError } from '../../../src/mlflowServer/client.ts';
import { describePush } from '../../../src/mlflowServer/describe.ts';
import { pushToMlflow } from '../../../src/mlflowServer/push.ts';
import { type MlflowServer, mlflowServerAvailability, startMlflowServer } from '../../support/mlflowServer.ts';
import { tempDir, tempStore } from '../helpers.ts';
import { addRun, steps } from './fixtures.ts';

const availability = mlflowServerAvailability('mlflowauth');
const CLI = path.resolve(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');
const ADMIN_PASSWORD = crypto.randomBytes(12).toString('hex');
const ALICE_PASSWORD = crypto.randomBytes(12).toString('hex');
const TOKEN = crypto.randomBytes(16).toString('hex');
const admin = { kind: 'basic' as const, username: 'admin', password: ADMIN_PASSWORD };
const quick = { retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 } };

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** Every byte of the store (and its WAL) and of the log, to look for a secret in. */
function storeBytes(storePath: string): string {
  return [storePath, `${storePath}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1')).join('');
}

describe('authentication with MLflow basic-auth', { skip: availability.skip }, () => {
  let server: MlflowServer;
  before(async () => {
    const dir = tempDir('mll-auth-');
    const ini = path.join(dir, 'basic_auth.ini');
    fs.writeFileSync(
      ini,
      ['[mlflow]', 'default_permission = READ', `database_uri = sqlite:///${path.join(dir, 'basic_auth.db')}`, 'admin_username = admin', 'authorization_function = mlflow.server.auth:authenticate_request_basic_auth', ''].join('\n'),
    );
    server = await startMlflowServer(availability, {
      appName: 'basic-auth',
      env: { MLFLOW_AUTH_CONFIG_PATH: ini, MLFLOW_AUTH_ADMIN_PASSWORD: ADMIN_PASSWORD, MLFLOW_FLASK_SERVER_SECRET_KEY: crypto.randomBytes(16).toString('hex') },
    });
    const created = await fetch(`${server.uri}/api/2.0/mlflow/users/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic('admin', ADMIN_PASSWORD) },
      body: JSON.stringify({ username: 'alice', password: ALICE_PASSWORD }),
    });
    assert.equal(created.status, 200, await created.text());
  });
  after(async () => {
    await server?.stop();
  });

  test('401 names the credential to set (environment for the CLI, the command in VS Code); admin pushes; the secret stays out of the store and the log', async () => {
    const store = tempStore();
    await addRun(store, { experiment: 'secured', name: 'r', params: { a: '1' }, metrics: { loss: steps(50, (s) => s) } });

    await assert.rejects(pushToMlflow(store, server.uri, quick), (error: Error) => {
      assert.ok(error instanceof MlflowServerError && error.status === 401);
      assert.match(error.message, /HTTP 401.*The server needs credentials: set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD \(or MLFLOW_TRACKING_TOKEN\)\./);
      return true;
    });
    await assert.rejects(pushToMlflow(store, server.uri, { ...quick, credentials: { kind: 'basic', username: 'admin', password: 'wrong' } }), /MLFLOW_TRACKING_USERNAME "admin" and MLFLOW_TRACKING_PASSWORD were not accepted: check them\./);
    await assert.rejects(
      pushToMlflow(store, server.uri, { ...quick, credentials: { kind: 'basic', username: 'admin', password: 'wrong' }, credentialSource: { kind: 'command', title: 'ML Lifecycle: Set MLflow Server Credentials' } }),
      /user name "admin" and password kept for this server were not accepted: run "ML Lifecycle: Set MLflow Server Credentials" for this server again\./,
    );

    const log: string[] = [];
    const summary = await pushToMlflow(store, server.uri, { credentials: admin, onRetry: (r) => log.push(JSON.stringify(r)) });
    log.push(...describePush(summary));
    assert.equal(summary.runsCreated, 1);
    assert.equal(summary.points, 50);

    // The CLI reads the environment as MLflow does; its output is the log a user sees.
    const cli = spawnSync(process.execPath, [CLI, 'push', 'mlflow', server.uri], {
      encoding: 'utf8',
      env: { ...process.env, ML_LIFECYCLE_STORE: store.path, MLFLOW_TRACKING_USERNAME: 'admin', MLFLOW_TRACKING_PASSWORD: ADMIN_PASSWORD },
    });
    assert.equal(cli.status, 0, cli.stderr);
    log.push(cli.stdout, cli.stderr);
    const denied = spawnSync(process.execPath, [CLI, 'push', 'mlflow', server.uri], { encoding: 'utf8', env: { ...process.env, ML_LIFECYCLE_STORE: store.path, MLFLOW_TRACKING_USERNAME: 'admin', MLFLOW_TRACKING_PASSWORD: 'nope' } });
    assert.notEqual(denied.status, 0);
    assert.match(denied.stderr, /MLFLOW_TRACKING_USERNAME "admin" and MLFLOW_TRACKING_PASSWORD were not accepted/);

    store.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const secret of [ADMIN_PASSWORD, basic('admin', ADMIN_PASSWORD).slice(6)]) {
      assert.ok(!storeBytes(store.path).includes(secret), 'no secret in the store file');
      assert.ok(!log.join('\n').includes(secret), 'no secret in the log');
    }
  });

  test('403 says the user may not, and nothing is half-written', async () => {
    const setup = tempStore();
    await addRun(setup, { experiment: 'owned-by-admin', name: 'first', metrics: { loss: [[0, 1]] } });
    await pushToMlflow(setup, server.uri, { credentials: admin });

    const store = tempStore();
    await addRun(store, { experiment: 'owned-by-admin', name: 'alices', metrics: { loss: steps(20, (s) => s) } });
    await assert.rejects(pushToMlflow(store, server.uri, { ...quick, credentials: { kind: 'basic', username: 'alice', password: ALICE_PASSWORD } }), (error: Error) => {
      assert.ok(error instanceof MlflowServerError && error.status === 403);
      assert.match(error.message, /HTTP 403.*The user "alice" may not do this: ask the server's admin for permission on the experiment or model\./);
      return true;
    });
    const recorded = store.db.prepare("SELECT count(*) AS n FROM mlflow_remote_ids WHERE entity = 'run'").get() as { n: number };
    assert.equal(recorded.n, 0, 'no run recorded as pushed');
    assert.equal((store.db.prepare('SELECT count(*) AS n FROM mlflow_pushed_metrics').get() as { n: number }).n, 0);
  });

  test('a bearer token (MLFLOW_TRACKING_TOKEN) through a gateway; a wrong one is named', async () => {
    const gateway = http.createServer((request, response) => {
      if (request.headers.authorization !== `Bearer ${TOKEN}`) {
        response.writeHead(401, { 'content-type': 'application/json' });
        response.end('{"error_code": "UNAUTHENTICATED", "message": "bad token"}');
        return;
      }
      const upstream = http.request(`${server.uri}${request.url}`, { method: request.method, headers: { ...request.headers, authorization: basic('admin', ADMIN_PASSWORD) } }, (answer) => {
        response.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(response);
      });
      request.pipe(upstream);
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    after(() => gateway.close());
    const uri = `http://127.0.0.1:${(gateway.address() as { port: number }).port}`;
    const store = tempStore();
    await addRun(store, { experiment: 'by-token', name: 'r', metrics: { loss: steps(10, (s) => s) } });
    await assert.rejects(pushToMlflow(store, uri, { ...quick, credentials: { kind: 'token', token: 'stale' } }), /MLFLOW_TRACKING_TOKEN was not accepted: check or renew it\./);
    const summary = await pushToMlflow(store, uri, { credentials: { kind: 'token', token: TOKEN } });
    assert.equal(summary.points, 10);
  });
});
