import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { type ColumnDrift, DriftCancelled, checkDrift, classifyCell } from '../../../src/monitoring/drift.ts';
import { PSI_EPSILON, ksStatistic } from '../../../src/monitoring/stats.ts';
import { TableError } from '../../../src/shared/table/tableReader.ts';
import { tempDir } from '../helpers.ts';

const close = (actual: number, expected: number, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${actual} is not within ${tolerance} of ${expected}`);

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function csv(header: string[], rows: (string | number)[][]): string {
  return `${[header.join(','), ...rows.map((r) => r.join(','))].join('\n')}\n`;
}

function column(columns: readonly ColumnDrift[], name: string): ColumnDrift {
  const found = columns.find((c) => c.name === name);
  assert.ok(found, `no column ${name}`);
  return found;
}

describe('drift check on small files (statistics by hand)', () => {
  const dir = tempDir();
  // x: reference 1..10, current 1,1,2,2,...,5,5. plan: reference 5 x a + 5 x b, current 8 x a + 2 x b.
  const ref = write(dir, 'ref.csv', csv(['x', 'plan'], Array.from({ length: 10 }, (_, i) => [i + 1, i < 5 ? 'a' : 'b'])));
  const cur = write(dir, 'cur.csv', csv(['plan', 'x'], Array.from({ length: 10 }, (_, i) => [i < 8 ? 'a' : 'b', Math.floor(i / 2) + 1])));

  test('numeric column: PSI over reference deciles, exact KS', async () => {
    const report = await checkDrift(ref, cur);
    const x = column(report.columns, 'x');
    assert.equal(x.kind, 'numeric');
    // Edges 1..9: every reference bin holds 10%; the current fills the first five with 20% each and leaves five empty (epsilon).
    const expected = 5 * (0.2 - 0.1) * Math.log(0.2 / 0.1) + 5 * (PSI_EPSILON - 0.1) * Math.log(PSI_EPSILON / 0.1);
    close(x.psi, expected);
    close(x.psi, 3.79699735213155);
    assert.equal(x.level, 'drift');
    // F_ref(5) = 0.5, F_cur(5) = 1: D = 0.5; n = m = 10 -> ne = 5, lambda = (sqrt 5 + 0.12 + 0.11 / sqrt 5) / 2 = 1.20263
    assert.deepEqual({ ...x.ks, pValue: 0 }, { statistic: 0.5, pValue: 0, exact: true, upperBound: 0.5 });
    close(x.ks!.pValue, 0.1108403374132281, 1e-9);
    assert.equal(x.significant, false);
    assert.equal(x.histogram.length, 10);
    assert.deepEqual(x.histogram[0], { label: '≤ 1', reference: 1, current: 2 });
    assert.deepEqual(x.histogram[9], { label: '> 9', reference: 1, current: 0 });
  });

  test('categorical column: PSI and chi-square of homogeneity', async () => {
    const report = await checkDrift(ref, cur);
    const plan = column(report.columns, 'plan');
    assert.equal(plan.kind, 'categorical');
    // r = .5 .5, c = .8 .2: .3 ln 1.6 - .3 ln .4
    close(plan.psi, 0.3 * Math.log(1.6) + -0.3 * Math.log(0.4));
    // pooled a 13, b 7 of 20: expected 6.5 and 3.5 on each side, each cell off by 1.5
    close(plan.chiSquare!.statistic, 2 * (2.25 / 6.5 + 2.25 / 3.5));
    assert.equal(plan.chiSquare!.dof, 1);
    close(plan.chiSquare!.pValue, 0.15959894244264472, 1e-9);
    assert.equal(plan.level, 'drift');
  });

  test('report: worst column first, verdict, rows', async () => {
    const report = await checkDrift(ref, cur, { thresholds: { psiWarning: 0.1, psiAlert: 1, pValue: 0.05 } });
    assert.deepEqual(report.columns.map((c) => [c.name, c.level]), [['x', 'drift'], ['plan', 'warning']]);
    assert.equal(report.verdict, 'drift');
    assert.equal(report.referenceRows, 10);
    assert.equal(report.currentRows, 10);
    close(report.worstPsi!, column(report.columns, 'x').psi);
  });

  test('the same file against itself is stable', async () => {
    const report = await checkDrift(ref, ref);
    assert.equal(report.verdict, 'stable');
    for (const c of report.columns) {
      assert.equal(c.psi, 0);
      assert.equal(c.significant, false);
    }
  });
});

describe('drift check input handling', () => {
  const dir = tempDir();

  test('missing, empty and header-only files get messages naming the file', async () => {
    const good = write(dir, 'good.csv', 'a\n1\n');
    await assert.rejects(checkDrift(path.join(dir, 'nope.csv'), good), (e: Error) => e instanceof TableError && /nope\.csv was not found/.test(e.message));
    const empty = write(dir, 'empty.csv', '');
    await assert.rejects(checkDrift(good, empty), /empty\.csv is empty/);
    const header = write(dir, 'header.csv', 'a\n');
    await assert.rejects(checkDrift(good, header), /header\.csv has a header but no rows/);
  });

  test('different columns are named before any long work', async () => {
    const a = write(dir, 'a.csv', 'age,city,plan\n1,x,p\n');
    const b = write(dir, 'b.csv', 'age,plan,country\n1,p,x\n');
    await assert.rejects(checkDrift(a, b), (e: Error) => /missing "city"; extra "country"/.test(e.message) && e.message.includes('b.csv'));
  });

  test('a ragged row names the line', async () => {
    const a = write(dir, 'ok.csv', 'a,b\n1,2\n');
    const bad = write(dir, 'ragged.csv', 'a,b\n1,2\n3\n');
    await assert.rejects(checkDrift(a, bad), /ragged\.csv, line 3: this row has 1 values but the header has 2 columns/);
  });

  test('duplicate header names are refused', async () => {
    const bad = write(dir, 'dup.csv', 'a,a\n1,2\n');
    await assert.rejects(checkDrift(bad, bad), /names the column "a" twice/);
  });

  test('a numeric column needs 99% numbers; non-numeric current values are counted', async () => {
    const refRows = Array.from({ length: 200 }, (_, i) => [i % 100 === 0 ? 'oops' : String(i), i === 5 ? '' : String(i % 7)]);
    const a = write(dir, 'num-ref.csv', csv(['v', 'w'], refRows));
    const b = write(dir, 'num-cur.csv', csv(['v', 'w'], [...Array.from({ length: 195 }, (_, i) => [String(i), String(i % 7)]), ...Array.from({ length: 5 }, () => ['n/a?', 'x'])]));
    const report = await checkDrift(a, b);
    const v = column(report.columns, 'v');
    assert.equal(v.kind, 'numeric'); // 198 of 200 are numbers (99%)
    assert.equal(v.reference.nonNumeric, 2);
    assert.equal(v.current.nonNumeric, 5);
    assert.equal(v.current.nonNumericExample, 'n/a?');
    assert.ok(v.notes.some((n) => n.startsWith('5 current values are not a number (e.g. "n/a?")')));
    assert.ok(v.histogram.some((bar) => bar.label === '(not a number)' && bar.reference === 2 && bar.current === 5));
    const w = column(report.columns, 'w');
    assert.equal(w.kind, 'numeric');
    assert.equal(w.reference.missing, 1);
    // below 99% numbers: categorical
    const c = write(dir, 'cat.csv', csv(['v'], Array.from({ length: 100 }, (_, i) => [i < 2 ? 'text' : String(i)])));
    const report2 = await checkDrift(c, c);
    assert.equal(report2.columns[0]!.kind, 'categorical');
    assert.match(report2.columns[0]!.notes.join(' '), /only 98% of the reference values are numbers/);
  });

  test('missing tokens, hex and padding', () => {
    assert.equal(classifyCell(''), null);
    assert.equal(classifyCell('NA'), null);
    assert.equal(classifyCell(' null '), null);
    assert.equal(classifyCell(' 4.5 '), 4.5);
    assert.equal(classifyCell('1e3'), 1000);
    assert.equal(classifyCell('0x1F'), '0x1F');
    assert.equal(classifyCell('Infinity'), 'Infinity');
    assert.equal(classifyCell(7), 7);
    assert.equal(classifyCell(true), 'true');
  });

  test('JSON lines and TSV are read like CSV', async () => {
    const jsonRef = write(dir, 'ref.jsonl', '{"x": 1, "c": "a"}\n{"x": 2, "c": "b", "extra": 1}\n\n{"x": null, "c": "a"}\n');
    const jsonCur = write(dir, 'cur.jsonl', '{"c": "a", "x": 1}\n{"x": 2}\n');
    const report = await checkDrift(jsonRef, jsonCur);
    assert.equal(report.referenceRows, 3);
    assert.equal(column(report.columns, 'x').reference.missing, 1);
    assert.equal(column(report.columns, 'c').current.missing, 1);
    const bad = write(dir, 'bad.jsonl', '{"x": 1}\n[1, 2]\n');
    await assert.rejects(checkDrift(bad, bad), /bad\.jsonl, line 2: expected a JSON object/);
    const tsv = write(dir, 'a.tsv', 'x\ty\n1\thello, world\n');
    const tsvReport = await checkDrift(tsv, tsv);
    assert.equal(column(tsvReport.columns, 'y').histogram[0]!.label, 'hello, world');
  });

  test('cancelling stops the check', async () => {
    const a = write(dir, 'big.csv', csv(['x'], Array.from({ length: 50_000 }, (_, i) => [i])));
    const controller = new AbortController();
    const pending = checkDrift(a, a, { signal: controller.signal, onProgress: () => controller.abort() });
    await assert.rejects(pending, (e: Error) => e instanceof DriftCancelled);
  });

  test('texts from the files stay text', async () => {
    const a = write(dir, 'xss.csv', 'name\n<script>alert(1)</script>\n"a, ""quoted"" value"\n');
    const report = await checkDrift(a, a);
    assert.deepEqual(report.columns[0]!.histogram.map((h) => h.label).sort(), ['<script>alert(1)</script>', 'a, "quoted" value']);
  });
});

describe('drift check beyond the sample (bounded memory path)', () => {
  const dir = tempDir();
  // 3,000 rows with a sample of 256 values per column: pass 2 counts the reference exactly.
  const random = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const r1 = random(1);
  const r2 = random(2);
  const refValues = Array.from({ length: 3000 }, () => r1() * 100);
  const curValues = Array.from({ length: 3000 }, () => r2() * 100 + 5);
  const ref = write(dir, 'ref.csv', csv(['v', 'k'], refValues.map((v, i) => [v.toFixed(4), `k${i % 1500}`])));
  const cur = write(dir, 'cur.csv', csv(['v', 'k'], curValues.map((v, i) => [v.toFixed(4), `k${i % 1400}`])));

  test('binned KS brackets the exact statistic; counts stay exact', async () => {
    const report = await checkDrift(ref, cur, { sampleSize: 256, categoryLimit: 1000 });
    const v = column(report.columns, 'v');
    assert.equal(v.ks!.exact, false);
    const exact = ksStatistic(
      refValues.map((x) => Number(x.toFixed(4))).sort((a, b) => a - b),
      curValues.map((x) => Number(x.toFixed(4))).sort((a, b) => a - b),
    );
    assert.ok(v.ks!.statistic <= exact + 1e-12 && exact <= v.ks!.upperBound + 1e-12, `${v.ks!.statistic} <= ${exact} <= ${v.ks!.upperBound}`);
    assert.equal(v.histogram.reduce((s, h) => s + h.reference, 0), 3000);
    assert.equal(v.histogram.reduce((s, h) => s + h.current, 0), 3000);
    // 1,500 distinct reference categories over a limit of 1,000: the rest are "(other)" on both sides.
    const k = column(report.columns, 'k');
    assert.equal(k.kind, 'categorical');
    assert.ok(k.notes.some((n) => n.includes('More than 1,000 distinct values')));
    assert.equal(k.histogram.reduce((s, h) => s + h.reference, 0), 3000);
    assert.equal(k.histogram.reduce((s, h) => s + h.current, 0), 3000);
  });

  test('the full sample gives the exact statistic', async () => {
    const report = await checkDrift(ref, cur);
    assert.equal(column(report.columns, 'v').ks!.exact, true);
  });
});
