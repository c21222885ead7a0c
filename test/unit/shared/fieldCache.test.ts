import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MISSING, NUMBER, TEXT, classifyCell } from '../../../src/shared/table/cells.ts';
import { CsvScanner } from '../../../src/shared/table/csvScanner.ts';
import { FieldCache } from '../../../src/shared/table/fieldCache.ts';

/** Every field's kind and value as the CSV row reads it, beside classifyCell of its text. */
function readAll(text: string): { read: (number | string | null)[]; expected: (number | string | null)[] } {
  const read: (number | string | null)[] = [];
  const expected: (number | string | null)[] = [];
  const scanner = new CsvScanner(',', 1 << 20, (row) => {
    for (let j = 0; j < row.length; j++) {
      const kind = row.kind(j);
      read.push(kind === MISSING ? null : kind === NUMBER ? row.numberAt(j) : row.textAt(j));
      expected.push(classifyCell(row.cell(j)));
    }
  });
  scanner.push(Buffer.from(text), true);
  return { read, expected };
}

test('repeated fields read from the cache classify as classifyCell does', () => {
  const values = ['basic', ' plus ', 'NA', 'n/a', 'None', 'nan', 'NaN', '0x1F', '1e400', 'Infinity', '\u00a0pro\u00a0', 'é', '1234567890123456789', '-', '.', 'true', 'x'.repeat(40)];
  const rows = Array.from({ length: 200 }, (_, i) => `${values[i % values.length]},${values[(i * 7) % values.length]},${values[(i * 3 + 1) % values.length]}`);
  const { read, expected } = readAll(`${rows.join('\n')}\n`);
  assert.equal(read.length, 600);
  assert.deepEqual(read, expected);
  assert.equal(typeof read.find((v) => v === 'basic'), 'string');
});

test('more distinct fields than slots: collisions replace entries and every read stays right', () => {
  const rows = Array.from({ length: 3 }, () => Array.from({ length: 10_000 }, (_, i) => `cat${i},c${i % 97}`).join('\n'));
  const { read, expected } = readAll(`${rows.join('\n')}\n`);
  assert.equal(read.length, 60_000);
  assert.deepEqual(read, expected);
});

test('a slot holds exactly its bytes; long fields are not cached', () => {
  const cache = new FieldCache();
  const bytes = Buffer.from('plus,plu,pluss');
  const slot = cache.slotOf(bytes, 0, 4);
  cache.store(slot, bytes, 0, 4, TEXT, 0, 'plus');
  assert.equal(cache.holds(slot, bytes, 0, 4), true);
  assert.equal(cache.holds(slot, bytes, 5, 8), false);
  assert.equal(cache.holds(slot, bytes, 9, 14), false);
  assert.equal(cache.texts[slot], 'plus');
  assert.equal(cache.slotOf(Buffer.alloc(33, 97), 0, 33), -1);
});
