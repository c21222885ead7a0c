// The compare panel's messages. The extension validates everything the webview sends with the
// zod schemas below; the webview imports the types only.
import { z } from 'zod';
import { type GroupSeries, type GroupsModel, type GroupsSubject, MAX_GROUPS } from '../compare/groupsModel.ts';
import { type CompareModel, type Subject, X_MODES } from '../compare/model.ts';
import type { PackedSeriesSet } from '../compare/seriesWire.ts';
import { MAX_STRENGTH, SMOOTHING_MODES } from '../compare/smoothing.ts';
import { SUMMARY_VALUES } from '../compare/wideSummary.ts';

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
  /** Which number of each metric the Summary table shows. */
  summaryValue: z.enum(SUMMARY_VALUES).catch('last'),
  /** The Summary column sorted by: 'run', 'experiment', 'status' or a metric key. */
  summarySort: z.object({ column: z.string().max(100_000), descending: z.boolean() }).catch({ column: 'run', descending: false }),
  scatter: z.object({ param: z.string().max(100_000).nullable(), metric: z.string().max(100_000).nullable() }).catch({ param: null, metric: null }),
  hidden: z.array(id).max(1000).catch([]),
  /** Run id -> palette slot, so a run keeps its colour when others come and go. */
  colors: z.record(z.string().regex(/^\d+$/), z.number().int().min(0).max(10_000)).catch({}),
  /** Whether the System group (metrics under system/) is expanded; collapsed until the user opens it. */
  systemOpen: z.boolean().catch(false),
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
    value: z.enum(SUMMARY_VALUES),
  }),
]);
export type CompareFromWebview = z.infer<typeof compareFromWebview>;

export type CompareToWebview =
  /** The whole comparison except the series; sent on ready and whenever the store changes it. */
  | { type: 'model'; model: CompareModel; notes: string[] }
  /** Packed: one typed array per message (see seriesWire.ts). */
  | { type: 'series'; requestId: number; set: PackedSeriesSet }
  | { type: 'seriesFailed'; requestId: number; key: string; message: string };

// ---- Compare Groups (its own panel: one line per group of runs) ------------------------------

export const GROUPS_VIEW_TYPE = 'mlLifecycle.compareGroups';
export const GROUP_BANDS = ['minmax', 'std'] as const;
export type GroupBand = (typeof GROUP_BANDS)[number];

export const GroupsSubjectSchema: z.ZodType<GroupsSubject> = z.object({
  by: z.array(z.string().max(2000)).max(5),
  groups: z.array(z.object({ label: z.string().max(100_000), runIds: z.array(id).max(100_000) })).max(MAX_GROUPS),
});

/** What the Compare Groups page keeps with setState, and the serializer gets back after a reload. */
export const GroupsStateSchema = z.object({
  subject: GroupsSubjectSchema,
  band: z.enum(GROUP_BANDS).catch('minmax'),
  /** Draw each group's member runs faintly behind its mean. */
  members: z.boolean().catch(false),
  /** Group label -> palette slot, so a group keeps its colour. */
  colors: z.record(z.string(), z.number().int().min(0).max(10_000)).catch({}),
  hidden: z.array(z.string().max(100_000)).max(MAX_GROUPS).catch([]),
});
export type GroupsState = z.infer<typeof GroupsStateSchema>;

export const GroupsFromWebviewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** Lines of one chart, `pixels` wide over `range` (null: everything), with member lines when `members`. */
  z.object({
    type: z.literal('series'),
    requestId: z.number().int().nonnegative(),
    key,
    pixels: z.number().int().min(1).max(16_384),
    range: range.nullable(),
    members: z.boolean(),
  }),
]);
export type GroupsFromWebview = z.infer<typeof GroupsFromWebviewSchema>;

export type GroupsToWebview =
  | { type: 'model'; model: GroupsModel; notes: string[] }
  /** One Float64Array for every column (see GroupSeriesLayout): hundreds of typed arrays in one message arrive empty in code-server. */
  | { type: 'series'; requestId: number; series: GroupSeries }
  | { type: 'seriesFailed'; requestId: number; key: string; message: string };
