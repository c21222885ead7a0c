import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maskedCrc32c, readRecords } from '../../../src/tensorboard/tfrecord.ts';
import { frameRecord } from './framing.ts';

function recordsOf(file: Buffer, base = 0) {
  const found: [offset: number, text: string][] = [];
  const result = readRecords(file, base, (data, offset) => found.push([offset, Buffer.from(data).toString()]));
  return { found, ...result };
}

test('masked CRC-32C: the Castagnoli check value, masked as TensorFlow does', () => {
  // CRC-32C("123456789") = 0xE3069283 (RFC 3720); mask = rotate right 15, plus 0xA282EAD8.
  const crc = 0xe3069283;
  const masked = ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
  assert.equal(maskedCrc32c(Buffer.from('123456789')), masked);
});

test('reads whole records and leaves a record cut short for the next read', () => {
  const a = frameRecord(Buffer.from('alpha'));
  const b = frameRecord(Buffer.from('bravo!'));
  const file = Buffer.concat([a, b]);
  const whole = recordsOf(file);
  assert.deepEqual(whole.found, [[0, 'alpha'], [a.length, 'bravo!']]);
  assert.equal(whole.consumed, file.length);
  assert.equal(whole.incomplete, undefined);

  const cut = recordsOf(file.subarray(0, a.length + 14), 100);
  assert.deepEqual(cut.found, [[100, 'alpha']]);
  assert.equal(cut.consumed, a.length);
  assert.deepEqual(cut.incomplete, { offset: 100 + a.length, bytes: b.length });
  assert.deepEqual(cut.problems, []);
});

test('a record whose data fails its checksum is skipped, and reading goes on after it', () => {
  const a = frameRecord(Buffer.from('alpha'));
  const b = frameRecord(Buffer.from('bravo'));
  const c = frameRecord(Buffer.from('charlie'));
  b[14]! ^= 0xff;
  const result = recordsOf(Buffer.concat([a, b, c]));
  assert.deepEqual(result.found, [[0, 'alpha'], [a.length + b.length, 'charlie']]);
  assert.equal(result.problems.length, 1);
  assert.equal(result.problems[0]!.offset, a.length);
  assert.match(result.problems[0]!.reason, /data \(5 bytes\) fails its checksum/);
});

test('after a length that fails its checksum, reading resumes at the next whole record', () => {
  const a = frameRecord(Buffer.from('alpha'));
  const b = frameRecord(Buffer.from('bravo'));
  const c = frameRecord(Buffer.from('charlie'));
  b[9]! ^= 0x01;
  const result = recordsOf(Buffer.concat([a, b, c]));
  assert.deepEqual(result.found, [[0, 'alpha'], [a.length + b.length, 'charlie']]);
  assert.equal(result.problems.length, 1);
  assert.equal(result.problems[0]!.offset, a.length);
  assert.match(result.problems[0]!.reason, new RegExp(`resumed at offset ${a.length + b.length}`));
});
