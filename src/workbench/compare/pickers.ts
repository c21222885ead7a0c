import * as vscode from 'vscode';
import { recentRuns } from '../../compare/model.ts';
import { allVersions } from '../../compare/production.ts';
import type { Store } from '../../store/database.ts';
import { formatTime, truncateLabel, formatCount } from '../../shared/format.ts';

/** How many of the newest runs a picker offers (its filter box searches them). */
const PICKER_RUNS = 2000;

/** Runs across experiments, newest first; undefined when cancelled. */
export async function pickRuns(store: Store, options: { exclude?: readonly number[]; title: string }): Promise<number[] | undefined> {
  const exclude = new Set(options.exclude ?? []);
  const { runs, total } = recentRuns(store, { limit: PICKER_RUNS + exclude.size });
  const items = runs
    .filter((run) => !exclude.has(run.id))
    .slice(0, PICKER_RUNS)
    .map((run) => ({ label: truncateLabel(run.name), description: `${truncateLabel(run.experimentName, 40)} · ${run.status}`, detail: `started ${formatTime(run.startTime)}`, id: run.id }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage(exclude.size ? vscode.l10n.t('Every run is already in the comparison.') : vscode.l10n.t('No runs yet: log a run from your training code first.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: options.title,
    canPickMany: true,
    matchOnDescription: true,
    placeHolder: total > runs.length ? vscode.l10n.t('The {0} newest of {1} runs; type to filter', formatCount(PICKER_RUNS), formatCount(total)) : vscode.l10n.t('Type to filter by run or experiment name'),
  });
  return picked?.map((p) => p.id);
}

/** Model versions, newest first; undefined when cancelled. */
export async function pickVersions(store: Store, options: { exclude?: readonly number[]; title: string }): Promise<number[] | undefined> {
  const exclude = new Set(options.exclude ?? []);
  const items = allVersions(store)
    .filter((v) => !exclude.has(v.id))
    .map((v) => ({
      label: `${truncateLabel(v.modelName, 80)} v${v.version}`,
      description: v.aliases.map((a) => `@${a}`).join(' '),
      detail: `registered ${formatTime(v.createdAt)}`,
      id: v.id,
    }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage(exclude.size ? vscode.l10n.t('Every model version is already shown.') : vscode.l10n.t('No registered model versions yet: register one from a finished run first.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title: options.title, canPickMany: true, matchOnDescription: true });
  return picked?.map((p) => p.id);
}
