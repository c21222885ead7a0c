import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BLOCK_SHIFTS, TouchedRanges, refreshDirtyBlocks } from '../../../src/store/metricBlocks.ts';
import { seededRandom } from '../../../src/shared/random.ts';
import type { Db } from '../../../src/store/database.ts';
import { tempStore } from '../helpers.ts';

/** What metric_blocks must hold, computed straight from the points with plain SQL. */
function expectedBlocks(db: Db): unknown[] {
  return db
    .prepare(
      `WITH levels(shift) AS (VALUES ${BLOCK_SHIFTS.map((s) => `(${s})`).join(', ')}),
       grouped AS (
         SELECT m.run_id, m.key, l.shift, m.step >> l.shift AS block, count(*) AS n,
                sum(m.value IS NULL OR abs(m.value) > 1.7976931348623157e308) AS nonfinite,
                min(CASE WHEN abs(m.value) <= 1.7976931348623157e308 THEN m.value END) AS min,
                max(CASE WHEN abs(m.value) <= 1.7976931348623157e308 THEN m.value END) AS max,
                min(m.step) AS first_step, max(m.step) AS last_step
         FROM metrics m, levels l GROUP BY m.run_id, m.key, l.shift, m.step >> l.shift)
       SELECT g.*,
         (SELECT value FROM metrics WHERE run_id = g.run_id AND key = g.key AND step = g.first_step ORDER BY timestamp LIMIT 1) AS first_value,
         (SELECT value FROM metrics WHERE run_id = g.run_id AND key = g.key AND step = g.last_step ORDER BY timestamp DESC LIMIT 1) AS last_value,
         (SELECT timestamp FROM metrics WHERE run_id = g.run_id AND key = g.key AND step = g.last_step ORDER BY timestamp DESC LIMIT 1) AS last_timestamp
       FROM grouped g ORDER BY run_id, key, shift, block`,
    )
    .all();
}

function storedBlocks(db: Db): unknown[] {
  return db
    .prepare(
      `SELECT run_id, key, shift, block, n, nonfinite, min, max, first_step, last_step, first_value, last_value, last_timestamp
       FROM metric_blocks ORDER BY run_id, key, shift, block`,
    )
    .all();
}

describe('metric summaries', () => {
  test('incremental rebuilds match the points exactly, whatever order and shape the points come in', () => {
    const store = tempStore();
    const { db } = store;
    const random = seededRandom(7);
    db.prepare("INSERT INTO experiments (name, created_at) VALUES ('e', 0)").run();
    for (const uuid of ['a', 'b']) db.prepare("INSERT INTO runs (uuid, experiment_id, name, start_time) VALUES (?, 1, ?, 0)").run(uuid, uuid);
    const insert = db.prepare('INSERT OR IGNORE INTO metrics (run_id, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)');
    const special = [Number.NaN, Infinity, -Infinity, 0, -1e308, 1e308];
    const value = () => (random() < 0.05 ? special[Math.floor(random() * special.length)]! : random() * 10 - 5);
    for (let batch = 0; batch < 40; batch++) {
      const touched = new TouchedRanges();
      db.transaction(() => {
        const run = 1 + Math.floor(random() * 2);
        const key = random() < 0.5 ? 'loss' : 'acc';
        // Appends, backfills, negative steps, sparse far steps, and several points per step.
        const start = batch % 7 === 3 ? Math.floor(random() * 2 ** 40) : Math.floor(random() * 20_000) - 2_000;
        const count = 1 + Math.floor(random() * (batch % 5 === 0 ? 5_000 : 60));
        for (let i = 0; i < count; i++) {
          const step = start + Math.floor(i * (batch % 3 === 0 ? 37 : 1) + random() * 3);
          insert.run(run, key, step, 1_000 + Math.floor(random() * 50), value());
          touched.add(run, key, step);
        }
        touched.markDirty(db);
      })();
      if (batch % 4 === 3 || batch === 39) refreshDirtyBlocks(db);
    }
    const expected = expectedBlocks(db);
    assert.ok(expected.length > 1_000, `${expected.length} blocks`);
    assert.deepEqual(storedBlocks(db), expected);
    store.close();
  });

  test('a block with only non-finite values has no min or max', () => {
    const store = tempStore();
    const { db } = store;
    db.prepare("INSERT INTO experiments (name, created_at) VALUES ('e', 0)").run();
    db.prepare("INSERT INTO runs (uuid, experiment_id, name, start_time) VALUES ('r', 1, 'r', 0)").run();
    const touched = new TouchedRanges();
    db.transaction(() => {
      [Number.NaN, Infinity, -Infinity].forEach((v, step) => {
        db.prepare("INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (1, 'm', ?, 0, ?)").run(step, v);
        touched.add(1, 'm', step);
      });
      touched.markDirty(db);
    })();
    refreshDirtyBlocks(db);
    assert.deepEqual(storedBlocks(db), expectedBlocks(db));
    assert.deepEqual(db.prepare('SELECT DISTINCT n, nonfinite, min, max FROM metric_blocks').all(), [{ n: 3, nonfinite: 3, min: null, max: null }]);
    store.close();
  });
});

describe('catching up on dirty ranges', () => {
  function storeWithDirtyRuns(runs: number) {
    const store = tempStore();
    const { db } = store;
    db.prepare("INSERT INTO experiments (name, created_at) VALUES ('e', 0)").run();
    const touched = new TouchedRanges();
    db.transaction(() => {
      for (let run = 1; run <= runs; run++) {
        db.prepare("INSERT INTO runs (uuid, experiment_id, name, start_time) VALUES (?, 1, ?, 0)").run(`r${run}`, `r${run}`);
        for (let step = 0; step < 100; step++) {
          db.prepare("INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, 'loss', ?, 0, ?)").run(run, step, step / 100);
          touched.add(run, 'loss', step);
        }
      }
      touched.markDirty(db);
    })();
    return store;
  }
  const dirtyRuns = (db: Db) => db.prepare('SELECT run_id FROM metric_dirty ORDER BY run_id').pluck().all();

  test('a reader rebuilds only the runs it is about to show', () => {
    const { db } = storeWithDirtyRuns(3);
    assert.equal(refreshDirtyBlocks(db, { runIds: [2] }), true);
    assert.deepEqual(dirtyRuns(db), [1, 3]);
    assert.deepEqual(db.prepare('SELECT DISTINCT run_id FROM metric_blocks').pluck().all(), [2]);
  });

  test('a time budget stops between ranges and the next calls finish the rest', () => {
    const { db } = storeWithDirtyRuns(5);
    assert.equal(refreshDirtyBlocks(db, { budgetMs: 0 }), false);
    assert.deepEqual(dirtyRuns(db), [2, 3, 4, 5], 'one range per call, even with no time left');
    let calls = 1;
    while (!refreshDirtyBlocks(db, { budgetMs: 0 })) calls++;
    assert.equal(calls, 4);
    assert.deepEqual(dirtyRuns(db), []);
    assert.deepEqual(storedBlocks(db), expectedBlocks(db));
  });
});
