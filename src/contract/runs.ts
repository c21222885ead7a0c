import { z } from 'zod';
import type { TableColumn, TableGroupRow, TableRow } from '../search/table.ts';

/**
 * The Runs table panel (viewType mlLifecycle.runsTable): one row per run across experiments, with
 * search, sort and grouping done in SQL by the extension. The webview holds only the rows on screen.
 */

export const runsViewType = 'mlLifecycle.runsTable';

export const METRIC_VALUES = ['last', 'min', 'max', 'best'] as const;

const columnText = z.string().min(1).max(2000);

/** What the user arranged; kept per workspace and in the webview's state. */
export const runsLayoutSchema = z.strictObject({
  filter: z.string().max(10_000),
  /** Visible columns, in order (filter texts such as metrics.val_auc). */
  columns: z.array(columnText).max(1000),
  /** How many leading columns stay put when scrolling sideways. */
  pinned: z.number().int().min(0).max(20),
  widths: z.record(columnText, z.number().min(40).max(2000)),
  sort: z.array(z.strictObject({ column: columnText, descending: z.boolean() })).max(10),
  groupBy: z.array(columnText).max(5),
  /** Which value of each metric the metric columns show. */
  metricValue: z.enum(METRIC_VALUES),
  experimentIds: z.array(z.number().int()).max(10_000).nullable(),
});
export type RunsLayout = z.infer<typeof runsLayoutSchema>;

const runIds = z.array(z.number().int()).max(100_000);

/** What the table does to its selected rows (toolbar, context menu and commands alike). */
export const ROW_ACTIONS = ['compare', 'register', 'trash', 'copyCsv', 'copyMarkdown', 'editNote'] as const;
export type RowAction = (typeof ROW_ACTIONS)[number];

/** Webview -> extension, acting on rows: see src/workbench/runs/rowActions.ts. */
const rowRequests = [
  /** The selected runs changed (in table order): commands act on them, the Experiments view follows. */
  z.strictObject({ type: z.literal('select'), runIds }),
  z.strictObject({ type: z.literal('act'), action: z.enum(ROW_ACTIONS), runIds }),
  z.strictObject({ type: z.literal('star'), runIds, starred: z.boolean() }),
  /** An inline edit of a tag cell; an empty value removes the tag. */
  z.strictObject({ type: z.literal('setTag'), runId: z.number().int(), key: z.string().max(1000), value: z.string().max(100_000) }),
  /** The note editor's text (after an 'editNote' action); empty clears the note. */
  z.strictObject({ type: z.literal('setNote'), runId: z.number().int(), note: z.string().max(1_000_000) }),
] as const;

/** Webview -> extension. */
export const runsFromWebview = z.discriminatedUnion('type', [
  /** The page is up: the extension answers with the columns and the layout to use. */
  z.strictObject({ type: z.literal('ready'), layout: runsLayoutSchema.nullable() }),
  /** The layout changed (or the page started): query again and save it. */
  z.strictObject({ type: z.literal('query'), layout: runsLayoutSchema }),
  /** The rows from `start` (inclusive) to `end` (exclusive) of result `generation`. */
  z.strictObject({ type: z.literal('rows'), generation: z.number().int(), start: z.number().int().min(0), end: z.number().int().min(0) }),
  ...rowRequests,
  /** Compare Groups: the table's groups as lines in a Compare panel. */
  z.strictObject({ type: z.literal('compareGroups') }),
]);
export type RunsFromWebview = z.infer<typeof runsFromWebview>;

/** Extension -> webview. */
export type RunsToWebview =
  | { type: 'columns'; columns: TableColumn[]; layout: RunsLayout; experiments: { id: number; name: string }[] }
  | {
      type: 'result';
      generation: number;
      total: number;
      error: { message: string; column: number } | null;
      groups: TableGroupRow[];
      /** The metric columns the group stats are for, in order. */
      groupMetrics: string[];
      elapsedMs: number;
      /** Index of the run to scroll to and select (Show in Runs Table), if it is in the result. */
      reveal: number | null;
      /** Every matching run id in order, so the page can select ranges and keep its place across refreshes. */
      ids: number[];
      /** The store changed (a live refresh): keep the scroll position and selection. */
      live: boolean;
    }
  /** Select these runs (the Experiments view's selection), scrolling to the first if none is shown. */
  | { type: 'select'; runIds: number[] }
  /** Opens the note editor of one run (the answer to an 'editNote' action). */
  | { type: 'note'; runId: number; runName: string; note: string }
  | { type: 'rows'; generation: number; start: number; rows: TableRow[] };

export const RUNS_DEFAULT_COLUMNS = ['attributes.status', 'attributes.starred', 'attributes.run_name', 'attributes.experiment', 'attributes.start_time', 'attributes.duration'];

export function defaultLayout(experimentIds: number[] | null = null, filter = ''): RunsLayout {
  return { filter, columns: RUNS_DEFAULT_COLUMNS, pinned: 3, widths: {}, sort: [], groupBy: [], metricValue: 'last', experimentIds };
}
