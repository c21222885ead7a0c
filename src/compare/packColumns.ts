/**
 * Many typed arrays in one webview message arrive empty in code-server (past about 250 of them),
 * so a message carries its columns packed into one Float64Array with offsets.
 */
export interface PackedColumns {
  data: Float64Array;
  /** Column i is data[offsets[i] .. offsets[i + 1]); one more offset than columns. */
  offsets: number[];
}

export function packColumns(columns: readonly ArrayLike<number>[]): PackedColumns {
  const offsets = [0];
  for (const column of columns) offsets.push(offsets.at(-1)! + column.length);
  const data = new Float64Array(offsets.at(-1)!);
  columns.forEach((column, i) => data.set(column, offsets[i]));
  return { data, offsets };
}

/** The columns again, as views into the packed data (no copies); throws when the data came short. */
export function unpackColumns(packed: PackedColumns): Float64Array[] {
  const expected = packed.offsets.at(-1) ?? 0;
  if (packed.data.length !== expected) {
    throw new Error(`The columns arrived incomplete (${packed.data.length} of ${expected} numbers).`);
  }
  return packed.offsets.slice(0, -1).map((start, i) => packed.data.subarray(start, packed.offsets[i + 1]));
}
