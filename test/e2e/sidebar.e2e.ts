/**
 * The ML Lifecycle side bar in a real VS Code (code-server + Chromium): views, welcome content,
 * the Experiments tree, Refresh from the palette, and delete / restore checked in the store.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { createDemoWorkspace, createEmptyWorkspace, DEMO_EXPERIMENTS, DEMO_FRAMING_NAME, DEMO_MODEL, demoStorePath, logDemoRun, queryStore } from './demoData.ts';
import { screenshotOnFailure, startSession, waitUntil, type Session } from './harness.ts';

const EXPERIMENTS = 'Experiments';
const baseline = DEMO_EXPERIMENTS[0]!;
const victim = baseline.runs[1]!.name; // 'logreg-l1': deleted, then restored

/** Reads the store the way the extension wrote it (WAL included). */

describe('ML Lifecycle side bar', () => {
  let session: Session;
  let workspace: string;
  let storePath: string;

  before(async () => {
    workspace = await createDemoWorkspace();
    storePath = demoStorePath(workspace);
    session = await startSession({ workspace });
  });

  afterEach(async (t) => {
    await screenshotOnFailure(session, t);
  });

  after(async () => {
    await session?.stop();
  });

  test('opens the container with its three views', async () => {
    const wb = session.workbench;
    await wb.openContainer();
    assert.deepEqual(await wb.viewTitles(), ['Framing', 'Experiments', 'Models']);
  });

  test('shows the demo experiments, model and framing', async () => {
    const wb = session.workbench;
    for (const experiment of DEMO_EXPERIMENTS) await wb.waitForTreeItem(EXPERIMENTS, experiment.name);
    const rows = await wb.treeRows(EXPERIMENTS);
    assert.deepEqual(
      rows.filter((row) => row.level === 1).map((row) => row.label).sort(),
      DEMO_EXPERIMENTS.map((e) => e.name).sort(),
    );
    assert.match(rows.find((row) => row.label === baseline.name)!.description, /5 runs/);
    const model = await wb.waitForTreeItem('Models', DEMO_MODEL.name);
    assert.match((await wb.treeRows('Models')).find((row) => row.label === DEMO_MODEL.name)!.description, /3 versions/);
    assert.ok(await model.isVisible());
    await wb.waitForTreeItem('Framing', DEMO_FRAMING_NAME);
    await wb.captureThemes('sidebar');
  });

  test('expands an experiment to its runs', async () => {
    const wb = session.workbench;
    await wb.expandTreeItem(EXPERIMENTS, baseline.name);
    for (const run of baseline.runs) await wb.waitForTreeItem(EXPERIMENTS, run.name);
    const runRows = (await wb.treeRows(EXPERIMENTS)).filter((row) => row.level === 2);
    assert.deepEqual(runRows.map((row) => row.label).sort(), baseline.runs.map((run) => run.name).sort());
    await wb.captureThemes('sidebar-runs');
  });

  test('Refresh from the palette shows a run logged meanwhile', async () => {
    const wb = session.workbench;
    logDemoRun(storePath, baseline.name, 'late-run');
    await wb.runCommand('ML Lifecycle: Refresh');
    await wb.expandTreeItem(EXPERIMENTS, baseline.name);
    await wb.waitForTreeItem(EXPERIMENTS, 'late-run');
    assert.deepEqual(await wb.notifications().then((n) => n.filter((m) => /fail|error/i.test(m))), []);
  });

  test('deletes a run after confirming, and restores it from the trash', async () => {
    const wb = session.workbench;
    const runId = queryStore<{ id: number }>(storePath, 'SELECT id FROM runs WHERE name = ?', victim)[0]!.id;

    await wb.contextMenu(await wb.selectTreeItem(EXPERIMENTS, victim), 'Delete…');
    assert.match(await wb.dialogMessage(), new RegExp(`Move .*${victim}.* to the trash\\?`));
    await wb.confirmDialog('Move to Trash');
    await wb.waitForNotification(/Moved .* to the trash/);
    await waitUntil(async () => !(await wb.treeLabels(EXPERIMENTS)).includes(victim) || (await wb.treeRows(EXPERIMENTS)).some((r) => r.label === 'Trash'), 'the run leaves the tree');
    await wb.waitForTreeItem(EXPERIMENTS, 'Trash');
    const trashed = queryStore<{ deleted_at: number | null }>(storePath, 'SELECT deleted_at FROM runs WHERE id = ?', runId)[0]!;
    assert.ok(trashed.deleted_at !== null, 'the run is marked deleted in the store');
    assert.equal(queryStore(storePath, 'SELECT 1 FROM metrics WHERE run_id = ? LIMIT 1', runId).length, 1, 'its metrics stay while it is in the trash');

    await wb.runCommand('ML Lifecycle: Restore from Trash…');
    await wb.quickPickMany([victim]);
    await wb.waitForNotification(`Restored "${victim}"`);
    await waitUntil(async () => !(await wb.treeLabels(EXPERIMENTS)).includes('Trash'), 'the Trash item goes away');
    await wb.expandTreeItem(EXPERIMENTS, baseline.name);
    await wb.waitForTreeItem(EXPERIMENTS, victim);

    const restored = queryStore<{ deleted_at: number | null; status: string }>(storePath, 'SELECT deleted_at, status FROM runs WHERE id = ?', runId)[0]!;
    assert.equal(restored.deleted_at, null);
    assert.equal(restored.status, 'FINISHED');
    const steps = queryStore<{ n: number }>(storePath, "SELECT count(*) AS n FROM metrics WHERE run_id = ? AND key = 'val_auc'", runId)[0]!.n;
    assert.equal(steps, 1000, 'the restored run keeps its whole history');
    const audit = queryStore<{ action: string }>(storePath, "SELECT action FROM audit_log WHERE entity = 'run' AND entity_id = ? ORDER BY id", String(runId));
    assert.deepEqual(audit.map((a) => a.action), ['delete', 'restore']);
  });

  test('shows welcome content in a folder without a store', async () => {
    const wb = session.workbench;
    const empty = createEmptyWorkspace();
    await wb.openFolder(empty);
    await wb.openContainer();
    await waitUntil(async () => (await wb.welcomeText(EXPERIMENTS)).includes('No experiments in this workspace yet.'), 'Experiments welcome content');
    assert.match(await wb.welcomeText(EXPERIMENTS), /Create Experiment/);
    await waitUntil(async () => (await wb.welcomeText('Framing')).includes('Open Framing Wizard'), 'Framing welcome content');
    await waitUntil(async () => (await wb.welcomeText('Models')).includes('Register Model Version'), 'Models welcome content');
    await wb.captureThemes('sidebar-empty');
  });
});
