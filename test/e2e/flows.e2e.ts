/**
 * Whole flows in a real VS Code (code-server + Chromium), on the demo workspace: a worked example
 * opens as a new framing, framing revisions are listed, diffed and restored, dismissing the
 * optional promotion reason still promotes, a promoted challenger drops @challenger, the audit
 * trail reads in names and words, and the model card opens in the Markdown preview. It also takes
 * the README's screenshots (run page, Compare, framing wizard, Models view).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { applyFieldEdit } from '../../src/framing/edit.ts';
import { findFramingByName, getFraming, saveFraming } from '../../src/framing/store.ts';
import { artifactUri } from '../../src/registry/artifacts.ts';
import { hashPath } from '../../src/shared/hashPath.ts';
import { registerModelVersion, setAlias } from '../../src/registry/models.ts';
import { openStore } from '../../src/store/database.ts';
import { findExperimentByName, setPrimaryMetric } from '../../src/tracking/experiments.ts';
import { startRun } from '../../src/tracking/runLogger.ts';
import { DEMO_FRAMING_NAME, DEMO_MODEL, createDemoWorkspace, demoStorePath, queryStore } from './demoData.ts';
import { type Session, type Theme, type Workbench, startSession, waitUntil } from './harness.ts';

const THEMES: readonly Theme[] = ['light', 'dark', 'high-contrast'];
/** A model whose challenger passes the promotion gate: val_auc 0.91 against a threshold of 0.7 and a champion at 0.8. */
const MODEL = 'e2e-flows';
const EDITED_METRIC = 'Monthly churn down by two points (edited in review)';

/** Adds the gate-passing model and a second revision of the demo framing, through the project's APIs. */
async function prepareWorkspace(workspace: string): Promise<void> {
  const storePath = demoStorePath(workspace);
  const versions: { runId: string; file: string }[] = [];
  for (const [name, auc] of [['flows-a', 0.8], ['flows-b', 0.91]] as const) {
    const run = startRun({ experiment: 'flows-exp', name, storePath, params: { auc } });
    for (let step = 0; step < 5; step++) run.logMetric('val_auc', auc - (4 - step) * 0.01, step);
    run.end('FINISHED');
    const file = path.join(workspace, 'models', `${name}.joblib`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `model ${name}\n`);
    versions.push({ runId: run.id, file });
  }
  const store = openStore(storePath);
  try {
    const experiment = findExperimentByName(store, 'flows-exp')!;
    setPrimaryMetric(store, experiment.id, 'val_auc', 'max');
    store.db.prepare('UPDATE experiments SET metric_target = 0.7 WHERE id = ?').run(experiment.id);
    const ids: number[] = [];
    for (const { runId, file } of versions) {
      const run = store.db.prepare('SELECT id FROM runs WHERE uuid = ?').get(runId) as { id: number };
      ids.push(registerModelVersion(store, { modelName: MODEL, runId: run.id, artifact: { uri: artifactUri(file), ...(await hashPath(file)) }, artifactSource: 'run' }).id);
    }
    setAlias(store, { versionId: ids[0]!, alias: 'champion' });
    setAlias(store, { versionId: ids[1]!, alias: 'challenger' });
    const framing = getFraming(store, findFramingByName(store, DEMO_FRAMING_NAME)!.id)!;
    saveFraming(store, framing.id, applyFieldEdit(framing.document, 'problem.businessMetric', EDITED_METRIC).document, { reason: 'e2e' });
  } finally {
    store.close();
  }
}

/** Waits until the quick input titled `title` is up. */
async function at(wb: Workbench, title: string | RegExp): Promise<void> {
  await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ timeout: 30_000 });
}

