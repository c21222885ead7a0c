import type { RunStatus, MetricDirection } from '../tracking/model.ts';
import { isSystemMetric } from './metricGroups.ts';
import type { CompareModel } from './model.ts';
import type { MetricSummary, MetricValue } from './summary.ts';

/**
 * The Summary tab: one row per run (or model version), one column per metric, each cell the
 * chosen number of that metric, and each metric's best cell marked by the metric's direction
 * (the experiment's for its primary metric, else guessed from the name).
 */
export const SUMMARY_VALUES = ['last', 'best', 'min', 'max'] as const;
export type SummaryValue = (typeof SUMMARY_VALUES)[number];

export interface WideColumn {
  key: string;
  direction: MetricDirection;
  directionFrom: MetricSummary['directionFrom'];
  system: boolean;
}

export interface WideRow {
  id: number;
  name: string;
  group: string;
  status: RunStatus | null;
  /** Per column; null where the run did not log that metric. */
  cells: (MetricValue | null)[];
  /** Per column: whether this cell holds the metric's best value among the rows. */
  best: boolean[];
}

export interface WideSummary {
  columns: WideColumn[];
  rows: WideRow[];
}

/** Columns that are not metrics; any other sort column is a metric key. */
export const FIXED_COLUMNS = ['run', 'experiment', 'status'] as const;

export interface SummarySort {
  column: string;
  descending: boolean;
}

export function wideSummary(model: CompareModel, value: SummaryValue): WideSummary {
  // Chart order: primary metrics first, then the most shared; the System group last.
  const keys = [...model.charts.map((c) => c.key), ...model.summary.map((s) => s.key)].filter((k, i, all) => all.indexOf(k) === i);
  const ordered = [...keys.filter((k) => !isSystemMetric(k)), ...keys.filter(isSystemMetric)];
  const byCell = new Map(model.summary.map((s) => [`${s.id}\u0000${s.key}`, s]));
  const columns = ordered.map((key): WideColumn => {
    const rows = model.summary.filter((s) => s.key === key);
    const lead = rows.find((r) => r.directionFrom === 'experiment') ?? rows[0];
    const chart = model.charts.find((c) => c.key === key);
    return { key, direction: chart?.direction ?? lead?.direction ?? 'max', directionFrom: lead?.directionFrom ?? 'name', system: isSystemMetric(key) };
  });
  const rows = model.items.map(
    (item): WideRow => ({
      id: item.id,
      name: item.name,
      group: item.group,
      status: item.status,
      cells: columns.map((c) => {
        const s = byCell.get(`${item.id}\u0000${c.key}`);
        return s ? pick(s, value) : null;
      }),
      best: [],
    }),
  );
  columns.forEach((column, index) => {
    const numbers = rows.map((r) => r.cells[index]).filter((v): v is number => typeof v === 'number');
    const best = numbers.length ? (column.direction === 'min' ? Math.min(...numbers) : Math.max(...numbers)) : null;
    // One run alone is not "best" of anything, and more CPU or memory is not better or worse.
    for (const row of rows) row.best[index] = !column.system && best !== null && numbers.length > 1 && row.cells[index] === best;
  });
  return { columns, rows };
}

function pick(s: MetricSummary, value: SummaryValue): MetricValue | null {
  switch (value) {
    case 'last':
      return s.last;
    case 'best':
      return s.best;
    case 'min':
      return s.min;
    case 'max':
      return s.max;
  }
}

/** Rows in the sorted order; a run without the value stays last either way; ties keep the comparison's order. */
export function sortWide(summary: WideSummary, sort: SummarySort): WideRow[] {
  const index = summary.columns.findIndex((c) => c.key === sort.column);
  const keyOf = (row: WideRow): string | number | null => {
    if (sort.column === 'experiment') return row.group;
    if (sort.column === 'status') return row.status;
    if (index >= 0) {
      const cell = row.cells[index];
      return typeof cell === 'number' ? cell : null;
    }
    return row.name;
  };
  const position = new Map(summary.rows.map((r, i) => [r.id, i]));
  return [...summary.rows].sort((a, b) => {
    const x = keyOf(a);
    const y = keyOf(b);
    if (x === null || y === null) return x === y ? position.get(a.id)! - position.get(b.id)! : x === null ? 1 : -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
    return (sort.descending ? -order : order) || position.get(a.id)! - position.get(b.id)!;
  });
}

/** Clicking a header: a metric first sorts best first, a text column A to Z; clicking again reverses. */
export function nextSort(current: SummarySort, column: string, summary: WideSummary): SummarySort {
  if (current.column === column) return { column, descending: !current.descending };
  const metric = summary.columns.find((c) => c.key === column);
  return { column, descending: metric ? metric.direction === 'max' : false };
}

/** Why a run stopped early, for a mark beside its name (never colour alone). */
export function endedEarly(status: RunStatus | null): 'FAILED' | 'KILLED' | null {
  return status === 'FAILED' || status === 'KILLED' ? status : null;
}
