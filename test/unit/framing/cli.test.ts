import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createFraming } from '../../../src/framing/store.ts';
import { exampleFraming } from '../../../src/framing/examples.ts';
import { framingFromMarkdown } from '../../../src/framing/markdownImport.ts';
import { tempStore } from '../helpers.ts';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/cli/main.ts');

function cli(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ML_LIFECYCLE_STORE: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('ml-lifecycle framing export', () => {
  test('prints the Markdown, writes it with --out, and gives document, verdict and ROI as --json', () => {
    const store = tempStore();
    createFraming(store, exampleFraming('spam'), { at: 1 });
    createFraming(store, exampleFraming('sales'), { at: 2 });

    const printed = cli(store.dir, 'framing', 'export');
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stdout, /^<!-- ml-lifecycle framing/);
    assert.match(printed.stdout, /# ML framing: Sales forecasting/);
    assert.match(printed.stderr, /2 framings; exporting the most recently changed, "Sales forecasting"\. Pick another with --name\./);

    const written = cli(store.dir, 'framing', 'export', '--name', 'Email spam detection', '--out', 'ML_FRAMING.md');
    assert.equal(written.code, 0, written.stderr);
    assert.equal(written.stdout, '');
    const file = fs.readFileSync(path.join(store.dir, 'ML_FRAMING.md'), 'utf8');
    const parsed = framingFromMarkdown(file);
    assert.ok(parsed.ok);
    assert.equal(parsed.document.problem.name, 'Email spam detection');

    const json = cli(store.dir, 'framing', 'export', '--name', 'Email spam detection', '--json');
    assert.equal(json.code, 0, json.stderr);
    const output = JSON.parse(json.stdout) as { name: string; document: { evaluation: { metric: string } }; verdict: { level: string; reasons: string[] }; roi: { roi: number; paybackPeriods: number } };
    assert.equal(output.name, 'Email spam detection');
    assert.equal(output.document.evaluation.metric, 'val_f1');
    assert.equal(output.verdict.level, 'strong-fit');
    assert.equal(Math.round(output.roi.roi * 100), 92);
    assert.equal(Number(output.roi.paybackPeriods.toFixed(2)), 3.64);
    // The questions of format 2: in the document, the verdict's risks, the ROI and the monitors.
    const more = JSON.parse(json.stdout) as {
      document: { baseline: { score: number }; lifecycle: { owners: unknown[] } };
      verdict: { atRisk: { id: string; status: string }[]; baseline: string };
      roi: { ownershipPerPeriod: number; netOfOpportunity: number };
      monitors: { criterion: string; signal: string; key: string; comparison: string; limit: number; action: string; source: string }[];
    };
    assert.equal(more.document.baseline.score, 0.81);
    assert.equal(more.document.lifecycle.owners.length, 3);
    assert.deepEqual(more.verdict.atRisk.map((r) => r.id), ['similarData', 'prediction.featureAvailability.2']);
    assert.match(more.verdict.baseline, /falls short \(it scores 0\.81; the success threshold is 0\.95\)/);
    assert.equal(more.roi.ownershipPerPeriod, 9_000);
    assert.equal(more.roi.netOfOpportunity, 156_000);
    assert.deepEqual(more.monitors[0], { criterion: 'F1 on reviewed mail falls too low', signal: 'metric', key: 'f1', comparison: 'below', limit: 0.9, action: 'retrain', source: 'framing "Email spam detection"' });
    assert.equal(more.monitors.length, 4);
  });

  test('explains an unknown name and an empty store', () => {
    const store = tempStore();
    const empty = cli(store.dir, 'framing', 'export');
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /The store has no framing yet/);
    createFraming(store, exampleFraming('spam'));
    const unknown = cli(store.dir, 'framing', 'export', '--name', 'Nope');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No framing is called "Nope"\. The store has: "Email spam detection"\./);
  });
});
