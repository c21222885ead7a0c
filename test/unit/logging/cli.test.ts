import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { CliCommand, CliInvocation } from '../../../src/cli/command.ts';
import { LOG_COMMANDS } from '../../../src/cli/commands/log.ts';
import { RUN_COMMANDS } from '../../../src/cli/commands/runs.ts';
import { openStore } from '../../../src/store/database.ts';
import { findExperimentByName, setPrimaryMetric } from '../../../src/tracking/experiments.ts';
import { startRun } from '../../../src/tracking/runLogger.ts';
import { tempDir } from '../helpers.ts';
import { cli, loggerEnv } from './support.ts';

const COMMANDS = [...RUN_COMMANDS, ...LOG_COMMANDS];

/** Runs a command in this process, as main.ts would after parsing: returns what it printed. */
async function run(storePath: string, words: string[], args: string[] = [], options: Record<string, string | true | string[]> = {}): Promise<string> {
  const command = COMMANDS.find((c: CliCommand) => c.words.join(' ') === words.join(' '));
  assert.ok(command, words.join(' '));
  const printed: string[] = [];
  const invocation: CliInvocation = {
    args,
    options: new Map(Object.entries(options).map(([name, value]) => [name, Array.isArray(value) ? value : [value]])),
    json: options.json === true,
    cwd: path.dirname(storePath),
    env: { ML_LIFECYCLE_STORE: storePath },
    print: (text) => printed.push(text),
    progress: () => {},
    cancelled: () => false,
  };
  await command.run(invocation);
  return printed.join('\n');
}

function query(storePath: string, sql: string): unknown[] {
  const store = openStore(storePath);
  try {
    return store.db.prepare(sql).all();
  } finally {
    store.close();
  }
}

function newStore(): string {
  return path.join(tempDir(), '.ml-lifecycle', 'store.sqlite');
}

