import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { markdownText, paramsTable, summaryTable, toCsv, toMarkdown, type Table } from '../../../src/compare/export.ts';
import { loadComparison } from '../../../src/compare/model.ts';
import { defaultScatterParam, numericValues, paramTable } from '../../../src/compare/params.ts';
import { guessDirection, runMetricSummaries } from '../../../src/compare/summary.ts';
import { openStore } from '../../../src/store/database.ts';
import * as fs from 'node:fs';
import { tempStore } from '../helpers.ts';
import { addExperiment, addRun, logPoints, noisyHistory } from './fixtures.ts';

describe('summary', () => {
  test('guesses the direction from the name', () => {
    for (const key of ['loss', 'val_loss', 'Train/Loss', 'error_rate', 'val_mae', 'rmse', 'mse', 'MAPE', 'perplexity', 'p95_latency']) assert.equal(guessDirection(key), 'min', key);
    for (const key of ['accuracy', 'val_auc', 'f1', 'precision', 'recall', 'reward']) assert.equal(guessDirection(key), 'max', key);
  });

  test('last, min, max and best per metric and run, with the experiment direction for its primary metric', () => {
    const store = tempStore();
    const experiment = addExperiment(store, 'e', { primaryMetric: 'score', direction: 'min' });
    const a = addRun(store, experiment, 'a');
    const b = addRun(store, experiment, 'b');
    const history = noisyHistory(3, 20_000);
    logPoints(store, a, 'score', history);
    logPoints(store, a, 'val_loss', [
      [0, 1, 3],
      [1, 2, 1],
      [2, 3, Number.NaN],
    ]);
    logPoints(store, b, 'val_loss', [
      [0, 1, 2],
      [5, 2, -Infinity],
    ]);
    const experimentOf = () => ({ primaryMetric: 'score', metricDirection: 'min' as const });
    const rows = runMetricSummaries(store, [b, a], experimentOf);
    assert.deepEqual(
      rows.map((r) => [r.key, r.id]),
      [
        ['score', a],
        ['val_loss', b],
        ['val_loss', a],
      ],
    );
    const finite = history.map((p) => p[2]).filter((v) => Number.isFinite(v));
    const score = rows[0]!;
    assert.equal(score.min, Math.min(...finite));
    assert.equal(score.max, Math.max(...finite));
    assert.equal(score.best, score.min);
    assert.equal(score.directionFrom, 'experiment');
    assert.equal(score.points, history.length);
    assert.equal(score.lastStep, history.at(-1)![0]);
    assert.deepEqual(rows[1], { id: b, key: 'val_loss', last: '-Inf', lastStep: 5, min: 2, max: 2, best: 2, direction: 'min', directionFrom: 'name', points: 2, nonfinite: 1 });
    assert.equal(rows[2]!.last, 'NaN');
    assert.equal(rows[2]!.best, 1);
  });

  test('a read-only store with unsummarized points still reports them', () => {
    const store = tempStore();
    const experiment = addExperiment(store, 'e');
    const run = addRun(store, experiment, 'r');
    logPoints(store, run, 'acc', noisyHistory(4, 9_000));
    logPoints(store, run, 'acc', [[20_000, 9e9, 1e6], [20_001, 9e9 + 1, 0.5]], { refresh: false });
    logPoints(store, run, 'fresh', [[0, 1, 7]], { refresh: false });
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const copy = `${store.path}.ro.sqlite`;
    fs.copyFileSync(store.path, copy);
    const readonly = openStore(copy, { readonly: true });
    try {
      const rows = runMetricSummaries(readonly, [run], () => undefined);
      const acc = rows.find((r) => r.key === 'acc')!;
      assert.equal(acc.max, 1e6);
      assert.equal(acc.last, 0.5);
      assert.equal(acc.lastStep, 20_001);
      assert.deepEqual(rows.find((r) => r.key === 'fresh')!.last, 7);
    } finally {
      readonly.close();
    }
  });
});

