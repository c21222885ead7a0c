// The compare panel's messages. The extension validates everything the webview sends with the
// zod schemas below; the webview imports the types only.
import { z } from 'zod';
import type { SeriesSet } from '../compare/m4.ts';
import { type CompareModel, type Subject, X_MODES } from '../compare/model.ts';
import { MAX_STRENGTH, SMOOTHING_MODES } from '../compare/smoothing.ts';

export const compareViewType = 'mlLifecycle.compare';

const id = z.number().int().positive();
const key = z.string().min(1).max(100_000);

export const SubjectSchema: z.ZodType<Subject> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('runs'), runIds: z.array(id).max(1000) }),
  z.object({ kind: z.literal('production'), versionIds: z.array(id).max(1000) }),
]);

export const TABS = ['charts', 'summary', 'params', 'parallel'] as const;
export type Tab = (typeof TABS)[number];

/** What the webview keeps with setState, and the serializer gets back after a reload. */
export const compareSavedState = z.object({
  subject: SubjectSchema,
  tab: z.enum(TABS).catch('charts'),
  xAxis: z.enum(X_MODES).catch('step'),
  smoothing: z.enum(SMOOTHING_MODES).catch('off'),
  strength: z.number().min(0).max(MAX_STRENGTH).catch(0.6),
  logScale: z.boolean().catch(false),
  onlyDifferences: z.boolean().catch(true),
  summaryMetric: z.string().max(100_000).nullable().catch(null),
  summarySort: z.object({ column: z.number().int().min(0).max(20), descending: z.boolean() }).catch({ column: 2, descending: false }),
  scatter: z.object({ param: z.string().max(100_000).nullable(), metric: z.string().max(100_000).nullable() }).catch({ param: null, metric: null }),
  hidden: z.array(id).max(1000).catch([]),
  /** Run id -> palette slot, so a run keeps its colour when others come and go. */
  colors: z.record(z.string().regex(/^\d+$/), z.number().int().min(0).max(10_000)).catch({}),
});
export type CompareSavedState = z.infer<typeof compareSavedState>;

const range = z.object({ lo: z.number().finite(), hi: z.number().finite() }).refine((r) => r.lo <= r.hi, 'lo must not exceed hi');

export const compareFromWebview = z.discriminatedUnion('type', [
  /** The page is loaded (again): send the model. */
  z.object({ type: z.literal('ready') }),
  /** Series for one chart, `pixels` wide, over `range` (null: everything). Answered with 'series'. */
  z.object({ type: z.literal('series'), requestId: z.number().int().nonnegative(), key, pixels: z.number().int().min(1).max(16_384), range: range.nullable() }),
  /** "Add runs…" (or versions): the extension asks with a quick pick. */
  z.object({ type: z.literal('add') }),
  z.object({ type: z.literal('remove'), id }),
  /** Copy a table to the clipboard. */
  z.object({
    type: z.literal('copy'),
    table: z.enum(['summary', 'params']),
    format: z.enum(['csv', 'markdown']),
    onlyDifferences: z.boolean(),
    metric: key.nullable(),
  }),
]);
export type CompareFromWebview = z.infer<typeof compareFromWebview>;

export type CompareToWebview =
  /** The whole comparison except the series; sent on ready and whenever the store changes it. */
  | { type: 'model'; model: CompareModel; notes: string[] }
  | { type: 'series'; requestId: number; set: SeriesSet }
  | { type: 'seriesFailed'; requestId: number; key: string; message: string };
