import * as vscode from 'vscode';
import { AliasTakenError, CHALLENGER, CHAMPION, aliasTarget, getVersion, removeAlias, setAlias, validateAlias } from '../../registry/models.ts';
import { type GateResult, promoteToChampion, promotionGate } from '../../registry/promotion.ts';
import { truncateLabel } from '../../shared/format.ts';
import type { Services } from '../services.ts';
import { versionFor, versionLabel } from './pick.ts';

function gateText(gate: GateResult): string {
  const mark = (passed: boolean | null) => (passed === true ? '✓' : passed === false ? '✗' : '?');
  return gate.checks.map((c) => `${mark(c.passed)} ${c.label}: ${c.detail}`).join('\n');
}

async function askReason(title: string, required: boolean): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt: required ? 'Required: why this change is right despite the failed check. It is kept in the audit log.' : 'Optional: why, for the audit log.',
    validateInput: (value) => (required && !value.trim() ? 'Give a reason: it is what reviewers will read in the audit trail.' : undefined),
  });
}

/** mlLifecycle.promoteToChampion: shows the gate, asks for a reason when it fails, then moves @champion. */
export async function promoteCommand(services: Services, node: unknown): Promise<void> {
  const store = services.stores.current();
  if (!store) return;
  const version = await versionFor(store, node, 'Promote to Champion');
  if (!version) return;
  const gate = promotionGate(store, version);
  const champion = aliasTarget(store, version.modelId, CHAMPION);
  if (champion?.id === version.id) {
    void vscode.window.showInformationMessage(`${versionLabel(version)} is already the champion.`);
    return;
  }
  const replaces = champion ? ` It replaces v${champion.version} as champion.` : '';
  let reason: string | undefined;
  if (gate.passed) {
    const choice = await vscode.window.showInformationMessage(
      `Promote ${versionLabel(version)} to champion?`,
      { modal: true, detail: `The promotion gate passed.${replaces}\n\n${gateText(gate)}` },
      'Promote',
    );
    if (choice !== 'Promote') return;
    // The reason is optional here: dismissing its box promotes without one (the gate passed, the user confirmed).
    reason = await askReason(`Promote v${version.version} to champion: reason (optional, Escape to skip)`, false);
  } else {
    const choice = await vscode.window.showWarningMessage(
      `The promotion gate did not pass for ${versionLabel(version)}.`,
      { modal: true, detail: `${gateText(gate)}\n\nPromote anyway only with a reason; it goes to the audit log with these checks.${replaces}` },
      'Promote Anyway…',
    );
    if (choice !== 'Promote Anyway…') return;
    reason = await askReason(`Promote v${version.version} past the failed gate: reason`, true);
    if (!reason?.trim()) return;
  }
  const { previous, droppedChallenger } = promoteToChampion(services.stores.forWriting(), version, gate, reason);
  services.stores.notifyChanged();
  services.log.info(`Promoted ${version.modelName} v${version.version} to champion${previous ? ` (was v${previous.version})` : ''}; gate ${gate.passed ? 'passed' : 'failed'}${droppedChallenger ? '; @challenger removed from it' : ''}`);
  const notes = [
    ...(droppedChallenger ? [`It is no longer @${CHALLENGER}.`] : []),
    ...(reason?.trim() ? [] : ['No reason was given, so the audit log records the promotion without one.']),
  ];
  void vscode.window.showInformationMessage(`${truncateLabel(version.modelName, 60)} v${version.version} is now @champion${previous ? ` (was v${previous.version})` : ''}.${notes.map((n) => ` ${n}`).join('')}`);
}

