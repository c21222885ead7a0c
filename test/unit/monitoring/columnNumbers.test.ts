import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ColumnNumbers } from '../../../src/monitoring/columnNumbers.ts';
import { checkDrift } from '../../../src/monitoring/drift.ts';
import { TableError } from '../../../src/shared/table/tableReader.ts';
import { tempDir } from '../helpers.ts';

function readBack(numbers: ColumnNumbers, column: number): number[] {
  const out: number[] = [];
  numbers.forEach(column, (values, count) => {
    for (let i = 0; i < count; i++) out.push(values[i]!);
  });
  return out;
}

/** Runs `work` with os.tmpdir() pointing at a fresh folder, so spill folders can be watched. */
async function withTmpdir<T>(work: (tmp: string) => T | Promise<T>): Promise<T> {
  const tmp = tempDir();
  const before = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    return await work(tmp);
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  }
}

const spillFolders = (tmp: string) => fs.readdirSync(tmp).filter((name) => name.startsWith('ml-lifecycle-drift-'));

describe('ColumnNumbers: numbers kept per column within a memory budget', () => {
  test('values beyond the budget come back identical and in order; close removes the temp file', async () => {
    await withTmpdir((tmp) => {
      const numbers = new ColumnNumbers(2, 16 * 1024);
      const a = Array.from({ length: 10_000 }, (_, i) => (i % 7 === 0 ? -0 : Math.sin(i) * 10 ** (i % 30)));
      const b = Array.from({ length: 4_321 }, (_, i) => i * 0.1 + Number.MIN_VALUE);
      for (let i = 0; i < a.length; i++) {
        numbers.add(0, a[i]!);
        if (i < b.length) numbers.add(1, b[i]!);
      }
      assert.ok(numbers.spilledBytes > 0, 'nothing went to the temp file');
      const folder = numbers.spillDirectory!;
      assert.deepEqual(spillFolders(tmp), [path.basename(folder)]);
      const backA = readBack(numbers, 0);
      assert.equal(backA.length, a.length);
      assert.ok(backA.every((v, i) => Object.is(v, a[i])), 'column 0 changed on the way');
      assert.deepEqual(readBack(numbers, 1), b);
      // Read twice: reading does not consume.
      assert.deepEqual(readBack(numbers, 1), b);
      numbers.close();
      numbers.close();
      assert.equal(fs.existsSync(folder), false);
      assert.deepEqual(spillFolders(tmp), []);
    });
  });

  test('within the budget nothing is written', () => {
    const numbers = new ColumnNumbers(3);
    for (let i = 0; i < 5000; i++) numbers.add(i % 3, i);
    assert.equal(numbers.spilledBytes, 0);
    assert.equal(numbers.spillDirectory, undefined);
    assert.deepEqual(readBack(numbers, 2).slice(0, 3), [2, 5, 8]);
    numbers.close();
  });
});

describe('drift check with the reference numbers spilled to disk', () => {
  const dir = tempDir();
  const rows = Array.from({ length: 120_000 }, (_, i) => `${((i * 7919) % 100_003) / 7},k${i % 9}`);
  const ref = path.join(dir, 'ref.csv');
  const cur = path.join(dir, 'cur.csv');
  fs.writeFileSync(ref, `v,k\n${rows.join('\n')}\n`);
  fs.writeFileSync(cur, `v,k\n${rows.slice(0, 50_000).map((r) => `1${r}`).join('\n')}\n`);

  test('the report is the same as with everything in memory, and the temp file is gone', async () => {
    await withTmpdir(async (tmp) => {
      const inMemory = await checkDrift(ref, cur);
      const spilled = await checkDrift(ref, cur, { numberMemoryBytes: 16 * 1024 });
      assert.deepEqual({ ...spilled, createdAt: 0 }, { ...inMemory, createdAt: 0 });
      assert.deepEqual(spillFolders(tmp), []);
    });
  });

  test('a bad row after the spill started: TableError, and the temp file is removed', async () => {
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, `v,k\n${rows.join('\n')}\n1,2,3\n`);
    await withTmpdir(async (tmp) => {
      let sawSpill = false;
      await assert.rejects(
        checkDrift(bad, cur, { numberMemoryBytes: 16 * 1024, onProgress: () => (sawSpill ||= spillFolders(tmp).length > 0) }),
        (error: unknown) => error instanceof TableError && /line 120002/.test(error.message),
      );
      assert.ok(sawSpill, 'the check failed before it spilled');
      assert.deepEqual(spillFolders(tmp), []);
    });
  });
});
