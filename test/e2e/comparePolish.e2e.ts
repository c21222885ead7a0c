/**
 * Compare, readable: two panels at once, the runs × metrics Summary with a killed run marked,
 * round parallel-coordinate ticks, the System group (collapsed, then opened, and kept so), run
 * colours against each theme's background, 100 runs in one panel, and the default primary metric
 * of a new experiment in the sidebar.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Database from 'better-sqlite3';
import type { FrameLocator } from 'playwright-core';
import { MIN_CONTRAST, contrastRatio, parseRgb } from '../../src/compare/palette.ts';
import { MARK_DIRTY_SQL } from '../../src/store/metricBlocks.ts';
import { createDemoWorkspace, DEMO_EXPERIMENTS, demoStorePath, withDb } from './demoData.ts';
import { startSession, waitUntil, type Session, type Theme } from './harness.ts';

const EXPERIMENTS = 'Experiments';
const sweep = DEMO_EXPERIMENTS[1]!; // churn-gbm-sweep, with one KILLED run
const killed = sweep.runs.find((r) => r.status === 'KILLED')!;
const ALL_THEMES: Theme[] = ['light', 'dark', 'high-contrast'];
/** Two experiments of 50 runs each: Compare Runs on both shows 100 runs. */
const WIDE = ['wide-a', 'wide-b'];

/** Points the way loggers write them: the points and their dirty range in one transaction. */
function insertPoints(db: Database.Database, runId: number, key: string, values: readonly number[], t0: number): void {
  const insert = db.prepare('INSERT INTO metrics (run_id, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)');
  values.forEach((value, step) => insert.run(runId, key, step, t0 + step * 1000, value));
  db.prepare(MARK_DIRTY_SQL).run(runId, key, 0, values.length - 1);
}

