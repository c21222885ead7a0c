/**
 * Browsing a real MLflow tracking server (PostgreSQL backend) started for this file: two
 * workspaces push to it, and each browses the other's runs into its own store's cache.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { browseServer } from '../../../src/mlflowServer/browse.ts';
import { MlflowServerError } from '../../../src/mlflowServer/client.ts';
import { fetchHistories, refreshRemoteRuns, remoteRunsByServer } from '../../../src/mlflowServer/history.ts';
import { pushToMlflow } from '../../../src/mlflowServer/push.ts';
import { forgetServer } from '../../../src/mlflowServer/remoteCache.ts';
import { registerModelVersion } from '../../../src/registry/models.ts';
import { removeRunTag, setRunNote, setRunTag } from '../../../src/runpage/edits.ts';
import type { Store } from '../../../src/store/database.ts';
import { MARK_DIRTY_SQL } from '../../../src/store/metricBlocks.ts';
import { listExperiments, renameExperiment, renameRun, trash } from '../../../src/tracking/experiments.ts';
import { RemoteRowError, localOnly } from '../../../src/tracking/remoteRows.ts';
import { attachRun } from '../../../src/tracking/runLogger.ts';
import { createRun } from '../../../src/tracking/runRecords.ts';
import { childrenOf, describeNode } from '../../../src/tracking/treeModel.ts';
import { type MlflowServer, mlflowServerAvailability, startMlflowServer } from '../../support/mlflowServer.ts';
import { tempStore } from '../helpers.ts';
import { fillStore } from './fixtures.ts';

const availability = mlflowServerAvailability();
const FAST_FAIL = { attempts: 2, baseDelayMs: 20, maxDelayMs: 50, timeoutMs: 5000 };

/** What MLflow's SQL store gives back for a value: ±Inf become ±max double ("Sql can not represent Infs"). */
function asServerKeeps(value: number | null): number | null {
  if (value === Infinity) return Number.MAX_VALUE;
  if (value === -Infinity) return -Number.MAX_VALUE;
  return value;
}

type Point = [number, number, number | null];

function points(store: Store, runId: number, key: string, serverSide: boolean): Point[] {
  const rows = store.db.prepare('SELECT step, timestamp, value FROM metrics WHERE run_id = ? AND key = ?').all(runId, key) as { step: number; timestamp: number; value: number | null }[];
  return rows
    .map((p): Point => [p.step, p.timestamp, serverSide ? asServerKeeps(p.value) : p.value])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1] || (a[2] ?? -Infinity) - (b[2] ?? -Infinity));
}

