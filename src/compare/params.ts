import type { Store } from '../store/database.ts';

/** Params across runs, one row per key; `values[row][column]` follows `ids` (null: not logged by that run). */
export interface ParamTable {
  ids: number[];
  keys: string[];
  values: (string | null)[][];
  /** Whether the row's value is not the same in every run (a missing value counts as different). */
  differs: boolean[];
}

export function paramTable(store: Store, runIds: readonly number[]): ParamTable {
  const rows = runIds.length
    ? (store.db.prepare('SELECT run_id AS runId, key, value FROM params WHERE run_id IN (SELECT value FROM json_each(?))').all(JSON.stringify(runIds)) as {
        runId: number;
        key: string;
        value: string;
      }[])
    : [];
  const column = new Map(runIds.map((id, index) => [id, index]));
  const byKey = new Map<string, (string | null)[]>();
  for (const row of rows) {
    let values = byKey.get(row.key);
    if (!values) {
      values = runIds.map(() => null);
      byKey.set(row.key, values);
    }
    values[column.get(row.runId)!] = row.value;
  }
  const keys = [...byKey.keys()].sort((a, b) => a.localeCompare(b));
  const values = keys.map((key) => byKey.get(key)!);
  return { ids: [...runIds], keys, values, differs: values.map((row) => row.some((value) => value !== row[0])) };
}

/** A param's values as numbers when every logged value is one (so it gets a numeric axis), else null. */
export function numericValues(values: readonly (string | null)[]): (number | null)[] | null {
  const numbers = values.map((value) => (value === null || value.trim() === '' ? null : Number(value)));
  return numbers.every((n) => n === null || Number.isFinite(n)) && numbers.some((n) => n !== null) ? numbers : null;
}

/**
 * The param a scatter starts with: the one most runs logged, preferring params that differ
 * between the runs, then numeric ones (a real x axis), then the first by name.
 */
export function defaultScatterParam(params: ParamTable): string | null {
  let best: { key: string; score: [number, number, number] } | null = null;
  params.keys.forEach((key, row) => {
    const values = params.values[row]!;
    const score: [number, number, number] = [Number(params.differs[row]!), values.filter((v) => v !== null).length, Number(numericValues(values) !== null)];
    if (!best || score[0] > best.score[0] || (score[0] === best.score[0] && (score[1] > best.score[1] || (score[1] === best.score[1] && score[2] > best.score[2])))) best = { key, score };
  });
  return (best as { key: string } | null)?.key ?? null;
}