describe('Compare, readable', () => {
  let session: Session;
  let sweepPanel: FrameLocator;

  before(async () => {
    const workspace = await createDemoWorkspace({ steps: 200 });
    withDb(demoStorePath(workspace), (db) => {
      db.transaction(() => {
        // System metrics for the sweep's runs, as MLflow's system metrics monitor names them.
        const runs = db.prepare('SELECT r.id, r.start_time AS start FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE e.name = ?').all(sweep.name) as { id: number; start: number }[];
        for (const run of runs) {
          insertPoints(db, run.id, 'system/cpu_utilization_percentage', Array.from({ length: 50 }, (_, i) => 40 + ((i * 7 + run.id) % 30)), run.start);
          insertPoints(db, run.id, 'system/system_memory_usage_megabytes', Array.from({ length: 50 }, (_, i) => 2000 + i * 10 + run.id), run.start);
        }
        const now = Date.now();
        for (const name of WIDE) {
          const experiment = Number(db.prepare('INSERT INTO experiments (name, created_at) VALUES (?, ?)').run(name, now).lastInsertRowid);
          for (let i = 0; i < 50; i++) {
            const start = now - (100 - i) * 60_000;
            const run = Number(
              db
                .prepare("INSERT INTO runs (uuid, experiment_id, name, status, start_time, end_time, heartbeat_at) VALUES (?, ?, ?, 'FINISHED', ?, ?, ?)")
                .run(`${name}-${String(i).padStart(3, '0')}`.padEnd(32, 'x'), experiment, `${name}-run-${String(i).padStart(2, '0')}`, start, start + 60_000, start + 60_000).lastInsertRowid,
            );
            db.prepare('INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)').run(run, 'lr', String(0.001 * (1 + (i % 10))));
            // loss comes first in time: it becomes the experiment's primary metric by default.
            insertPoints(db, run, 'loss', Array.from({ length: 40 }, (_, s) => 2 / (1 + s) + i / 100), start);
            insertPoints(db, run, 'val_accuracy', Array.from({ length: 40 }, (_, s) => 0.5 + s / 100 + i / 1000), start + 500);
            insertPoints(db, run, 'val_f1', Array.from({ length: 40 }, (_, s) => 0.4 + s / 120), start + 600);
          }
        }
      })();
    });
    session = await startSession({ workspace });
  });

  after(async () => {
    await session?.stop();
  });

  test('a new experiment gets the first metric it logged as primary metric, shown in the sidebar', async () => {
    const wb = session.workbench;
    await wb.openContainer();
    await waitUntil(async () => /↓ loss/.test((await wb.treeRows(EXPERIMENTS)).find((row) => row.label === WIDE[0])?.description ?? ''), 'wide-a shows ↓ loss', 30_000);
  });

  test('Compare Runs opens a panel per set of runs and reveals the one already showing them', async () => {
    const wb = session.workbench;
    const experiment = await wb.selectTreeItem(EXPERIMENTS, sweep.name);
    await wb.contextMenu(experiment, 'Compare All Runs in Experiment');
    sweepPanel = await wb.webview({ title: /Compare 6 runs/, timeout: 60_000 });
    await sweepPanel.locator('[data-testid="legend-item"]').nth(5).waitFor();
    await wb.expandTreeItem(EXPERIMENTS, sweep.name);
    const a = await wb.selectTreeItem(EXPERIMENTS, sweep.runs[0]!.name);
    const b = await wb.waitForTreeItem(EXPERIMENTS, sweep.runs[1]!.name);
    await b.locator('.label-name').click({ modifiers: ['Control'] });
    await wb.contextMenu(a, 'Compare Runs');
    const pair = await wb.webview({ title: /Compare 2 runs/, timeout: 60_000 });
    await pair.locator('[data-testid="legend-item"]').nth(1).waitFor();
    const tabs = wb.page.locator('.tabs-container .tab', { hasText: /^Compare/ });
    assert.equal(await tabs.count(), 2, 'two Compare panels');
    // The same six runs again: the first panel comes forward, no third one opens.
    await wb.contextMenu(await wb.selectTreeItem(EXPERIMENTS, sweep.name), 'Compare All Runs in Experiment');
    await wb.page.locator('.tabs-container .tab.active', { hasText: /Compare 6 runs/ }).waitFor({ timeout: 15_000 });
    assert.equal(await tabs.count(), 2);
    sweepPanel = await wb.webview({ title: /Compare 6 runs/ });
  });

  test('the Summary is a runs × metrics table: the killed run is marked, the best value starred, headers sort', async () => {
    const panel = sweepPanel;
    await panel.locator('[data-testid="tab-summary"]').click();
    const rows = panel.locator('[data-testid="summary-table"] tbody tr');
    await waitUntil(async () => (await rows.count()) === sweep.runs.length, 'a row per run');
    assert.ok(await panel.locator('[data-testid="x-axis-control"]').isHidden(), 'chart-only controls are hidden on the Summary tab');
    const killedRow = panel.locator('[data-testid="summary-table"] tbody tr[data-ended="KILLED"]');
    assert.equal(await killedRow.count(), 1);
    assert.match(await killedRow.innerText(), new RegExp(`${killed.name}[\\s\\S]*killed`));
    assert.equal(await killedRow.locator('.codicon-debug-stop').count(), 1, 'an icon as well as the word');
    assert.ok((await panel.locator('td.best').count()) >= sweep.metrics.length, 'each metric has its best value marked');
    // Keyboard: the primary metric's header is a button; Enter sorts best first (higher AUC first).
    const header = panel.locator(`th button.sort[data-column="${sweep.primaryMetric}"]`);
    await header.focus();
    await header.press('Enter');
    await waitUntil(async () => (await panel.locator(`th:has(button[data-column="${sweep.primaryMetric}"])`).getAttribute('aria-sort')) === 'descending', 'sorted best first');
    const firstBest = await rows.first().locator('td.best').count();
    assert.ok(firstBest >= 1, 'the top row holds the best primary metric');
    await session.workbench.captureThemes('compare-summary', ALL_THEMES);
    await session.workbench.setTheme('light');
  });

  test('parallel coordinates label every numeric axis with at least five round ticks', async () => {
    const panel = sweepPanel;
    await panel.locator('[data-testid="tab-parallel"]').click();
    const canvas = panel.locator('[data-testid="parallel-chart"]');
    await waitUntil(async () => (await canvas.getAttribute('data-datasets')) === String(sweep.runs.length), 'a line per run');
    await waitUntil(async () => Number(await canvas.getAttribute('data-min-ticks')) >= 5, 'five or more ticks per numeric axis');
    // The scatter starts with a param the runs differ in, not an alphabetical accident.
    const param = await panel.locator('[data-testid="scatter-param"]').evaluate((el) => (el as HTMLElement & { value: string }).value);
    assert.ok(['max_depth', 'learning_rate'].includes(param), `scatter param ${param}`);
    await session.workbench.captureThemes('compare-parallel', ALL_THEMES);
    await session.workbench.setTheme('light');
  });

  test('system metrics wait in a collapsed System group; opened, it stays open', async () => {
    const panel = sweepPanel;
    await panel.locator('[data-testid="tab-charts"]').click();
    const group = panel.locator('[data-testid="system-group"]');
    await group.waitFor({ state: 'visible' });
    assert.equal(await group.evaluate((el) => (el as HTMLDetailsElement).open), false, 'collapsed by default');
    assert.equal(await panel.locator('[data-testid="chart-grid"] [data-metric^="system/"]').count(), 0, 'not mixed into the main charts');
    assert.equal(await panel.locator('[data-testid="chart-grid"] canvas[data-testid="chart"]').count(), sweep.metrics.length);
    // The killed run's line ends in a cross, and the chart's legend says what it means.
    const primary = panel.locator(`canvas[data-testid="chart"][data-metric="${sweep.primaryMetric}"][data-state="ready"]`);
    await primary.waitFor({ timeout: 30_000 });
    assert.equal(await primary.getAttribute('data-ended'), '1');
    await panel.locator(`[data-testid="chart-card"][data-metric="${sweep.primaryMetric}"] [data-testid="ended-legend"]`).waitFor();
    await panel.locator('[data-testid="system-toggle"]').click();
    const cpu = panel.locator('[data-testid="system-grid"] canvas[data-testid="chart"][data-metric="system/cpu_utilization_percentage"][data-state="ready"]');
    await cpu.waitFor({ timeout: 30_000 });
    await cpu.scrollIntoViewIfNeeded();
    await session.workbench.captureThemes('compare-system', ALL_THEMES);
    await session.workbench.setTheme('light');
    // Another panel in front rebuilds this page when it comes back: the group is still open.
    const wb = session.workbench;
    await wb.webview({ title: /Compare 2 runs/ });
    sweepPanel = await wb.webview({ title: /Compare 6 runs/ });
    await sweepPanel.locator('[data-testid="system-group"]').waitFor({ state: 'visible' });
    await waitUntil(async () => sweepPanel.locator('[data-testid="system-group"]').evaluate((el) => (el as HTMLDetailsElement).open), 'the System group stayed open');
  });

  test('run colours stand out against the background in light, dark and high contrast themes', async () => {
    const wb = session.workbench;
    for (const theme of ALL_THEMES) {
      await wb.setTheme(theme);
      const { background, swatches } = await sweepPanel.locator('body').evaluate(() => ({
        background: getComputedStyle(document.body).backgroundColor,
        swatches: [...document.querySelectorAll<HTMLElement>('[data-testid="legend"] .swatch')].map((s) => getComputedStyle(s).backgroundColor),
      }));
      const bg = parseRgb(background);
      assert.ok(bg, `${theme}: background ${background}`);
      assert.equal(swatches.length, sweep.runs.length);
      for (const swatch of swatches) {
        const ratio = contrastRatio(parseRgb(swatch)!, bg);
        assert.ok(ratio >= MIN_CONTRAST, `${theme}: ${swatch} on ${background} is ${ratio.toFixed(2)}:1`);
      }
    }
    await wb.setTheme('light');
  });

  test('100 runs in one panel: every line of every chart arrives', async () => {
    const wb = session.workbench;
    await wb.openContainer();
    const a = await wb.selectTreeItem(EXPERIMENTS, WIDE[0]!);
    // A click also expands the experiment: its 50 runs push wide-b out of the rows the tree renders.
    const expanded = await waitUntil(async () => (await a.getAttribute('aria-expanded')) === 'true', 'wide-a expands', 5_000).then(() => true, () => false);
    if (expanded) {
      await wb.page.keyboard.press('ArrowLeft');
      await waitUntil(async () => (await wb.treeRow(EXPERIMENTS, WIDE[0]!).getAttribute('aria-expanded')) === 'false', 'wide-a collapses', 5_000);
    }
    const b = await wb.waitForTreeItem(EXPERIMENTS, WIDE[1]!);
    await b.locator('.label-name').click({ modifiers: ['Control'] });
    // Two experiments selected: Compare Runs takes each one's runs (50 apiece).
    await wb.runCommand('ML Lifecycle: Compare Runs');
    const panel = await wb.webview({ title: /Compare 100 runs/, timeout: 60_000 });
    // A chart reads its series once scrolled near view; 100 run chips push the charts down.
    for (const metric of ['loss', 'val_accuracy', 'val_f1']) {
      const chart = panel.locator(`canvas[data-testid="chart"][data-metric="${metric}"]`);
      await chart.scrollIntoViewIfNeeded({ timeout: 60_000 });
      await waitUntil(async () => (await chart.getAttribute('data-state')) === 'ready', `the ${metric} chart is read`, 60_000);
      assert.equal(await chart.getAttribute('data-datasets'), '100', metric);
    }
    await wb.screenshot('compare-100-runs');
  });
});
