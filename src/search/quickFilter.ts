/**
 * Quick filters from a column header of the Runs table: a condition on one column written in the
 * filter syntax (quoting text the parser's way) and ANDed with the filter already there. Pure and
 * free of the parser, so the webview bundles it.
 */
import type { Entity } from './syntax.ts';

export type QuickOperator = '=' | '!=' | '>' | '<' | 'IS NULL' | 'IS NOT NULL';

export interface QuickColumn {
  /** The column's filter text, e.g. metrics.val_auc or params.`model depth`. */
  id: string;
  entity: Entity;
  /** What its values are: metrics and some attributes are numbers; params and tags are text that may hold numbers. */
  type: 'text' | 'number';
}

export interface QuickOption {
  operator: QuickOperator;
  /** For menus and screen readers. */
  label: string;
  /** Whether the option takes a value. */
  needsValue: boolean;
}

/** The conditions that make sense for a column: text gets = and !=, numbers also > and <, and every column whether it has a value. */
export function quickOptions(column: QuickColumn, value: unknown): QuickOption[] {
  const numeric = column.type === 'number' || (typeof value === 'string' ? isNumberText(value) : typeof value === 'number');
  const absent = column.entity === 'metric' ? 'was not logged' : column.entity === 'attribute' ? 'is empty' : 'is not set';
  const options: QuickOption[] = [
    { operator: '=', label: 'equals', needsValue: true },
    { operator: '!=', label: 'does not equal', needsValue: true },
  ];
  if (numeric) options.push({ operator: '>', label: 'is greater than', needsValue: true }, { operator: '<', label: 'is less than', needsValue: true });
  options.push({ operator: 'IS NOT NULL', label: column.entity === 'metric' ? 'was logged' : 'has a value', needsValue: false }, { operator: 'IS NULL', label: absent, needsValue: false });
  return options;
}

/**
 * The condition, e.g. `params.optimizer = 'adam'`, `metrics.auc > 0.9`. Text is quoted with
 * single quotes (a quote inside doubled); > and < and number columns take a number, and a value
 * that is not one is an Error saying what to enter.
 */
export function quickCondition(column: QuickColumn, operator: QuickOperator, value?: string | number): string {
  if (operator === 'IS NULL' || operator === 'IS NOT NULL') return `${column.id} ${operator}`;
  const text = String(value ?? '').trim();
  const asNumber = column.type === 'number' || operator === '>' || operator === '<';
  if (!asNumber) return `${column.id} ${operator} ${quoteText(String(value ?? ''))}`;
  if (!isNumberText(text)) throw new Error(`${operator} needs a number, such as 0.85 or 1e-3; "${text}" is not one.`);
  return `${column.id} ${operator} ${Number(text)}`;
}

/** A text value in the filter syntax: single quotes, a quote inside doubled. */
export function quoteText(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** `existing AND condition`; an existing filter with a top-level OR is put in parentheses first. */
export function andFilter(existing: string, condition: string): string {
  const current = existing.trim();
  if (current === '') return condition;
  return hasTopLevelOr(current) ? `(${current}) AND ${condition}` : `${current} AND ${condition}`;
}

function isNumberText(text: string): boolean {
  return /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(text.trim()) && Number.isFinite(Number(text));
}

/** Whether OR joins conditions outside any parentheses and quotes (so AND would bind tighter than meant). */
function hasTopLevelOr(filter: string): boolean {
  let depth = 0;
  for (let i = 0; i < filter.length; i++) {
    const char = filter[i]!;
    if (char === "'" || char === '"' || char === '`') {
      // Skip to the closing quote; a doubled quote stays inside.
      let j = i + 1;
      while (j < filter.length && !(filter[j] === char && filter[j + 1] !== char)) j += filter[j] === char ? 2 : 1;
      i = j;
    } else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (depth === 0 && /^or\b/i.test(filter.slice(i, i + 3)) && (i === 0 || /[\s)]/.test(filter[i - 1]!))) return true;
  }
  return false;
}
