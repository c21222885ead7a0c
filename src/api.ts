/**
 * The package's main export (dist/api.cjs): logging from JavaScript/TypeScript training code.
 *
 *   const { startRun } = require('ml-lifecycle');
 *
 * docs/logging.md describes it.
 */
export { StoreError } from './store/database.ts';
export { LogInputError } from './tracking/loggingInput.ts';
export { logProductionMetric } from './registry/productionMetricLog.ts';
export type { FinalStatus } from './tracking/model.ts';
export { type RunLogger, startRun, withRun } from './tracking/runLogger.ts';
export type { StartRunOptions } from './tracking/runRecords.ts';
