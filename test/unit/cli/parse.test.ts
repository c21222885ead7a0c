import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { driftCommand } from '../../../src/cli/commands/drift.ts';
import { framingExportCommand } from '../../../src/cli/commands/framing.ts';
import { importMlflowCommand } from '../../../src/cli/commands/importMlflow.ts';
import { importTensorBoardCommand } from '../../../src/cli/commands/importTensorBoard.ts';
import { LOG_COMMANDS } from '../../../src/cli/commands/log.ts';
import { MONITOR_COMMANDS } from '../../../src/cli/commands/monitor.ts';
import { pushMlflowCommand } from '../../../src/cli/commands/pushMlflow.ts';
import { RUN_COMMANDS } from '../../../src/cli/commands/runs.ts';
import { closestName, commandOptions, parseCommandArgs } from '../../../src/cli/parse.ts';
import { cli, loggerEnv } from '../logging/support.ts';

const ALL = [framingExportCommand, importMlflowCommand, importTensorBoardCommand, pushMlflowCommand, ...RUN_COMMANDS, ...LOG_COMMANDS, driftCommand, ...MONITOR_COMMANDS];

describe('command line parsing (node:util parseArgs, strict)', () => {
  test('each command takes the options its usage line names, plus --json and --help', () => {
    const taken = Object.fromEntries(ALL.map((c) => [c.words.join(' '), Object.entries(commandOptions(c)).map(([name, spec]) => `${name}:${spec.type}`).sort()]));
    assert.deepEqual(taken['runs list'], ['experiment:string', 'filter:string', 'help:boolean', 'json:boolean', 'limit:string', 'order-by:string', 'status:string']);
    assert.deepEqual(taken['run start'], ['experiment:string', 'help:boolean', 'json:boolean', 'name:string', 'param:string', 'parent:string']);
    assert.deepEqual(taken['drift'], ['help:boolean', 'json:boolean', 'model:string', 'p-value:string', 'psi-alert:string', 'psi-warning:string', 'version:string']);
    assert.deepEqual(taken['log metric'], ['help:boolean', 'json:boolean', 'step:string', 'timestamp:string']);
    assert.deepEqual(taken['import tensorboard'], ['help:boolean', 'json:boolean', 'merge-train-validation:boolean']);
    assert.deepEqual(taken['push mlflow'], ['experiment:string', 'help:boolean', 'json:boolean']);
  });

  test('options and words in any order, repeated options kept, -- ends the options', () => {
    const parsed = parseCommandArgs(RUN_COMMANDS[1]!, ['run', 'start', '--param', 'a=1', '--experiment=e', 'b=2', '--param', 'c=3', '--json', '--', '--not-an-option']);
    assert.deepEqual(parsed.words, ['run', 'start', 'b=2', '--not-an-option']);
    assert.deepEqual(Object.fromEntries(parsed.options), { param: ['a=1', 'c=3'], experiment: ['e'], json: [true] });
  });

  test('an unknown option is an error naming the closest known one', () => {
    assert.throws(() => parseCommandArgs(RUN_COMMANDS[0]!, ['runs', 'list', '--experimnt', 'x']), /^CliError: unknown option --experimnt\. Did you mean --experiment\?$/);
    assert.throws(() => parseCommandArgs(LOG_COMMANDS[2]!, ['log', 'metric', 'r', 'x=1', '--stpe', '3']), /Did you mean --step\?/);
    assert.throws(() => parseCommandArgs(RUN_COMMANDS[0]!, ['runs', 'list', '--colour']), /unknown option --colour\. This command takes --json, --help, --experiment, --status, --filter, --order-by, --limit\./);
    assert.throws(() => parseCommandArgs(RUN_COMMANDS[0]!, ['runs', 'list', '--limit']), /--limit needs a value\./);
    assert.equal(closestName('psi-warn', ['psi-warning', 'psi-alert']), 'psi-warning');
    assert.equal(closestName('zzz', ['json']), undefined);
  });

  test('the ml-lifecycle command exits 2 with one line for an unknown option, and writes nothing', () => {
    const done = cli(['run', 'start', '--experimnt', 'e'], loggerEnv('/nonexistent/never/store.sqlite'));
    assert.equal(done.status, 2);
    assert.equal(done.stderr, 'ml-lifecycle run start: unknown option --experimnt. Did you mean --experiment?\n');
  });
});
