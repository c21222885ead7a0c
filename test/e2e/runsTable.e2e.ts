/**
 * The Runs table in a real VS Code (code-server + Chromium): open it from the palette on a store of
 * 2,000 extra runs, type a filter with an error (the column is shown), fix it, add a metric column
 * and sort by it, group by a param, with screenshots in light and dark and no CSP violations.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import type { SweepRun } from '../unit/search/sweep.ts';
import { waitUntil, type Session } from './harness.ts';
import { applyFilter, openRunsTable, startSweepSession } from './sweepSession.ts';

describe('Runs table panel', () => {
  let session: Session;
  let panel: FrameLocator;
  let sweep: SweepRun[];
  let problems: string[] = [];

  before(async () => {
    ({ session, sweep, cspProblems: problems } = await startSweepSession(2000));
  });

  after(async () => {
    await session?.stop();
  });

  const status = () => panel.locator('#runs-status').innerText();
  const filter = (text: string) => applyFilter(panel, text);

  test('opens from the palette with every run, only the visible rows in the DOM', async () => {
    panel = await openRunsTable(session);
    await waitUntil(async () => /runs ·/.test(await status()), 'the table reports its runs');
    const total = Number((await status()).match(/([\d,]+) runs/)![1]!.replaceAll(',', ''));
    assert.ok(total >= 2000, `${total} runs`);
    await panel.locator('.grid-row[data-run-id]').first().waitFor();
    const rendered = await panel.locator('.grid-row').count();
    assert.ok(rendered > 5 && rendered < 200, `${rendered} rows in the DOM`);
    assert.equal(await panel.locator('#runs-grid').getAttribute('role'), 'grid');
    assert.equal(await panel.locator('#runs-grid').getAttribute('aria-rowcount'), String(total + 1));
  });

  test('a filter with an error shows where it is', async () => {
    await filter("params.lr = '0.01' and");
    const error = panel.locator('#runs-filter-error');
    await error.waitFor({ state: 'visible' });
    assert.match(await error.innerText(), /Column 23: the end of the filter is not expected here/);
    assert.match(await panel.locator('#runs-filter-error .caret').innerText(), /^ {22}\^$/);
    await session.workbench.captureThemes('runs-table-error');
  });

  test('a fixed filter, a metric column and a sort by it', async () => {
    await filter("attributes.experiment = 'sweep-a' and params.lr = '0.01'");
    const expected = sweep.filter((r) => r.experiment === 'sweep-a' && r.params.lr === '0.01').length;
    await waitUntil(async () => (await status()).startsWith(`${expected.toLocaleString('en-US')} runs`), `${expected} runs match`);
    assert.ok(await panel.locator('#runs-filter-error').isHidden());
    await panel.locator('#runs-columns').click();
    await panel.locator('input[data-column="metrics.val_auc"]').check();
    await panel.locator('#runs-columns').click();
    const header = panel.locator('.column-header[data-column="metrics.val_auc"]');
    await header.waitFor();
    await header.click();
    await header.click(); // descending
    await waitUntil(async () => (await header.getAttribute('aria-sort')) === 'descending', 'sorted descending');
    await panel.locator('.grid-row[data-run-id]').first().waitFor();
    const column = await panel.locator('.column-header').evaluateAll((cells) => cells.findIndex((c) => c.getAttribute('data-column') === 'metrics.val_auc'));
    const values = await panel.locator('.grid-row[data-run-id]').evaluateAll((rows, i) => rows.slice(0, 10).map((row) => Number(row.children[i]!.textContent)), column);
    assert.deepEqual(values, [...values].sort((a, b) => b - a));
    assert.equal(values[0], Math.max(...sweep.filter((r) => r.experiment === 'sweep-a' && r.params.lr === '0.01').map((r) => r.metrics.val_auc!.at(-1)!).filter(Number.isFinite)));
    await session.workbench.captureThemes('runs-table');
  });

  test('group by a param: one row per value with its count and the metric mean', async () => {
    await panel.locator('#runs-group').evaluate((select: HTMLElement & { value: string }) => {
      select.value = 'params.optimizer';
      select.dispatchEvent(new Event('change'));
    });
    await waitUntil(async () => /groups of/.test(await status()), 'groups are shown');
    const groups = panel.locator('.group-row');
    await groups.first().waitFor();
    const labels = await groups.evaluateAll((rows) => rows.map((row) => row.children[0]!.textContent));
    const sgd = sweep.filter((r) => r.experiment === 'sweep-a' && r.params.lr === '0.01' && r.params.optimizer === 'sgd').length;
    assert.ok(labels.some((label) => label === `sgd · ${sgd} runs`), labels.join(' | '));
    await session.workbench.captureThemes('runs-table-grouped');
    assert.deepEqual(problems, []);
  });
});
