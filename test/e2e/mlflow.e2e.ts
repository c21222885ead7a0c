/**
 * Import from MLflow in a real VS Code (code-server + Chromium): the offer for a workspace with
 * MLflow data, then "Import from MLflow…" from the palette for mlflow.db and for mlruns/, each
 * showing up in the Experiments tree (a nested run under its parent).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeMlflowDb, writeMlruns } from '../unit/mlflow/fixtures.ts';
import { sampleExperiments, sampleModels } from '../unit/mlflow/sample.ts';
import { temporaryWorkspace } from './demoData.ts';
import { startSession, waitUntil, type Session } from './harness.ts';

const EXPERIMENTS = 'Experiments';

function mlflowWorkspace(): string {
  const dir = temporaryWorkspace('ml-lifecycle-mlflow-');
  writeMlruns(path.join(dir, 'mlruns'), sampleExperiments(), sampleModels());
  const vision = [{ id: '1', name: 'vision', runs: [{ id: '5e'.repeat(16), name: 'resnet18', metrics: { 'val/acc': [[1_700_000_000_000, 0.71, 0], [1_700_000_000_100, 0.78, 1]] as const } }] }];
  writeMlflowDb(path.join(dir, 'mlflow.db'), vision);
  return dir;
}

describe('Import from MLflow', () => {
  let session: Session;
  let workspace: string;

  before(async () => {
    workspace = mlflowWorkspace();
    session = await startSession({ workspace });
  });

  after(async () => {
    await session?.stop();
  });

  test('offers to import the workspace MLflow data; Never is remembered for the workspace', async () => {
    const wb = session.workbench;
    await wb.openContainer();
    const offer = await wb.waitForNotification(/This workspace has MLflow data/, 60_000);
    assert.match(offer, /mlruns\/ and mlflow\.db/);
    await wb.clickNotificationButton(/This workspace has MLflow data/, 'Never');
    const settingsFile = path.join(workspace, '.vscode', 'settings.json');
    await waitUntil(() => fs.existsSync(settingsFile) && fs.readFileSync(settingsFile, 'utf8').includes('"mlLifecycle.mlflow.offerImport": "never"'), 'offerImport saved as never', 15_000);
  });

  test('imports mlflow.db from the palette and shows it in the Experiments tree', async () => {
    const wb = session.workbench;
    await wb.runCommand('ML Lifecycle: Import from MLflow…');
    // The palette's own list closes first, and the import's rows may render a frame apart:
    // wait until the workspace's sources are listed beside the browse choices.
    let lastShown: string[] = [];
    await waitUntil(async () => {
      lastShown = await wb.quickPickItems();
      return lastShown.some((item) => item.includes('Choose an mlruns folder')) && lastShown.some((item) => item.trim() === 'mlflow.db') && lastShown.some((item) => item.trim() === 'mlruns/');
    }, 'the Import from MLflow quick pick with mlflow.db and mlruns/', 15_000).catch((error: Error) => {
      throw new Error(`${error.message}; last shown: ${JSON.stringify(lastShown)}`);
    });
    await wb.quickPick(/mlflow\.db\s*in this workspace/);
    await wb.waitForNotification(/Imported 1 experiment, 1 run, 2 metric points from .*mlflow\.db/);
    await wb.waitForTreeItem(EXPERIMENTS, 'vision');
    await wb.expandTreeItem(EXPERIMENTS, 'vision');
    await wb.waitForTreeItem(EXPERIMENTS, 'resnet18');
  });

  test('imports mlruns/ with nested runs under their parent', async () => {
    const wb = session.workbench;
    await wb.runCommand('ML Lifecycle: Import from MLflow…');
    await wb.quickPick(/mlruns\/\s*in this workspace/);
    await wb.waitForNotification(/Imported 3 experiments, 6 runs, 7 metric points, 2 model versions from .*mlruns/);
    await wb.waitForTreeItem(EXPERIMENTS, 'churn');
    await wb.expandTreeItem(EXPERIMENTS, 'churn');
    await wb.waitForTreeItem(EXPERIMENTS, 'sweep');
    await wb.expandTreeItem(EXPERIMENTS, 'sweep');
    await wb.waitForTreeItem(EXPERIMENTS, 'lr-0.1');
    const rows = await wb.treeRows(EXPERIMENTS);
    const child = rows.find((row) => row.label === 'lr-0.1')!;
    const parent = rows.find((row) => row.label === 'sweep')!;
    assert.equal(child.level, parent.level + 1, 'the child run sits under its parent');
    await wb.captureThemes('mlflow-import');
  });
});
