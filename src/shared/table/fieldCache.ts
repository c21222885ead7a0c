/**
 * The classification of short CSV fields that are not plain decimals, remembered by their bytes:
 * categorical columns repeat a few values millions of times, and a hit costs a hash and a byte
 * compare instead of a string, a Number() and a Map key hash. Direct-mapped: a collision replaces.
 */
const SLOTS = 4096;
const MAX_BYTES = 32;

export class FieldCache {
  private readonly keys = new Uint8Array(SLOTS * MAX_BYTES);
  /** Key length per slot; 0 for an empty slot (empty fields never get here). */
  private readonly lengths = new Uint8Array(SLOTS);
  readonly kinds = new Int8Array(SLOTS);
  readonly numbers = new Float64Array(SLOTS);
  readonly texts: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);

  /** The slot of bytes[start, end), or -1 when the field is too long to cache. */
  slotOf(bytes: Uint8Array, start: number, end: number): number {
    const n = end - start;
    if (n > MAX_BYTES) return -1;
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    return (hash >>> 0) % SLOTS;
  }

  /** Whether `slot` holds bytes[start, end). */
  holds(slot: number, bytes: Uint8Array, start: number, end: number): boolean {
    const n = end - start;
    if (this.lengths[slot] !== n) return false;
    const keys = this.keys;
    const base = slot * MAX_BYTES;
    for (let i = 0; i < n; i++) if (keys[base + i] !== bytes[start + i]) return false;
    return true;
  }

  /** Remembers that bytes[start, end) is of `kind`, with its number or text. */
  store(slot: number, bytes: Uint8Array, start: number, end: number, kind: number, value: number, text: string | undefined): void {
    this.keys.set(bytes.subarray(start, end), slot * MAX_BYTES);
    this.lengths[slot] = end - start;
    this.kinds[slot] = kind;
    this.numbers[slot] = value;
    this.texts[slot] = text;
  }
}
