/**
 * What the Compare Groups panel shows: its groups, one chart per metric any member logged, and
 * the series of a chart (group lines, and the members' own M4 lines when asked), packed into one
 * Float64Array per message.
 */
import type { Store } from '../store/database.ts';
import type { StepRange } from '../store/metricBlocks.ts';
import { truncateLabel } from '../shared/format.ts';
import { metricKeys } from '../tracking/experiments.ts';
import { GROUP_LINE_COLUMNS, MAX_MEMBER_LINES, groupLine, stepStats, stepValues } from './groups.ts';
import { m4Series, refreshSummaries } from './m4.ts';
import { type PackedColumns, packColumns } from './packColumns.ts';

/** More lines than this are unreadable; the rest are left out with a note. */
export const MAX_GROUPS = 20;

export interface GroupSpec {
  label: string;
  runIds: number[];
}

export interface GroupsSubject {
  /** The grouping columns, for the title. */
  by: string[];
  groups: GroupSpec[];
}

export interface GroupsChart {
  key: string;
  /** Indexes of the groups with a member that logged the metric. */
  groups: number[];
  /** Changes when a member gets new points, so only that chart is read again. */
  signature: string;
}

export interface GroupsModel {
  subject: GroupsSubject;
  title: string;
  charts: GroupsChart[];
  /** Member runs that are gone (trashed or deleted) are left out. */
  runNames: Record<string, string>;
}

export function loadGroups(store: Store, subject: GroupsSubject): GroupsModel {
  const all = subject.groups.flatMap((g) => g.runIds);
  const live = new Map(
    (
      store.db
        .prepare(
          `SELECT r.id, r.name FROM runs r JOIN experiments e ON e.id = r.experiment_id
           WHERE r.deleted_at IS NULL AND e.deleted_at IS NULL AND r.id IN (SELECT value FROM json_each(?))`,
        )
        .all(JSON.stringify(all)) as { id: number; name: string }[]
    ).map((r) => [r.id, r.name]),
  );
  const groups = subject.groups.map((g) => ({ label: g.label, runIds: g.runIds.filter((id) => live.has(id)) })).filter((g) => g.runIds.length > 0);
  refreshSummaries(store, [...live.keys()]);
  const charts = metricKeys(store, [...live.keys()]).map((key): GroupsChart => {
    const rows = store.db
      .prepare(
        `SELECT run_id AS id, sum(n) AS n, max(last_step) AS last FROM metric_blocks WHERE shift = 12 AND key = ? AND run_id IN (SELECT value FROM json_each(?)) GROUP BY run_id
         UNION ALL SELECT run_id, -1, hi FROM metric_dirty WHERE key = ? AND run_id IN (SELECT value FROM json_each(?))`,
      )
      .all(key, JSON.stringify([...live.keys()]), key, JSON.stringify([...live.keys()])) as { id: number; n: number; last: number }[];
    const logged = new Set(rows.map((r) => r.id));
    return {
      key,
      groups: groups.flatMap((g, i) => (g.runIds.some((id) => logged.has(id)) ? [i] : [])),
      signature: rows.map((r) => `${r.id}:${r.n}:${r.last}`).join(','),
    };
  });
  const by = subject.by.map((b) => truncateLabel(b, 60)).join(', ');
  return {
    subject: { by: subject.by, groups },
    title: `Compare ${groups.length} group${groups.length === 1 ? '' : 's'}${by ? ` · by ${by}` : ''}`,
    charts,
    runNames: Object.fromEntries(live),
  };
}

/** Which column of the packed data holds what: per group GROUP_LINE_COLUMNS, then per member line x and y. */
export interface GroupSeriesLayout {
  key: string;
  range: StepRange | null;
  groups: { index: number; steps: number; members: number }[];
  members: { id: number; group: number; points: number }[];
}

export interface GroupSeries {
  layout: GroupSeriesLayout;
  packed: PackedColumns;
}

/**
 * The lines of one chart, `buckets` wide over `range` (everything when absent): per group the
 * mean from every member point, and with `members` the members' M4 lines (up to MAX_MEMBER_LINES a group).
 */
export function groupSeries(store: Store, subject: GroupsSubject, key: string, options: { buckets: number; range?: StepRange | undefined; members: boolean }): GroupSeries {
  const columns: Float64Array[] = [];
  const layout: GroupSeriesLayout = { key, range: options.range ?? null, groups: [], members: [] };
  subject.groups.forEach((group, index) => {
    const stats = stepStats(stepValues(store, group.runIds, key, options.range));
    if (stats.step.length === 0) return;
    const line = groupLine(stats, options.buckets);
    for (const column of GROUP_LINE_COLUMNS) columns.push(line[column]);
    layout.groups.push({ index, steps: line.steps, members: group.runIds.length });
  });
  if (options.members) {
    subject.groups.forEach((group, index) => {
      const set = m4Series(store, group.runIds.slice(0, MAX_MEMBER_LINES), key, { buckets: options.buckets, range: options.range });
      for (const series of set.series) {
        if (series.x.length === 0) continue;
        columns.push(series.x, series.y);
        layout.members.push({ id: series.id, group: index, points: series.points });
      }
    });
  }
  return { layout, packed: packColumns(columns) };
}
