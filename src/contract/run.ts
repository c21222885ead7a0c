// The run page's messages. The extension validates everything the webview sends with the zod
// schemas below; the webview imports the types only.
import { z } from 'zod';
import type { SeriesSet } from '../compare/m4.ts';
import type { ArtifactFile } from '../runpage/artifacts.ts';
import { MAX_NOTE, MAX_TAG_KEY, MAX_TAG_VALUE } from '../runpage/edits.ts';
import type { RunPageModel } from '../runpage/model.ts';
import type { Preview } from '../runpage/preview.ts';

export const runViewType = 'mlLifecycle.run';

export const RUN_TABS = ['metrics', 'params', 'tags', 'artifacts'] as const;
export type RunTab = (typeof RUN_TABS)[number];

const id = z.number().int().positive();
const display = z.string().min(1).max(10_000);

/** What the webview keeps with setState, and the serializer gets back after a reload. */
export const runSavedState = z.object({
  runId: id,
  tab: z.enum(RUN_TABS).catch('metrics'),
  chart: z.string().max(100_000).nullable().catch(null),
  artifact: display.nullable().catch(null),
  filter: z.string().max(500).catch(''),
});
export type RunSavedState = z.infer<typeof runSavedState>;

const range = z.object({ lo: z.number().finite(), hi: z.number().finite() }).refine((r) => r.lo <= r.hi, 'lo must not exceed hi');

export const runFromWebview = z.discriminatedUnion('type', [
  /** The page is loaded (again): send the run and its artifacts. */
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('rename'), name: z.string().max(1000) }),
  z.object({ type: z.literal('setTag'), key: z.string().max(MAX_TAG_KEY + 100), value: z.string().max(MAX_TAG_VALUE) }),
  z.object({ type: z.literal('removeTag'), key: z.string().max(MAX_TAG_KEY + 100) }),
  z.object({ type: z.literal('setNote'), note: z.string().max(MAX_NOTE) }),
  /** Opens the page of a linked run (parent or child). */
  z.object({ type: z.literal('openRun'), id }),
  /** Series for the full chart of one metric, as Compare asks for them. */
  z.object({ type: z.literal('series'), requestId: z.number().int().nonnegative(), key: z.string().min(1).max(100_000), pixels: z.number().int().min(1).max(16_384), range: range.nullable() }),
  /** An artifact by the path the page shows: only files of the listing are ever read. */
  z.object({ type: z.literal('preview'), display }),
  z.object({ type: z.literal('openArtifact'), display }),
  z.object({ type: z.literal('revealArtifact'), display }),
  z.object({ type: z.literal('compareWith') }),
  z.object({ type: z.literal('openFraming') }),
]);
export type RunFromWebview = z.infer<typeof runFromWebview>;

/** An artifact as the page gets it: no absolute path needed to show or ask for it. */
export type ArtifactRow = Omit<ArtifactFile, 'absolute'>;

export type RunToWebview =
  /**
   * The run (null: it is gone, `gone` says why); sent on ready and whenever the store changes it.
   * `editable` is false in an untrusted workspace or a read-only store: the page hides its edits.
   */
  | { type: 'model'; page: RunPageModel | null; gone: string | null; editable: boolean }
  | { type: 'artifacts'; files: ArtifactRow[]; truncated: boolean; mlflowFolder: string | null }
  /** `imageUri` is the webview resource URI of an image preview. */
  | { type: 'preview'; display: string; preview: Preview; imageUri: string | null }
  /** The sha256 of an artifact that was not logged with one, hashed when it was selected. */
  | { type: 'hash'; display: string; sha256: string }
  | { type: 'series'; requestId: number; set: SeriesSet }
  | { type: 'seriesFailed'; requestId: number; key: string; message: string };
