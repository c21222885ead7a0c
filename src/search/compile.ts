/**
 * Turns a parsed filter into a SQL condition over `runs r JOIN experiments e`, and a column into
 * the SQL expression of its value. Every value from the filter is a bound parameter (`?`), never
 * part of the SQL text; keys are bound too. Types are checked here, with the column of the culprit.
 */
import { guessDirection } from '../compare/summary.ts';
import { findAttribute, type ValueType } from './attributes.ts';
import { type ColumnRef, type Comparison, type Expr, type Literal, SearchError } from './syntax.ts';

/** A piece of SQL and the values of its `?` placeholders, in order. */
export interface Sql {
  text: string;
  params: unknown[];
}

const FINITE = 'abs(m.value) <= 1.7976931348623157e308';

/** The metric's last value: MLflow's latest, points ordered by (step, timestamp, seq). */
const LAST = 'SELECT m.value FROM metrics m WHERE m.run_id = r.id AND m.key = ? ORDER BY m.step DESC, m.timestamp DESC, m.seq DESC LIMIT 1';

/**
 * Finite min or max of a metric from the 4096-step block summaries plus the points of the range
 * not summarized yet (metric_dirty), so a run of a million steps costs a few rows.
 */
function extreme(fn: 'min' | 'max'): string {
  return `SELECT ${fn}(v) FROM (SELECT b.${fn} AS v FROM metric_blocks b WHERE b.run_id = r.id AND b.key = ? AND b.shift = 12
    UNION ALL SELECT m.value FROM metric_dirty d JOIN metrics m ON m.run_id = d.run_id AND m.key = d.key AND m.step BETWEEN d.lo AND d.hi
    WHERE d.run_id = r.id AND d.key = ? AND ${FINITE})`;
}

/** Text that is a JSON number reads as that number; other text (or no value) as NULL. */
const AS_NUMBER = "(CASE WHEN json_valid($X) AND json_type($X) IN ('integer', 'real') THEN CAST($X AS REAL) END)";
/** Numbers as numbers, then other text: SQLite sorts numbers before text. */
const NUMBERS_FIRST = "(CASE WHEN json_valid($X) AND json_type($X) IN ('integer', 'real') THEN CAST($X AS REAL) ELSE $X END)";

/** The type of a column's values: metrics and some attributes are numbers, params and tags text. */
function typeOf(column: ColumnRef): ValueType {
  if (column.entity === 'metric') return 'number';
  if (column.entity === 'attribute') return findAttribute(column.key)!.type;
  return 'text';
}

/** The value of a column for run `r`, as SQL. `staleBefore`: RUNNING runs quiet since then read as KILLED. */
export function columnSql(column: ColumnRef, staleBefore: number): Sql {
  switch (column.entity) {
    case 'attribute': {
      const sql = findAttribute(column.key)!.sql;
      return sql.includes('@stale') ? { text: sql.replace('@stale', '?'), params: [Math.floor(staleBefore)] } : { text: sql, params: [] };
    }
    case 'param':
    case 'tag': {
      const table = column.entity === 'param' ? 'params' : 'tags';
      return { text: `(SELECT x.value FROM ${table} x WHERE x.run_id = r.id AND x.key = ?)`, params: [column.key] };
    }
    case 'metric':
      return metricSql(column);
  }
}

function metricSql(column: ColumnRef): Sql {
  const key = column.key;
  if (column.aggregate === 'last') return { text: `(${LAST})`, params: [key] };
  if (column.aggregate === 'min' || column.aggregate === 'max') return { text: `(${extreme(column.aggregate)})`, params: [key, key] };
  // best: the experiment's direction when this is its primary metric, else a guess from the name.
  return {
    text: `(CASE WHEN (CASE WHEN e.primary_metric = ? AND e.metric_direction IS NOT NULL THEN e.metric_direction ELSE ? END) = 'min'
      THEN (${extreme('min')}) ELSE (${extreme('max')}) END)`,
    params: [key, guessDirection(key), key, key, key, key],
  };
}

/** A sort key: text values that are numbers sort as numbers, before other text. */
export function sortSql(column: ColumnRef, staleBefore: number): Sql {
  const value = columnSql(column, staleBefore);
  return typeOf(column) === 'number' ? value : reuse(value, NUMBERS_FIRST);
}

/** Puts a column expression at each $X of a template, repeating its parameters in order. */
function reuse(value: Sql, template: string): Sql {
  const parts = template.split('$X');
  return { text: parts.join(value.text), params: Array.from({ length: parts.length - 1 }, () => value.params).flat() };
}

/** The filter as a SQL condition; an empty filter is `1`. */
export function compileFilter(expr: Expr | null, staleBefore: number): Sql {
  if (!expr) return { text: '1', params: [] };
  switch (expr.kind) {
    case 'and':
    case 'or': {
      const parts = expr.items.map((item) => compileFilter(item, staleBefore));
      return { text: `(${parts.map((p) => p.text).join(expr.kind === 'and' ? ' AND ' : ' OR ')})`, params: parts.flatMap((p) => p.params) };
    }
    case 'not': {
      const inner = compileFilter(expr.item, staleBefore);
      return { text: `(NOT ${inner.text})`, params: inner.params };
    }
    case 'compare':
      return comparison(expr, staleBefore);
  }
}

const ORDERING = new Set(['<', '<=', '>', '>=']);
const TEXT_ONLY = new Set(['LIKE', 'ILIKE', 'NOT LIKE', 'NOT ILIKE']);

