/**
 * Acting on rows of the Runs table in a real VS Code (code-server + Chromium): select a range,
 * copy it as CSV, star a run and filter on the star, edit a tag inline (seen in the audit trail),
 * trash two runs and undo, a run logged while the table is open appears without moving the
 * rows on screen, and a selected row selects its run in the Experiments view. Screenshots of a selection in light, dark and high-contrast.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import type { SweepRun } from '../unit/search/sweep.ts';
import { logDemoRun, queryStore } from './demoData.ts';
import { waitUntil, type Session } from './harness.ts';
import { applyFilter, openRunsTable, startSweepSession } from './sweepSession.ts';

describe('Runs table: acting on rows', () => {
  let session: Session;
  let panel: FrameLocator;
  let sweep: SweepRun[];
  let storePath: string;
  let problems: string[] = [];

  before(async () => {
    ({ session, sweep, storePath, cspProblems: problems } = await startSweepSession(400));
    await session.workbench.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  });

  after(async () => {
    await session?.stop();
  });

  const status = () => panel.locator('#runs-status').innerText();
  const total = async () => Number((await status()).match(/([\d,]+) runs/)?.[1]?.replaceAll(',', '') ?? NaN);
  const row = (index: number) => panel.locator(`.grid-row[aria-rowindex="${index + 2}"]`);
  const filter = (text: string) => applyFilter(panel, text);

  test('click and Shift+click select a range: aria-selected rows and "N selected"', async () => {
    panel = await openRunsTable(session);
    await waitUntil(async () => (await total()) >= 400, 'the table lists the sweep');
    await row(1).locator('.cell').nth(2).waitFor();
    assert.equal(await panel.locator('#runs-grid').getAttribute('aria-multiselectable'), 'true');
    await row(1).locator('.cell').nth(2).click();
    await row(4).locator('.cell').nth(2).click({ modifiers: ['Shift'] });
    await waitUntil(async () => (await panel.locator('#runs-selected').innerText()) === '4 selected', '4 selected');
    assert.equal(await panel.locator('.grid-row[aria-selected="true"]').count(), 4);
    await session.workbench.captureThemes('runs-table-selection', ['light', 'dark', 'high-contrast']);
  });

  test('Copy CSV puts the selected rows, visible columns, on the clipboard', async () => {
    const names = await panel.locator('.grid-row[aria-selected="true"]').evaluateAll((rows) => rows.map((r) => r.children[2]!.textContent));
    await panel.locator('#runs-action-copyCsv').click();
    const csv = await waitUntil(async () => {
      const text = await session.workbench.page.evaluate(() => navigator.clipboard.readText());
      return text.startsWith('Status,') ? text : undefined;
    }, 'the clipboard holds the CSV');
    const lines = csv!.trimEnd().split('\r\n');
    assert.equal(lines[0], 'Status,Starred,Name,Experiment,Started,Duration (s)');
    assert.deepEqual(lines.slice(1).map((line) => line.split(',')[2]), names);
  });

  test('a star click stars the run; attributes.starred = true finds it', async () => {
    const starredBefore = sweep.filter((r) => r.tags['ml_lifecycle.starred'] === 'true').length;
    const star = row(0).locator('.star');
    assert.equal(await star.getAttribute('aria-label'), 'Not starred');
    await star.click();
    await waitUntil(async () => (await row(0).locator('.star').getAttribute('aria-label')) === 'Starred', 'the star shows');
    await filter('attributes.starred = true');
    await waitUntil(async () => (await total()) === starredBefore + 1, `${starredBefore + 1} starred runs`);
  });

  test('a tag edited inline (quotes and all) is saved and shows in the audit trail', async () => {
    await filter("attributes.run_name = 'run-3'");
    await waitUntil(async () => (await total()) === 1, 'one run');
    await panel.locator('#runs-columns').click();
    await panel.locator('input[data-column="tags.dataset"]').check();
    await panel.locator('#runs-columns').click();
    const column = await panel.locator('.column-header').evaluateAll((cells) => cells.findIndex((c) => c.getAttribute('data-column') === 'tags.dataset'));
    const cell = row(0).locator('.cell').nth(column);
    await cell.dblclick();
    const editor = panel.locator('input.cell-editor');
    await editor.fill(`v9 "gold" it's`);
    await editor.press('Enter');
    await waitUntil(async () => (await row(0).locator('.cell').nth(column).innerText()) === `v9 "gold" it's`, 'the new value shows');
    assert.deepEqual(queryStore<{ value: string }>(storePath, "SELECT t.value FROM tags t JOIN runs r ON r.id = t.run_id WHERE r.name = 'run-3' AND t.key = 'dataset'"), [{ value: `v9 "gold" it's` }]);
    await session.workbench.runCommand('ML Lifecycle: Show Audit Trail');
    const audit = await session.workbench.webview({ title: /Audit/ });
    const entry = audit.locator('tr[data-action="set-tag"]', { hasText: 'gold' }).first();
    await entry.waitFor();
    assert.match(await entry.locator('pre').textContent() ?? '', /v9 \\"gold\\" it's/);
    panel = await session.workbench.webview({ title: /^Runs/ });
  });

  test('Trash asks, moves the selected runs to the trash, and Undo brings them back', async () => {
    const wb = session.workbench;
    await filter("attributes.experiment = 'sweep-b'");
    const before = sweep.filter((r) => r.experiment === 'sweep-b').length;
    await waitUntil(async () => (await total()) === before, `${before} runs`);
    await row(0).locator('.cell').nth(2).click();
    await row(1).locator('.cell').nth(2).click({ modifiers: ['Shift'] });
    await waitUntil(async () => (await panel.locator('#runs-selected').innerText()) === '2 selected', '2 selected');
    await panel.locator('#runs-action-trash').click();
    assert.match(await wb.dialogMessage(), /Move 2 runs to the trash\?/);
    await wb.confirmDialog('Move to Trash');
    panel = await wb.webview({ title: /^Runs/ });
    await waitUntil(async () => (await total()) === before - 2, 'two runs fewer');
    await wb.clickNotificationButton(/Moved 2 runs to the trash/, 'Undo');
    panel = await wb.webview({ title: /^Runs/ });
    await waitUntil(async () => (await total()) === before, 'the runs are back');
  });

  test('a run logged while the table is open appears at its sorted place; the rows on screen stay put', async () => {
    await filter('');
    await waitUntil(async () => (await total()) > 400, 'every run');
    const grid = panel.locator('#runs-grid');
    await grid.evaluate((element) => {
      element.scrollTop = 24 * 60;
    });
    await row(62).waitFor();
    await row(62).locator('.cell').nth(2).click();
    const top = await grid.evaluate((element) => element.scrollTop);
    const firstName = async () =>
      grid.evaluate((element) => {
        const index = Math.floor(element.scrollTop / 24);
        return element.querySelector(`.grid-row[aria-rowindex="${index + 2}"]`)?.children[2]?.textContent ?? null;
      });
    const shown = await firstName();
    const count = await total();
    logDemoRun(storePath, 'sweep-a', 'late-arrival', 5);
    await waitUntil(async () => (await total()) === count + 1, 'the new run is counted');
    await waitUntil(async () => (await firstName()) === shown, 'the same run is at the top of the view');
    assert.equal(await grid.evaluate((element) => element.scrollTop), top + 24, 'scrolled by one row to keep its place');
    assert.equal(await panel.locator('#runs-selected').innerText(), '1 selected', 'the selection is kept');
    await grid.evaluate((element) => {
      element.scrollTop = 0;
    });
    await waitUntil(async () => (await row(0).locator('.cell').nth(2).innerText()) === 'late-arrival', 'the new run is first (newest first)');
  });

  test('selecting a row selects its run in the Experiments view', async () => {
    await row(0).locator('.cell').nth(2).click();
    const page = session.workbench.page;
    const selected = page.locator('.pane-body .monaco-list-row[aria-selected="true"]', { hasText: 'late-arrival' });
    await selected.waitFor({ timeout: 15_000 });
    assert.deepEqual(problems, []);
  });
});
