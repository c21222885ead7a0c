/**
 * The Runs table's questions to the store: which columns exist, which runs match in what order,
 * the values of the rows on screen, and group rows. Columns are named by their filter text
 * (`metrics.val_auc`, ``params.`model depth` ``, `max(metrics.val_auc)`), so a column, a sort key
 * and a filter all mean the same thing.
 */
import type { Store } from '../store/database.ts';
import { ATTRIBUTES } from './attributes.ts';
import { parseColumn, parseFilter } from './parser.ts';
import { type RunGroup, columnCatalog, groupRuns, readColumns, searchRunIds } from './query.ts';
import { type ColumnRef, type Entity, type MetricAggregate, SearchError, type SortKey } from './syntax.ts';

export type ColumnGroup = 'Attributes' | 'Params' | 'Metrics' | 'Tags';

export interface TableColumn {
  /** Its filter text, e.g. metrics.val_auc; unique. */
  id: string;
  label: string;
  group: ColumnGroup;
  type: 'text' | 'number' | 'boolean' | 'time' | 'duration';
}

const GROUP_OF: Record<Entity, ColumnGroup> = { attribute: 'Attributes', param: 'Params', metric: 'Metrics', tag: 'Tags' };

/** The filter text of a column: keys that are not plain words are quoted. */
export function columnId(entity: Entity, key: string, aggregate: MetricAggregate = 'last'): string {
  const prefix = entity === 'attribute' ? 'attributes' : `${entity}s`;
  const quoted = /^[A-Za-z_][\w./:-]*$/.test(key) ? key : key.includes('`') ? `"${key}"` : `\`${key}\``;
  const text = `${prefix}.${quoted}`;
  return entity === 'metric' && aggregate !== 'last' ? `${aggregate}(${text})` : text;
}

/** Every column the runs of these experiments (all when absent) have: attributes first. */
export function tableColumns(store: Store, experimentIds?: readonly number[]): TableColumn[] {
  const catalog = columnCatalog(store, experimentIds);
  const attributes: TableColumn[] = ATTRIBUTES.map((a) => ({
    id: columnId('attribute', a.key),
    label: a.label,
    group: 'Attributes',
    type: a.key === 'start_time' || a.key === 'end_time' ? 'time' : a.key === 'duration' ? 'duration' : a.type,
  }));
  const keyed = (entity: Entity, keys: string[], type: 'text' | 'number'): TableColumn[] => keys.map((key) => ({ id: columnId(entity, key), label: key, group: GROUP_OF[entity], type }));
  return [...attributes, ...keyed('param', catalog.params, 'text'), ...keyed('metric', catalog.metrics, 'number'), ...keyed('tag', catalog.tags, 'text')];
}

/** A metric column as the value asked for (`metrics.x` -> `max(metrics.x)`); other columns as they are. */
export function withMetricValue(column: string, value: MetricAggregate): string {
  if (value === 'last') return column;
  try {
    const ref = parseColumn(column);
    return ref.entity === 'metric' && ref.aggregate === 'last' ? columnId('metric', ref.key, value) : column;
  } catch {
    return column;
  }
}

export interface TableQuery {
  filter: string;
  /** Experiments shown; all when null. */
  experimentIds: number[] | null;
  sort: { column: string; descending: boolean }[];
  /** Grouping columns, outermost first. */
  groupBy: string[];
  /** Metric columns whose mean/min/max group rows show. */
  metricColumns: string[];
}

export interface TableGroupRow {
  depth: number;
  /** The group's value at each level down to its own. */
  keys: unknown[];
  count: number;
  stats: RunGroup['stats'];
}

export interface TableResult {
  /** Every matching run id, in order. */
  ids: number[];
  /** The filter's problem, with its 1-based column; the ids are then empty. */
  error: { message: string; column: number } | null;
  /** Group rows, outermost level first and each followed by its subgroups; empty without grouping. */
  groups: TableGroupRow[];
}

/** Runs a table query. A bad filter is a result with an error, never an exception. */
export function runTableQuery(store: Store, query: TableQuery, staleBefore: number): TableResult {
  let filter;
  try {
    filter = parseFilter(query.filter);
    const search = { filter, experimentIds: query.experimentIds ?? undefined, staleBefore };
    const orderBy: SortKey[] = query.sort.map((key) => ({ column: parseColumn(key.column), descending: key.descending }));
    const ids = searchRunIds(store, { ...search, orderBy });
    const by = query.groupBy.map(parseColumn);
    const metrics = query.metricColumns.map(parseColumn);
    return { ids, error: null, groups: by.length ? groupTree(store, search, by, metrics) : [] };
  } catch (error) {
    if (error instanceof SearchError) return { ids: [], error: { message: error.reason, column: error.column }, groups: [] };
    throw error;
  }
}

/** Groups at every level, each parent followed by its children (in key order). */
function groupTree(store: Store, search: Parameters<typeof groupRuns>[1], by: ColumnRef[], metrics: ColumnRef[]): TableGroupRow[] {
  const levels = by.map((_, depth) => groupRuns(store, search, by, metrics, depth + 1));
  const rows: TableGroupRow[] = [];
  const walk = (depth: number, prefix: unknown[]) => {
    for (const group of levels[depth]!) {
      if (!prefix.every((key, i) => key === group.keys[i])) continue;
      rows.push({ depth, keys: group.keys, count: group.count, stats: group.stats });
      if (depth + 1 < levels.length) walk(depth + 1, group.keys);
    }
  };
  walk(0, []);
  return rows;
}

export interface TableRow {
  id: number;
  uuid: string;
  experimentId: number;
  values: unknown[];
}

/** The rows of `ids` with the value of each column (ids order kept); unknown columns read as null. */
export function tableRows(store: Store, ids: readonly number[], columns: readonly string[], staleBefore: number): TableRow[] {
  const refs = columns.map((column) => {
    try {
      return parseColumn(column);
    } catch {
      return null; // a column of a saved layout that no longer parses shows empty
    }
  });
  const known = refs.filter((ref): ref is ColumnRef => ref !== null);
  const rows = readColumns(store, ids, [parseColumn('attributes.run_id'), ...known], staleBefore);
  const experimentOf = new Map(
    (store.db.prepare('SELECT id, experiment_id AS e FROM runs WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as { id: number; e: number }[]).map((r) => [r.id, r.e]),
  );
  return rows.map((row) => {
    const values = row.values.slice(1);
    let next = 0;
    return { id: row.id, uuid: row.values[0] as string, experimentId: experimentOf.get(row.id)!, values: refs.map((ref) => (ref ? values[next++] : null)) };
  });
}
