/**
 * Every number of each column of the reference, kept so the drift check can count them in the
 * bins without parsing the file a second time. Numbers live in Float64Array chunks; beyond a
 * memory budget, full chunks go to one temp file, so memory stays bounded whatever the file size.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Numbers held in memory by default, over all columns (32 MB); the rest go to the temp file. */
const DEFAULT_MEMORY_BYTES = 32 * 1024 * 1024;
const MAX_CHUNK_VALUES = 65_536;
const MIN_CHUNK_VALUES = 1024;

interface Chunk {
  /** The values, or undefined once written to the temp file at `offset`. */
  values: Float64Array | undefined;
  offset: number;
  count: number;
}

interface Column {
  chunks: Chunk[];
  filling: Float64Array | undefined;
  filled: number;
}

export class ColumnNumbers {
  private readonly columns: Column[];
  private readonly chunkValues: number;
  private readonly memoryBytes: number;
  private heldBytes = 0;
  /** Chunks already written to the temp file, reused for filling so spilling allocates nothing. */
  private readonly spare: Float64Array[] = [];
  private directory: string | undefined;
  private fd: number | undefined;
  private fileBytes = 0;

  constructor(columns: number, memoryBytes = DEFAULT_MEMORY_BYTES) {
    this.columns = Array.from({ length: columns }, () => ({ chunks: [], filling: undefined, filled: 0 }));
    this.memoryBytes = memoryBytes;
    // Chunks being filled (one per column) take at most a quarter of the budget.
    this.chunkValues = Math.max(MIN_CHUNK_VALUES, Math.min(MAX_CHUNK_VALUES, Math.floor(memoryBytes / 4 / 8 / Math.max(1, columns))));
  }

  add(column: number, value: number): void {
    const target = this.columns[column]!;
    target.filling ??= this.spare.pop() ?? new Float64Array(this.chunkValues);
    target.filling[target.filled++] = value;
    if (target.filled === this.chunkValues) this.seal(target);
  }

  /** Calls `visit` with the column's numbers in the order they were added, a chunk at a time (`values` is reused). */
  forEach(column: number, visit: (values: Float64Array, count: number) => void): void {
    const target = this.columns[column]!;
    let buffer: Float64Array | undefined;
    for (const chunk of target.chunks) {
      if (chunk.values) visit(chunk.values, chunk.count);
      else {
        buffer ??= new Float64Array(this.chunkValues);
        this.readChunk(chunk, buffer);
        visit(buffer, chunk.count);
      }
    }
    if (target.filling && target.filled > 0) visit(target.filling, target.filled);
  }

  /** Bytes written to the temp file so far. */
  get spilledBytes(): number {
    return this.fileBytes;
  }

  /** The temp file's folder while there is one. */
  get spillDirectory(): string | undefined {
    return this.directory;
  }

  /** Deletes the temp file and drops the numbers; safe to call more than once. */
  close(): void {
    for (const column of this.columns) {
      column.chunks = [];
      column.filling = undefined;
      column.filled = 0;
    }
    this.heldBytes = 0;
    this.spare.length = 0;
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    if (this.directory) fs.rmSync(this.directory, { recursive: true, force: true });
    this.directory = undefined;
  }

  private seal(target: Column): void {
    const values = target.filling!;
    const chunk: Chunk = { values, offset: 0, count: target.filled };
    target.chunks.push(chunk);
    target.filling = undefined;
    target.filled = 0;
    this.heldBytes += values.byteLength;
    if (this.heldBytes > this.memoryBytes) this.spill(chunk);
  }

  private spill(chunk: Chunk): void {
    if (this.fd === undefined) {
      this.directory = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-lifecycle-drift-'));
      this.fd = fs.openSync(path.join(this.directory, 'numbers.f64'), 'w+', 0o600);
    }
    const bytes = new Uint8Array(chunk.values!.buffer, chunk.values!.byteOffset, chunk.count * 8);
    for (let written = 0; written < bytes.length; ) written += fs.writeSync(this.fd, bytes, written, bytes.length - written, this.fileBytes + written);
    chunk.offset = this.fileBytes;
    this.fileBytes += bytes.length;
    this.heldBytes -= chunk.values!.byteLength;
    this.spare.push(chunk.values!);
    chunk.values = undefined;
  }

  private readChunk(chunk: Chunk, into: Float64Array): void {
    const bytes = new Uint8Array(into.buffer, into.byteOffset, chunk.count * 8);
    for (let read = 0; read < bytes.length; ) {
      const n = fs.readSync(this.fd!, bytes, read, bytes.length - read, chunk.offset + read);
      if (n === 0) throw new Error(`The drift check's temp file ${this.directory} ended early; run the check again.`);
      read += n;
    }
  }
}
