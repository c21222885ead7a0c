#!/usr/bin/env node
import type { CliCommand, CliInvocation } from './command.ts';
import { CliError } from './command.ts';
import { commandWords, parseCommandArgs } from './parse.ts';
import { driftCommand } from './commands/drift.ts';
import { framingExportCommand } from './commands/framing.ts';
import { importMlflowCommand } from './commands/importMlflow.ts';
import { importTensorBoardCommand } from './commands/importTensorBoard.ts';
import { LOG_COMMANDS } from './commands/log.ts';
import { MONITOR_COMMANDS } from './commands/monitor.ts';
import { pushMlflowCommand } from './commands/pushMlflow.ts';
import { RUN_COMMANDS } from './commands/runs.ts';

/** Every subcommand; helpers add theirs here. */
const COMMANDS: readonly CliCommand[] = [framingExportCommand, importMlflowCommand, importTensorBoardCommand, pushMlflowCommand, ...RUN_COMMANDS, ...LOG_COMMANDS, driftCommand, ...MONITOR_COMMANDS];

function help(): string {
  const lines = ['Usage: ml-lifecycle <command> [options]', '', 'Commands:'];
  for (const command of COMMANDS) lines.push(`  ${[...command.words, command.usage].join(' ').padEnd(48)} ${command.summary}`);
  lines.push('', 'Every command takes --json for machine-readable output. The store is $ML_LIFECYCLE_STORE, or the nearest .ml-lifecycle/ folder above the current directory.');
  return lines.join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const given = commandWords(argv);
  const command = [...COMMANDS].sort((a, b) => b.words.length - a.words.length).find((c) => c.words.every((w, i) => given[i] === w));
  let words = given;
  let options = new Map<string, (string | true)[]>();
  if (command) {
    try {
      ({ words, options } = parseCommandArgs(command, argv));
    } catch (error) {
      process.stderr.write(`ml-lifecycle ${command.words.join(' ')}: ${(error as Error).message}\n`);
      return 2;
    }
  } else if (argv.includes('--help') || argv.includes('-h')) options.set('help', [true]);
  if (!command || options.has('help')) {
    const out = command ? `Usage: ml-lifecycle ${command.words.join(' ')} ${command.usage}\n${command.summary}` : help();
    if (command || words.length === 0 || options.has('help')) {
      process.stdout.write(`${out}\n`);
      return 0;
    }
    process.stderr.write(`ml-lifecycle: unknown command "${words.join(' ')}". Run ml-lifecycle --help for the list.\n`);
    return 2;
  }
  let cancelled = false;
  process.once('SIGINT', () => {
    cancelled = true;
  });
  const invocation: CliInvocation = {
    args: words.slice(command.words.length),
    options,
    json: options.has('json'),
    cwd: process.cwd(),
    env: process.env,
    print: (text) => process.stdout.write(`${text}\n`),
    progress: (text) => {
      if (!options.has('json') || process.stderr.isTTY) process.stderr.write(`${text}\n`);
    },
    cancelled: () => cancelled,
  };
  try {
    await command.run(invocation);
    return cancelled ? 130 : 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`ml-lifecycle ${command.words.join(' ')}: ${message.split('\n')[0]}\n`);
    if (!(error instanceof CliError) && process.env.ML_LIFECYCLE_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return 1;
  }
}

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(`ml-lifecycle needs Node 22 or newer (this is ${process.version}). Run it through npx or npm scripts in the project, which bring Node 24.\n`);
  process.exit(1);
}
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
