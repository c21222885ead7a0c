/**
 * Runs inside VS Code desktop's extension host, with the demo workspace open
 * (test/desktop/run.ts makes it with test/e2e/demoData.ts).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Services } from '../../../src/workbench/services.ts';

const EXTENSION_ID = 'ml-lifecycle.ml-lifecycle';

function extension(): vscode.Extension<Services> {
  const ext = vscode.extensions.getExtension<Services>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code`);
  return ext;
}

async function labelOf<T>(tree: vscode.TreeDataProvider<T>, node: T): Promise<string> {
  const label = (await tree.getTreeItem(node)).label;
  return typeof label === 'string' ? label : (label?.label ?? '');
}

describe('ML Lifecycle in VS Code desktop', () => {
  it('activates', async () => {
    const ext = extension();
    const services = await ext.activate();
    assert.equal(ext.isActive, true);
    assert.ok(services, 'activate() returned nothing');
  });

  it('registers every contributed command', async () => {
    const contributed = (extension().packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length > 0);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((command) => !registered.has(command));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('opens its view container', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.mlLifecycle');
  });

  it('lists the demo experiments in the Experiments tree', async () => {
    const services = await extension().activate();
    await vscode.commands.executeCommand('mlLifecycle.refresh');
    const tree = services.experimentsTree;
    const top = await Promise.resolve(tree.getChildren());
    const labels = await Promise.all((top ?? []).map((node) => labelOf(tree, node)));
    for (const name of ['churn-baseline', 'churn-gbm-sweep', 'demand-forecast']) {
      assert.ok(labels.some((label) => label.includes(name)), `no "${name}" in ${JSON.stringify(labels)}`);
    }
  });

  it('lists the runs of an experiment', async () => {
    const tree = (await extension().activate()).experimentsTree;
    const top = (await Promise.resolve(tree.getChildren())) ?? [];
    let baseline: (typeof top)[number] | undefined;
    for (const node of top) {
      if ((await labelOf(tree, node)).includes('churn-baseline')) baseline = node;
    }
    assert.ok(baseline, 'churn-baseline not found');
    const runs = (await Promise.resolve(tree.getChildren(baseline))) ?? [];
    const labels = await Promise.all(runs.map((node) => labelOf(tree, node)));
    for (const name of ['logreg-l2', 'mlp-128', 'mlp-128-lr0.1']) {
      assert.ok(labels.some((label) => label.includes(name)), `no run "${name}" in ${JSON.stringify(labels)}`);
    }
  });
});
