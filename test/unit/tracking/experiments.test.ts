import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Store } from '../../../src/store/database.ts';
import { MARK_DIRTY_SQL, refreshDirtyBlocks } from '../../../src/store/metricBlocks.ts';
import {
  createExperiment,
  emptyTrash,
  listExperiments,
  listRuns,
  listTrash,
  metricHeadlines,
  metricKeys,
  renameExperiment,
  restore,
  setPrimaryMetric,
  trash,
} from '../../../src/tracking/experiments.ts';
import { childrenOf, describeNode, type ExperimentsNode, type TreeOptions } from '../../../src/tracking/treeModel.ts';
import { tempStore } from '../helpers.ts';

function addRuns(store: Store, experimentId: number, count: number, startAt = 1_700_000_000_000): number[] {
  const insert = store.db.prepare("INSERT INTO runs (uuid, experiment_id, name, status, start_time, heartbeat_at) VALUES (?, ?, ?, 'FINISHED', ?, ?)");
  const ids: number[] = [];
  store.db.transaction(() => {
    for (let i = 0; i < count; i++) {
      ids.push(Number(insert.run(`${experimentId}-${i}`.padStart(32, '0'), experimentId, `run-${i}`, startAt + i, startAt + i).lastInsertRowid));
    }
  })();
  return ids;
}

function logMetric(store: Store, runId: number, key: string, values: number[]): void {
  store.db.transaction(() => {
    const insert = store.db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)');
    values.forEach((value, step) => insert.run(runId, key, step, step, value));
    store.db.prepare(MARK_DIRTY_SQL).run(runId, key, 0, values.length - 1);
  })();
  refreshDirtyBlocks(store.db);
}

const OPTIONS: TreeOptions = { pageSize: 200, staleBefore: 0, runDescription: 'last', shown: new Map() };

