/** The logging API's production metrics: a measurement of a registered version, named by model and version or alias. */
import * as path from 'node:path';
import { logProductionMetrics } from '../monitoring/productionMetrics.ts';
import { openStore, type Store } from '../store/database.ts';
import { discoverStorePath } from '../store/location.ts';
import { retryWhileLocked } from '../store/lockRetry.ts';
import { LogInputError, checkKey, metricTimestamp, metricValue, quote } from '../tracking/loggingInput.ts';
import { resolveVersion } from './models.ts';

/**
 * Records one measurement of a registered model version in production. `version` is the version
 * number or an alias ("champion" or "@champion"). Written at once, in its own transaction.
 */
export function logProductionMetric(
  model: string,
  version: number | string,
  key: string,
  value: number,
  options: { timestamp?: number; storePath?: string; store?: Store } = {},
): void {
  checkKey('production metric', key);
  const stored = metricValue(key, value);
  const timestamp = options.timestamp === undefined ? Date.now() : metricTimestamp(key, options.timestamp);
  const store = options.store ?? openStore(options.storePath ? path.resolve(options.storePath) : discoverStorePath(), { create: false });
  try {
    let versionId: number;
    try {
      versionId = resolveVersion(store, model, String(version)).id;
    } catch (error) {
      throw new LogInputError(`${(error as Error).message} (store ${store.path})`);
    }
    retryWhileLocked(store.path, `log production metric ${quote(key)} of ${quote(model)}`, () => logProductionMetrics(store, versionId, [{ key, value: stored, timestamp }]));
  } finally {
    if (!options.store) store.close();
  }
}
