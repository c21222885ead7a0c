/**
 * Import TensorBoard logs in a real VS Code (code-server + Chromium): the offer for a workspace with
 * event files, then "Import TensorBoard Logs…" from the palette with train/validation merged, each
 * showing up in the Experiments tree; a damaged file is reported, the rest imported.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileVersionEvent, frameRecord, simpleValueRecord } from '../unit/tensorboard/framing.ts';
import { temporaryWorkspace } from './demoData.ts';
import { startSession, type Session } from './harness.ts';

const EXPERIMENTS = 'Experiments';
const EVENTS = 'events.out.tfevents.1700000000.trainer.7.0';

function writeRun(dir: string, values: number[], extra: Buffer[] = []): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, EVENTS);
  fs.writeFileSync(file, Buffer.concat([frameRecord(fileVersionEvent(1_700_000_000)), ...values.map((v, step) => simpleValueRecord('epoch_loss', step, v)), ...extra]));
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(file, past, past);
}

function tensorboardWorkspace(): string {
  const dir = temporaryWorkspace('ml-lifecycle-tensorboard-');
  const logs = path.join(dir, 'runs');
  writeRun(path.join(logs, 'baseline'), [0.9, 0.6, 0.4, 0.3]);
  writeRun(path.join(logs, 'fit', 'train'), [1.0, 0.5, 0.25]);
  // The validation file ends in half a record: reported with its offset, the rest imported.
  writeRun(path.join(logs, 'fit', 'validation'), [1.1, 0.7, 0.45], [simpleValueRecord('epoch_loss', 3, 0.4).subarray(0, 20)]);
  return dir;
}

describe('Import TensorBoard logs', () => {
  let session: Session;

  before(async () => {
    session = await startSession({ workspace: tensorboardWorkspace() });
  });

  after(async () => {
    await session?.stop();
  });

  test('offers to import the workspace logdir; the damaged record is named in the log and the runs show up', async () => {
    const wb = session.workbench;
    await wb.openContainer();
    const offer = await wb.waitForNotification(/This workspace has TensorBoard logs/, 60_000);
    assert.match(offer, /runs\//);
    await wb.clickNotificationButton(/This workspace has TensorBoard logs/, 'Import');
    const result = await wb.waitForNotification(/Imported 3 runs, 10 metric points from .*runs; 1 unreadable record skipped/);
    assert.match(result, /The log names each file and offset/);
    await wb.waitForTreeItem(EXPERIMENTS, 'runs');
    await wb.expandTreeItem(EXPERIMENTS, 'runs');
    await wb.waitForTreeItem(EXPERIMENTS, 'fit/validation');
  });

  test('imports from the palette with train/ and validation/ as one run', async () => {
    const wb = session.workbench;
    await wb.runCommand('ML Lifecycle: Import TensorBoard Logs…');
    await wb.quickPick(/runs\/\s*in this workspace/);
    await wb.quickPick(/One run per training/);
    await wb.waitForNotification(/Imported 1 run, 6 metric points from .*runs/);
    await wb.waitForTreeItem(EXPERIMENTS, 'fit');
    await wb.captureThemes('tensorboard-import');
  });
});
