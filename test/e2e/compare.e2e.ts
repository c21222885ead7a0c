/**
 * Compare Runs in a real VS Code (code-server + Chromium): select runs in the Experiments view,
 * open the panel from the context menu, one dataset per run in each chart, smoothing, tabs,
 * live points from another process, a run moved to the trash, and no CSP violations.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { MARK_DIRTY_SQL } from '../../src/store/metricBlocks.ts';
import { createDemoWorkspace, DEMO_EXPERIMENTS, demoStorePath, withDb } from './demoData.ts';
import { SCREENSHOT_DIR, startSession, waitUntil, type Session } from './harness.ts';

const EXPERIMENTS = 'Experiments';
const sweep = DEMO_EXPERIMENTS[1]!; // churn-gbm-sweep
const [first, second, third] = sweep.runs;
// Short enough for the sidebar's 28-character labels, so the tree shows it whole.
const HOSTILE_NAME = '<img src=x onerror=alert(1)>';

describe('Compare Runs panel', () => {
  let session: Session;
  let storePath: string;
  let panel: FrameLocator;
  const problems: string[] = [];

  before(async () => {
    const workspace = await createDemoWorkspace();
    storePath = demoStorePath(workspace);
    withDb(storePath, (db) => {
      db.prepare('UPDATE runs SET name = ? WHERE name = ?').run(HOSTILE_NAME, third!.name);
      // A month of hourly production metrics for every registered version.
      const insert = db.prepare('INSERT INTO production_metrics (version_id, key, timestamp, value) VALUES (?, ?, ?, ?)');
      const start = Date.now() - 30 * 86_400_000;
      for (const { id } of db.prepare('SELECT id FROM model_versions').all() as { id: number }[]) {
        for (let hour = 0; hour < 720; hour++) {
          insert.run(id, 'accuracy', start + hour * 3_600_000, 0.86 - id / 100 - hour / 20_000 + Math.sin(hour / 5) / 100);
          insert.run(id, 'latency_ms', start + hour * 3_600_000, 40 + id * 3 + (hour % 24));
        }
      }
    });
    session = await startSession({ workspace });
    session.workbench.page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
    });
  });

  after(async () => {
    await session?.stop();
  });

  test('opens from the Experiments context menu with the selected runs', async () => {
    const wb = session.workbench;
    await wb.openContainer();
    await wb.expandTreeItem(EXPERIMENTS, sweep.name);
    const a = await wb.selectTreeItem(EXPERIMENTS, first!.name);
    const b = await wb.waitForTreeItem(EXPERIMENTS, second!.name);
    await b.locator('.label-name').click({ modifiers: ['Control'] });
    const c = await wb.waitForTreeItem(EXPERIMENTS, HOSTILE_NAME);
    await c.locator('.label-name').click({ modifiers: ['Control'] });
    await wb.contextMenu(a, 'Compare Runs');
    panel = await wb.webview({ title: /Compare 3 runs/, timeout: 60_000 });
    await panel.locator('[data-testid="legend-item"]').nth(2).waitFor();
    assert.equal(await panel.locator('[data-testid="legend-item"]').count(), 3);
  });

  test('each chart shows one dataset per run', async () => {
    const canvases = panel.locator('canvas[data-testid="chart"]');
    await waitUntil(async () => (await canvases.count()) === sweep.metrics.length, 'one chart per metric');
    // Charts load as they scroll into view; the first row is visible at once.
    await panel.locator('canvas[data-testid="chart"][data-state="ready"]').first().waitFor({ timeout: 30_000 });
    const ready = panel.locator('canvas[data-testid="chart"][data-state="ready"]');
    for (let i = 0; i < (await ready.count()); i++) assert.equal(await ready.nth(i).getAttribute('data-datasets'), '3');
    assert.equal(await panel.locator('[data-testid="chart-card"]').first().getAttribute('data-metric'), sweep.primaryMetric, 'the primary metric comes first');
    await session.workbench.captureThemes('compare-charts');
    // High contrast too: lines, text and borders come from the theme's variables.
    const wb = session.workbench;
    const page = wb.page;
    await wb.runCommand('Preferences: Color Theme');
    await page.locator('.quick-input-widget .quick-input-box input').fill('Dark High Contrast');
    await wb.quickPick(/Dark High Contrast/);
    await page.waitForFunction(() => document.querySelector('.monaco-workbench')?.classList.contains('hc-black') === true, undefined, { timeout: 20_000 });
    await page.waitForTimeout(800);
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'compare-charts-high-contrast.png') });
    await session.workbench.setTheme('light');
  });

  test('names with markup are shown as text', async () => {
    const legend = panel.locator('[data-testid="legend"]');
    assert.ok((await legend.innerText()).includes(HOSTILE_NAME));
    assert.equal(await legend.locator('img, b').count(), 0);
  });

  test('smoothing draws a smoothed line over the faint raw one', async () => {
    await panel.locator('[data-testid="smoothing"]').click();
    await panel.locator('[data-testid="smoothing"] li[role="option"]', { hasText: 'Exponential (EMA)' }).click();
    await waitUntil(async () => !(await panel.locator('[data-testid="smoothing-strength"]').isDisabled()), 'the strength slider is enabled');
    assert.equal(await panel.locator('[data-testid="smoothing"]').evaluate((el) => (el as HTMLElement & { value: string }).value), 'ema');
    const canvas = panel.locator('canvas[data-testid="chart"][data-state="ready"]').first();
    assert.equal(await canvas.getAttribute('data-datasets'), '3', 'still one line per run');
    await session.workbench.screenshot('compare-smoothed');
  });

  test('dragging across a chart zooms in and reads that range in detail', async () => {
    const page = session.workbench.page;
    const card = panel.locator(`[data-testid="chart-card"][data-metric="${sweep.primaryMetric}"]`);
    const canvas = card.locator('canvas');
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.5, { steps: 5 });
    await page.mouse.up();
    await card.locator('[data-testid="chart-reset"]').waitFor({ state: 'visible' });
    await waitUntil(async () => /in view/.test(await card.locator('.chart-info').innerText()), 'the zoomed range was read again');
    await session.workbench.screenshot('compare-zoomed');
    await card.locator('[data-testid="chart-reset"]').click();
    await waitUntil(async () => !/in view/.test(await card.locator('.chart-info').innerText()), 'back to the whole history');
  });

  test('the Summary, Params and Parallel coordinates tabs show their data', async () => {
    await panel.locator('[data-testid="tab-summary"]').click();
    const summary = panel.locator('[data-testid="summary-table"] tbody tr');
    await waitUntil(async () => (await summary.count()) === 3, 'a summary row per run');
    await panel.locator('[data-testid="copy-summary-csv"]').click();
    await session.workbench.page.locator('.part.statusbar', { hasText: /Copied the summary table \(\d+ rows\) as CSV/ }).waitFor();
    await panel.locator('[data-testid="tab-params"]').click();
    const params = panel.locator('[data-testid="params-table"] tbody tr');
    await waitUntil(async () => (await params.count()) > 0, 'differing params listed');
    await session.workbench.screenshot('compare-params');
    await panel.locator('[data-testid="tab-parallel"]').click();
    await waitUntil(async () => (await panel.locator('[data-testid="parallel-chart"]').getAttribute('data-datasets')) === '3', 'a parallel line per run');
    await session.workbench.screenshot('compare-parallel');
    await panel.locator('[data-testid="tab-charts"]').click();
  });

  test('points logged by another process appear without reloading the page', async () => {
    await panel.locator('body').evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    const canvas = panel.locator(`canvas[data-testid="chart"][data-metric="${sweep.primaryMetric}"]`);
    const before = Number(await canvas.getAttribute('data-points'));
    withDb(storePath, (db) => {
      const run = db.prepare('SELECT id FROM runs WHERE name = ?').get(first!.name) as { id: number };
      const last = db.prepare('SELECT max(step) AS step FROM metrics WHERE run_id = ? AND key = ?').get(run.id, sweep.primaryMetric) as { step: number };
      db.transaction(() => {
        const insert = db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)');
        for (let i = 1; i <= 5000; i++) insert.run(run.id, sweep.primaryMetric, last.step + i, Date.now() + i, 0.99);
        db.prepare(MARK_DIRTY_SQL).run(run.id, sweep.primaryMetric, last.step + 1, last.step + 5000);
      })();
    });
    const started = Date.now();
    await waitUntil(async () => Number(await canvas.getAttribute('data-points')) !== before, 'the chart picked up the new points', 15_000);
    process.stderr.write(`compare e2e: new points drawn ${Date.now() - started} ms after the write\n`);
    assert.equal(await panel.locator('body').evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'the page was not reloaded');
  });

  test('a run moved to the trash leaves the panel with a note', async () => {
    withDb(storePath, (db) => db.prepare('UPDATE runs SET deleted_at = ? WHERE name = ?').run(Date.now(), second!.name));
    await waitUntil(async () => (await panel.locator('[data-testid="legend-item"]').count()) === 2, 'the run left the legend', 15_000);
    assert.match(await panel.locator('[data-testid="notes"]').innerText(), new RegExp(`"${second!.name}" was moved to the trash`));
    await session.workbench.screenshot('compare-trashed');
  });

  test('removing a run from the panel keeps the page', async () => {
    await panel.locator('[data-testid="remove-run"]').first().click();
    await waitUntil(async () => (await panel.locator('[data-testid="legend-item"]').count()) === 1, 'one run left');
    assert.equal(await panel.locator('body').evaluate(() => (window as unknown as { marker?: number }).marker), 42);
  });

  test('with no runs left the panel says how to add some; Add runs… brings them back', async () => {
    await panel.locator('[data-testid="remove-run"]').first().click();
    await panel.locator('[data-testid="empty-state"]').waitFor({ state: 'visible' });
    assert.match(await panel.locator('[data-testid="empty-state"]').innerText(), /No runs to compare/);
    await panel.locator('[data-testid="add-runs"]').click();
    await session.workbench.page.locator('.quick-input-widget .quick-input-box input').fill(first!.name);
    await session.workbench.quickPick(first!.name);
    await session.workbench.page.keyboard.press('Enter');
    await waitUntil(async () => (await panel.locator('[data-testid="legend-item"]').count()) === 1, 'the run is back');
    assert.equal(await panel.locator('body').evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'still the same page');
  });

  test('Show Production Metrics draws one line per model version over time', async () => {
    const wb = session.workbench;
    await wb.runCommand('ML Lifecycle: Show Production Metrics');
    await wb.quickPick(/ v2/);
    await wb.quickPick(/ v3/);
    await wb.page.keyboard.press('Enter');
    const production = await wb.webview({ title: /Production metrics/, timeout: 60_000 });
    const canvas = production.locator('canvas[data-testid="chart"][data-metric="accuracy"][data-state="ready"]');
    await canvas.waitFor({ timeout: 30_000 });
    assert.equal(await canvas.getAttribute('data-datasets'), '2');
    await wb.captureThemes('compare-production');
  });

  test('a hidden panel keeps its settings when shown again', async () => {
    const wb = session.workbench;
    panel = await wb.webview({ title: /Compare 1 run/ });
    await panel.locator('[data-testid="legend-item"]').first().waitFor();
    assert.equal(await panel.locator('[data-testid="smoothing"]').evaluate((el) => (el as HTMLElement & { value: string }).value), 'ema');
    assert.equal(await panel.locator('[data-testid="smoothing-strength"]').isDisabled(), false);
  });

  test('the panel comes back after the window reloads', async () => {
    const wb = session.workbench;
    await wb.page.reload({ waitUntil: 'domcontentloaded' });
    await wb.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 90_000 });
    // The workbench restores the panel from the state it saved last, through our serializer.
    panel = await wb.webview({ title: /^Compare \d+ runs?/, timeout: 90_000 });
    await waitUntil(async () => (await panel.locator('[data-testid="legend-item"]').count()) >= 1, 'the runs are shown again', 60_000);
    await panel.locator('canvas[data-testid="chart"][data-state="ready"]').first().waitFor({ timeout: 60_000 });
  });

  test('no Content Security Policy violations', () => {
    assert.deepEqual(problems, []);
  });
});
