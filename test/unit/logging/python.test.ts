import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { finished, loggerEnv, ROOT } from './support.ts';

// The unittest suite of python/ml_lifecycle.py: round trips, bad input, statuses through real
// signals and exits, locking, the store's discovery and refusals. It runs in its own Python.
test('the Python logger passes its unittest suite', async () => {
  const suite = path.join(ROOT, 'test', 'unit', 'logging', 'python');
  const env = loggerEnv('');
  delete env.ML_LIFECYCLE_STORE;
  const done = await finished('python3', ['-m', 'unittest', 'discover', '-s', suite, '-t', suite, '-v'], env);
  assert.equal(done.code, 0, `${done.stderr}\n${done.stdout}`);
  assert.match(done.stderr, /Ran \d+ tests/);
  assert.doesNotMatch(done.stderr, /skipped/);
});
