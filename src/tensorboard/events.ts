import { fromBinary } from '@bufbuild/protobuf';
import { EventSchema } from './proto/tensorboard/compat/proto/event_pb.js';
import type { Summary_Value } from './proto/tensorboard/compat/proto/summary_pb.js';
import type { TensorProto } from './proto/tensorboard/compat/proto/tensor_pb.js';
import { DataType } from './proto/tensorboard/compat/proto/types_pb.js';
import { type HParamsPluginData, HParamsPluginDataSchema } from './proto/tensorboard/plugins/hparams/plugin_data_pb.js';

/** Plugin names TensorBoard writes into SummaryMetadata.plugin_data. */
const SCALARS = 'scalars';
const TEXT = 'text';
const HPARAMS = 'hparams';

/** What the import does not bring in: counted by kind and reported, never silently dropped. */
export type SkippedKind = 'histograms' | 'images' | 'audio' | 'graphs' | 'run metadata' | `plugin "${string}"` | `tensor of ${string}`;

/** Receives what an event holds. Times are milliseconds since the epoch, as the store keeps them. */
export interface EventSink {
  scalar(tag: string, step: number, timestamp: number, value: number): void;
  text(tag: string, step: number, text: string): void;
  hparams(data: HParamsPluginData, timestamp: number): void;
  skipped(kind: SkippedKind): void;
  /** Every event's wall time, for the run's start and end. */
  wallTime(timestamp: number): void;
}

/**
 * The plugin of each tag of one run. A writer puts a tag's metadata on its first value in each file
 * only, so what a file said earlier decides what its later values are.
 */
export type TagPlugins = Map<string, string>;

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Decodes one record as an Event and hands its contents to `sink`. Throws when it is not an Event. */
export function readEvent(data: Uint8Array, plugins: TagPlugins, sink: EventSink): void {
  const event = fromBinary(EventSchema, data);
  const timestamp = Math.round(event.wallTime * 1000);
  sink.wallTime(timestamp);
  const step = Number(event.step);
  switch (event.what.case) {
    case 'summary':
      for (const value of event.what.value.value) readValue(value, step, timestamp, plugins, sink);
      break;
    case 'graphDef':
    case 'metaGraphDef':
      sink.skipped('graphs');
      break;
    case 'taggedRunMetadata':
      sink.skipped('run metadata');
      break;
    default:
    // file_version, session_log and log_message carry no data to import.
  }
}

function readValue(value: Summary_Value, step: number, timestamp: number, plugins: TagPlugins, sink: EventSink): void {
  const declared = value.metadata?.pluginData?.pluginName;
  if (declared && !plugins.has(value.tag)) plugins.set(value.tag, declared);
  const plugin = declared || plugins.get(value.tag);
  if (plugin === HPARAMS) {
    // The session data is the metadata's content; the value itself is empty.
    const content = value.metadata?.pluginData?.content;
    if (content?.length) sink.hparams(fromBinary(HParamsPluginDataSchema, content), timestamp);
    return;
  }
  switch (value.value.case) {
    case 'simpleValue':
      sink.scalar(value.tag, step, timestamp, value.value.value);
      return;
    case 'histo':
    case 'obsoleteOldStyleHistogram':
      sink.skipped('histograms');
      return;
    case 'image':
      sink.skipped('images');
      return;
    case 'audio':
      sink.skipped('audio');
      return;
    case 'tensor':
      readTensor(value.tag, value.value.value, plugin, step, timestamp, sink);
      return;
    default:
  }
}

function readTensor(tag: string, tensor: TensorProto, plugin: string | undefined, step: number, timestamp: number, sink: EventSink): void {
  if (plugin === 'histograms' || plugin === 'images' || plugin === 'audio') {
    sink.skipped(plugin);
    return;
  }
  if (plugin === TEXT || (plugin === undefined && tensor.dtype === DataType.DT_STRING)) {
    if (tensor.dtype === DataType.DT_STRING) {
      sink.text(tag, step, tensor.stringVal.map((bytes) => utf8.decode(bytes)).join('\n'));
      return;
    }
  }
  if (plugin === SCALARS || plugin === undefined) {
    const value = scalarOf(tensor, plugin === SCALARS);
    if (value !== undefined) {
      sink.scalar(tag, step, timestamp, value);
      return;
    }
  }
  sink.skipped(plugin && plugin !== SCALARS && plugin !== TEXT ? `plugin "${plugin}"` : `tensor of ${DataType[tensor.dtype] ?? `dtype ${tensor.dtype}`}`);
}

/** Elements of the tensor: 1 for a scalar (no dimensions), the product of the sizes otherwise. */
function elements(tensor: TensorProto): number {
  return (tensor.tensorShape?.dim ?? []).reduce((n, dim) => n * Number(dim.size), 1);
}

/**
 * The value of a one-element tensor: float and double as TF2 writes them, and, for a tensor the
 * scalars plugin declared, half and whole numbers too. Undefined for anything else.
 */
function scalarOf(tensor: TensorProto, declared: boolean): number | undefined {
  if (elements(tensor) !== 1) return undefined;
  const content = tensor.tensorContent;
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  switch (tensor.dtype) {
    case DataType.DT_FLOAT:
      return content.length >= 4 ? view.getFloat32(0, true) : tensor.floatVal[0];
    case DataType.DT_DOUBLE:
      return content.length >= 8 ? view.getFloat64(0, true) : tensor.doubleVal[0];
    default:
  }
  if (!declared) return undefined;
  switch (tensor.dtype) {
    case DataType.DT_HALF:
      return halfToNumber(content.length >= 2 ? view.getUint16(0, true) : tensor.halfVal[0]);
    case DataType.DT_INT32:
    case DataType.DT_INT16:
    case DataType.DT_INT8:
    case DataType.DT_UINT8:
      return content.length ? Number(readInteger(view, tensor.dtype)) : tensor.intVal[0];
    case DataType.DT_INT64:
      return content.length >= 8 ? Number(view.getBigInt64(0, true)) : tensor.int64Val[0] === undefined ? undefined : Number(tensor.int64Val[0]);
    default:
      return undefined;
  }
}

function readInteger(view: DataView, dtype: DataType): number {
  switch (dtype) {
    case DataType.DT_INT16:
      return view.getInt16(0, true);
    case DataType.DT_INT8:
      return view.getInt8(0);
    case DataType.DT_UINT8:
      return view.getUint8(0);
    default:
      return view.getInt32(0, true);
  }
}

/** IEEE 754 half precision bits (as TensorProto.half_val keeps them) to a number. */
function halfToNumber(bits: number | undefined): number | undefined {
  if (bits === undefined) return undefined;
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
