import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../../src/store/database.ts';
import { refreshDirtyBlocks } from '../../../src/store/metricBlocks.ts';
import { countActiveRuns, findExperimentByName, listRuns, setPrimaryMetric } from '../../../src/tracking/experiments.ts';
import { childrenOf, describeNode, type TreeOptions } from '../../../src/tracking/treeModel.ts';
import { tempDir } from '../helpers.ts';
import { RUN_LOGGER, launch, loggerEnv } from './support.ts';

const STALE_MS = 120_000;

const WRITERS: Record<string, (experiment: string) => [string, string[]]> = {
  python: (experiment) => [
    'python3',
    [
      '-c',
      `import time, ml_lifecycle as m
run = m.start_run(experiment=${JSON.stringify(experiment)}, name="live")
for step in range(300):
    run.log_metric("val_loss", 1.0 / (step + 1), step=step)
run.flush()
print("ready", flush=True)
time.sleep(60)`,
    ],
  ],
  node: (experiment) => [
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { startRun } from ${JSON.stringify(RUN_LOGGER)};
const run = startRun({ experiment: ${JSON.stringify(experiment)}, name: 'live' });
for (let step = 0; step < 300; step++) run.logMetric('val_loss', 1 / (step + 1), step);
run.flush();
console.log('ready');
setTimeout(() => {}, 60000);`,
    ],
  ],
};

for (const [language, writer] of Object.entries(WRITERS)) {
  test(`a ${language} run shows live in the tree and status bar, and reads KILLED once kill -9 stops its heartbeat`, async () => {
    const storePath = path.join(tempDir(), '.ml-lifecycle', 'store.sqlite');
    const [command, args] = writer('live-exp');
    const { child, firstLine, done } = launch(command, args, loggerEnv(storePath));
    assert.equal(await firstLine, 'ready');
    const store = openStore(storePath);
    try {
      setPrimaryMetric(store, findExperimentByName(store, 'live-exp')!.id, 'val_loss', 'min');
      refreshDirtyBlocks(store.db); // what the extension's StoreService does when the file changes
      const options: TreeOptions = { pageSize: 200, staleBefore: Date.now() - STALE_MS, runDescription: 'last', shown: new Map() };
      const [experimentNode] = childrenOf(store, undefined, options);
      assert.equal(describeNode(experimentNode!, options).description, '1 run · 1 running · ↓ val_loss');
      const [runNode] = childrenOf(store, experimentNode, options);
      const live = describeNode(runNode!, options);
      assert.equal(live.icon.id, 'loading~spin');
      assert.equal(live.description, `val_loss ${Number((1 / 300).toPrecision(4))} · step 299`);
      assert.equal(countActiveRuns(store, options.staleBefore), 1);

      child.kill('SIGKILL');
      const exit = await done;
      assert.equal(exit.signal, 'SIGKILL');
      const experimentId = findExperimentByName(store, 'live-exp')!.id;
      // The stored status still says RUNNING: nobody could record the death...
      assert.equal(listRuns(store, { experimentId, staleBefore: Date.now() - STALE_MS }).runs[0]!.status, 'RUNNING');
      // ...but once the heartbeat is older than the stale limit, readers show KILLED.
      const later = Date.now() + 1;
      assert.equal(listRuns(store, { experimentId, staleBefore: later }).runs[0]!.status, 'KILLED');
      assert.equal(countActiveRuns(store, later), 0);
      const dead = describeNode(childrenOf(store, experimentNode, { ...options, staleBefore: later })[0]!, options);
      assert.equal(dead.icon.id, 'debug-stop');
      assert.equal(dead.description, `val_loss ${Number((1 / 300).toPrecision(4))}`);
      assert.deepEqual(store.db.prepare('SELECT count(*) AS n FROM metrics').get(), { n: 300 });
    } finally {
      store.close();
    }
  });
}
