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
  /** `--name value` and `--flag` options; a repeated option keeps its last value. */
  readonly options: ReadonlyMap<string, string | true>;
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

export function option(invocation: CliInvocation, name: string): string | undefined {
  const value = invocation.options.get(name);
  if (value === true) throw new CliError(`--${name} needs a value.`);
  return value;
}
