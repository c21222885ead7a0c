import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CsvRow, classifyCell, decimalAt, MISSING, NUMBER } from '../../../src/shared/table/cells.ts';
import { CsvScanner, CsvSyntaxError } from '../../../src/shared/table/csvScanner.ts';
import { seededRandom } from '../../../src/shared/random.ts';

/** Records of `text` as [line, cells], scanned in chunks of `size` bytes. */
function scan(text: string, size = 1 << 20): [number, string[]][] {
  const records: [number, string[]][] = [];
  const scanner = new CsvScanner(',', 1 << 20, (row, line) => records.push([line, Array.from({ length: row.length }, (_, j) => row.cell(j))]));
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += size) scanner.push(bytes.subarray(at, at + size), false);
  scanner.push(Buffer.alloc(0), true);
  return records;
}

test('RFC 4180 fields: quotes, doubled quotes, separators and line ends inside quotes, CRLF, BOM, empty lines', () => {
  const text = '\uFEFFname,note\r\n"a, b","say ""hi"""\n\nplain,"two\nlines"\nlast,\n"",x';
  const expected: [number, string[]][] = [
    [1, ['name', 'note']],
    [2, ['a, b', 'say "hi"']],
    [4, ['plain', 'two\nlines']],
    [6, ['last', '']],
    [7, ['', 'x']],
  ];
  for (const size of [1, 2, 3, 5, 7, 1 << 20]) assert.deepEqual(scan(text, size), expected, `chunks of ${size}`);
});

test('an unclosed quote and text after a closing quote are errors with their line', () => {
  assert.throws(() => scan('a\n"open\n'), (error: unknown) => error instanceof CsvSyntaxError && error.line === 2 && /never closed/.test(error.message));
  assert.throws(() => scan('a,b\n1,"x"y\n'), (error: unknown) => error instanceof CsvSyntaxError && error.line === 2);
});

test('cells read from bytes mean what classifyCell says of their text', () => {
  const random = seededRandom(7);
  const samples = ['0', '-0', '+1', '1.', '.5', '-.5', '1e3', '1E-3', '1e400', '1e-400', '12345678901234567', '0.1', '0.30000000000000004', ' 4.5 ', 'NA', ' null', 'n/a', 'none',
    'NaN', 'Infinity', '-inf', '0x1F', '0b1', '0o7', '1_000', '1e', 'e5', '.', '-', '', '  ', 'abc', '\u00a05', '\x015', '9007199254740993', '123456789012345e-22'];
  for (let i = 0; i < 2000; i++) samples.push((random() * 10 ** Math.floor(random() * 20 - 10)).toPrecision(1 + Math.floor(random() * 17)));
  const row = new CsvRow();
  for (const text of samples) {
    const bytes = Buffer.from(text);
    row.begin(bytes);
    row.add(0, bytes.length, false);
    const expected = classifyCell(text);
    const kind = row.kind(0);
    if (expected === null) assert.equal(kind, MISSING, JSON.stringify(text));
    else if (typeof expected === 'number') {
      assert.equal(kind, NUMBER, JSON.stringify(text));
      assert.ok(Object.is(row.numberAt(0), expected), `${JSON.stringify(text)}: ${row.numberAt(0)} vs ${expected}`);
    } else assert.equal(row.textAt(0), expected, JSON.stringify(text));
    const fast = decimalAt(bytes, 0, bytes.length);
    if (!Number.isNaN(fast)) assert.ok(Object.is(fast, Number(text)), text);
  }
});