describe('experiments and runs', () => {
  test('10,000 runs are paged newest first, with a "Load more" item and a total', () => {
    const store = tempStore();
    const experiment = createExperiment(store, 'big');
    addRuns(store, experiment.id, 10_000);
    const started = performance.now();
    const first = listRuns(store, { experimentId: experiment.id, limit: 200 });
    const elapsed = performance.now() - started;
    assert.equal(first.total, 10_000);
    assert.equal(first.runs.length, 200);
    assert.equal(first.runs[0]!.name, 'run-9999');
    const later = listRuns(store, { experimentId: experiment.id, offset: 9_900, limit: 200 });
    assert.equal(later.runs.length, 100);
    assert.equal(later.runs.at(-1)!.name, 'run-0');
    assert.ok(elapsed < 1000, `a page took ${elapsed} ms`);

    const [experimentNode] = childrenOf(store, undefined, OPTIONS);
    const page = childrenOf(store, experimentNode, OPTIONS);
    assert.equal(page.length, 201);
    const more = page.at(-1)!;
    assert.equal(more.kind, 'loadMore');
    assert.equal(describeNode(more, OPTIONS).label, 'Load more… (200 of 10,000 shown)');
    const grown = childrenOf(store, experimentNode, { ...OPTIONS, shown: new Map([[`${experiment.id}:`, 400]]) });
    assert.equal(grown.length, 401);
  });

  test('trash hides experiments and runs, restore brings them back, empty removes them for good', () => {
    const store = tempStore();
    const kept = createExperiment(store, 'kept');
    const doomed = createExperiment(store, 'doomed');
    const [runA, runB] = addRuns(store, kept.id, 2);
    addRuns(store, doomed.id, 3);
    logMetric(store, runA!, 'loss', [3, 2, 1]);

    trash(store, [{ kind: 'run', id: runA! }, { kind: 'experiment', id: doomed.id }]);
    assert.deepEqual(listExperiments(store).map((e) => e.name), ['kept']);
    assert.deepEqual(listRuns(store, { experimentId: kept.id }).runs.map((r) => r.id), [runB]);
    assert.deepEqual(listTrash(store).map((t) => `${t.kind}:${t.name}`).sort(), ['experiment:doomed', 'run:run-0']);

    restore(store, [{ kind: 'run', id: runA! }]);
    assert.equal(listRuns(store, { experimentId: kept.id }).total, 2);
    assert.equal((store.db.prepare('SELECT count(*) AS n FROM metrics WHERE run_id = ?').get(runA) as { n: number }).n, 3, 'metrics survive the trash');

    assert.equal(emptyTrash(store), 1);
    assert.deepEqual(listTrash(store), []);
    assert.equal((store.db.prepare('SELECT count(*) AS n FROM runs WHERE experiment_id = ?').get(doomed.id) as { n: number }).n, 0);
    const audit = store.db.prepare('SELECT entity, action FROM audit_log ORDER BY id').all() as { entity: string; action: string }[];
    assert.deepEqual(
      audit.map((a) => `${a.entity}:${a.action}`),
      ['experiment:create', 'experiment:create', 'run:delete', 'experiment:delete', 'run:restore', 'store:empty-trash'],
    );
  });

  test('metric keys include those whose summaries are not built yet', () => {
    const store = tempStore();
    const experiment = createExperiment(store, 'keys');
    const [summarized, fresh] = addRuns(store, experiment.id, 2);
    logMetric(store, summarized!, 'loss', [1, 0.5]);
    store.db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, ?, 0, 0, 0.9)').run(fresh, 'val/auc');
    store.db.prepare(MARK_DIRTY_SQL).run(fresh, 'val/auc', 0, 0);
    assert.deepEqual(metricKeys(store, [summarized!, fresh!]), ['loss', 'val/auc']);
    assert.deepEqual(metricKeys(store, [fresh!]), ['val/auc']);
  });

  test('headline values are exact while some points wait for their summaries', () => {
    const store = tempStore();
    const experiment = createExperiment(store, 'headlines');
    const [partly, unsummarized, summarized] = addRuns(store, experiment.id, 3);
    logMetric(store, partly!, 'loss', [0.9, 0.5, 0.7]);
    logMetric(store, summarized!, 'loss', [0.4, Number.NaN]);
    const add = (runId: number, points: [number, number][]) => {
      for (const [step, value] of points) store.db.prepare("INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, 'loss', ?, ?, ?)").run(runId, step, step, value);
      store.db.prepare(MARK_DIRTY_SQL).run(runId, 'loss', points[0]![0], points.at(-1)![0]);
    };
    add(partly!, [[3, 0.2], [4, Infinity], [5, 0.6]]);
    add(unsummarized!, [[0, 2], [1, 3]]);
    const before = metricHeadlines(store, [partly!, unsummarized!, summarized!], 'loss', 'min');
    assert.deepEqual([...before.values()].sort((a, b) => a.runId - b.runId), [
      { runId: partly, last: 0.6, lastStep: 5, best: 0.2 },
      { runId: unsummarized, last: 3, lastStep: 1, best: 2 },
      { runId: summarized, last: null, lastStep: 1, best: 0.4 },
    ]);
    assert.equal(metricHeadlines(store, [partly!], 'loss', 'max').get(partly!)!.best, 0.9, 'Infinity is not a best value');
    refreshDirtyBlocks(store.db);
    assert.deepEqual(metricHeadlines(store, [partly!, unsummarized!, summarized!], 'loss', 'min'), before);
  });

  test('names are validated, unique, and a trashed name says so', () => {
    const store = tempStore();
    assert.throws(() => createExperiment(store, '   '), /empty/);
    assert.throws(() => createExperiment(store, 'x'.repeat(1001)), /1,000/);
    const experiment = createExperiment(store, 'a');
    assert.throws(() => createExperiment(store, 'a'), /already exists/);
    trash(store, [{ kind: 'experiment', id: experiment.id }]);
    assert.throws(() => createExperiment(store, 'a'), /in the trash/);
    const other = createExperiment(store, 'b');
    assert.throws(() => renameExperiment(store, other.id, 'a'), /already exists/);
  });
});

