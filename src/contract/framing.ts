import { z } from 'zod';
import type { FramingAssessment } from '../framing/assess.ts';
import type { Criterion } from '../framing/criteria.ts';
import type { FramingDocument } from '../framing/document.ts';
import type { FieldIssue } from '../framing/edit.ts';
import { EXAMPLE_IDS, type ExampleId } from '../framing/examples.ts';
import { STEP_IDS, type StepId, type StepSpec } from '../framing/steps.ts';
import type { VerdictLevel } from '../framing/verdict.ts';

/**
 * Messages of the Framing Wizard panel (viewType mlLifecycle.framingWizard). The webview edits
 * one field at a time; the extension validates, saves (debounced, one revision per save) and
 * answers with the whole view, so both sides agree on what is stored.
 */

export const framingViewType = 'mlLifecycle.framingWizard';

const path = z.string().min(1).max(200).regex(/^[A-Za-z0-9.]+$/);
const rawValue = z.union([z.string().max(100_000), z.boolean(), z.null()]);
const seq = z.number().int().min(0);
/**
 * Edits the page sent that are not known to be stored yet (still waiting for their save, or not
 * accepted), by field path. The page keeps them with setState and sends them again after a
 * reload, so nothing typed is lost even if the window closed before the save.
 */
const replay = z.record(path, z.strictObject({ value: rawValue, seq })).refine((r) => Object.keys(r).length <= 500, { error: 'too many fields' });

/** Webview -> extension. */
export const framingFromWebview = z.discriminatedUnion('type', [
  /** Sent each time the page (re)loads; the extension answers with `init`. */
  z.strictObject({ type: z.literal('ready'), replay }),
  /**
   * A control changed. Text is sent as typed; `immediate` saves at once (choices, boxes) instead
   * of after a pause. `seq` numbers the page's edits; views report the last one stored.
   */
  z.strictObject({ type: z.literal('setField'), path, value: rawValue, immediate: z.boolean(), seq }),
  z.strictObject({ type: z.literal('addRow'), list: path }),
  z.strictObject({ type: z.literal('removeRow'), list: path, index: z.number().int().min(0).max(1000) }),
  /** Opens a worked example as a new framing; the one being edited is left as it is. */
  z.strictObject({ type: z.literal('prefill'), example: z.enum(EXAMPLE_IDS) }),
  z.strictObject({ type: z.literal('export') }),
  /** Lists this framing's revisions (mlLifecycle.showFramingRevisions). */
  z.strictObject({ type: z.literal('showRevisions') }),
  /** Starts another framing in a new panel. */
  z.strictObject({ type: z.literal('newFraming') }),
]);
export type FramingFromWebview = z.infer<typeof framingFromWebview>;

/** What the webview keeps with setState, and the serializer receives after a reload. */
export const framingSavedState = z.object({
  framingId: z.number().int().positive().nullable(),
  step: z.enum(STEP_IDS),
  seq,
  replay,
});
export type FramingSavedState = z.infer<typeof framingSavedState>;

export interface SaveStatus {
  state: 'new' | 'pending' | 'saved' | 'failed';
  /** When the last save happened (ms). */
  at?: number;
  message?: string;
}

export interface FramingView {
  framingId: number | null;
  revision: number;
  document: FramingDocument;
  assessment: FramingAssessment;
  /** Edits that were not accepted; the stored value stays until the field is fixed. */
  rejected: FieldIssue[];
  save: SaveStatus;
  /** The page's last edit (`seq`) reflected in `document`: later ones are still on their way. */
  appliedSeq: number;
  /** The page's last edit that is in the store: the page can forget the edits up to it. */
  savedSeq: number;
}

export interface FramingCatalogue {
  steps: readonly StepSpec[];
  criteria: readonly Criterion[];
  examples: readonly { id: ExampleId; title: string }[];
  verdictLabels: Record<VerdictLevel, string>;
}

/** Extension -> webview. */
export type FramingToWebview =
  | { type: 'init'; catalogue: FramingCatalogue; view: FramingView; step?: StepId }
  | { type: 'view'; view: FramingView }
  | { type: 'goto'; step: StepId };
