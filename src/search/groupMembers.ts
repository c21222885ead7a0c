/**
 * Which runs make up each group of the Runs table: the matching runs split by the values of the
 * grouping columns (the same values the group rows show). Compare Groups draws one line per group.
 */
import type { Store } from '../store/database.ts';
import { parseColumn } from './parser.ts';
import { readColumns } from './query.ts';

export interface RunGroupMembers {
  /** The group's values, outermost first, as text ("(none)" for runs without one). */
  label: string;
  runIds: number[];
}

/** Groups of `ids` (in that order) by the values of `groupBy`, in order of first appearance. */
export function groupMembers(store: Store, ids: readonly number[], groupBy: readonly string[], staleBefore: number): RunGroupMembers[] {
  const rows = readColumns(store, ids, groupBy.map((column) => parseColumn(column)), staleBefore);
  const groups = new Map<string, RunGroupMembers>();
  for (const row of rows) {
    const label = row.values.map((value) => (value === null ? '(none)' : String(value as string | number))).join(' · ');
    let group = groups.get(label);
    if (!group) groups.set(label, (group = { label, runIds: [] }));
    group.runIds.push(row.id);
  }
  return [...groups.values()];
}
