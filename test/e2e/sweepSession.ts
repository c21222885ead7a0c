/**
 * What the Runs table suites share: a demo workspace with a sweep of extra runs, code-server on
 * it, the Content Security Policy violations its pages log, and the table opened from the palette.
 */
import type { FrameLocator } from 'playwright-core';
import { openStore } from '../../src/store/database.ts';
import { writeSweep, type SweepRun } from '../unit/search/sweep.ts';
import { createDemoWorkspace, demoStorePath } from './demoData.ts';
import { startSession, type Session } from './harness.ts';

export interface SweepSession {
  session: Session;
  sweep: SweepRun[];
  storePath: string;
  /** Console messages about refused content; a suite expects none. */
  cspProblems: string[];
}

export async function startSweepSession(sweepRuns: number): Promise<SweepSession> {
  const workspace = await createDemoWorkspace();
  const storePath = demoStorePath(workspace);
  const store = openStore(storePath);
  let sweep: SweepRun[];
  try {
    sweep = writeSweep(store, sweepRuns);
  } finally {
    store.close();
  }
  const session = await startSession({ workspace });
  const cspProblems: string[] = [];
  session.workbench.page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspProblems.push(message.text());
  });
  return { session, sweep, storePath, cspProblems };
}

export async function openRunsTable(session: Session): Promise<FrameLocator> {
  const wb = session.workbench;
  await wb.openContainer();
  await wb.runCommand('ML Lifecycle: Open Runs Table');
  return wb.webview({ title: /^Runs/, timeout: 60_000 });
}

/** Types a filter into the table's search box and applies it. */
export async function applyFilter(table: FrameLocator, text: string): Promise<void> {
  const input = table.locator('#runs-filter input');
  await input.fill(text);
  await input.press('Enter');
}
