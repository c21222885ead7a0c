/**
 * The parsed form of a run filter: MLflow's search syntax (`metrics.auc > 0.9 and params.lr = '0.01'`)
 * plus OR, NOT, parentheses, IN on every column and min/max/best/last of a metric.
 */

export type Entity = 'metric' | 'param' | 'tag' | 'attribute';

/** Which value of a metric's history a column reads: MLflow's latest value unless asked otherwise. */
export type MetricAggregate = 'last' | 'min' | 'max' | 'best';

export interface ColumnRef {
  entity: Entity;
  key: string;
  /** Metrics only. */
  aggregate: MetricAggregate;
  /** 1-based column in the filter where the reference starts. */
  at: number;
  /** The text as written, for messages. */
  text: string;
}

export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'NOT LIKE' | 'NOT ILIKE' | 'IN' | 'NOT IN' | 'IS NULL' | 'IS NOT NULL';

export interface Literal {
  /** true and false compare only with yes/no attributes such as attributes.starred. */
  value: string | number | boolean;
  at: number;
  /** The text as written, for messages. */
  text: string;
}

export interface Comparison {
  kind: 'compare';
  column: ColumnRef;
  comparator: Comparator;
  /** One value, a list for IN / NOT IN, none for IS [NOT] NULL. */
  values: Literal[];
  at: number;
}

export type Expr = Comparison | { kind: 'and' | 'or'; items: Expr[] } | { kind: 'not'; item: Expr };

export interface SortKey {
  column: ColumnRef;
  descending: boolean;
}

/** A filter that does not parse or does not make sense, with the 1-based column it points at. */
export class SearchError extends Error {
  override readonly name = 'SearchError';
  readonly reason: string;
  readonly column: number;
  constructor(reason: string, column: number) {
    super(`Column ${column}: ${reason}`);
    this.reason = reason;
    this.column = column;
  }
}
