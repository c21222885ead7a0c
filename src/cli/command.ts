/** One `ml-lifecycle` subcommand. Each lives in src/cli/commands/ and is listed in main.ts. */
export interface CliCommand {
  /** The words that select it, e.g. ['runs', 'list'] or ['import', 'mlflow']. */
  readonly words: readonly string[];
  readonly summary: string;
  /** Usage after the command words, e.g. '<path> [--experiment NAME]'. */
  readonly usage: string;
  run(invocation: CliInvocation): Promise<void> | void;
}

export interface CliInvocation {
  /** Positional arguments after the command words. */
  readonly args: readonly string[];
  /** `--name value` and `--flag` options, each with every value it was given (true for a flag). */
  readonly options: ReadonlyMap<string, readonly (string | true)[]>;
  /** `--json`: print machine-readable output only. */
  readonly json: boolean;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  print(text: string): void;
  /** Long work reports progress here (stderr), never on stdout. */
  progress(text: string): void;
  /** Resolves true once the user pressed Ctrl-C; long work checks it between whole units. */
  readonly cancelled: () => boolean;
}

/** An error whose message is the one-line reason printed to the user (exit code 1). */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** The value of an option given at most once. */
export function option(invocation: CliInvocation, name: string): string | undefined {
  const values = optionValues(invocation, name);
  if (values.length > 1) throw new CliError(`--${name} is given ${values.length} times (${values.join(', ')}); give it once.`);
  return values[0];
}

/** Every value of an option that may be repeated, such as --param. */
export function optionValues(invocation: CliInvocation, name: string): string[] {
  const values = invocation.options.get(name) ?? [];
  if (values.includes(true)) throw new CliError(`--${name} needs a value.`);
  return values as string[];
}