describe('Experiments tree items from a real store', () => {
  test('runs show status icon, primary metric, target mark and params; odd names stay text', () => {
    const store = tempStore();
    const weird = `<script>alert(1)</script> ünïcødé ${'x'.repeat(10_000)}`;
    // Loggers and importers may write names longer than the UI lets you type.
    store.db.prepare('INSERT INTO experiments (name, created_at) VALUES (?, 0)').run(weird);
    const experiment = listExperiments(store)[0]!;
    setPrimaryMetric(store, experiment.id, 'val/accuracy', 'max');
    store.db.prepare('UPDATE experiments SET metric_target = 0.9 WHERE id = ?').run(experiment.id);
    const [good, bad] = addRuns(store, experiment.id, 2);
    store.db.prepare("UPDATE runs SET status = 'FAILED' WHERE id = ?").run(bad);
    store.db.prepare("INSERT INTO params (run_id, key, value) VALUES (?, 'lr', '0.001'), (?, 'model', '<b>resnet</b>')").run(good, good);
    logMetric(store, good!, 'val/accuracy', [0.5, 0.8, 0.93]);
    logMetric(store, bad!, 'val/accuracy', [0.4, Number.NaN]);

    const roots = childrenOf(store, undefined, OPTIONS);
    assert.equal(roots.length, 1);
    const root = describeNode(roots[0]!, OPTIONS);
    assert.equal(root.label, '<script>alert(1)</script> ün…');
    assert.equal(root.label.length, 29, 'long names are cut to 28 characters and …, so the sidebar has room for the rest');
    assert.ok(root.label.endsWith('…'));
    assert.ok(root.tooltip.includes('x'.repeat(10_000)), 'the tooltip keeps the full name');
    assert.equal(root.description, '2 runs · ↑ val/accuracy');

    const runs = childrenOf(store, roots[0], OPTIONS) as Extract<ExperimentsNode, { kind: 'run' }>[];
    const items = runs.map((node) => describeNode(node, OPTIONS));
    assert.deepEqual(
      items.map((i) => [i.label, i.description, i.icon.id, i.contextValue]),
      [
        ['run-1', 'val/accuracy NaN', 'error', 'run.failed'],
        ['run-0', 'val/accuracy 0.93 ✓ target', 'pass', 'run.finished.meetsTarget'],
      ],
    );
    // The status is only an icon on screen: a screen reader says it.
    assert.deepEqual(items.map((i) => i.accessibilityLabel), ['run run-1, failed, val/accuracy NaN', 'run run-0, finished, val/accuracy 0.93 ✓ target']);
    assert.match(items[1]!.tooltip, /lr = 0\.001/);
    assert.match(items[1]!.tooltip, /model = <b>resnet<\/b>/);

    const best = describeNode(runs[1]!, { runDescription: 'best' });
    assert.equal(best.description, 'val/accuracy 0.93 ✓ target');
  });

  test('a RUNNING run with a stale heartbeat reads as KILLED; a fresh one spins with its step', () => {
    const store = tempStore();
    const experiment = createExperiment(store, 'live');
    setPrimaryMetric(store, experiment.id, 'loss', 'min');
    const [stale, fresh] = addRuns(store, experiment.id, 2, 1000);
    store.db.prepare("UPDATE runs SET status = 'RUNNING', heartbeat_at = ? WHERE id = ?").run(1000, stale);
    store.db.prepare("UPDATE runs SET status = 'RUNNING', heartbeat_at = ? WHERE id = ?").run(Date.now(), fresh);
    logMetric(store, fresh!, 'loss', [1, 0.5, 0.25]);
    const options = { ...OPTIONS, staleBefore: Date.now() - 60_000 };
    const [root] = childrenOf(store, undefined, options);
    const items = childrenOf(store, root, options).map((node) => describeNode(node, options));
    assert.deepEqual(
      items.map((i) => [i.icon.id, i.description]),
      [
        ['loading~spin', 'loss 0.25 · step 2'],
        ['debug-stop', undefined],
      ],
    );
  });
});

test('sidebar: a long run name is cut at the end; a killed run shows a stop icon in a theme colour and says so to screen readers', () => {
  const store = tempStore();
  const experiment = createExperiment(store, 'e');
  setPrimaryMetric(store, experiment.id, 'validation_accuracy_top1', 'max');
  const [run] = addRuns(store, experiment.id, 1);
  const name = 'resnet50-lr0.001-batch256-cosine-warmup5-seed42';
  store.db.prepare("UPDATE runs SET name = ?, status = 'KILLED' WHERE id = ?").run(name, run);
  logMetric(store, run!, 'validation_accuracy_top1', [0.5, 0.71]);
  const [root] = childrenOf(store, undefined, OPTIONS);
  const entry = describeNode(childrenOf(store, root, OPTIONS)[0]!, OPTIONS);
  assert.equal(entry.label, `${name.slice(0, 28)}…`);
  assert.equal(entry.tooltip.split('\n')[0], name, 'the tooltip has the full name');
  assert.equal(entry.description, 'validation_accu… 0.71');
  assert.deepEqual(entry.icon, { id: 'debug-stop', color: 'charts.orange' });
  assert.equal(entry.accessibilityLabel, `run ${name}, killed, validation_accu… 0.71`);
});

test('listing counts each run’s children through an index, not a scan of every run', () => {
  const store = tempStore();
  const plan = store.db
    .prepare('EXPLAIN QUERY PLAN SELECT count(*) FROM runs c WHERE c.parent_run_id = ? AND c.deleted_at IS NULL')
    .all(1) as { detail: string }[];
  assert.match(plan.map((row) => row.detail).join('\n'), /USING COVERING INDEX runs_by_parent/);
});
