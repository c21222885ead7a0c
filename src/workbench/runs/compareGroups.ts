import * as vscode from 'vscode';
import { MAX_GROUPS } from '../../compare/groupsModel.ts';
import { groupMembers } from '../../search/groupMembers.ts';
import { GroupsPanel } from '../compare/groupsPanel.ts';
import type { Services } from '../services.ts';
import { staleBefore } from '../staleness.ts';
import type { RunsPanel } from './runsPanel.ts';

/** Compare Groups: the Runs table's groups (top level) as lines in their own Compare panel. */
export function registerCompareGroups(services: Services, runs: RunsPanel): vscode.Disposable[] {
  return [
    GroupsPanel.register(services),
    vscode.commands.registerCommand('mlLifecycle.compareGroups', () => services.run('Compare groups', () => compareGroups(services, runs))),
  ];
}

function compareGroups(services: Services, runs: RunsPanel): void {
  const store = services.stores.current();
  const grouping = runs.grouping();
  if (!store || !grouping) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Compare Groups compares the groups of the Runs table: open it, choose a column under "Group by", then Compare Groups.'), 'Open Runs Table').then((choice) => {
      if (choice) void vscode.commands.executeCommand('mlLifecycle.openRunsTable');
    });
    return;
  }
  const groups = groupMembers(store, grouping.ids, grouping.groupBy, staleBefore());
  const notes = groups.length > MAX_GROUPS ? [`Only ${MAX_GROUPS} groups fit in one comparison; the first ${MAX_GROUPS} of ${groups.length} are shown. Filter the table to pick others.`] : [];
  GroupsPanel.show(services, { by: grouping.groupBy, groups: groups.slice(0, MAX_GROUPS) }, notes);
}
