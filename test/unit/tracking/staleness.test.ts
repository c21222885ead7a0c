import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { countActiveRuns, getRun, listExperiments } from '../../../src/tracking/experiments.ts';
import { STALE_HEARTBEAT_SECONDS, effectiveStatusSql, staleCutoff } from '../../../src/tracking/staleness.ts';
import { tempStore } from '../helpers.ts';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

function python(code: string): string {
  return execFileSync('python3', ['-c', code], { cwd: path.join(root, 'python'), encoding: 'utf8' }).trim();
}

test('the Node rule, the Python logger and the setting agree on when a run reads as KILLED', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
  };
  assert.equal(manifest.contributes.configuration.properties['mlLifecycle.staleHeartbeatSeconds']?.default, STALE_HEARTBEAT_SECONDS);
  assert.equal(Number(python('import ml_lifecycle; print(ml_lifecycle.STALE_HEARTBEAT_SECONDS)')), STALE_HEARTBEAT_SECONDS);
  assert.equal(python('import ml_lifecycle; print(ml_lifecycle._effective_status_sql("r", "?"))'), effectiveStatusSql('r', '?'));
});

test('a RUNNING run reads as KILLED once its heartbeat is older than the cutoff, and live before', () => {
  const store = tempStore();
  const now = 1_700_000_000_000;
  store.db.prepare("INSERT INTO experiments (name, created_at) VALUES ('e', 0)").run();
  const heartbeat = now - STALE_HEARTBEAT_SECONDS * 1000;
  const id = Number(
    store.db.prepare("INSERT INTO runs (uuid, experiment_id, name, status, start_time, heartbeat_at) VALUES ('a', 1, 'r', 'RUNNING', 0, ?)").run(heartbeat).lastInsertRowid,
  );
  assert.equal(getRun(store, id, staleCutoff(STALE_HEARTBEAT_SECONDS, now))?.status, 'RUNNING');
  assert.equal(countActiveRuns(store, staleCutoff(STALE_HEARTBEAT_SECONDS, now)), 1);
  assert.equal(getRun(store, id, staleCutoff(STALE_HEARTBEAT_SECONDS, now + 1))?.status, 'KILLED');
  assert.equal(countActiveRuns(store, staleCutoff(STALE_HEARTBEAT_SECONDS, now + 1)), 0);
});

test("a run cached from a team's server reads as the server said, however old the cache; the status bar counts only local runs", () => {
  const store = tempStore();
  const now = 1_700_000_000_000;
  const cutoff = staleCutoff(STALE_HEARTBEAT_SECONDS, now);
  store.db.prepare("INSERT INTO experiments (name, created_at, external_id) VALUES ('team', 0, 'mlflow-server:http://127.0.0.1:5000#experiment:1')").run();
  const id = Number(
    store.db
      .prepare("INSERT INTO runs (uuid, experiment_id, name, status, start_time, heartbeat_at, external_id) VALUES ('a', 1, 'r', 'RUNNING', 0, 0, 'mlflow-server:http://127.0.0.1:5000#run:a')")
      .run().lastInsertRowid,
  );
  assert.equal(getRun(store, id, cutoff)?.status, 'RUNNING');
  assert.equal(listExperiments(store, cutoff)[0]?.activeRunCount, 1);
  assert.equal(countActiveRuns(store, cutoff), 0);
  const statusSeenByPython = python(
    `import sqlite3, ml_lifecycle; c = sqlite3.connect(${JSON.stringify(store.path)}); print(c.execute("SELECT " + ml_lifecycle._effective_status_sql("r", "?") + " FROM runs r WHERE r.id = ?", (${cutoff}, ${id})).fetchone()[0])`,
  );
  assert.equal(statusSeenByPython, 'RUNNING');
});
