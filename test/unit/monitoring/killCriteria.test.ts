import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { exampleFraming } from '../../../src/framing/examples.ts';
import { killCriteriaMonitors } from '../../../src/framing/monitors.ts';
import { createFraming, linkExperimentToFraming } from '../../../src/framing/store.ts';
import { assessHealth, type MonitoringTargets } from '../../../src/monitoring/health.ts';
import { logProductionMetrics } from '../../../src/monitoring/productionMetrics.ts';
import { registerModelVersion, setAlias } from '../../../src/registry/models.ts';
import { versionStatuses, versionsWithProblems } from '../../../src/registry/status.ts';
import { describeVersion, modelChildren } from '../../../src/registry/treeModel.ts';
import { findExperimentByName } from '../../../src/tracking/experiments.ts';
import { tempStore } from '../helpers.ts';
import { addRun, writeFile } from '../registry/fixtures.ts';

const CLI = path.resolve(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');

function cli(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ML_LIFECYCLE_STORE: '' } });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('kill criteria become monitors', () => {
  test('complete rows become monitors; begun rows that cannot be checked are named', () => {
    const { monitors, unusable } = killCriteriaMonitors(
      [
        { criterion: 'F1 too low', signal: 'metric', key: 'f1', comparison: 'below', limit: 0.9, action: 'retrain' },
        { criterion: 'Drift', signal: 'drift', key: '', comparison: null, limit: 0.25, action: null },
        { criterion: 'No limit yet', signal: 'metric', key: 'cost', comparison: 'above', limit: null, action: 'stop' },
        { criterion: 'No key', signal: 'metric', key: ' ', comparison: 'below', limit: 1, action: null },
        { criterion: '', signal: 'metric', key: '', comparison: 'below', limit: null, action: null },
      ],
      'Spam',
    );
    assert.deepEqual(monitors, [
      { criterion: 'F1 too low', signal: 'metric', key: 'f1', comparison: 'below', limit: 0.9, action: 'retrain', source: 'framing "Spam"' },
      { criterion: 'Drift', signal: 'drift', key: '', comparison: 'above', limit: 0.25, action: null, source: 'framing "Spam"' },
    ]);
    assert.deepEqual(unusable.map((u) => [u.index, u.why]), [[2, 'it has no limit'], [3, 'it names no production metric']]);
  });

  test('a breach names the criterion, the framing and the action', () => {
    const targets: MonitoringTargets = {
      metric: null,
      direction: null,
      threshold: null,
      latencyBudgetMs: null,
      source: 'framing "Spam"',
      monitors: killCriteriaMonitors(exampleFraming('spam').lifecycle.killCriteria, 'Email spam detection').monitors,
    };
    const latest = new Map([
      ['f1', { key: 'f1', value: 0.87, timestamp: 1 }],
      ['cost_per_day', { key: 'cost_per_day', value: 120, timestamp: 1 }],
      ['fpr_gap_language', { key: 'fpr_gap_language', value: null, timestamp: 1 }],
    ]);
    const problems = assessHealth(targets, latest, { worstPsi: 0.31, columns: new Map(), createdAt: 2 });
    assert.deepEqual(
      problems.map((p) => p.message),
      [
        'Kill criterion "F1 on reviewed mail falls too low" of framing "Email spam detection" is breached: f1 0.87 is below 0.9; the framing says: retrain',
        'Kill criterion "Real mail flagged more often in one language" of framing "Email spam detection" is breached: fpr_gap_language is NaN, so it cannot stay at or below 0.01; the framing says: roll back',
        'Kill criterion "Incoming mail drifts from the training data" of framing "Email spam detection" is breached: the worst column’s PSI in the latest drift report, 0.31, is above 0.25; the framing says: retrain',
      ],
    );
    assert.deepEqual(problems.map((p) => [p.kind, p.criterion, p.action]), [
      ['kill-criterion', 'F1 on reviewed mail falls too low', 'retrain'],
      ['kill-criterion', 'Real mail flagged more often in one language', 'rollback'],
      ['kill-criterion', 'Incoming mail drifts from the training data', 'retrain'],
    ]);
  });

  test('in a real store: production metrics and a drift report breach the framing’s kill criteria in the Models view and monitor status', () => {
    const store = tempStore();
    const runId = addRun(store, { experiment: 'forecast', name: 'lgbm', metrics: { val_mape: [0.3, 0.14] } });
    const framing = createFraming(store, exampleFraming('sales'));
    linkExperimentToFraming(store, findExperimentByName(store, 'forecast')!.id, framing.id);
    const version = registerModelVersion(store, { modelName: 'demand', runId, artifact: { uri: 'file:///m', sha256: 'a', size: 1 }, artifactSource: 'run' });
    setAlias(store, { versionId: version.id, alias: 'champion' });

    // Healthy: nothing breached, and monitor status says ok.
    logProductionMetrics(store, version.id, [{ key: 'mape', value: 0.12, timestamp: 1000 }]);
    assert.deepEqual(versionStatuses(store, [version])[0]!.problems, []);
    assert.match(cli(store.dir, 'monitor', 'status').out, /demand v1 @champion: ok/);

    // The error climbs over the kill limit (0.2), above the ceiling (0.15) as well.
    const logged = cli(store.dir, 'monitor', 'log', 'demand', 'champion', 'mape=0.23', '--time', '2000');
    assert.equal(logged.code, 0, logged.err);
    assert.match(logged.out, /Warning: Kill criterion "Forecast error too high" of framing "Sales forecasting" is breached: mape 0\.23 is above 0\.2; the framing says: retrain\./);

    // The price column drifts: the drift row of the sales framing names that column.
    const reference = writeFile(store.dir, 'ref.csv', `price,region\n${Array.from({ length: 200 }, (_, i) => `${10 + (i % 10)},${i % 2 ? 'north' : 'south'}`).join('\n')}\n`);
    const current = writeFile(store.dir, 'cur.csv', `price,region\n${Array.from({ length: 200 }, (_, i) => `${30 + (i % 10)},${i % 2 ? 'north' : 'south'}`).join('\n')}\n`);
    const drift = cli(store.dir, 'drift', reference, current, '--model', 'demand', '--version', 'champion');
    assert.equal(drift.code, 0, drift.err);

    const status = JSON.parse(cli(store.dir, 'monitor', 'status', '--json').out) as { model: string; drift: { verdict: string }; problems: { kind: string; criterion?: string; framing?: string; action?: string; message: string }[] }[];
    assert.equal(status.length, 1);
    assert.equal(status[0]!.drift.verdict, 'drift');
    const kills = status[0]!.problems.filter((p) => p.kind === 'kill-criterion');
    assert.deepEqual(kills.map((p) => [p.criterion, p.framing, p.action]), [
      ['Forecast error too high', 'framing "Sales forecasting"', 'retrain'],
      ['Price mix drifts from the training data', 'framing "Sales forecasting"', 'retrain'],
    ]);
    assert.match(kills[1]!.message, /the PSI of column "price" in the latest drift report, [\d.]+, is above 0\.25/);
    assert.ok(status[0]!.problems.some((p) => p.kind === 'below-floor'), 'the success threshold still works as a ceiling');

    const node = modelChildren(store, modelChildren(store, undefined)[0])[0]!;
    assert.equal(node.kind, 'version');
    const item = describeVersion(node, undefined);
    assert.match(item.description ?? '', /⚠ kill criterion: Forecast error too high \(\+1\)/);
    assert.match(item.tooltip, /⚠ Kill criterion "Price mix drifts from the training data" of framing "Sales forecasting" is breached/);
    assert.match(item.tooltip, /Latest drift report: drift, worst PSI/);
    assert.equal(versionsWithProblems(store).length, 1);
  });

  test('a drift report alone is enough to breach a drift criterion', () => {
    const store = tempStore();
    const runId = addRun(store, { experiment: 'spam', name: 'r', metrics: { val_f1: [0.96] } });
    const framing = createFraming(store, exampleFraming('spam'));
    linkExperimentToFraming(store, findExperimentByName(store, 'spam')!.id, framing.id);
    registerModelVersion(store, { modelName: 'spam-filter', runId, artifact: { uri: 'file:///m', sha256: 'a', size: 1 }, artifactSource: 'run' });
    const reference = writeFile(store.dir, 'ref.csv', `length\n${Array.from({ length: 100 }, (_, i) => i).join('\n')}\n`);
    const current = writeFile(store.dir, 'cur.csv', `length\n${Array.from({ length: 100 }, (_, i) => i + 500).join('\n')}\n`);
    assert.equal(cli(store.dir, 'drift', reference, current, '--model', 'spam-filter', '--version', '1').code, 0);
    const [status] = versionsWithProblems(store);
    assert.deepEqual(status!.problems.map((p) => p.criterion), ['Incoming mail drifts from the training data']);
    assert.match(cli(store.dir, 'monitor', 'status').out, /spam-filter v1: 1 problem\(s\)\n {2}drift: drift, worst PSI [\d.]+ .*\n {2}Warning: Kill criterion "Incoming mail drifts from the training data"/);
  });
});
