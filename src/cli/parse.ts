import { parseArgs } from 'node:util';
import type { CliCommand } from './command.ts';
import { CliError } from './command.ts';

type OptionSpecs = Record<string, { type: 'string' | 'boolean'; multiple: true }>;

/** Options every command takes. */
const COMMON = ['json', 'help'];

/**
 * The options of a command, read from its usage line, which stays the one place they are named:
 * `--name VALUE` takes a value, `--flag` (followed by `]`, a space and `[`, or the end) does not.
 */
export function commandOptions(command: Pick<CliCommand, 'usage'>): OptionSpecs {
  const specs: OptionSpecs = {};
  for (const name of COMMON) specs[name] = { type: 'boolean', multiple: true };
  for (const match of command.usage.matchAll(/--([a-z][a-z0-9-]*)( [^\s[\]-][^\s\]]*)?/g)) {
    specs[match[1]!] = { type: match[2] ? 'string' : 'boolean', multiple: true };
  }
  return specs;
}

export interface ParsedArgs {
  words: string[];
  options: Map<string, (string | true)[]>;
}

/** Positional words only, for finding the command before its options are known. */
export function commandWords(argv: readonly string[]): string[] {
  return parseArgs({ args: [...argv], strict: false, allowPositionals: true }).positionals;
}

/** Parses `argv` strictly against the command's options; an unknown one names the closest known one. */
export function parseCommandArgs(command: Pick<CliCommand, 'usage'>, argv: readonly string[]): ParsedArgs {
  const specs = commandOptions(command);
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: specs, strict: true, allowPositionals: true });
  } catch (error) {
    throw new CliError(explain(error as Error & { code?: string }, Object.keys(specs)));
  }
  const options = new Map<string, (string | true)[]>();
  for (const [name, values] of Object.entries(parsed.values)) {
    if (values === undefined) continue;
    options.set(name, (values).map((value) => (value === true || value === false ? true : value)));
  }
  return { words: parsed.positionals, options };
}

function explain(error: Error & { code?: string }, known: readonly string[]): string {
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = /'(-[^']*)'/.exec(error.message)?.[1] ?? '';
    const name = given.replace(/^-+/, '').split('=')[0]!;
    const closest = closestName(name, known);
    const hint = closest ? ` Did you mean --${closest}?` : ` This command takes ${known.map((k) => `--${k}`).join(', ')}.`;
    return `unknown option ${given}.${hint}`;
  }
  const option = /Option '(?:-\w, )?(--[^ ']+)/.exec(error.message)?.[1];
  if (option && /argument missing/.test(error.message)) return `${option} needs a value.`;
  if (option && /ambiguous/.test(error.message)) return `${option} is followed by a value that starts with "-": write it as ${option}=VALUE.`;
  if (option && /does not take an argument/.test(error.message)) return `${option} takes no value.`;
  return error.message.split('\n')[0]!;
}

/** The known name within a third of its length in edits, if any. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

/** Levenshtein distance, with a swap of two neighbours as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  let beforePrevious = previous;
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      // Two neighbours swapped ("stpe") count as one edit.
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j]!, beforePrevious[j - 2]! + 1);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length]!;
}