describe('whole flows: examples, revisions, promotion, audit, model card', () => {
  let session: Session;
  let workspace: string;
  let storePath: string;
  const framingRow = () => queryStore<{ id: number; revision: number; document: string }>(storePath, 'SELECT id, revision, document FROM framings WHERE name = ?', DEMO_FRAMING_NAME)[0]!;

  before(async () => {
    workspace = await createDemoWorkspace({ steps: 200 });
    storePath = demoStorePath(workspace);
    await prepareWorkspace(workspace);
    session = await startSession({ workspace });
  });

  after(async () => {
    await session?.stop();
  });

  test('a worked example opens as a new framing; the framing being edited keeps its answers', async () => {
    const wb = session.workbench;
    await wb.openContainer();
    await wb.waitForTreeItem('Framing', DEMO_FRAMING_NAME, 60_000);
    const before = framingRow();
    await wb.runCommand('ML Lifecycle: Open Framing Wizard');
    const wizard = await wb.webview({ title: `Framing: ${DEMO_FRAMING_NAME}` });
    await wizard.locator('[data-testid="framing-title"]', { hasText: DEMO_FRAMING_NAME }).waitFor();
    await wizard.locator('[data-testid="prefill-spam"]').click();

    const example = await wb.webview({ title: /Framing: Email spam detection \(example\)/ });
    await example.locator('[data-testid="framing-title"]', { hasText: 'Email spam detection (example)' }).waitFor();
    await waitUntil(() => queryStore(storePath, 'SELECT 1 FROM framings WHERE name = ?', 'Email spam detection (example)').length === 1, 'the example is stored as a new framing');
    const afterwards = framingRow();
    assert.deepEqual([afterwards.revision, afterwards.document], [before.revision, before.document], 'the framing being edited is untouched');
    await wb.waitForTreeItem('Framing', 'Email spam detection (example)');
    await example.locator('[data-testid="rail-review"]').click();
    await example.locator('[data-testid="step-review"]').waitFor();
    await wb.screenshot('readme-framing-wizard');
  });

  test('Show Framing Revisions diffs two revisions and restores one as a new, audited revision', async () => {
    const wb = session.workbench;
    await wb.runCommand('ML Lifecycle: Show Framing Revisions');
    await at(wb, 'Show Framing Revisions');
    await wb.quickPick(DEMO_FRAMING_NAME);
    await at(wb, `Revisions of "${DEMO_FRAMING_NAME}"`);
    // Each row's detail line (what the revision changed) is a label too: keep the revision labels.
    const items = (await wb.quickPickItems()).filter((label) => label.startsWith('Revision '));
    assert.deepEqual(items, ['Revision 2 (current)', 'Revision 1']);
    assert.match(await wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().innerText(), /Business metric/);
    await wb.quickPick(/^Revision 1(?!\d)/);
    await at(wb, 'Revision 1 of');
    await wb.quickPick('Compare with the current revision');
    await wb.page.locator('.tabs-container .tab', { hasText: /revision 1 ↔ 2/ }).waitFor();
    const diff = wb.page.locator('.monaco-diff-editor').first();
    await diff.waitFor();
    // The editor draws only the lines in view, with non-breaking spaces: page down the changed side until the answer shows.
    await diff.locator('.editor.modified .view-lines').click();
    await waitUntil(async () => {
      if ((await diff.innerText()).replace(/\u00a0/g, ' ').includes('edited in review')) return true;
      await wb.page.keyboard.press('PageDown');
      return false;
    }, 'the diff shows the edited answer');
    await wb.captureThemes('framing-revisions', THEMES);

    await wb.runCommand('ML Lifecycle: Show Framing Revisions');
    await wb.quickPick(DEMO_FRAMING_NAME);
    await wb.quickPick(/^Revision 1(?!\d)/);
    await wb.quickPick('Restore this revision…');
    assert.match(await wb.dialogMessage(), new RegExp(`Restore revision 1 of "${DEMO_FRAMING_NAME}"\\?`));
    await wb.confirmDialog('Restore');
    await wb.waitForNotification(`Restored revision 1 of "${DEMO_FRAMING_NAME}" as revision 3.`);
    const restored = framingRow();
    assert.equal(restored.revision, 3);
    assert.doesNotMatch(restored.document, /edited in review/);
    const [audit] = queryStore<{ action: string; details: string }>(storePath, "SELECT action, details FROM audit_log WHERE entity = 'framing' ORDER BY id DESC LIMIT 1");
    assert.equal(audit!.action, 'restore-revision');
    assert.equal(JSON.parse(audit!.details).restoredFrom, 1);
    await wb.clearNotifications();
  });

  test('dismissing the optional reason still promotes, and the challenger drops @challenger', async () => {
    const wb = session.workbench;
    await wb.runCommand('ML Lifecycle: Promote to Champion…');
    await wb.quickPick(new RegExp(`^${MODEL} v2`));
    assert.match(await wb.dialogMessage(), new RegExp(`Promote ${MODEL} v2 \\(@challenger\\) to champion\\?`));
    await wb.confirmDialog('Promote');
    await at(wb, 'Promote v2 to champion: reason');
    await wb.closeQuickInput();
    await wb.waitForNotification(new RegExp(`${MODEL} v2 is now @champion \\(was v1\\)\\. It is no longer @challenger\\. No reason was given`));
    const aliases = queryStore<{ alias: string; version: number }>(
      storePath,
      'SELECT a.alias, v.version FROM model_aliases a JOIN model_versions v ON v.id = a.version_id JOIN registered_models m ON m.id = a.model_id WHERE m.name = ? ORDER BY a.alias',
      MODEL,
    );
    assert.deepEqual(aliases, [{ alias: 'champion', version: 2 }], 'v2 is champion only; v1 lost @champion');
    const audit = queryStore<{ action: string; reason: string | null }>(storePath, "SELECT action, reason FROM audit_log WHERE entity = 'alias' ORDER BY id DESC LIMIT 2");
    assert.deepEqual(audit, [
      { action: 'remove', reason: 'v2 was promoted to @champion' },
      { action: 'promote', reason: null },
    ]);
    await wb.clearNotifications();
  });

  test('the audit trail shows names and says what happened in words, details collapsed', async () => {
    const wb = session.workbench;
    await wb.runCommand('ML Lifecycle: Show Audit Trail');
    const frame = await wb.webview({ title: 'Audit Trail' });
    await frame.locator('#audit-table tbody tr').first().waitFor();
    const rows = await frame.locator('#audit-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())));
    const lines = rows.map((cells) => `${cells[2]} | ${cells[3]}`);
    for (const expected of [
      `promoted version 2 to @champion (was version 1) | model "${MODEL}"`,
      `removed @challenger from version 2 | model "${MODEL}"`,
      `restored revision 1 as revision 3 | framing "${DEMO_FRAMING_NAME}"`,
      `registered version 3 | model "${DEMO_MODEL.name}" version 3`,
      `created | framing "Email spam detection (example)"`,
    ]) {
      assert.ok(lines.includes(expected), `the trail reads "${expected}"; it shows:\n${lines.slice(0, 30).join('\n')}`);
    }
    assert.deepEqual(rows.filter((cells) => /^\d+$/.test(cells[3] ?? '')), [], 'no subject is a bare id');
    const style = await frame.locator('#audit-table tbody td').first().evaluate((td) => [getComputedStyle(td).overflowWrap, getComputedStyle(td).wordBreak]);
    assert.deepEqual(style, ['normal', 'normal'], 'words never break in the middle');
    assert.equal(await frame.locator('#audit-table details[open]').count(), 0, 'details start collapsed');
    const details = frame.locator('#audit-table details').first();
    await details.locator('summary').click();
    assert.match(await details.locator('pre').innerText(), /^\{\n {2}"/, 'details are pretty-printed JSON');
    await details.locator('summary').click();
    await wb.captureThemes('audit-trail', THEMES);
  });

  test('Open Model Card shows the card in the Markdown preview, workspace paths relative', async () => {
    const wb = session.workbench;
    await wb.runCommand('ML Lifecycle: Open Model Card');
    await wb.quickPick(new RegExp(`^${DEMO_MODEL.name} v2`));
    const preview = await wb.webview({ title: /Preview MODEL_CARD_churn-classifier_v2/, timeout: 60_000 });
    await preview.locator('h1', { hasText: `Model card: ${DEMO_MODEL.name} v2` }).waitFor({ timeout: 30_000 });
    const text = await preview.locator('body').innerText();
    assert.match(text, /Artifact: models\/\S+\.joblib/);
    assert.ok(!text.includes(workspace), 'no absolute workspace path in the card');
    await wb.captureThemes('model-card', THEMES);
  });

  test('README screens: Models view, run page, Compare', async () => {
    const wb = session.workbench;
    await wb.setTheme('light');
    // Give the Models and Experiments views the side bar's height.
    const framingHeader = wb.viewPane('Framing').locator('.pane-header');
    if ((await framingHeader.getAttribute('aria-expanded')) === 'true') await framingHeader.click();
    await wb.expandView('Models');
    await wb.expandTreeItem('Models', DEMO_MODEL.name);
    await wb.waitForTreeItem('Models', 'v2');
    await wb.screenshot('readme-models');

    await wb.expandView('Experiments');
    await wb.expandTreeItem('Experiments', 'churn-gbm-sweep');
    const run = await wb.waitForTreeItem('Experiments', 'gbm-d6-lr0.05');
    await wb.contextMenu(run, 'Open Run Page');
    const page = await wb.webview({ title: 'gbm-d6-lr0.05', timeout: 60_000 });
    await page.locator('[data-testid="run-name"]').waitFor();
    await wb.page.waitForTimeout(1500);
    await wb.screenshot('readme-run-page');

    const first = await wb.selectTreeItem('Experiments', 'gbm-d6-lr0.05');
    for (const other of ['gbm-d6-lr0.02', 'gbm-d4-lr0.05']) {
      const row = await wb.waitForTreeItem('Experiments', other);
      await row.locator('.label-name').click({ modifiers: ['Control'] });
    }
    await wb.contextMenu(first, 'Compare Runs');
    const compare = await wb.webview({ title: /Compare 3 runs/, timeout: 60_000 });
    await compare.locator('canvas[data-testid="chart"][data-state="ready"]').first().waitFor({ timeout: 60_000 });
    await wb.page.waitForTimeout(1500);
    await wb.screenshot('readme-compare');
  });
});
