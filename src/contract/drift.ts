import { z } from 'zod';
import type { DriftReport } from '../monitoring/drift.ts';

/** The drift panel (viewType mlLifecycle.drift): one stored drift report, worst columns first. */

export const DRIFT_VIEW_TYPE = 'mlLifecycle.drift';

/** Webview -> extension: the page is ready for its report. */
export const driftRequestSchema = z.strictObject({ type: z.literal('ready') });
export type DriftRequest = z.infer<typeof driftRequestSchema>;

/** Extension -> webview. */
export type DriftUpdate =
  | { type: 'report'; reportId: number; subject: string | null; report: DriftReport }
  | { type: 'missing'; reportId: number };

/** What the webview keeps across hide/reload: which stored report it shows. */
export interface DriftState {
  reportId: number;
}