function comparison(node: Comparison, staleBefore: number): Sql {
  const { column, comparator, values } = node;
  if (comparator === 'IS NULL' || comparator === 'IS NOT NULL') return nullTest(column, comparator === 'IS NOT NULL', staleBefore);
  const columnType = typeOf(column);
  const valueType = sameType(values);
  if (columnType === 'boolean' || valueType === 'boolean') return yesNo(node, columnType, valueType, staleBefore);
  if (TEXT_ONLY.has(comparator) && columnType === 'number') throw new SearchError(`${column.text} is a number; ${comparator} only applies to text such as params, tags and names.`, node.at);
  if (columnType === 'number' && valueType === 'text') {
    throw new SearchError(`${column.text} is a number; compare it with a number, not with ${values.find((v) => typeof v.value === 'string')!.text}.`, values[0]!.at);
  }
  if (TEXT_ONLY.has(comparator) && valueType === 'number') throw new SearchError(`${comparator} matches text; quote the pattern, e.g. '${values[0]!.text}%'.`, values[0]!.at);
  if (ORDERING.has(comparator) && valueType === 'text') {
    const looksNumeric = Number.isFinite(Number(values[0]!.value)) && String(values[0]!.value).trim() !== '';
    throw new SearchError(
      looksNumeric
        ? `${comparator} compares numbers; write the number without quotes: ${column.text} ${comparator} ${values[0]!.value}.`
        : `${comparator} compares numbers, and ${values[0]!.text} is text; use =, !=, LIKE, ILIKE or IN for text.`,
      values[0]!.at,
    );
  }
  if (columnType === 'text' && valueType === 'number' && column.entity === 'attribute') {
    throw new SearchError(`${column.text} is text; quote the value: '${values[0]!.text}'.`, values[0]!.at);
  }
  // A param or tag compared with a number compares as a number where its value is one.
  let left = columnSql(column, staleBefore);
  if (columnType === 'text' && valueType === 'number') left = reuse(left, AS_NUMBER);
  const op = comparator;
  if (op === 'IN' || op === 'NOT IN') {
    return { text: `(${left.text} ${op} (${values.map(() => '?').join(', ')}))`, params: [...left.params, ...values.map((v) => v.value)] };
  }
  if (op === 'LIKE' || op === 'NOT LIKE') {
    // MLflow's LIKE is case-sensitive; SQLite's is not, so it becomes a GLOB with the same meaning.
    return { text: `(${op === 'NOT LIKE' ? 'NOT ' : ''}${left.text} GLOB ?)`, params: [...left.params, likeToGlob(String(values[0]!.value))] };
  }
  if (op === 'ILIKE' || op === 'NOT ILIKE') {
    return { text: `(${op === 'NOT ILIKE' ? 'NOT ' : ''}${left.text} LIKE ?)`, params: [...left.params, values[0]!.value] };
  }
  return { text: `(${left.text} ${op} ?)`, params: [...left.params, values[0]!.value] };
}

function kindOf(literal: Literal): ValueType {
  return typeof literal.value === 'number' ? 'number' : typeof literal.value === 'boolean' ? 'boolean' : 'text';
}

function sameType(values: readonly Literal[]): ValueType {
  const first = kindOf(values[0]!);
  const odd = values.find((v) => kindOf(v) !== first);
  if (odd) throw new SearchError(`the list mixes ${first === 'boolean' || kindOf(odd) === 'boolean' ? 'true/false with other values' : 'numbers and quoted text'} (${odd.text}); use one kind.`, odd.at);
  return first;
}

/** A yes/no attribute (1 or 0 in SQL) against true or false, with = or != only. */
function yesNo(node: Comparison, columnType: ValueType, valueType: ValueType, staleBefore: number): Sql {
  const { column, comparator, values } = node;
  const first = values[0]!;
  if (columnType !== 'boolean') throw new SearchError(`${first.text} only compares with a yes/no attribute such as attributes.starred; quote it to match text: '${first.text}'.`, first.at);
  if (valueType !== 'boolean') throw new SearchError(`${column.text} is true or false; write ${column.text} = true.`, first.at);
  if (comparator !== '=' && comparator !== '!=') throw new SearchError(`${column.text} is true or false; compare it with = or !=.`, node.at);
  const value = columnSql(column, staleBefore);
  return { text: `(${value.text} ${comparator} ?)`, params: [...value.params, first.value ? 1 : 0] };
}

function nullTest(column: ColumnRef, present: boolean, staleBefore: number): Sql {
  if (column.entity === 'metric') {
    // A logged NaN is stored as NULL: whether the metric was logged at all is what counts.
    return { text: `(${present ? '' : 'NOT '}EXISTS (SELECT 1 FROM metrics m WHERE m.run_id = r.id AND m.key = ?))`, params: [column.key] };
  }
  const value = columnSql(column, staleBefore);
  return { text: `(${value.text} IS ${present ? 'NOT ' : ''}NULL)`, params: value.params };
}

/** LIKE's % and _ as GLOB's * and ?, with GLOB's own special characters made literal. */
function likeToGlob(pattern: string): string {
  let glob = '';
  for (const char of pattern) {
    if (char === '%') glob += '*';
    else if (char === '_') glob += '?';
    else if (char === '*' || char === '?' || char === '[') glob += `[${char}]`;
    else glob += char;
  }
  return glob;
}
