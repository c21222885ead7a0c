/**
 * Compare Groups and quick filters in a real VS Code (code-server + Chromium): a quick filter from
 * a column header narrows the Runs table; grouped by a param, Compare Groups draws one line per
 * group, switches its band and draws the member runs faintly. Screenshots in light, dark and
 * high contrast (runs-table-<theme>, compare-groups-<theme>), with no CSP violations.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import type { SweepRun } from '../unit/search/sweep.ts';
import { waitUntil, type Session } from './harness.ts';
import { applyFilter, openRunsTable, startSweepSession } from './sweepSession.ts';

const ALL_THEMES = ['light', 'dark', 'high-contrast'] as const;

describe('Compare Groups and quick filters', () => {
  let session: Session;
  let table: FrameLocator;
  let sweep: SweepRun[];
  let problems: string[] = [];

  before(async () => {
    ({ session, sweep, cspProblems: problems } = await startSweepSession(400));
  });

  after(async () => {
    await session?.stop();
  });

  const status = () => table.locator('#runs-status').innerText();
  const expectRuns = async (count: number) => waitUntil(async () => (await status()).includes(`${count.toLocaleString('en-US')} runs`), `${count} runs shown`);

  test('a quick filter from a column header narrows the rows', async () => {
    table = await openRunsTable(session);
    await waitUntil(async () => /runs ·/.test(await status()), 'the table reports its runs');
    await applyFilter(table, "attributes.experiment = 'sweep-a'");
    const sweepA = sweep.filter((r) => r.experiment === 'sweep-a');
    await expectRuns(sweepA.length);
    await table.locator('#runs-columns').click();
    await table.locator('input[data-column="params.optimizer"]').check();
    await table.locator('#runs-columns').click();
    const header = table.locator('.column-header[data-column="params.optimizer"]');
    await header.waitFor();
    await header.locator('[data-testid="quick-filter-button"]').click();
    const menu = table.locator('#runs-quick-filter');
    await menu.waitFor({ state: 'visible' });
    assert.equal(await menu.getAttribute('role'), 'dialog');
    await menu.locator('[data-testid="quick-filter-value"]').fill('sgd');
    // Keyboard: down from the value to the first option ("="), Enter picks it.
    await menu.locator('[data-testid="quick-filter-value"]').press('ArrowDown');
    await session.workbench.page.keyboard.press('Enter');
    await expectRuns(sweepA.filter((r) => r.params.optimizer === 'sgd').length);
    assert.equal(await table.locator('#runs-filter input').inputValue(), "attributes.experiment = 'sweep-a' AND params.optimizer = 'sgd'");
    await menu.waitFor({ state: 'hidden' });
    await table.locator('.grid-row[data-run-id]').first().waitFor();
    await session.workbench.captureThemes('runs-table', ALL_THEMES);
    // Back to the whole experiment for grouping.
    await applyFilter(table, "attributes.experiment = 'sweep-a'");
    await expectRuns(sweepA.length);
  });

  test('grouped by a param, Compare Groups draws one line per group; the band and member runs switch', async () => {
    const wb = session.workbench;
    await table.locator('#runs-group').evaluate((select: HTMLElement & { value: string }) => {
      select.value = 'params.optimizer';
      select.dispatchEvent(new Event('change'));
    });
    await waitUntil(async () => /groups of/.test(await status()), 'groups are shown');
    const button = table.locator('#runs-compare-groups');
    await button.waitFor({ state: 'visible' });
    await button.click();
    const groups = new Set(sweep.filter((r) => r.experiment === 'sweep-a').map((r) => r.params.optimizer)).size;
    const panel = await wb.webview({ title: new RegExp(`^Compare ${groups} groups`), timeout: 60_000 });
    assert.equal(await panel.locator('[data-testid="legend-item"]').count(), groups);
    const chart = panel.locator('[data-testid="group-chart"][data-metric="val_auc"]');
    await waitUntil(async () => (await chart.getAttribute('data-state')) === 'ready', 'the val_auc chart is drawn');
    assert.equal(await chart.getAttribute('data-groups'), String(groups));
    assert.equal(await chart.getAttribute('data-band'), 'minmax');
    assert.equal(await chart.getAttribute('data-members'), '0');

    await panel.locator('[data-testid="group-band"]').evaluate((select: HTMLElement & { value: string }) => {
      select.value = 'std';
      select.dispatchEvent(new Event('change'));
    });
    await waitUntil(async () => (await chart.getAttribute('data-band')) === 'std', 'the band is ±1 std');

    await panel.locator('[data-testid="group-members"]').click();
    await waitUntil(async () => Number(await chart.getAttribute('data-members')) > groups, 'member runs are drawn');

    // Hiding a group from the legend takes its line out.
    await panel.locator('[data-testid="legend-item"]').first().click();
    await waitUntil(async () => (await chart.getAttribute('data-groups')) === String(groups - 1), 'one group hidden');
    await panel.locator('[data-testid="legend-item"]').first().click();
    await waitUntil(async () => (await chart.getAttribute('data-groups')) === String(groups), 'all groups shown');
    await session.workbench.captureThemes('compare-groups', ALL_THEMES);
    assert.deepEqual(problems, []);
  });
});
