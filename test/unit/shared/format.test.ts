import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMetric } from '../../../src/shared/format.ts';

test('formatMetric spells out NaN and ±Inf and keeps the sign of -0, which the store keeps too', () => {
  assert.deepEqual([Number.NaN, null, Infinity, -Infinity, -0, 0, 0.123456, 1234567, -0.0001].map(formatMetric), ['NaN', 'NaN', '+Inf', '-Inf', '-0', '0', '0.1235', '1.235e+6', '-1.000e-4']);
});
