import crc32c from 'crc-32/crc32c.js';

/**
 * TFRecord framing, as TensorFlow and TensorBoard write event files: each record is
 * `uint64 length | uint32 masked CRC-32C of the length bytes | data | uint32 masked CRC-32C of data`,
 * little-endian.
 */
export const HEADER_BYTES = 12;
export const FOOTER_BYTES = 4;

const MASK_DELTA = 0xa282ead8;

/** TensorFlow's masked CRC: rotated right by 15 bits plus a constant, so a CRC of CRCs stays strong. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c.buf(bytes) >>> 0;
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/** Something in a file that is not a readable record; `offset` is the byte in the file where it starts. */
export interface RecordProblem {
  offset: number;
  reason: string;
}

export interface ChunkResult {
  /** Bytes of the chunk read to the end of a whole record (or skipped as unreadable); the next read starts there. */
  consumed: number;
  records: number;
  problems: RecordProblem[];
  /** A record that starts in the chunk and does not end in it: where it starts and how long it says it is. */
  incomplete: { offset: number; bytes: number } | undefined;
}

function lengthAt(chunk: Buffer, at: number): number {
  return Number(chunk.readBigUInt64LE(at));
}

function headerHolds(chunk: Buffer, at: number): boolean {
  return maskedCrc32c(chunk.subarray(at, at + 8)) === chunk.readUInt32LE(at + 8);
}

function dataHolds(chunk: Buffer, at: number, length: number): boolean {
  const start = at + HEADER_BYTES;
  return maskedCrc32c(chunk.subarray(start, start + length)) === chunk.readUInt32LE(start + length);
}

/** Whether the file's first bytes are a record header: a file that is not TFRecord fails this at once. */
export function startsWithRecord(head: Buffer): boolean {
  return head.length >= HEADER_BYTES && headerHolds(head, 0);
}

/**
 * Reads the records of `chunk`, which holds the file's bytes from `base` on. Each record's data
 * goes to `onRecord` with its offset in the file. A record whose data checksum fails is skipped
 * (its length was checked, so reading goes on after it); after a length that fails its checksum
 * the reader looks for the next place where a whole record checks, and skips the bytes between.
 */
export function readRecords(chunk: Buffer, base: number, onRecord: (data: Uint8Array, offset: number) => void): ChunkResult {
  const result: ChunkResult = { consumed: 0, records: 0, problems: [], incomplete: undefined };
  let at = 0;
  while (at + HEADER_BYTES <= chunk.length) {
    if (!headerHolds(chunk, at)) {
      const next = resync(chunk, at + 1);
      const reason = 'the record length fails its checksum';
      if (next === undefined) {
        // No record starts in the rest of the chunk; the last bytes may begin one the next read completes.
        const resume = Math.max(at + 1, chunk.length - HEADER_BYTES + 1);
        result.problems.push({ offset: base + at, reason: `${reason}; bytes ${base + at}–${base + resume - 1} skipped` });
        at = resume;
        continue;
      }
      result.problems.push({ offset: base + at, reason: `${reason}; bytes ${base + at}–${base + next - 1} skipped, reading resumed at offset ${base + next}` });
      at = next;
      continue;
    }
    const length = lengthAt(chunk, at);
    const end = at + HEADER_BYTES + length + FOOTER_BYTES;
    if (end > chunk.length) {
      result.incomplete = { offset: base + at, bytes: HEADER_BYTES + length + FOOTER_BYTES };
      break;
    }
    if (dataHolds(chunk, at, length)) {
      onRecord(chunk.subarray(at + HEADER_BYTES, at + HEADER_BYTES + length), base + at);
      result.records++;
    } else {
      result.problems.push({ offset: base + at, reason: `the record data (${length} bytes) fails its checksum; record skipped` });
    }
    at = end;
  }
  result.consumed = at;
  return result;
}

/** The first offset from `from` on where a record's length checks and, if it lies in the chunk, its data too. */
function resync(chunk: Buffer, from: number): number | undefined {
  for (let at = from; at + HEADER_BYTES <= chunk.length; at++) {
    if (!headerHolds(chunk, at)) continue;
    const length = lengthAt(chunk, at);
    const end = at + HEADER_BYTES + length + FOOTER_BYTES;
    if (end > chunk.length || dataHolds(chunk, at, length)) return at;
  }
  return undefined;
}
