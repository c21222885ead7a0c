/**
 * Numbers typed by people (command lines, input boxes): decimal notation only, plus NaN and ±Inf
 * spelled out. `Number()` would also take 0x10, 0b11 and 0o17, and turn 1e309 into Infinity and
 * 1e-400 into 0 without a word; those are refused here with the reason.
 */

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const SPELLED: Record<string, number> = {
  nan: Number.NaN,
  inf: Infinity,
  '+inf': Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-inf': -Infinity,
  '-infinity': -Infinity,
};

/** The number `text` means, or the reason it is refused (a phrase to follow "… is "). */
export function parseDecimal(text: string): { value: number } | { problem: string } {
  const trimmed = text.trim();
  const spelled = SPELLED[trimmed.toLowerCase()];
  if (spelled !== undefined) return { value: spelled };
  if (!DECIMAL.test(trimmed)) return { problem: 'not a number' };
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { problem: 'too large for a 64-bit float (write inf for infinity)' };
  if (value === 0 && /[1-9]/.test(trimmed.split(/e/i)[0]!)) return { problem: 'too small for a 64-bit float: it would be stored as 0' };
  return { value };
}
