/**
 * The registry in a real VS Code (code-server + Chromium): register a version from a run, promote
 * it through the gate, check data drift, read the audit trail — with screenshots of each screen.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { emptyFramingDocument } from '../../src/framing/document.ts';
import { createDemoWorkspace, demoStorePath, queryStore } from './demoData.ts';
import { startSession, waitUntil, type Session, type Workbench } from './harness.ts';

const EXPERIMENT = 'churn-gbm-sweep';
const RUN = 'gbm-d6-lr0.02';
const MODEL = 'e2e-churn';

/** Waits until the quick input titled `title` is up: one closes and the next opens in the same widget. */
async function at(wb: Workbench, title: string | RegExp): Promise<void> {
  await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ timeout: 30_000 });
}

/**
 * Types a path into code-server's open or save dialog once it shows `title`. The dialog fills in
 * its starting path and re-filters its list a moment after each change, and can overwrite a path
 * typed meanwhile or swallow the Enter. So the path is typed again (at most five times) until the
 * dialog holds it (and, for a file to open, lists the file), takes the Enter and closes.
 */
async function pickFile(wb: Workbench, title: RegExp | string, file: string, options: { exists: boolean } = { exists: true }): Promise<void> {
  await at(wb, title);
  const input = wb.page.locator('.quick-input-widget .quick-input-box input');
  const dialogTitle = wb.page.locator('.quick-input-widget .quick-input-title', { hasText: title });
  const listed = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: path.basename(file) }).first();
  await waitUntil(async () => (await input.inputValue()) !== '', `the dialog "${String(title)}" shows its starting path`);
  for (let attempt = 1; ; attempt++) {
    try {
      await input.fill(file);
      if (options.exists) await listed.waitFor({ timeout: 5_000 });
      else await wb.page.waitForTimeout(500);
      if ((await input.inputValue()) !== file) throw new Error(`the dialog replaced the typed path with ${await input.inputValue()}`);
      await input.press('Enter');
      await dialogTitle.waitFor({ state: 'hidden', timeout: 5_000 });
      return;
    } catch (error) {
      // A slow machine may have taken the Enter after all.
      if (await dialogTitle.isHidden()) return;
      if (attempt === 5) throw error;
    }
  }
}

/** Gives the demo run a logged model file and links its experiment to a framing with a success threshold. */
function prepareWorkspace(workspace: string): void {
  const model = path.join(workspace, 'models', 'gbm-d6.pkl');
  fs.mkdirSync(path.dirname(model), { recursive: true });
  fs.writeFileSync(model, 'pretend these are gradient-boosted trees\n');
  const db = new Database(demoStorePath(workspace));
  try {
    const run = db.prepare('SELECT id FROM runs WHERE name = ?').get(RUN) as { id: number };
    db.prepare("INSERT INTO artifacts (run_id, path, sha256, size, kind, logged_at) VALUES (?, ?, NULL, NULL, 'model', ?)").run(run.id, model, Date.now());
    const document = emptyFramingDocument('Churn prediction');
    Object.assign(document.evaluation, { metric: 'val_auc', direction: 'max', threshold: 0.85 });
    document.requirements.latencyMs = 100;
    const now = Date.now();
    const framingId = Number(db.prepare('INSERT INTO framings (name, document, revision, created_at, updated_at) VALUES (?, ?, 1, ?, ?)').run('Churn prediction e2e', JSON.stringify(document), now, now).lastInsertRowid);
    db.prepare('UPDATE experiments SET framing_id = ?, metric_target = 0.85 WHERE name = ?').run(framingId, EXPERIMENT);
  } finally {
    db.close();
  }
}

