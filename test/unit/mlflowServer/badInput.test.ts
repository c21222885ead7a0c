/**
 * Issue 14's bad input, each a one-line message and nothing half-written, against a real MLflow
 * tracking server (and a plain Python http.server, a proxy with an upload limit, HTTPS with a
 * self-signed certificate). A wrong URL, a non-MLflow 404, a deleted experiment and dropped
 * connections are in push.test.ts; an MLflow too old for an endpoint in remoteRegistry.test.ts.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MlflowClient } from '../../../src/mlflowServer/client.ts';
import { pushToMlflow } from '../../../src/mlflowServer/push.ts';
import { checkServer } from '../../../src/mlflowServer/remote.ts';
import { httpsAgentOptions, tlsFromEnv } from '../../../src/mlflowServer/tlsTransport.ts';
import { type MlflowServer, freePort, mlflowServerAvailability, startMlflowServer } from '../../support/mlflowServer.ts';
import { tempDir, tempStore } from '../helpers.ts';
import { addRun, readServer, steps } from './fixtures.ts';

const availability = mlflowServerAvailability();
const quick = { retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 } };

function listen(server: http.Server | https.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(String((server.address() as { port: number }).port))));
}

test('TLS options are read as MLflow reads them', () => {
  assert.equal(tlsFromEnv({}), undefined);
  assert.deepEqual(tlsFromEnv({ MLFLOW_TRACKING_INSECURE_TLS: 'True' }), { insecure: true });
  assert.equal(tlsFromEnv({ MLFLOW_TRACKING_INSECURE_TLS: '0' }), undefined);
  assert.deepEqual(tlsFromEnv({ MLFLOW_TRACKING_SERVER_CERT_PATH: '/ca.pem' }), { serverCertPath: '/ca.pem' });
  assert.throws(() => tlsFromEnv({ MLFLOW_TRACKING_INSECURE_TLS: 'yes' }), /must be one of true, false, 1, 0/);
  assert.throws(() => tlsFromEnv({ MLFLOW_TRACKING_INSECURE_TLS: 'true', MLFLOW_TRACKING_SERVER_CERT_PATH: '/ca.pem' }), /both set: set only one/);
  assert.deepEqual(httpsAgentOptions({ insecure: true }), { rejectUnauthorized: false });
  assert.throws(() => httpsAgentOptions({ serverCertPath: '/nowhere/ca.pem' }), /MLFLOW_TRACKING_SERVER_CERT_PATH \/nowhere\/ca\.pem cannot be read \(ENOENT\)/);
});

test('HTTPS with a self-signed certificate: refused with what to set, then verified with the CA file, or not verified when insecure', { skip: spawnSync('openssl', ['version']).status === 0 ? false : 'needs openssl' }, async () => {
  const dir = tempDir('mll-tls-');
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"experiments": []}');
  });
  const uri = `https://127.0.0.1:${await listen(server)}`;
  after(() => server.close());
  await assert.rejects(checkServer(new MlflowClient(uri, quick)), /TLS connection failed \(.*\)\. Give the server's CA bundle in MLFLOW_TRACKING_SERVER_CERT_PATH, or set MLFLOW_TRACKING_INSECURE_TLS=true/);
  await checkServer(new MlflowClient(uri, { ...quick, tls: { serverCertPath: cert } }));
  await checkServer(new MlflowClient(uri, { ...quick, tls: { insecure: true } }));
});

test("a plain Python http.server is not taken for MLflow", async () => {
  const port = await freePort();
  const dir = tempDir('mll-plain-');
  const child: ChildProcess = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir], { stdio: 'ignore' });
  after(() => child.kill());
  const uri = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(uri);
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const store = tempStore();
  await addRun(store, { experiment: 'plain', name: 'r', metrics: { loss: [[0, 1]] } });
  await assert.rejects(pushToMlflow(store, uri, quick), /has no experiments\/search endpoint \(HTTP 501\): it is not an MLflow tracking server/);
  assert.equal((store.db.prepare('SELECT count(*) AS n FROM mlflow_remote_ids').get() as { n: number }).n, 0);
});

describe('bad input against a real server', { skip: availability.skip }, () => {
  let server: MlflowServer;
  before(async () => {
    server = await startMlflowServer(availability);
  });
  after(async () => {
    await server?.stop();
  });

  test('an experiment name now held by a different experiment on the server', async () => {
    const store = tempStore();
    await addRun(store, { experiment: 'moved', name: 'r1', metrics: { loss: [[0, 1]] } });
    await pushToMlflow(store, server.uri);
    const post = (endpoint: string, body: unknown) => fetch(`${server.uri}/api/2.0/mlflow/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const old = (await (await fetch(`${server.uri}/api/2.0/mlflow/experiments/get-by-name?experiment_name=moved`)).json()) as { experiment: { experiment_id: string } };
    assert.equal((await post('experiments/update', { experiment_id: old.experiment.experiment_id, new_name: 'moved-away' })).status, 200);
    assert.equal((await post('experiments/create', { name: 'moved' })).status, 200);
    await addRun(store, { experiment: 'moved', name: 'r2', metrics: { loss: [[0, 2]] } });
    await assert.rejects(pushToMlflow(store, server.uri, quick), /The server's experiment "moved" \(id \d+\) is not the one this store pushed it to \(id \d+\): it was renamed or replaced on the server\./);
    const runs = readServer(server.python, server.uri).experiments.find((e) => e.name === 'moved')!.runs;
    assert.deepEqual(runs, [], 'nothing went into the other experiment');
  });

  test('a metric the server refuses: named with its run, the points before it kept', async () => {
    const store = tempStore();
    await addRun(store, { experiment: 'refused', name: 'r', metrics: { 'a-fine': steps(10, (s) => s), '../escape': [[0, 1]] } });
    await assert.rejects(pushToMlflow(store, server.uri, quick), /^MlflowServerError: The server refused metric "\.\.\/escape" of run "r" \(INVALID_PARAMETER_VALUE\): .*Points sent before are kept/);
    const marks = store.db.prepare('SELECT key, points FROM mlflow_pushed_metrics').all() as { key: string; points: number }[];
    assert.deepEqual(marks, [], 'the refused batch is not recorded as sent');
  });

  test("an artifact over the proxy's size limit", async () => {
    const limit = 64 * 1024;
    const proxy = http.createServer((request, response) => {
      if (request.method === 'PUT' && Number(request.headers['content-length'] ?? 0) > limit) {
        response.writeHead(413, { 'content-type': 'text/html' });
        response.end('<html><body>413 Request Entity Too Large</body></html>');
        request.resume();
        return;
      }
      const upstream = http.request(`${server.uri}${request.url}`, { method: request.method, headers: request.headers }, (answer) => {
        response.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(response);
      });
      request.pipe(upstream);
    });
    const uri = `http://127.0.0.1:${await listen(proxy)}`;
    after(() => proxy.close());
    const store = tempStore();
    const big = path.join(store.dir, 'big.bin');
    fs.writeFileSync(big, Buffer.alloc(limit * 2, 1));
    await addRun(store, { experiment: 'too-big', name: 'r', metrics: { loss: steps(5, (s) => s) }, artifacts: [big] });
    await assert.rejects(pushToMlflow(store, uri, quick), /refused upload .*\/big\.bin: too large for the server or its proxy \(HTTP 413\)/);
    assert.equal((store.db.prepare("SELECT count(*) AS n FROM mlflow_remote_ids WHERE entity = 'artifact'").get() as { n: number }).n, 0, 'the artifact is not recorded as sent');
    assert.equal((store.db.prepare('SELECT sum(points) AS n FROM mlflow_pushed_metrics').get() as { n: number }).n, 5, 'the points before it are kept');
  });
});
