/**
 * Splits what a run sends into `runs/log-batch` requests within MLflow's documented limits:
 * at most 1,000 metrics, 100 params, 100 tags, 1,000 items in all, and 1 MB of JSON.
 */
export const LOG_BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, items: 1000, bytes: 1_000_000 } as const;

/** Room left for the request's envelope (run_id and brackets), so the body stays under the byte limit. */
const ENVELOPE_BYTES = 200;

export interface KeyValue {
  key: string;
  value: string;
}

/** A point as the REST API takes it; NaN and ±Inf as proto3 JSON spells them. */
export interface WireMetric {
  key: string;
  value: number | 'NaN' | 'Infinity' | '-Infinity';
  timestamp: number;
  step: number;
}

export interface LogBatchBody {
  metrics: WireMetric[];
  params: KeyValue[];
  tags: KeyValue[];
}

function wireValue(value: number | null): WireMetric['value'] {
  if (value === null || Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

function jsonBytes(item: unknown): number {
  return Buffer.byteLength(JSON.stringify(item)) + 1;
}

/** Params and tags in as few requests as the limits allow. */
export function metaBatches(params: readonly KeyValue[], tags: readonly KeyValue[]): LogBatchBody[] {
  const batches: LogBatchBody[] = [];
  let current: LogBatchBody = { metrics: [], params: [], tags: [] };
  let bytes = ENVELOPE_BYTES;
  const flush = () => {
    if (current.params.length || current.tags.length) batches.push(current);
    current = { metrics: [], params: [], tags: [] };
    bytes = ENVELOPE_BYTES;
  };
  const add = (list: 'params' | 'tags', item: KeyValue) => {
    const size = jsonBytes(item);
    if (current[list].length >= LOG_BATCH_LIMITS[list] || bytes + size > LOG_BATCH_LIMITS.bytes) flush();
    current[list].push(item);
    bytes += size;
  };
  for (const param of params) add('params', param);
  for (const tag of tags) add('tags', tag);
  flush();
  return batches;
}

/** A metric point of the store, with what orders it there (seq). */
export interface LocalPoint {
  key: string;
  step: number;
  timestamp: number;
  seq: number;
  value: number | null;
}

export function toWire(point: LocalPoint): WireMetric {
  return { key: point.key, value: wireValue(point.value), timestamp: point.timestamp, step: point.step };
}

/** Consecutive slices of `points`, each one request's metrics: at most 1,000 and under 1 MB. */
export function metricBatches(points: readonly LocalPoint[]): LocalPoint[][] {
  const batches: LocalPoint[][] = [];
  let batch: LocalPoint[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const point of points) {
    const size = jsonBytes(toWire(point));
    if (batch.length >= LOG_BATCH_LIMITS.metrics || bytes + size > LOG_BATCH_LIMITS.bytes) {
      batches.push(batch);
      batch = [];
      bytes = ENVELOPE_BYTES;
    }
    batch.push(point);
    bytes += size;
  }
  if (batch.length) batches.push(batch);
  return batches;
}
