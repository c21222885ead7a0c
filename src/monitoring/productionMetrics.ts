import { parseDecimal } from '../shared/numberText.ts';
import { writeTransaction, type Store } from '../store/database.ts';

/** One production measurement of a model version (NaN is stored as NULL and reads back as null). */
export interface ProductionPoint {
  key: string;
  value: number | null;
  timestamp: number;
}

export function validateMetricKey(key: string): string {
  const trimmed = key.trim();
  if (!trimmed) throw new Error('The metric name is empty. Use a name such as "auc" or "latency_p95_ms".');
  if (trimmed.length > 250) throw new Error(`The metric name is ${trimmed.length} characters long; keep it under 250.`);
  return trimmed;
}

/**
 * Reads a metric value typed by a person or on a command line: a decimal number, or nan / inf /
 * -inf. Throws with a message that says what is accepted.
 */
export function parseMetricValue(text: string, key: string): number {
  const parsed = parseDecimal(text);
  if ('value' in parsed) return parsed.value;
  throw new Error(`The value of "${key}" is "${text}", which is ${parsed.problem}. Write it like 0.87, 120, 1e-3, nan or -inf.`);
}

/** Appends production measurements of a model version, in one transaction. */
export function logProductionMetrics(store: Store, versionId: number, points: readonly ProductionPoint[]): void {
  writeTransaction(store, () => {
    const exists = store.db.prepare('SELECT 1 FROM model_versions WHERE id = ?').get(versionId);
    if (!exists) throw new Error('That model version no longer exists. Refresh the Models view.');
    const insert = store.db.prepare('INSERT INTO production_metrics (version_id, key, timestamp, value) VALUES (?, ?, ?, ?)');
    for (const point of points) insert.run(versionId, validateMetricKey(point.key), Math.round(point.timestamp), Number.isNaN(point.value ?? Number.NaN) ? null : point.value);
  });
}

/** The newest value of every production metric of the given versions: version id -> key -> point. */
export function latestProductionMetrics(store: Store, versionIds: readonly number[]): Map<number, Map<string, ProductionPoint>> {
  const result = new Map<number, Map<string, ProductionPoint>>();
  if (versionIds.length === 0) return result;
  // The index (version_id, key, timestamp) makes each max(timestamp) a seek.
  const rows = store.db
    .prepare(`SELECT p.version_id AS versionId, p.key, p.timestamp, p.value FROM production_metrics p
      JOIN (SELECT version_id, key, max(timestamp) AS at FROM production_metrics WHERE version_id IN (SELECT value FROM json_each(?)) GROUP BY version_id, key) latest
        ON latest.version_id = p.version_id AND latest.key = p.key AND latest.at = p.timestamp
      ORDER BY p.version_id, p.key, p.rowid`)
    .all(JSON.stringify(versionIds)) as (ProductionPoint & { versionId: number })[];
  for (const row of rows) {
    let byKey = result.get(row.versionId);
    if (!byKey) result.set(row.versionId, (byKey = new Map<string, ProductionPoint>()));
    byKey.set(row.key, { key: row.key, value: row.value, timestamp: row.timestamp });
  }
  return result;
}

/** Production metric keys logged for a version, most recently logged first. */
export function productionMetricKeys(store: Store, versionId: number): string[] {
  const rows = store.db
    .prepare('SELECT key, max(timestamp) AS at FROM production_metrics WHERE version_id = ? GROUP BY key ORDER BY at DESC, key')
    .all(versionId) as { key: string }[];
  return rows.map((r) => r.key);
}
