/**
 * Browsing a team's MLflow server in a real VS Code (code-server + Chromium): a real `mlflow
 * server` over PostgreSQL holds a teammate's pushed runs; the workspace names it in
 * mlLifecycle.mlflowServer.servers; the Experiments view shows its runs under a cloud node, and
 * Compare draws a remote and a local run side by side.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { pushToMlflow } from '../../src/mlflowServer/push.ts';
import { openStore } from '../../src/store/database.ts';
import { addRun, steps } from '../unit/mlflowServer/fixtures.ts';
import { type MlflowServer, mlflowServerAvailability, startMlflowServer } from '../support/mlflowServer.ts';
import { createDemoWorkspace, DEMO_EXPERIMENTS, temporaryWorkspace } from './demoData.ts';
import { screenshotOnFailure, startSession, waitUntil, type Session } from './harness.ts';

const EXPERIMENTS = 'Experiments';
const sweep = DEMO_EXPERIMENTS[1]!;
const local = sweep.runs[0]!;
const availability = mlflowServerAvailability();

describe('Team MLflow server in the Experiments view', { skip: availability.skip }, () => {
  let server: MlflowServer;
  let session: Session;
  let host: string;
  let panel: FrameLocator;

  before(async () => {
    server = await startMlflowServer(availability);
    host = new URL(server.uri).host;
    // A teammate's workspace pushes two runs of the same metric to the server.
    const teammate = temporaryWorkspace('ml-lifecycle-teammate-');
    const store = openStore(path.join(teammate, '.ml-lifecycle', 'store.sqlite'), { create: true });
    for (const [i, name] of ['teammate-gbm-a', 'teammate-gbm-b'].entries()) {
      await addRun(store, { experiment: 'team-sweep', name, params: { lr: String(0.1 * (i + 1)) }, metrics: { [sweep.primaryMetric]: steps(200, (s) => 0.6 + (0.25 * s) / 200 - i * 0.03) } });
    }
    await pushToMlflow(store, server.uri);
    store.close();
    fs.rmSync(teammate, { recursive: true, force: true });

    const workspace = await createDemoWorkspace();
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), `${JSON.stringify({ 'mlLifecycle.mlflowServer.servers': [server.uri] }, null, 2)}\n`);
    session = await startSession({ workspace });
  });

  afterEach(async (t) => {
    await screenshotOnFailure(session, t);
  });

  after(async () => {
    await session?.stop();
    await server?.stop();
  });

  test('the server from the setting shows its runs, marked remote, after Refresh MLflow Server', async () => {
    const wb = session.workbench;
    await wb.openContainer();
    await wb.waitForTreeItem(EXPERIMENTS, host);
    await wb.runCommand('ML Lifecycle: Refresh MLflow Server');
    await wb.expandTreeItem(EXPERIMENTS, host);
    await wb.expandTreeItem(EXPERIMENTS, `team-sweep @ ${host}`);
    const remote = await wb.waitForTreeItem(EXPERIMENTS, 'teammate-gbm-a', 60_000);
    assert.match((await remote.getAttribute('aria-label')) ?? '', /remote, read-only/);
  });

  test('Compare draws a remote and a local run side by side', async () => {
    const wb = session.workbench;
    // The remote run first: expanding the local experiment can push the server's rows out of view.
    await wb.selectTreeItem(EXPERIMENTS, 'teammate-gbm-a');
    await wb.expandTreeItem(EXPERIMENTS, sweep.name);
    const b = await wb.waitForTreeItem(EXPERIMENTS, local.name);
    await b.locator('.label-name').click({ modifiers: ['Control'] });
    await wb.contextMenu(b, 'Compare Runs');
    panel = await wb.webview({ title: /Compare 2 runs/, timeout: 60_000 });
    const card = panel.locator(`[data-testid="chart-card"][data-metric="${sweep.primaryMetric}"]`);
    await waitUntil(async () => (await card.locator('canvas[data-state="ready"]').getAttribute('data-datasets')) === '2', 'the remote and the local run in one chart', 90_000);
    await wb.captureThemes('teamServer-browse', ['light', 'dark', 'high-contrast']);
  });
});
