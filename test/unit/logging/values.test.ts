/** Values and names are stored as given or refused with a short reason, never changed silently. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { truncateLabel } from '../../../src/shared/format.ts';
import { createExperiment } from '../../../src/tracking/experiments.ts';
import { parseMetricText } from '../../../src/tracking/loggingInput.ts';
import { startRun } from '../../../src/tracking/runLogger.ts';
import { tempDir, tempStore } from '../helpers.ts';
import { cli, loggerEnv, python } from './support.ts';

describe('metric values typed as text', () => {
  test('decimal numbers and spelled NaN / ±Inf are read as written', () => {
    for (const [text, value] of [['0.87', 0.87], ['-3', -3], ['1e-3', 0.001], ['.5', 0.5], ['1E+2', 100], ['-0.0', -0], ['1e-320', 1e-320]] as const) {
      assert.ok(Object.is(parseMetricText('x', text), value), text);
    }
    assert.ok(Number.isNaN(parseMetricText('x', 'NaN')));
    assert.equal(parseMetricText('x', '-Infinity'), -Infinity);
    assert.equal(parseMetricText('x', '+inf'), Infinity);
  });

  test('hex, binary and octal literals, overflow and underflow are refused with the reason', () => {
    for (const text of ['0x10', '0b11', '0o17', '1_000', 'Infinityx', '']) assert.throws(() => parseMetricText('x', text), /which is not a number/, text);
    assert.throws(() => parseMetricText('x', '1e309'), /"1e309", which is too large for a 64-bit float/);
    assert.throws(() => parseMetricText('x', '-1e-400'), /too small for a 64-bit float: it would be stored as 0/);
  });

  test('the CLI refuses them in one line and writes nothing', () => {
    const storePath = path.join(tempDir(), '.ml-lifecycle', 'store.sqlite');
    const env = loggerEnv(storePath);
    const runId = cli(['run', 'start', '--experiment', 'e'], env).stdout.trim();
    for (const word of ['x=0x10', 'x=1e309', 'x=1e-400']) {
      const done = cli(['log', 'metric', runId, word], env);
      assert.equal(done.status, 1, word);
      assert.equal(done.stderr.trim().split('\n').length, 1);
    }
    const listed = cli(['log', 'metric', runId, 'x=-inf', 'y=nan'], env);
    assert.equal(listed.status, 0, listed.stderr);
  });

  test('a huge integer is refused with a shortened message', () => {
    const run = startRun({ storePath: path.join(tempDir(), 'store.sqlite'), experiment: 'e' });
    try {
      const huge = 10n ** 400n;
      assert.throws(() => run.logMetric('x', huge as unknown as number), (error: Error) => /too large for a 64-bit float/.test(error.message) && error.message.length < 120);
      assert.throws(() => run.logMetric('x', 1, huge as unknown as number), (error: Error) => /step .* is out of range/.test(error.message) && error.message.length < 120);
    } finally {
      run.end();
    }
  });
});

describe('names', () => {
  test('newline, NUL and other control characters are refused in experiment and run names', () => {
    const store = tempStore();
    for (const name of ['two\nlines', 'nul\u0000', 'bell\u0007']) {
      assert.throws(() => createExperiment(store, name), /contains a control character/, JSON.stringify(name));
      assert.throws(() => startRun({ storePath: store.path, experiment: 'ok', name }), /contains a control character/);
      assert.throws(() => startRun({ storePath: store.path, experiment: name }), /contains a control character/);
    }
  });

  test('bidi overrides are kept but shown visibly in labels and the CLI', () => {
    assert.equal(truncateLabel('invoice\u202Etxt.exe'), 'invoice<U+202E>txt.exe');
    const storePath = path.join(tempDir(), '.ml-lifecycle', 'store.sqlite');
    const env = loggerEnv(storePath);
    assert.equal(cli(['run', 'start', '--experiment', 'e', '--name', 'gbm\u202Eevil'], env).status, 0);
    assert.match(cli(['runs', 'list'], env).stdout, /gbm<U\+202E>evil/);
  });
});

test('the Python logger refuses what float() would change, huge numbers in short messages, and control characters in names', () => {
  const storePath = path.join(tempDir(), '.ml-lifecycle', 'store.sqlite');
  const code = `
import decimal, ml_lifecycle as m
run = m.start_run(experiment="e")
for value in [decimal.Decimal("1e400"), decimal.Decimal("-1e-400"), 10 ** 400]:
    try:
        run.log_metric("x", value)
    except m.InputError as e:
        print(len(str(e)) < 120, e)
try:
    run.log_metric("x", 1.0, step=10 ** 400)
except m.InputError as e:
    print(len(str(e)) < 120, e)
run.log_metric("ok", decimal.Decimal("0.25"))
run.end()
for name in ["two\\nlines", "nul\\x00"]:
    try:
        m.start_run(experiment=name)
    except m.InputError as e:
        print(e)
`;
  const done = python(code, loggerEnv(storePath));
  assert.equal(done.status, 0, done.stderr);
  const lines = done.stdout.trim().split('\n');
  assert.match(lines[0]!, /^True .*too large for a 64-bit float/);
  assert.match(lines[1]!, /^True .*too small for a 64-bit float/);
  assert.match(lines[2]!, /^True .*too large for a 64-bit float/);
  assert.match(lines[3]!, /^True .*step .* is out of range/);
  assert.match(lines[4]!, /contains a control character/);
  assert.match(lines[5]!, /contains a control character/);
});