/** mlLifecycle.setAlias: champion goes through the promotion gate; moving any other alias is confirmed. */
export async function setAliasCommand(services: Services, node: unknown): Promise<void> {
  const store = services.stores.current();
  if (!store) return;
  const version = await versionFor(store, node, 'Set Alias');
  if (!version) return;
  const existing = (store.db.prepare('SELECT alias, version_id AS versionId FROM model_aliases WHERE model_id = ? ORDER BY alias').all(version.modelId) as { alias: string; versionId: number }[]).filter(
    (a) => a.alias !== CHAMPION && a.alias !== CHALLENGER,
  );
  const describe = (alias: string) => {
    const target = aliasTarget(store, version.modelId, alias);
    return target ? (target.id === version.id ? 'already on this version' : `now on v${target.version}`) : 'not set';
  };
  const OTHER = '$(edit) Other alias…';
  const picked = await vscode.window.showQuickPick(
    [
      { label: CHAMPION, description: `${describe(CHAMPION)} · checked by the promotion gate` },
      { label: CHALLENGER, description: describe(CHALLENGER) },
      ...existing.map((a) => ({ label: a.alias, description: describe(a.alias) })),
      { label: OTHER, description: 'e.g. staging, shadow, canary' },
    ],
    { title: `Set an alias on ${versionLabel(version)}`, placeHolder: 'Each alias points at one version of the model' },
  );
  if (!picked) return;
  let alias = picked.label;
  if (alias === OTHER) {
    const typed = await vscode.window.showInputBox({
      title: 'Alias name',
      prompt: 'Letters, digits, "-" and "_", starting with a letter',
      validateInput: (value) => {
        try {
          validateAlias(value);
          return undefined;
        } catch (error) {
          return (error as Error).message;
        }
      },
    });
    if (typed === undefined) return;
    alias = validateAlias(typed);
  }
  if (alias === CHAMPION) return promoteCommand(services, { kind: 'version', versionId: version.id });
  try {
    setAlias(services.stores.forWriting(), { versionId: version.id, alias });
    services.stores.notifyChanged();
  } catch (error) {
    if (!(error instanceof AliasTakenError)) throw error;
    const choice = await vscode.window.showWarningMessage(
      `Move @${alias} from v${error.current.version} to v${version.version} of ${truncateLabel(version.modelName, 60)}?`,
      { modal: true, detail: 'An alias points at one version at a time. Whatever reads it (serving, scripts) will get the new version. The move is kept in the audit log.' },
      'Move Alias',
    );
    if (choice !== 'Move Alias') return;
    const reason = await askReason(`Move @${alias}: reason`, false);
    if (reason === undefined) return;
    setAlias(services.stores.forWriting(), { versionId: version.id, alias, move: true, reason });
    services.stores.notifyChanged();
  }
}

/** mlLifecycle.removeAlias: picks one of the version's aliases, confirms, records the reason. */
export async function removeAliasCommand(services: Services, node: unknown): Promise<void> {
  const store = services.stores.current();
  if (!store) return;
  const version = await versionFor(store, node, 'Remove Alias');
  if (!version) return;
  const fresh = getVersion(store, version.id)!;
  if (fresh.aliases.length === 0) {
    void vscode.window.showInformationMessage(`${versionLabel(fresh)} has no aliases.`);
    return;
  }
  const alias =
    fresh.aliases.length === 1
      ? fresh.aliases[0]!
      : (await vscode.window.showQuickPick(fresh.aliases.map((a) => ({ label: a })), { title: `Remove an alias from ${versionLabel(fresh)}` }))?.label;
  if (!alias) return;
  const choice = await vscode.window.showWarningMessage(
    `Remove @${alias} from ${versionLabel(fresh)}?`,
    { modal: true, detail: alias === CHAMPION ? 'The model will have no champion until one is promoted. Whatever loads @champion will fail.' : 'Whatever reads this alias will no longer find a version.' },
    'Remove Alias',
  );
  if (choice !== 'Remove Alias') return;
  const reason = await askReason(`Remove @${alias}: reason`, false);
  if (reason === undefined) return;
  removeAlias(services.stores.forWriting(), fresh.modelId, alias, reason);
  services.stores.notifyChanged();
}
