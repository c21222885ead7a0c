/**
 * An untrusted workspace (Restricted Mode, workspace trust on): the extension browses the store
 * read-only. It does not migrate it, switch its journal, nor write chart summaries, and an
 * editing command says why nothing was changed. The store file keeps every byte.
 */
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { after, afterEach, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { createDemoWorkspace, DEMO_EXPERIMENTS, demoStorePath, logDemoRun } from './demoData.ts';
import { screenshotOnFailure, startSession, type Session } from './harness.ts';

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('an untrusted workspace', () => {
  let session: Session;
  let storePath: string;
  let before256: string;
  let folderBefore: string[];

  before(async () => {
    const workspace = await createDemoWorkspace();
    storePath = demoStorePath(workspace);
    // A run whose chart summaries are not built yet, in a store with a rollback journal, as
    // another tool may leave it: a writer would rebuild the summaries and switch it to WAL.
    logDemoRun(storePath, DEMO_EXPERIMENTS[0]!.name, 'unsummarized-run', 300);
    const db = new Database(storePath);
    db.pragma('journal_mode = DELETE');
    db.close();
    before256 = sha256(storePath);
    folderBefore = fs.readdirSync(storePath.replace(/[^/]+$/, '')).sort();
    session = await startSession({ workspace, restricted: true });
  });

  afterEach(async (t) => {
    await screenshotOnFailure(session, t);
  });

  after(async () => {
    await session?.stop();
  });

  test('browses the store read-only and refuses edits with the reason', async () => {
    const wb = session.workbench;
    await wb.openContainer();
    for (const experiment of DEMO_EXPERIMENTS) await wb.waitForTreeItem('Experiments', experiment.name);
    await wb.runCommand('ML Lifecycle: Create Experiment');
    await wb.quickInput('made-while-untrusted');
    const message = await wb.waitForNotification(/not trusted/);
    assert.match(message, /only reads its store and nothing was changed/);
    await wb.screenshot('untrusted');
    // Long enough for the store service's polls and background summaries to have run.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal(sha256(storePath), before256, 'the store file keeps every byte');
    assert.deepEqual(fs.readdirSync(storePath.replace(/[^/]+$/, '')).sort(), folderBefore, 'no backup, -wal or -shm file');
  });
});
