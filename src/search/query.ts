/**
 * Searching, sorting, grouping and reading runs in SQL on the store: one statement per question,
 * so 10,000 runs cost one pass and the caller only ever holds ids and the rows it shows.
 */
import { cachedStatement, type Store } from '../store/database.ts';
import { type Sql, columnSql, compileFilter, sortSql } from './compile.ts';
import { parseFilter } from './parser.ts';
import type { ColumnRef, Expr, SortKey } from './syntax.ts';

export interface RunSearch {
  /** Filter text in the search syntax, or an already parsed filter; empty means every run. */
  filter?: string | Expr | null;
  /** Only runs of these experiments; every live experiment when absent. */
  experimentIds?: readonly number[];
  /** Sort keys, first one first; newest first after them (and when there are none). */
  orderBy?: readonly SortKey[];
  /** RUNNING runs whose heartbeat is older read as KILLED (ms since epoch). */
  staleBefore: number;
}

/** The FROM and WHERE clauses shared by every search. */
function scope(search: RunSearch): Sql {
  const expr = typeof search.filter === 'string' ? parseFilter(search.filter) : (search.filter ?? null);
  const filter = compileFilter(expr, search.staleBefore);
  const experiments = search.experimentIds ? 'AND r.experiment_id IN (SELECT value FROM json_each(?))' : '';
  return {
    text: `FROM runs r JOIN experiments e ON e.id = r.experiment_id
      WHERE r.deleted_at IS NULL AND e.deleted_at IS NULL ${experiments} AND ${filter.text}`,
    params: [...(search.experimentIds ? [JSON.stringify(search.experimentIds)] : []), ...filter.params],
  };
}

function orderClause(keys: readonly SortKey[], staleBefore: number): Sql {
  const parts = keys.map((key) => sortSql(key.column, staleBefore));
  const text = [...keys.map((key, i) => `${parts[i]!.text} ${key.descending ? 'DESC' : 'ASC'} NULLS LAST`), 'r.start_time DESC', 'r.id DESC'].join(', ');
  return { text: `ORDER BY ${text}`, params: parts.flatMap((p) => p.params) };
}

/** The ids of every matching run, in order. Throws SearchError for a filter that does not parse. */
export function searchRunIds(store: Store, search: RunSearch): number[] {
  const from = scope(search);
  const order = orderClause(search.orderBy ?? [], search.staleBefore);
  return store.db
    .prepare(`SELECT r.id ${from.text} ${order.text}`)
    .pluck()
    .all(...from.params, ...order.params) as number[];
}

/** One row per id (in the order given) with the value of each column; a missing value is null. */
export function readColumns(store: Store, ids: readonly number[], columns: readonly ColumnRef[], staleBefore: number): { id: number; values: unknown[] }[] {
  if (ids.length === 0) return [];
  const parts = columns.map((column) => columnSql(column, staleBefore));
  const select = parts.map((p, i) => `${p.text} AS c${i}`).join(', ');
  const rows = store.db
    .prepare(`SELECT r.id AS id${select ? `, ${select}` : ''} FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id IN (SELECT value FROM json_each(?))`)
    .all(...parts.flatMap((p) => p.params), JSON.stringify(ids)) as Record<string, unknown>[];
  const byId = new Map(rows.map((row) => [row.id as number, columns.map((_, i) => row[`c${i}`] ?? null)]));
  return ids.filter((id) => byId.has(id)).map((id) => ({ id, values: byId.get(id)! }));
}

export interface GroupStats {
  mean: number | null;
  min: number | null;
  max: number | null;
}

export interface RunGroup {
  /** The group's value of each grouping column, outermost first (null: runs without it). */
  keys: unknown[];
  count: number;
  /** Per metric column asked for. */
  stats: GroupStats[];
}

/**
 * Groups the matching runs by the first `depth` grouping columns (1 to by.length), with the count
 * and the mean, min and max of each metric column. Groups come in key order, runs without a value last.
 */
export function groupRuns(store: Store, search: RunSearch, by: readonly ColumnRef[], metrics: readonly ColumnRef[], depth = by.length): RunGroup[] {
  const levels = by.slice(0, depth);
  if (levels.length === 0) return [];
  const from = scope(search);
  const keys = levels.map((column) => sortSql(column, search.staleBefore));
  const values = metrics.map((column) => columnSql(column, search.staleBefore));
  const inner = [...keys.map((k, i) => `${k.text} AS g${i}`), ...values.map((v, i) => `${v.text} AS m${i}`)].join(', ');
  const outer = [
    ...keys.map((_, i) => `g${i}`),
    'count(*) AS n',
    ...values.map((_, i) => `avg(CASE WHEN abs(m${i}) <= 1.7976931348623157e308 THEN m${i} END) AS mean${i}, min(m${i}) AS min${i}, max(m${i}) AS max${i}`),
  ].join(', ');
  const groupBy = keys.map((_, i) => `g${i}`).join(', ');
  const order = keys.map((_, i) => `g${i} IS NULL, g${i}`).join(', ');
  const rows = store.db
    .prepare(`SELECT ${outer} FROM (SELECT ${inner} ${from.text}) GROUP BY ${groupBy} ORDER BY ${order}`)
    .all(...keys.flatMap((k) => k.params), ...values.flatMap((v) => v.params), ...from.params) as Record<string, number | string | null>[];
  return rows.map((row) => ({
    keys: keys.map((_, i) => row[`g${i}`] ?? null),
    count: row.n as number,
    stats: values.map((_, i) => ({ mean: row[`mean${i}`] as number | null, min: row[`min${i}`] as number | null, max: row[`max${i}`] as number | null })),
  }));
}

export interface ColumnCatalog {
  params: string[];
  tags: string[];
  metrics: string[];
}

/**
 * Every param, tag and metric key of the runs of these experiments, sorted. For all experiments it
 * reads the key tables whole (one pass; keys only trashed runs have may be listed, and show empty),
 * which is several times faster than checking each row's run.
 */
export function columnCatalog(store: Store, experimentIds?: readonly number[]): ColumnCatalog {
  const runs = `SELECT r.id FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.deleted_at IS NULL AND e.deleted_at IS NULL
    AND r.experiment_id IN (SELECT value FROM json_each(@experiments))`;
  const where = experimentIds ? `WHERE run_id IN (${runs})` : '';
  const args = experimentIds ? { experiments: JSON.stringify(experimentIds) } : {};
  // Sorted here: with ORDER BY, SQLite sorts every row before removing duplicates (3x slower).
  const keys = (sql: string) => (cachedStatement(store.db, sql).pluck().all(args) as string[]).sort();
  return {
    params: keys(`SELECT DISTINCT key FROM params ${where}`),
    tags: keys(`SELECT DISTINCT key FROM tags ${where}`),
    metrics: keys(`SELECT DISTINCT key FROM metric_blocks ${where ? `${where} AND` : 'WHERE'} shift = 12 UNION SELECT key FROM metric_dirty ${where}`),
  };
}
