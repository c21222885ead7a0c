import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMetricChunk, parseMetricValue } from '../../../src/mlflow/metricLines.ts';
import { runStatusOf } from '../../../src/mlflow/writer.ts';

function parse(text: string, final = true, firstLine = 1) {
  const points: [number, number, number][] = [];
  const chunk = parseMetricChunk(text, firstLine, final, (step, timestamp, value) => points.push([step, timestamp, value]));
  return { ...chunk, points };
}

test('values as Python prints floats, including nan and infinities', () => {
  assert.equal(parseMetricValue('0.25'), 0.25);
  assert.equal(parseMetricValue('1e-05'), 1e-5);
  assert.equal(parseMetricValue('-3'), -3);
  assert.ok(Number.isNaN(parseMetricValue('nan')));
  assert.equal(parseMetricValue('inf'), Infinity);
  assert.equal(parseMetricValue('-inf'), -Infinity);
  assert.equal(parseMetricValue('Infinity'), Infinity);
  for (const bad of ['', 'abc', '0x10', '1,5', '1e']) assert.equal(parseMetricValue(bad), undefined, bad);
});

test('lines with and without a step, CRLF endings, blank lines', () => {
  const result = parse('1700000000000 0.5 3\r\n1700000000001 nan\n\n1700000000002 -inf 5\n');
  assert.deepEqual(result.points.map(([s, t]) => [s, t]), [[3, 1700000000000], [0, 1700000000001], [5, 1700000000002]]);
  assert.ok(Number.isNaN(result.points[1]![2]));
  assert.equal(result.lines, 4);
  assert.equal(result.bytes, Buffer.byteLength('1700000000000 0.5 3\r\n1700000000001 nan\n\n1700000000002 -inf 5\n'));
  assert.deepEqual(result.problems, []);
});

test('bad lines are reported with their line number and the rest is read', () => {
  const result = parse('1 0.5 0\n17000\n2 x 1\n3 0.5 1.5\n4 0.5 1 9\n5 0.75 2\n', true, 10);
  assert.deepEqual(result.points.map(([s, t, v]) => [s, t, v]), [[0, 1, 0.5], [2, 5, 0.75]]);
  assert.deepEqual(
    result.problems.map((p) => p.line),
    [11, 12, 13, 14],
  );
  assert.match(result.problems[0]!.reason, /found 1 field/);
  assert.match(result.problems[1]!.reason, /value "x" is not a number/);
  assert.match(result.problems[2]!.reason, /step "1.5" is not a whole number/);
});

test('an unterminated last line waits unless the file is settled', () => {
  const open = parse('1 0.5 0\n2 0.2', false);
  assert.equal(open.points.length, 1);
  assert.equal(open.bytes, 8);
  assert.equal(open.lines, 1);
  const settled = parse('1 0.5 0\n2 0.2 7', true);
  assert.equal(settled.points.length, 2);
  assert.equal(settled.bytes, 15);
});

test('a settled last line cut off before its step is reported and left unread, not stored at step 0', () => {
  const cut = parse('1 0.5 0\n2 0.2', true, 1);
  assert.deepEqual(cut.points.map(([s]) => s), [0]);
  assert.equal(cut.bytes, 8);
  assert.deepEqual(cut.problems.map((p) => p.line), [2]);
  assert.match(cut.problems[0]!.reason, /cut off/);
});

test('MLflow run statuses, as text and as folder-store integers', () => {
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => runStatusOf(n)), ['RUNNING', 'RUNNING', 'FINISHED', 'FAILED', 'KILLED']);
  assert.deepEqual(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED', '3'].map((s) => runStatusOf(s)), ['RUNNING', 'RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'FINISHED']);
  assert.equal(runStatusOf(9), undefined);
  assert.equal(runStatusOf('PAUSED'), undefined);
});
