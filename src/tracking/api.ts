/**
 * The package's main export (dist/api.cjs): logging from JavaScript/TypeScript training code.
 *
 *   const { startRun } = require('ml-lifecycle');
 *
 * docs/logging.md describes it.
 */
export { StoreError } from '../store/database.ts';
export { LogInputError } from './loggingInput.ts';
export { type FinalStatus, type RunLogger, type StartRunOptions, logProductionMetric, startRun, withRun } from './runLogger.ts';
