import { z } from 'zod';
import type { DriftReport } from '../monitoring/drift.ts';

/** The drift panel (viewType mlLifecycle.drift): one stored drift report, worst columns first. */

export const driftViewType = 'mlLifecycle.drift';

/** Webview -> extension: the page is ready for its report. */
export const driftFromWebview = z.strictObject({ type: z.literal('ready') });
export type DriftFromWebview = z.infer<typeof driftFromWebview>;

/** Extension -> webview. */
export type DriftToWebview =
  | { type: 'report'; reportId: number; subject: string | null; report: DriftReport }
  | { type: 'missing'; reportId: number };

/** What the webview keeps across hide/reload: which stored report it shows. */
export const driftSavedState = z.object({ reportId: z.number().int().positive() });
export type DriftSavedState = z.infer<typeof driftSavedState>;
