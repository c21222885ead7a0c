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
    prompt: required ? vscode.l10n.t('Required: why this change is right despite the failed check. It is kept in the audit log.') : vscode.l10n.t('Optional: why, for the audit log.'),
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
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} is already the champion.', versionLabel(version)));
    return;
  }
  const replaces = champion ? ` It replaces v${champion.version} as champion.` : '';
  let reason: string | undefined;
  if (gate.passed) {
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('Promote {0} to champion?', versionLabel(version)),
      { modal: true, detail: vscode.l10n.t('The promotion gate passed.{0}\n\n{1}', replaces, gateText(gate)) },
      'Promote',
    );
    if (choice !== 'Promote') return;
    // The reason is optional here: dismissing its box promotes without one (the gate passed, the user confirmed).
    reason = await askReason(`Promote v${version.version} to champion: reason (optional, Escape to skip)`, false);
  } else {
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('The promotion gate did not pass for {0}.', versionLabel(version)),
      { modal: true, detail: vscode.l10n.t('{0}\n\nPromote anyway only with a reason; it goes to the audit log with these checks.{1}', gateText(gate), replaces) },
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
  void vscode.window.showInformationMessage(vscode.l10n.t('{0} v{1} is now @champion{2}.{3}', truncateLabel(version.modelName, 60), version.version, previous ? ` (was v${previous.version})` : '', notes.map((n) => ` ${n}`).join('')));
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
    { title: vscode.l10n.t('Set an alias on {0}', versionLabel(version)), placeHolder: vscode.l10n.t('Each alias points at one version of the model') },
  );
  if (!picked) return;
  let alias = picked.label;
  if (alias === OTHER) {
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Alias name'),
      prompt: vscode.l10n.t('Letters, digits, "-" and "_", starting with a letter'),
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
      vscode.l10n.t('Move @{0} from v{1} to v{2} of {3}?', alias, error.current.version, version.version, truncateLabel(version.modelName, 60)),
      { modal: true, detail: vscode.l10n.t('An alias points at one version at a time. Whatever reads it (serving, scripts) will get the new version. The move is kept in the audit log.') },
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
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} has no aliases.', versionLabel(fresh)));
    return;
  }
  const alias =
    fresh.aliases.length === 1
      ? fresh.aliases[0]!
      : (await vscode.window.showQuickPick(fresh.aliases.map((a) => ({ label: a })), { title: vscode.l10n.t('Remove an alias from {0}', versionLabel(fresh)) }))?.label;
  if (!alias) return;
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Remove @{0} from {1}?', alias, versionLabel(fresh)),
    { modal: true, detail: alias === CHAMPION ? vscode.l10n.t('The model will have no champion until one is promoted. Whatever loads @champion will fail.') : vscode.l10n.t('Whatever reads this alias will no longer find a version.') },
    'Remove Alias',
  );
  if (choice !== 'Remove Alias') return;
  const reason = await askReason(`Remove @${alias}: reason`, false);
  if (reason === undefined) return;
  removeAlias(services.stores.forWriting(), fresh.modelId, alias, reason);
  services.stores.notifyChanged();
}