describe('model registry, promotion, drift and audit', () => {
  let session: Session;
  let workspace: string;
  let storePath: string;

  before(async () => {
    workspace = await createDemoWorkspace({ steps: 200 });
    storePath = demoStorePath(workspace);
    prepareWorkspace(workspace);
    session = await startSession({ workspace });
  });

  after(async () => {
    await session?.stop();
  });

  test('registers a version from a finished run', async () => {
    const wb = session.workbench;
    await wb.openContainer();
    await wb.waitForTreeItem('Experiments', EXPERIMENT);
    await wb.expandTreeItem('Experiments', EXPERIMENT);
    await wb.contextMenu(await wb.waitForTreeItem('Experiments', RUN), 'Register Model Version…');
    await at(wb, 'which model is this a version of?');
    await wb.quickPick('New model…');
    await at(wb, 'New model: name');
    await wb.quickInput(MODEL);
    await at(wb, 'New model: description');
    await wb.quickInput('Predicts 90-day churn');
    await at(wb, 'the model artifact');
    await wb.quickPick('gbm-d6.pkl');
    await at(wb, 'Version description');
    await wb.quickInput('depth 6, learning rate 0.02');
    await wb.waitForNotification(`Registered ${MODEL} v1.`);
    await wb.clearNotifications();

    await wb.expandView('Models');
    await wb.expandTreeItem('Models', MODEL);
    await wb.waitForTreeItem('Models', 'v1');
    const [version] = queryStore<{ version: number; lineage: string; artifact_sha256: string }>(
      storePath,
      'SELECT v.version, v.lineage, v.artifact_sha256 FROM model_versions v JOIN registered_models m ON m.id = v.model_id WHERE m.name = ?',
      MODEL,
    );
    assert.equal(version!.version, 1);
    assert.match(version!.artifact_sha256, /^[0-9a-f]{64}$/);
    assert.equal(JSON.parse(version!.lineage).run.name, RUN);
    await wb.captureThemes('registry-registered');
  });

  test('promotes it to champion after showing the gate', async () => {
    const wb = session.workbench;
    await wb.contextMenu(wb.treeRow('Models', 'v1'), 'Promote to Champion…');
    const dialog = await wb.dialogMessage();
    assert.match(dialog, /Promote e2e-churn v1 to champion\?/);
    assert.match(dialog, /✓ Success threshold: v1 val_auc [\d.]+ meets the threshold 0.85/);
    assert.match(dialog, /✓ Current champion: There is no champion yet/);
    await wb.screenshot('registry-promotion-gate');
    await wb.confirmDialog('Promote');
    await at(wb, 'Promote v1 to champion: reason');
    await wb.quickInput('Best validation AUC of the sweep');
    await wb.waitForNotification(/e2e-churn v1 is now @champion/);
    await waitUntil(async () => (await wb.treeRows('Models')).some((row) => row.label === 'v1' && row.description.includes('@champion')), 'v1 shows @champion');
    const [audit] = queryStore<{ action: string; reason: string; details: string }>(storePath, "SELECT action, reason, details FROM audit_log WHERE entity = 'alias' ORDER BY id DESC LIMIT 1");
    assert.equal(audit!.action, 'promote');
    assert.equal(audit!.reason, 'Best validation AUC of the sweep');
    assert.equal(JSON.parse(audit!.details).gatePassed, true);
    await wb.clearNotifications();
  });

  test('checks data drift and shows the report', async () => {
    const wb = session.workbench;
    await wb.contextMenu(wb.treeRow('Models', 'v1'), 'Check Data Drift…');
    // Each file dialog must be the one on screen before its path is typed: the second reuses the
    // first one's widget, so typing too early would go to the dialog that is closing.
    await pickFile(wb, /Check Data Drift \(1 of 2\)/, path.join(workspace, 'data', 'reference.csv'));
    await pickFile(wb, /Check Data Drift \(2 of 2\)/, path.join(workspace, 'data', 'current.csv'));
    await wb.waitForNotification(/e2e-churn v1 \(@champion\): (Data drift|Some drift|No drift)/, 60_000);
    const frame = await wb.webview({ title: /Data Drift #/ });
    await frame.locator('#drift-verdict').waitFor();
    const rows = await frame.locator('#drift-columns tbody tr').count();
    assert.equal(rows, 4);
    assert.match(await frame.locator('#drift-summary').innerText(), /of 4 columns drifted/);
    const [report] = queryStore<{ verdict: string; version_id: number }>(storePath, 'SELECT verdict, version_id FROM drift_reports');
    assert.ok(report!.version_id > 0);
    await wb.captureThemes('registry-drift');
  });

  test('marks a version that falls below its floor in production', async () => {
    const wb = session.workbench;
    await wb.clearNotifications();
    await wb.contextMenu(wb.treeRow('Models', 'v1'), 'Log Production Metric…');
    await at(wb, 'Log a production metric of');
    await wb.quickPick(/^auc/);
    await at(wb, /^auc of/);
    await wb.quickInput('0.71');
    await wb.waitForNotification(/e2e-churn v1 \(@champion\): auc 0.71 is below the floor 0.85/);
    await waitUntil(async () => (await wb.treeRows('Models')).some((row) => row.label === 'v1' && row.description.includes('⚠ below floor')), 'v1 is marked below its floor');
    await wb.captureThemes('registry-monitoring');
  });

  test('exports a model card with lineage and monitoring state', async () => {
    const wb = session.workbench;
    await wb.clearNotifications();
    const card = path.join(workspace, 'MODEL_CARD_e2e.md');
    await wb.contextMenu(wb.treeRow('Models', 'v1'), 'Export Model Card');
    await pickFile(wb, 'Model card of', card, { exists: false });
    await waitUntil(() => fs.existsSync(card), 'the model card is written');
    const text = fs.readFileSync(card, 'utf8');
    assert.match(text, /^# Model card: e2e-churn v1/);
    assert.match(text, /Source run:\*\* gbm-d6-lr0\.02/);
    assert.match(text, /\| auc \| 0\.71 \|/);
    assert.match(text, /Latest drift check .*\*\*drift\*\*/);
  });

  test('lists every change in the audit trail', async () => {
    const wb = session.workbench;
    await wb.clearNotifications();
    await wb.runCommand('ML Lifecycle: Show Audit Trail');
    const frame = await wb.webview({ title: 'Audit Trail' });
    await frame.locator('#audit-table tbody tr').first().waitFor();
    const actions = await frame.locator('#audit-table tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')));
    for (const action of ['promote', 'register', 'create', 'check']) assert.ok(actions.includes(action), `audit shows ${action}: ${actions.join(', ')}`);
    await wb.captureThemes('registry-audit');
  });
});