function keyValues(store: Store, table: 'params' | 'tags', runId: number): Record<string, string> {
  const rows = store.db.prepare(`SELECT key, value FROM ${table} WHERE run_id = ? ORDER BY key`).all(runId) as { key: string; value: string }[];
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** The cached copy in `viewer` of each of `owner`'s pushed runs (found by the uuid tag the push sets). */
function cachedCopies(viewer: Store, owner: Store): Map<number, number> {
  const copies = new Map<number, number>();
  const local = owner.db.prepare(`SELECT id, uuid FROM runs r WHERE deleted_at IS NULL AND ${localOnly('r')}`).all() as { id: number; uuid: string }[];
  for (const run of local) {
    const copy = viewer.db
      .prepare("SELECT r.id FROM runs r JOIN tags t ON t.run_id = r.id AND t.key = 'ml-lifecycle.run_uuid' WHERE t.value = ? AND r.external_id LIKE 'mlflow-server:%'")
      .get(run.uuid) as { id: number } | undefined;
    if (copy) copies.set(run.id, copy.id);
  }
  return copies;
}

function assertBrowsedEqual(viewer: Store, owner: Store, uri: string): void {
  const copies = cachedCopies(viewer, owner);
  const ownerRuns = owner.db.prepare(`SELECT r.id, r.name, r.status, r.start_time AS startTime, r.parent_run_id AS parent, e.name AS experiment FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE ${localOnly('r')}`).all() as {
    id: number;
    name: string;
    status: string;
    startTime: number;
    parent: number | null;
    experiment: string;
  }[];
  assert.equal(copies.size, ownerRuns.length, 'every run of the other workspace is cached');
  const host = new URL(uri).host;
  for (const run of ownerRuns) {
    const copyId = copies.get(run.id)!;
    const copy = viewer.db
      .prepare('SELECT r.name, r.status, r.start_time AS startTime, r.parent_run_id AS parent, e.name AS experiment FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?')
      .get(copyId) as { name: string; status: string; startTime: number; parent: number | null; experiment: string };
    assert.equal(copy.name, run.name);
    assert.equal(copy.status, run.status);
    assert.equal(copy.startTime, run.startTime);
    assert.equal(copy.experiment, `${run.experiment} @ ${host}`, 'named with the server host');
    assert.equal(copy.parent, run.parent === null ? null : copies.get(run.parent), `parent of ${run.name}`);
    assert.deepEqual(keyValues(viewer, 'params', copyId), keyValues(owner, 'params', run.id), `params of ${run.name}`);
    const tags = keyValues(viewer, 'tags', copyId);
    for (const [key, value] of Object.entries(keyValues(owner, 'tags', run.id))) assert.equal(tags[key], value, `tag ${key} of ${run.name}`);
    const keys = (owner.db.prepare('SELECT DISTINCT key FROM metrics WHERE run_id = ? ORDER BY key').pluck().all(run.id) as string[]);
    assert.deepEqual(viewer.db.prepare('SELECT DISTINCT key FROM metrics WHERE run_id = ? ORDER BY key').pluck().all(copyId), keys, `metric keys of ${run.name}`);
    for (const key of keys) assert.deepEqual(points(viewer, copyId, key, false), points(owner, run.id, key, true), `every point of ${run.name}/${key}`);
  }
}

async function browseAll(store: Store, uri: string, options: Parameters<typeof browseServer>[2] = {}) {
  const summary = await browseServer(store, uri, options);
  const runIds = store.db.prepare("SELECT id FROM runs WHERE external_id LIKE 'mlflow-server:%'").pluck().all() as number[];
  const runs = remoteRunsByServer(store, runIds).get(summary.uri) ?? [];
  const history = await fetchHistories(store, uri, runs, { pageSize: 4000 });
  return { summary, history, runs };
}

describe('browse a team MLflow tracking server', { skip: availability.skip }, () => {
  let server: MlflowServer;
  const alpha = tempStore();
  const beta = tempStore();
  let betaRuns: Record<string, number>;
  before(async () => {
    server = await startMlflowServer(availability);
    await fillStore(alpha, 'alpha');
    betaRuns = (await fillStore(beta, 'beta')).runs;
    await pushToMlflow(alpha, server.uri);
    await pushToMlflow(beta, server.uri);
  });
  after(async () => {
    await server?.stop();
  });

  test('two workspaces push to one server; each browses the other’s experiments, runs, params, tags and every point (NaN, ±Inf, 10,000 steps, paged)', async () => {
    const a = await browseAll(alpha, server.uri, { pageSize: 2 });
    assert.ok(a.summary.pages > a.summary.experiments, `runs came in more than one page per experiment (${a.summary.pages} pages)`);
    assert.equal(a.summary.runs, 12);
    assert.ok(a.history.requests > 2 * 2 * 2, `histories came in pages (${a.history.requests} requests)`);
    assertBrowsedEqual(alpha, beta, server.uri);
    const b = await browseAll(beta, server.uri);
    assert.equal(b.summary.runs, 12);
    assertBrowsedEqual(beta, alpha, server.uri);

    // The tree: local experiments at the top, the server's under a cloud node marked remote.
    const options = { pageSize: 50, staleBefore: 0, runDescription: 'last' as const, shown: new Map(), servers: [server.uri] };
    const roots = childrenOf(alpha, undefined, options);
    const serverNode = roots.find((n) => n.kind === 'server');
    assert.ok(serverNode, 'a server node');
    assert.equal(describeNode(serverNode, options).icon.id, 'cloud');
    assert.deepEqual(roots.filter((n) => n.kind === 'experiment').map((n) => (n.kind === 'experiment' ? n.experiment.name : '')).sort(), ['alpha-long', 'alpha-sweep']);
    const remoteExperiments = childrenOf(alpha, serverNode, options);
    assert.equal(remoteExperiments.length, 5, "the four pushed experiments and MLflow's Default");
    const remoteRun = childrenOf(alpha, remoteExperiments[0], options)[0]!;
    assert.match(describeNode(remoteRun, options).contextValue, /\.remote$/);
    assert.match(describeNode(remoteRun, options).accessibilityLabel ?? '', /remote, read-only/);

    // A second browse changes nothing and fetches no finished history again.
    const again = await browseAll(alpha, server.uri);
    assert.equal(again.history.points, 0);
    assertBrowsedEqual(alpha, beta, server.uri);
  });

  test('a RUNNING run’s history is refreshed incrementally: only the new points are fetched', async () => {
    const { fold } = betaRuns;
    await browseAll(alpha, server.uri);
    const copy = cachedCopies(alpha, beta).get(fold!)!;
    const before = points(alpha, copy, 'loss', false).length;
    // Beta logs more (later steps, later timestamps) and pushes; alpha polls.
    const insert = beta.db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)');
    for (let step = 5; step < 305; step++) insert.run(fold, 'loss', step, 1_760_000_000_000 + step, step % 7 === 0 ? null : step / 3);
    beta.db.prepare(MARK_DIRTY_SQL).run(fold, 'loss', 5, 304);
    await pushToMlflow(beta, server.uri);
    const runs = remoteRunsByServer(alpha, [copy]).get(server.uri)!;
    assert.equal(runs[0]!.status, 'RUNNING');
    await refreshRemoteRuns(alpha, server.uri, runs);
    const polled = await fetchHistories(alpha, server.uri, runs, { pageSize: 100 });
    // The refresh cached the latest point already; the history adds the 299 others, once each.
    assert.equal(polled.points, 299, 'only the new points');
    assert.equal(polled.requests, 3, 'three pages of 100, none of the old points');
    assert.equal(points(alpha, copy, 'loss', false).length, before + 300);

    // The run ends: the next poll sees it, and its history is final.
    beta.db.prepare("UPDATE runs SET status = 'FINISHED', end_time = ? WHERE id = ?").run(1_760_000_001_000, fold);
    await pushToMlflow(beta, server.uri);
    await refreshRemoteRuns(alpha, server.uri, runs);
    const ended = remoteRunsByServer(alpha, [copy]).get(server.uri)!;
    assert.equal(ended[0]!.status, 'FINISHED');
    const last = await fetchHistories(alpha, server.uri, ended);
    assert.equal(last.points, 0);
    assert.equal((await fetchHistories(alpha, server.uri, ended)).requests, 0, 'a final history is not asked for again');
    assertBrowsedEqual(alpha, beta, server.uri);
  });

  test('cached remote rows are read-only: every write path refuses them with a one-line reason, and push never sends them back', async () => {
    await browseAll(alpha, server.uri);
    const copies = cachedCopies(alpha, beta);
    const runId = copies.get(betaRuns.trial1!)!;
    const uuid = alpha.db.prepare('SELECT uuid FROM runs WHERE id = ?').pluck().get(runId) as string;
    const experimentId = alpha.db.prepare('SELECT experiment_id FROM runs WHERE id = ?').pluck().get(runId) as number;
    const experimentName = alpha.db.prepare('SELECT name FROM experiments WHERE id = ?').pluck().get(experimentId) as string;
    const refusals: [string, () => unknown][] = [
      ['rename run', () => renameRun(alpha, runId, 'mine now')],
      ['rename experiment', () => renameExperiment(alpha, experimentId, 'mine now')],
      ['trash run', () => trash(alpha, [{ kind: 'run', id: runId }])],
      ['trash experiment', () => trash(alpha, [{ kind: 'experiment', id: experimentId }])],
      ['tag', () => setRunTag(alpha, runId, 'reviewed', 'yes')],
      ['untag', () => removeRunTag(alpha, runId, 'mlflow.user')],
      ['note', () => setRunNote(alpha, runId, 'my note')],
      ['log', () => attachRun(alpha, uuid)],
      ['log a new run', () => createRun(alpha, { experiment: experimentName, source: 'node' })],
      ['register', () => registerModelVersion(alpha, { modelName: 'stolen', runId, artifact: { uri: 'file:///x', sha256: 'a'.repeat(64), size: 1 }, artifactSource: 'run' })],
    ];
    const before = alpha.db.prepare('SELECT count(*) FROM audit_log').pluck().get();
    for (const [what, write] of refusals) {
      assert.throws(write, (error: Error) => {
        assert.ok(error instanceof RemoteRowError, `${what}: ${error.message}`);
        assert.match(error.message, new RegExp(`read-only copy of an? (run|experiment) on ${server.uri.replace(/[.]/g, '\\.')}`));
        assert.ok(!error.message.includes('\n'), 'one line');
        return true;
      });
    }
    assert.equal(alpha.db.prepare('SELECT count(*) FROM audit_log').pluck().get(), before, 'nothing written');
    assert.equal(alpha.db.prepare('SELECT name FROM runs WHERE id = ?').pluck().get(runId), 'trial-1');

    const pushed = await pushToMlflow(alpha, server.uri);
    assert.equal(pushed.experiments, 0);
    assert.equal(pushed.runsCreated, 0, 'cached remote runs are not pushed back');
    const names = (await browseServer(alpha, server.uri)).experiments;
    assert.equal(names, 5, "the server still has only the four pushed experiments and MLflow's Default");

    // Removing the server drops the cache, and only the cache.
    const local = listExperiments(alpha).filter((e) => !e.name.includes(' @ ')).length;
    const removed = forgetServer(alpha.db, server.uri);
    assert.equal(removed, 12);
    assert.equal(listExperiments(alpha).length, local);
    assert.equal((await browseServer(beta, server.uri)).runs, 12, 'nothing changed on the server');
  });

  test('a server that dies mid-browse gives a clear message and leaves the cache consistent', async () => {
    const viewer = tempStore();
    await browseServer(viewer, server.uri);
    const cachedBefore = viewer.db.prepare("SELECT count(*) FROM runs WHERE external_id LIKE 'mlflow-server:%'").pluck().get() as number;
    assert.equal(cachedBefore, 12);
    let pages = 0;
    let killed: Promise<void> | undefined;
    await assert.rejects(
      browseServer(viewer, server.uri, {
        pageSize: 1,
        retry: FAST_FAIL,
        onProgress: () => {
          if (++pages === 3) killed = server.kill();
        },
      }),
      (error: Error) => {
        assert.ok(error instanceof MlflowServerError);
        assert.match(error.message, /^Lost http:\/\/127\.0\.0\.1:\d+ while fetching \(.+\)\. The \d+ runs fetched so far are cached; runs cached before are kept\. Refresh when the server is back\.$/);
        return true;
      },
    );
    await killed;
    assert.equal(viewer.db.prepare("SELECT count(*) FROM runs WHERE external_id LIKE 'mlflow-server:%'").pluck().get(), cachedBefore, 'no cached run lost');
    assert.deepEqual(viewer.db.pragma('foreign_key_check'), []);
    assert.equal(viewer.db.pragma('integrity_check', { simple: true }), 'ok');
    const runs = remoteRunsByServer(viewer, viewer.db.prepare("SELECT id FROM runs WHERE external_id LIKE 'mlflow-server:%'").pluck().all() as number[]).get(server.uri)!;
    await assert.rejects(fetchHistories(viewer, server.uri, runs, { retry: FAST_FAIL }), /^MlflowServerError: Lost .* The 0 points fetched so far are cached/);

    await server.restart();
    const { summary } = await browseAll(viewer, server.uri);
    assert.equal(summary.runs, 12);
    assertBrowsedEqual(viewer, beta, server.uri);
    assertBrowsedEqual(viewer, alpha, server.uri);
  });
});
