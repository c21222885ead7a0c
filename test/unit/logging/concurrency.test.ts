import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../../src/store/database.ts';
import { hasDirtyBlocks, refreshDirtyBlocks } from '../../../src/store/metricBlocks.ts';
import { createExperiment, listExperiments, listRuns, metricHeadlines } from '../../../src/tracking/experiments.ts';
import { tempDir } from '../helpers.ts';
import { RUN_LOGGER, launch, loggerEnv } from './support.ts';

const WRITERS_PER_LANGUAGE = 4;
const STEPS = 50_000; // two keys per run: 100,000 points
const POINTS = 2 * STEPS;

const PYTHON_WRITER = `
import ml_lifecycle as m
with m.start_run(experiment="race", name="python") as run:
    for step in range(${STEPS}):
        run.log_metric("loss", 1.0 / (step + 1), step=step)
        run.log_metric("acc", step / ${STEPS}, step=step)
print(run.id)
`;

const NODE_WRITER = `
import { startRun } from ${JSON.stringify(RUN_LOGGER)};
const run = startRun({ experiment: 'race', name: 'node' });
for (let step = 0; step < ${STEPS}; step++) {
  run.logMetric('loss', 1 / (step + 1), step);
  run.logMetric('acc', step / ${STEPS}, step);
}
run.end();
console.log(run.id);
`;

test(`${2 * WRITERS_PER_LANGUAGE} Python and Node processes log ${POINTS.toLocaleString('en-US')} points each into one store while a reader polls`, async () => {
  const storePath = path.join(tempDir(), '.ml-lifecycle', 'store.sqlite');
  const store = openStore(storePath, { create: true });
  const experiment = createExperiment(store, 'race');
  const env = loggerEnv(storePath);
  const started = performance.now();
  const writers = Array.from({ length: WRITERS_PER_LANGUAGE }, () => [
    launch('python3', ['-c', PYTHON_WRITER], env),
    launch(process.execPath, ['--input-type=module', '-e', NODE_WRITER], env),
  ]).flat();
  let running = true;
  const all = Promise.all(writers.map((w) => w.done)).finally(() => (running = false));

  // The extension's reader: list runs, read headlines, catch the summaries up, again and again.
  let polls = 0;
  let rebuilt = 0;
  const readerErrors: string[] = [];
  while (running) {
    try {
      listExperiments(store);
      const runs = listRuns(store, { experimentId: experiment.id }).runs;
      metricHeadlines(store, runs.map((r) => r.id), 'loss', 'min');
      if (hasDirtyBlocks(store.db)) {
        refreshDirtyBlocks(store.db);
        rebuilt++;
      }
      polls++;
    } catch (error) {
      readerErrors.push((error as Error).message);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const exits = await all;
  const seconds = (performance.now() - started) / 1000;

  for (const exit of exits) {
    assert.equal(exit.code, 0, exit.stderr);
    assert.doesNotMatch(exit.stderr, /locked|busy/i);
  }
  assert.deepEqual(readerErrors, []);
  assert.ok(polls > 3 && rebuilt > 0, `the reader polled ${polls} times and rebuilt ${rebuilt} ranges while the writers ran`);

  refreshDirtyBlocks(store.db);
  const counts = store.db
    .prepare(`SELECT r.uuid, r.name, r.status, (SELECT count(*) FROM metrics m WHERE m.run_id = r.id) AS points,
        (SELECT sum(n) FROM metric_blocks b WHERE b.run_id = r.id AND b.shift = 4) AS summarized FROM runs r ORDER BY r.id`)
    .all() as { uuid: string; name: string; status: string; points: number; summarized: number }[];
  assert.equal(counts.length, 2 * WRITERS_PER_LANGUAGE);
  assert.deepEqual(counts.map((c) => c.uuid).sort(), exits.map((e) => e.stdout.trim()).sort());
  assert.deepEqual(
    counts.map(({ status, points, summarized }) => ({ status, points, summarized })),
    counts.map(() => ({ status: 'FINISHED', points: POINTS, summarized: POINTS })),
  );
  const headlines = metricHeadlines(store, listRuns(store, { experimentId: experiment.id }).runs.map((r) => r.id), 'loss', 'min');
  for (const headline of headlines.values()) assert.deepEqual({ last: headline.last, lastStep: headline.lastStep }, { last: 1 / STEPS, lastStep: STEPS - 1 });
  store.close();
  process.stdout.write(`# ${(counts.length * POINTS).toLocaleString('en-US')} points from ${counts.length} processes in ${seconds.toFixed(1)} s; the reader polled ${polls} times\n`);
});

test('Python and Node processes that create a new store at the same moment all start their runs', async () => {
  const storePath = path.join(tempDir(), '.ml-lifecycle', 'store.sqlite');
  const env = loggerEnv(storePath);
  const starters = Array.from({ length: 4 }, () => [
    launch('python3', ['-c', 'import ml_lifecycle as m\nm.start_run(experiment="fresh").end()'], env),
    launch(process.execPath, ['--input-type=module', '-e', `import { startRun } from ${JSON.stringify(RUN_LOGGER)}; startRun({ experiment: 'fresh' }).end();`], env),
  ]).flat();
  for (const exit of await Promise.all(starters.map((s) => s.done))) assert.equal(exit.code, 0, exit.stderr);
  const store = openStore(storePath);
  assert.deepEqual(store.db.prepare("SELECT count(*) AS runs, count(DISTINCT experiment_id) AS experiments FROM runs WHERE status = 'FINISHED'").get(), { runs: 8, experiments: 1 });
  store.close();
});