describe('ml-lifecycle run / log / runs', () => {
  test('a shell script can start a run, log to it and end it', async () => {
    const storePath = newStore();
    const runId = await run(storePath, ['run', 'start'], ['batch=32', 'note=a=b'], { experiment: 'cli-exp', name: 'from-shell', param: 'lr=0.1' });
    assert.match(runId, /^[0-9a-f]{32}$/);
    await run(storePath, ['log', 'param'], [runId, 'epochs=3']);
    await run(storePath, ['log', 'tag'], [runId.slice(0, 8), 'dataset=v2']);
    await run(storePath, ['log', 'metric'], [runId, 'loss=0.5', 'acc=nan']);
    await run(storePath, ['log', 'metric'], [runId, 'loss=0.4']);
    await run(storePath, ['log', 'metric'], [runId, 'loss=-inf'], { step: '10', timestamp: '1000' });
    assert.match(await run(storePath, ['run', 'end'], [runId], { status: 'failed' }), /ended as FAILED/);
    assert.deepEqual(query(storePath, 'SELECT name, status, source FROM runs'), [{ name: 'from-shell', status: 'FAILED', source: 'cli' }]);
    assert.deepEqual(query(storePath, 'SELECT key, value FROM params ORDER BY key'), [
      { key: 'batch', value: '32' },
      { key: 'epochs', value: '3' },
      { key: 'lr', value: '0.1' },
      { key: 'note', value: 'a=b' },
    ]);
    assert.deepEqual(query(storePath, "SELECT value FROM tags WHERE key = 'dataset'"), [{ value: 'v2' }]);
    assert.deepEqual(query(storePath, 'SELECT key, step, value FROM metrics ORDER BY key, step'), [
      { key: 'acc', step: 0, value: null },
      { key: 'loss', step: 0, value: 0.5 },
      { key: 'loss', step: 1, value: 0.4 },
      { key: 'loss', step: 10, value: -Infinity },
    ]);
  });

  test('bad arguments are refused with the reason, and nothing changes', async () => {
    const storePath = newStore();
    const runId = await run(storePath, ['run', 'start'], [], { experiment: 'e', param: 'lr=0.1' });
    await assert.rejects(run(storePath, ['log', 'param'], [runId, 'lr=0.2']), /param "lr" is already "0.1" for this run; it cannot change to "0.2"/);
    await assert.rejects(run(storePath, ['log', 'metric'], [runId, 'loss=abc']), /The value of "loss" is "abc", which is not a number/);
    await assert.rejects(run(storePath, ['log', 'metric'], [runId, 'loss']), /"loss" is not metric=value/);
    await assert.rejects(run(storePath, ['log', 'metric'], [runId, 'loss=1'], { step: '1.5' }), /--step "1.5" is not a whole number/);
    await assert.rejects(run(storePath, ['log', 'param'], ['0123456789abcdef', 'x=1']), /There is no run "0123456789abcdef"/);
    await assert.rejects(run(storePath, ['log', 'param'], [runId, 'a=1', 'a=2']), /param "a" is given twice, as "1" and "2"/);
    await assert.rejects(run(storePath, ['run', 'end'], [runId], { status: 'DONE' }), /--status DONE is not one of FINISHED, FAILED, KILLED/);
    await assert.rejects(run(storePath, ['run', 'start'], []), /Give the experiment: --experiment NAME/);
    await assert.rejects(run(storePath, ['run', 'start'], [], { experiment: ['e', 'f'] }), /--experiment is given 2 times \(e, f\); give it once/);
    await assert.rejects(run(storePath, ['runs', 'list'], [], { experiment: 'nope' }), /There is no experiment "nope". Experiments: e./);
    await assert.rejects(run(storePath, ['runs', 'list'], [], { status: 'done' }), /--status done is not one of RUNNING/);
    await assert.rejects(run(newStore(), ['runs', 'list']), /No ML Lifecycle store at/);
    assert.deepEqual(query(storePath, 'SELECT key, value FROM params'), [{ key: 'lr', value: '0.1' }]);
    assert.deepEqual(query(storePath, 'SELECT count(*) AS n FROM metrics'), [{ n: 0 }]);
  });

  test('runs list shows each run with the primary metric, as a table or JSON, filtered and limited', async () => {
    const storePath = newStore();
    for (const [name, auc, status] of [['a', 0.7, 'FINISHED'], ['b', 0.9, 'FAILED'], ['c', Infinity, 'FINISHED']] as const) {
      const logger = startRun({ experiment: 'churn', name, storePath });
      logger.logMetric('val_auc', 0.5, 0);
      logger.logMetric('val_auc', auc, 1);
      logger.end(status);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const parent = startRun({ experiment: 'churn', name: 'sweep', storePath });
    startRun({ experiment: 'churn', name: 'trial-1', storePath, parentRunId: parent.id }).end();
    parent.end();
    startRun({ experiment: 'other', name: 'z', storePath }).end();
    const store = openStore(storePath);
    setPrimaryMetric(store, findExperimentByName(store, 'churn')!.id, 'val_auc', 'max');
    store.close();

    const tableText = await run(storePath, ['runs', 'list']);
    const lines = tableText.split('\n');
    assert.match(lines[0]!, /^RUN +EXPERIMENT +NAME +STATUS +STARTED +DURATION +PRIMARY METRIC \(LAST\)$/);
    assert.equal(lines.length, 7);
    assert.match(tableText, /churn +b +FAILED .* val_auc 0\.9$/m);
    assert.match(tableText, /churn +c +FINISHED .* val_auc \+Inf$/m);
    assert.match(tableText, /└ trial-1/);

    const listed = JSON.parse(await run(storePath, ['runs', 'list'], [], { experiment: 'churn', status: 'finished', json: true })) as {
      name: string;
      status: string;
      primaryMetric: { key: string; last: number | string | null; best: number | string | null } | null;
    }[];
    assert.deepEqual(
      listed.map((r) => [r.name, r.status, r.primaryMetric?.last ?? null, r.primaryMetric?.best ?? null]),
      [
        ['trial-1', 'FINISHED', null, null],
        ['sweep', 'FINISHED', null, null],
        ['c', 'FINISHED', 'Infinity', 0.5],
        ['a', 'FINISHED', 0.7, 0.7],
      ],
    );
    const limited = JSON.parse(await run(storePath, ['runs', 'list'], [], { limit: '2', json: true })) as { name: string }[];
    assert.deepEqual(limited.map((r) => r.name), ['z', 'trial-1']);
  });

  test('log metrics reads long and wide CSV, JSON arrays and JSON lines', async () => {
    const dir = tempDir();
    const storePath = path.join(dir, '.ml-lifecycle', 'store.sqlite');
    const runId = await run(storePath, ['run', 'start'], [], { experiment: 'files' });
    const file = (name: string, text: string) => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const printed = await run(storePath, ['log', 'metrics'], [runId, file('long.csv', 'key,value,step,timestamp\nloss,0.5,0,1000\nloss,nan,1,1001\nacc,inf,1,1001\n')]);
    assert.match(printed, /Logged 3 metric point\(s\) from .*long\.csv/);
    await run(storePath, ['log', 'metrics'], [runId, file('wide.csv', '\uFEFFstep,train/loss,val_acc\n0,1.0,\n1,0.8,0.6\n2,-Infinity,0.7\n')]);
    await run(storePath, ['log', 'metrics'], [runId, file('rows.json', '[{"key": "lr", "value": 0.1, "step": 0}, {"step": 5, "lr": 0.05, "momentum": 0.9}]')]);
    await run(storePath, ['log', 'metrics'], [runId, file('points.jsonl', '{"key": "f1", "value": 0.5}\n{"key": "f1", "value": "NaN"}\n')]);
    const points = query(storePath, 'SELECT key, step, value FROM metrics ORDER BY key, step') as { key: string; step: number; value: number | null }[];
    assert.deepEqual(
      points.map((p) => `${p.key}@${p.step}=${p.value}`),
      ['acc@1=Infinity', 'f1@0=0.5', 'f1@1=null', 'loss@0=0.5', 'loss@1=null', 'lr@0=0.1', 'lr@5=0.05', 'momentum@5=0.9', 'train/loss@0=1', 'train/loss@1=0.8', 'train/loss@2=-Infinity', 'val_acc@1=0.6', 'val_acc@2=0.7'],
    );
  });

  test('a bad row anywhere in a metrics file names the file and row, and writes nothing', async () => {
    const dir = tempDir();
    const storePath = path.join(dir, '.ml-lifecycle', 'store.sqlite');
    const runId = await run(storePath, ['run', 'start'], [], { experiment: 'files' });
    const file = (name: string, text: string) => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const good = Array.from({ length: 6000 }, (_, i) => `loss,${i},${i}`).join('\n');
    await assert.rejects(run(storePath, ['log', 'metrics'], [runId, file('late.csv', `key,value,step\n${good}\nloss,oops,6001\n`)]), /late\.csv, data row 6001: The value of "loss" is "oops"/);
    await assert.rejects(run(storePath, ['log', 'metrics'], [runId, file('long-key.csv', `key,value\n${'k'.repeat(300)},1\n`)]), /long-key\.csv, data row 1: metric key "k+…" is 300 characters long/);
    await assert.rejects(run(storePath, ['log', 'metrics'], [runId, file('extra.csv', 'key,value,stp\nloss,1,2\n')]), /column "stp" is not one of key, value, step, timestamp/);
    await assert.rejects(run(storePath, ['log', 'metrics'], [runId, file('half.csv', 'key,step\nloss,1\n')]), /the long format needs both a key and a value column/);
    await assert.rejects(run(storePath, ['log', 'metrics'], [runId, file('steps.csv', 'step,loss\n1.5,1\n')]), /steps\.csv, data row 1: the step "1\.5" is not a whole number/);
    await assert.rejects(run(storePath, ['log', 'metrics'], [runId, file('bool.json', '[{"key": "ok", "value": true}]')]), /bool\.json, item 1: metric "ok" has the value true, a boolean/);
    await assert.rejects(run(storePath, ['log', 'metrics'], [runId, path.join(dir, 'missing.csv')]), /missing\.csv was not found/);
    assert.deepEqual(query(storePath, 'SELECT count(*) AS n FROM metrics'), [{ n: 0 }]);
  });

  test('the ml-lifecycle command prints the run id alone, and exits 1 with a one-line reason', () => {
    const storePath = newStore();
    const env = loggerEnv(storePath);
    const started = cli(['run', 'start', '--experiment', 'shell', '--param', 'lr=0.1', '--param', 'depth=6', 'batch=8'], env);
    assert.equal(started.status, 0, started.stderr);
    assert.match(started.stdout, /^[0-9a-f]{32}\n$/);
    const params = openStore(storePath);
    assert.deepEqual(params.db.prepare('SELECT key, value FROM params ORDER BY key').all(), [
      { key: 'batch', value: '8' },
      { key: 'depth', value: '6' },
      { key: 'lr', value: '0.1' },
    ]);
    params.close();
    const refused = cli(['log', 'param', started.stdout.trim(), 'lr=0.3'], env);
    assert.equal(refused.status, 1);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /^ml-lifecycle log param: param "lr" is already "0.1" for this run; it cannot change to "0.3"\. .*\n$/);
    assert.equal(refused.stderr.split('\n').length, 2);
    const help = cli(['--help'], env);
    for (const words of ['runs list', 'run start', 'run end', 'log param', 'log tag', 'log metric', 'log metrics']) assert.match(help.stdout, new RegExp(`\\n  ${words} `));
  });
});