describe('params', () => {
  test('one row per key, marking those that differ (a missing value differs)', () => {
    const store = tempStore();
    const experiment = addExperiment(store, 'e');
    const a = addRun(store, experiment, 'a', { params: { lr: '0.1', model: 'gbm', seed: '1' } });
    const b = addRun(store, experiment, 'b', { params: { lr: '0.01', model: 'gbm', seed: '1', extra: 'x' } });
    const table = paramTable(store, [a, b]);
    assert.deepEqual(table.keys, ['extra', 'lr', 'model', 'seed']);
    assert.deepEqual(table.values, [
      [null, 'x'],
      ['0.1', '0.01'],
      ['gbm', 'gbm'],
      ['1', '1'],
    ]);
    assert.deepEqual(table.differs, [true, true, false, false]);
    assert.deepEqual(numericValues(['1', null, '2.5e-3']), [1, null, 0.0025]);
    assert.equal(numericValues(['1', 'adam']), null);
    assert.equal(numericValues([null, null]), null);
  });

  test('the scatter starts with a param that differs and most runs have, numeric first', () => {
    const table = (keys: string[], values: (string | null)[][]) => ({ ids: [1, 2, 3], keys, values, differs: values.map((row) => row.some((v) => v !== row[0])) });
    // "note" differs but only one run has it; "lr" differs in every run; "seed" is the same everywhere.
    assert.equal(defaultScatterParam(table(['lr', 'note', 'seed'], [['0.1', '0.2', '0.3'], ['x', null, null], ['1', '1', '1']])), 'lr');
    assert.equal(defaultScatterParam(table(['a_opt', 'b_depth'], [['adam', 'sgd', 'adam'], ['3', '5', '7']])), 'b_depth');
    assert.equal(defaultScatterParam(table(['seed'], [['1', '1', '1']])), 'seed');
    assert.equal(defaultScatterParam(table([], [])), null);
  });
});

describe('export', () => {
  const table: Table = {
    columns: [
      { title: 'Run', kind: 'text' },
      { title: 'Step', kind: 'integer' },
      { title: 'Value', kind: 'metric' },
    ],
    rows: [
      ['plain', 12345, 0.123456789],
      ['with, comma', 1, 'NaN'],
      ['say "hi"', 2, '+Inf'],
      ['two\nlines', 3, -2e-7],
      ['=HYPERLINK("x")', 4, null],
      ['-lr', 5, '-Inf'],
      [' padded ', 6, 1e21],
      ['a | b <script>alert(1)</script> *x* _y_ `z` [l](u) \\', 7, 3],
    ],
  };

  test('CSV quotes what needs quoting, keeps full precision and defuses formulas', () => {
    assert.equal(
      toCsv(table),
      [
        'Run,Step,Value',
        'plain,12345,0.123456789',
        '"with, comma",1,NaN',
        '"say ""hi""",2,+Inf',
        '"two\nlines",3,-2e-7',
        `"'=HYPERLINK(""x"")",4,`,
        "'-lr,5,-Inf",
        '" padded ",6,1e+21',
        'a | b <script>alert(1)</script> *x* _y_ `z` [l](u) \\,7,3',
        '',
      ].join('\r\n'),
    );
  });

  test('Markdown escapes pipes and markup so names stay text', () => {
    const lines = toMarkdown(table).split('\n');
    assert.equal(lines[0], '| Run | Step | Value |');
    assert.equal(lines[1], '| --- | ---: | ---: |');
    assert.equal(lines[2], '| plain | 12345 | 0.1235 |');
    assert.equal(lines[5], '| two lines | 3 | -2.000e-7 |');
    assert.equal(lines[9], '| a \\| b \\<script\\>alert(1)\\</script\\> \\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\\\ | 7 | 3 |');
    for (const line of lines.slice(2, -1)) assert.equal(line.split(/(?<!\\)\|/).length, 5, `4 cells in ${line}`);
    assert.equal(markdownText('#1 & !x ~y'), '\\#1 \\& \\!x \\~y');
  });

  test('summary and params tables come from the comparison model', () => {
    const store = tempStore();
    const experiment = addExperiment(store, 'exp | one', { primaryMetric: 'acc', direction: 'max' });
    const a = addRun(store, experiment, '<b>run a</b>', { params: { lr: '0.1', seed: '1' } });
    const b = addRun(store, experiment, 'run,b', { params: { lr: '0.2', seed: '1' } });
    logPoints(store, a, 'acc', [
      [0, 1, 0.5],
      [1, 2, 0.7],
    ]);
    logPoints(store, b, 'acc', [[0, 1, 0.6]]);
    const { model } = loadComparison(store, { kind: 'runs', runIds: [a, b] }, 0);
    assert.equal(
      toCsv(summaryTable(model)),
      'Run,Experiment,Status,acc (last)\r\n<b>run a</b>,exp | one,FINISHED,0.7\r\n"run,b",exp | one,FINISHED,0.6\r\n',
    );
    assert.equal(toCsv(summaryTable(model, 'min')).split('\r\n')[1], '<b>run a</b>,exp | one,FINISHED,0.5');
    assert.equal(toMarkdown(paramsTable(model, true)), '| Param | \\<b\\>run a\\</b\\> | run,b |\n| --- | --- | --- |\n| lr | 0.1 | 0.2 |\n');
    assert.equal(paramsTable(model, false).rows.length, 2);
  });
});
