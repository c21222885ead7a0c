/** Builds event files for tests that need no Python: Events made with the generated protos, framed as TFRecord. */
import { type MessageInitShape, create, toBinary } from '@bufbuild/protobuf';
import { EventSchema } from '../../../src/tensorboard/proto/tensorboard/compat/proto/event_pb.js';
import { SummarySchema, Summary_ValueSchema } from '../../../src/tensorboard/proto/tensorboard/compat/proto/summary_pb.js';
import { FOOTER_BYTES, HEADER_BYTES, maskedCrc32c } from '../../../src/tensorboard/tfrecord.ts';

/** Frames `data` as one TFRecord record. */
export function frameRecord(data: Uint8Array): Buffer {
  const record = Buffer.alloc(HEADER_BYTES + data.length + FOOTER_BYTES);
  record.writeBigUInt64LE(BigInt(data.length), 0);
  record.writeUInt32LE(maskedCrc32c(record.subarray(0, 8)), 8);
  record.set(data, HEADER_BYTES);
  record.writeUInt32LE(maskedCrc32c(data), HEADER_BYTES + data.length);
  return record;
}

/** An Event holding one summary value, serialized. */
export function summaryEvent(step: number, wallTime: number, value: MessageInitShape<typeof Summary_ValueSchema>): Uint8Array {
  const summary = create(SummarySchema, { value: [create(Summary_ValueSchema, value)] });
  return toBinary(EventSchema, create(EventSchema, { step: BigInt(step), wallTime, what: { case: 'summary', value: summary } }));
}

export function fileVersionEvent(wallTime: number): Uint8Array {
  return toBinary(EventSchema, create(EventSchema, { wallTime, what: { case: 'fileVersion', value: 'brain.Event:2' } }));
}

/** A TF1 scalar (simple_value) event, framed. */
export function simpleValueRecord(tag: string, step: number, value: number, wallTime = 1_700_000_000 + step): Buffer {
  return frameRecord(summaryEvent(step, wallTime, { tag, value: { case: 'simpleValue', value } }));
}
