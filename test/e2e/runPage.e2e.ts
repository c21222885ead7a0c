/**
 * The run page in a real VS Code (code-server + Chromium): opened by double click, Enter, the
 * context menu and the palette, one panel per run; header, metrics with sparklines and the full
 * chart, searchable params, audited tag and note edits, and the artifact browser with previews of
 * CSV, images, JSON and a binary model file. Screenshots in light, dark and high contrast.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { FrameLocator } from 'playwright-core';
import { createDemoWorkspace, DEMO_ARTIFACT_RUN, DEMO_EXPERIMENTS, demoStorePath, queryStore } from './demoData.ts';
import { SCREENSHOT_DIR, startSession, waitUntil, type Session } from './harness.ts';

const EXPERIMENTS = 'Experiments';
const sweep = DEMO_EXPERIMENTS[1]!; // churn-gbm-sweep
const RUN = DEMO_ARTIFACT_RUN.split('/')[1]!; // gbm-d6-lr0.05, the champion's run
// Short enough for the sidebar's 28-character labels, so the tree shows it whole.
const HOSTILE = '<b>run</b><img onerror=1>';

describe('Run page', () => {
  let session: Session;
  let storePath: string;
  let page: FrameLocator;
  const problems: string[] = [];

  before(async () => {
    const workspace = await createDemoWorkspace({ steps: 300 });
    storePath = demoStorePath(workspace);
    const db = new Database(storePath);
    db.prepare('UPDATE runs SET name = ? WHERE name = ?').run(HOSTILE, sweep.runs[3]!.name);
    db.close();
    session = await startSession({ workspace });
    session.workbench.page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
    });
  });

  after(async () => {
    await session?.stop();
  });

  test('a double click opens the run page; a second one reuses it', async () => {
    const wb = session.workbench;
    await wb.openContainer();
    await wb.expandTreeItem(EXPERIMENTS, sweep.name);
    const row = await wb.waitForTreeItem(EXPERIMENTS, RUN);
    await row.locator('.label-name').dblclick();
    page = await wb.webview({ title: RUN, timeout: 60_000 });
    await page.locator('[data-testid="run-name"]').getByText(RUN).waitFor();
    assert.match(await page.locator('[data-testid="run-status"]').innerText(), /finished in \d+m/);
    const meta = await page.locator('[data-testid="run-meta"]').innerText();
    for (const fact of ['churn-gbm-sweep', 'Registered as', 'churn-classifier v2 @champion', 'Framing', 'Churn reduction', 'val_auc (higher is better, target 0.86)']) assert.ok(meta.includes(fact), `the header shows ${fact}: ${meta}`);
    await row.locator('.label-name').dblclick();
    await wb.page.waitForTimeout(800);
    assert.equal(await wb.page.locator('.tabs-container .tab', { hasText: RUN }).count(), 1, 'one tab per run');
  });

  test('metrics: a row per key with a sparkline; a key opens its full M4 chart', async () => {
    const rows = page.locator('[data-testid="metric-row"]');
    await waitUntil(async () => (await rows.count()) === sweep.metrics.length, 'a row per metric');
    assert.equal(await rows.first().getAttribute('data-key'), 'val_auc', 'the primary metric comes first');
    assert.ok((await rows.first().locator('svg.sparkline polyline').count()) >= 1, 'a sparkline');
    assert.match(await rows.first().innerText(), /300/, 'the point count');
    await rows.first().locator('[data-testid="metric-key"]').click();
    const canvas = page.locator('[data-testid="chart-slot"] canvas[data-testid="chart"][data-state="ready"]');
    await canvas.waitFor({ timeout: 30_000 });
    assert.equal(await canvas.getAttribute('data-datasets'), '1');
    await session.workbench.captureThemes('run-page', ['light', 'dark', 'high-contrast']);
    await session.workbench.setTheme('light');
  });

  test('params are searchable; tags and the note are editable and audited', async () => {
    await page.locator('[data-testid="tab-params"]').click();
    await page.locator('[data-testid="params-search"]').fill('depth');
    await waitUntil(async () => (await page.locator('[data-testid="params-row"]').count()) === 1, 'the search keeps one param');
    await page.locator('[data-testid="tab-tags"]').click();
    await page.locator('[data-testid="tag-key"]').fill('reviewed');
    await page.locator('[data-testid="tag-value"]').fill('<b>yes</b>');
    await page.locator('[data-testid="tag-save"]').click();
    await page.locator('[data-testid="tags-row"][data-key="reviewed"]').waitFor();
    assert.equal(await page.locator('[data-testid="tags-row"][data-key="reviewed"] b').count(), 0, 'values are text');
    await page.locator('[data-testid="note-edit"]').click();
    await page.locator('[data-testid="note-text"]').fill('## Why it won\n\n- **depth 6** generalises\n- see `plots/roc.svg`');
    await page.locator('[data-testid="note-save"]').click();
    await page.locator('[data-testid="note-view"] h4').getByText('Why it won').waitFor();
    assert.equal(await page.locator('[data-testid="note-view"] li').count(), 2);
    const runId = queryStore<{ id: number }>(storePath, 'SELECT id FROM runs WHERE name = ?', RUN)[0]!.id;
    await waitUntil(() => queryStore(storePath, "SELECT 1 FROM audit_log WHERE entity = 'run' AND entity_id = ? AND action = 'edit-note'", String(runId)).length === 1, 'the note edit is audited');
    assert.equal(queryStore(storePath, "SELECT 1 FROM audit_log WHERE entity = 'run' AND entity_id = ? AND action = 'set-tag'", String(runId)).length, 1);
    assert.deepEqual(queryStore(storePath, "SELECT value FROM tags WHERE run_id = ? AND key = 'reviewed'", runId), [{ value: '<b>yes</b>' }]);
  });

  test('artifacts: a tree with sizes; CSV, image, JSON previews; a model file shows its size', async () => {
    await page.locator('[data-testid="tab-artifacts"]').click();
    const item = (name: string) => page.locator(`[data-testid="artifact-item"][data-file$="${name}"]`);
    await item('predictions.csv').click();
    const table = page.locator('[data-testid="preview-table"]');
    await table.waitFor();
    assert.equal(await table.locator('tbody tr').count(), 1000, 'the first 1,000 rows of 5,000');
    assert.match(await page.locator('[data-testid="artifact-sha256"]').innerText(), /sha256 [0-9a-f]{64}/);
    await item('confusion_matrix.png').click();
    const image = page.locator('[data-testid="preview-image"]');
    await image.waitFor();
    await waitUntil(() => image.evaluate((img) => (img as HTMLImageElement).naturalWidth), 'the PNG loads through a webview resource URI');
    await item('roc.svg').click();
    await page.locator('[data-testid="preview-image"]').waitFor();
    await item('metrics.json').click();
    await waitUntil(async () => (await page.locator('[data-testid="preview-text"]').innerText().catch(() => '')).includes('"val_auc"'), 'the JSON preview');
    await item('gbm-d6-lr0.05.joblib').click();
    await page.locator('[data-testid="preview-body"]').getByText(/Use Open or Reveal in Explorer/).waitFor();
    // The keyboard walks the tree.
    await item('metrics.json').focus();
    await session.workbench.page.keyboard.press('ArrowDown');
    await session.workbench.page.keyboard.press('Enter');
    await page.locator('[data-testid="artifact-item"][aria-selected="true"]').getByText('NOTES.md').waitFor();
    await page.locator('[data-testid="preview-body"] h3').getByText('gbm-d6-lr0.05').waitFor();
    await item('confusion_matrix.png').click();
    await page.locator('[data-testid="preview-image"]').waitFor();
    await session.workbench.captureThemes('run-page-artifacts', ['light', 'dark', 'high-contrast']);
    await session.workbench.setTheme('light');
  });

  test('Compare with…: every run in the tooltip, opaque colours that stand out in every theme, targets labelled once', async () => {
    const wb = session.workbench;
    await page.locator('[data-testid="compare-with"]').click();
    const input = wb.page.locator('.quick-input-widget .quick-input-box input');
    await input.fill('gbm-d');
    for (const name of [sweep.runs[0]!.name, sweep.runs[2]!.name]) {
      const row = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: name }).first();
      await row.locator('.label-name').first().click();
      await waitUntil(async () => (await row.getAttribute('aria-checked')) === 'true', `${name} is checked`, 5000);
    }
    await input.press('Enter');
    const compare = await wb.webview({ title: /Compare 3 runs/ });
    const card = compare.locator(`[data-testid="chart-card"][data-metric="${sweep.primaryMetric}"]`);
    const canvas = card.locator('canvas[data-state="ready"]');
    await canvas.waitFor({ timeout: 30_000 });
    assert.equal(await card.locator('[data-testid="chart-targets"]').innerText(), 'target 0.86', 'one target, labelled once outside the plot');
    assert.match(await card.locator('.chart-info').innerText(), /^3 runs · higher is better$/, 'a one-line subtitle');
    assert.match((await card.locator('.chart-info').getAttribute('title')) ?? '', /points logged/, 'the M4 details are in its tooltip');
    const box = (await canvas.boundingBox())!;
    await wb.page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
    await waitUntil(async () => ((await canvas.getAttribute('data-tooltip')) ?? '').split('\n').length === 3, 'the tooltip lists all three runs');
    for (const theme of ['light', 'dark', 'high-contrast'] as const) {
      await wb.setTheme(theme);
      const ratios = await compare.locator('[data-testid="legend"] .swatch').evaluateAll((swatches) => {
        const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).slice(0, 4).map(Number);
        const lum = ([r, g, b]: number[]) => [r!, g!, b!].map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4)).reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i]!, 0);
        const background = rgb(getComputedStyle(document.body).backgroundColor);
        return swatches.map((swatch) => {
          const color = rgb(getComputedStyle(swatch).backgroundColor);
          const [hi, lo] = [lum(color), lum(background)].sort((a, b) => b - a);
          return { color: color.join(','), opaque: color.length === 3 || color[3] === 1, ratio: (hi! + 0.05) / (lo! + 0.05) };
        });
      });
      assert.equal(ratios.length, 3);
      for (const r of ratios) assert.ok(r.opaque && r.ratio >= 3, `${theme}: run colour ${r.color} has contrast ${r.ratio.toFixed(2)}`);
      assert.equal(new Set(ratios.map((r) => r.color)).size, 3, 'three different colours');
      await wb.page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
      await wb.page.waitForTimeout(300);
      await wb.page.screenshot({ path: `${SCREENSHOT_DIR}/compare-tooltip-${theme}.png` });
    }
    await wb.setTheme('light');
  });

  test('Enter, the context menu and the palette open run pages; names stay text', async () => {
    const wb = session.workbench;
    await wb.selectTreeItem(EXPERIMENTS, HOSTILE);
    await wb.page.keyboard.press('Enter');
    const hostile = await wb.webview({ title: /<b>run<\/b>/ });
    await hostile.locator('[data-testid="run-name"]').getByText(HOSTILE).waitFor();
    assert.equal(await hostile.locator('img, [data-testid="run-name"] b').count(), 0);
    await wb.contextMenu(await wb.waitForTreeItem(EXPERIMENTS, sweep.runs[0]!.name), 'Open Run Page');
    const other = await wb.webview({ title: sweep.runs[0]!.name });
    await other.locator('[data-testid="run-name"]').getByText(sweep.runs[0]!.name).waitFor();
    await wb.runCommand('ML Lifecycle: Open Run Page');
    await wb.page.locator('.quick-input-widget .quick-input-box input').fill('seasonal-naive');
    await wb.quickPick(/seasonal-naive/);
    const picked = await wb.webview({ title: 'seasonal-naive' });
    await picked.locator('[data-testid="run-name"]').getByText('seasonal-naive').waitFor();
    assert.deepEqual(problems, [], 'no CSP violations');
  });
});
