import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChecklistEntry } from '../../framing/checklist.ts';
import { CRITERIA_BY_ID, answerLabel } from '../../framing/criteria.ts';
import type { Answer, CriterionId, FramingDocument } from '../../framing/document.ts';
import { applyFieldEdit, changedPaths } from '../../framing/edit.ts';
import { framingToMarkdown } from '../../framing/markdown.ts';
import { framingFromMarkdown, type MarkdownProblem } from '../../framing/markdownImport.ts';
import { createFraming, experimentTargetOf, findFramingByName, getFraming, linkExperimentToFraming, listFramings, saveFraming } from '../../framing/store.ts';
import { STEP_IDS, type StepId } from '../../framing/steps.ts';
import { truncateLabel } from '../../shared/format.ts';
import { getExperiment, metricKeys } from '../../tracking/experiments.ts';
import type { Services } from '../services.ts';
import type { FramingWizards } from './wizard.ts';

export interface FramingCommandContext {
  services: Services;
  wizards: FramingWizards;
  /** Problems of the last Markdown import, shown in the Problems panel at their lines. */
  diagnostics: vscode.DiagnosticCollection;
}

/** Sets one criterion's answer, through the open wizard's session when there is one. */
export function answerCriterion(ctx: FramingCommandContext, framingId: number, criterion: CriterionId, answer: Answer | null): void {
  const fieldPath = `criteria.${criterion}.answer`;
  const session = ctx.wizards.sessionFor(framingId);
  if (session) {
    session.setField(fieldPath, answer, true, 'checklist');
    return;
  }
  const store = ctx.services.stores.forWriting();
  const record = getFraming(store, framingId);
  if (!record) throw new Error('That framing no longer exists. Refresh the Framing view.');
  saveFraming(store, framingId, applyFieldEdit(record.document, fieldPath, answer).document, { reason: 'checklist' });
  ctx.services.stores.notifyChanged();
}

export async function pickAnswer(ctx: FramingCommandContext, entry: ChecklistEntry | undefined): Promise<void> {
  if (!entry?.criterion) return;
  const { framingId, id, answer: current } = entry.criterion;
  const criterion = CRITERIA_BY_ID.get(id)!;
  const mark = (answer: Answer | null) => (answer === current ? '(current answer)' : '');
  const picked = await vscode.window.showQuickPick(
    [
      { label: '$(pass-filled) Yes', description: mark('yes'), detail: criterion.guidance, answer: 'yes' as const },
      { label: '$(circle-slash) No', description: mark('no'), detail: `If not: ${criterion.ifNo}`, answer: 'no' as const },
      { label: '$(question) Not sure', description: mark('not-sure'), detail: `Example: ${criterion.example}`, answer: 'not-sure' as const },
      ...(current === null ? [] : [{ label: '$(circle-large-outline) Clear answer', description: '', detail: 'Back to unanswered.', answer: null }]),
    ],
    { title: criterion.question, placeHolder: vscode.l10n.t('{0}: currently {1}', criterion.label, answerLabel(current)), matchOnDetail: true },
  );
  if (!picked) return;
  await ctx.services.run('Answer criterion', () => answerCriterion(ctx, framingId, id, picked.answer));
}

/** The framing a command is about: the one given, the only one, or one the user picks. */
export async function chooseFraming(ctx: FramingCommandContext, given: unknown, purpose: string): Promise<number | undefined> {
  if (typeof given === 'number') return given;
  const store = ctx.services.stores.current();
  const framings = store ? listFramings(store) : [];
  if (framings.length === 0) {
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('There is no framing in this workspace yet.'), 'Open Framing Wizard');
    if (choice) ctx.wizards.show(null);
    return undefined;
  }
  if (framings.length === 1) return framings[0]!.id;
  const picked = await vscode.window.showQuickPick(
    framings.map((f) => ({ label: truncateLabel(f.name), description: `revision ${f.revision}`, id: f.id })),
    { title: purpose, placeHolder: vscode.l10n.t('Pick a framing') },
  );
  return picked?.id;
}

/** mlLifecycle.openFramingWizard: from the view title (no argument) or a checklist item ({framingId, step}). */
export async function openWizard(ctx: FramingCommandContext, target?: { framingId?: unknown; step?: unknown }): Promise<void> {
  const step = (STEP_IDS as readonly unknown[]).includes(target?.step) ? (target!.step as StepId) : undefined;
  if (typeof target?.framingId === 'number') {
    ctx.wizards.show(target.framingId, step);
    return;
  }
  const store = ctx.services.stores.current();
  const framings = store ? listFramings(store) : [];
  if (framings.length <= 1) {
    ctx.wizards.show(framings[0]?.id ?? null, step);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    [
      ...framings.map((f) => ({ label: truncateLabel(f.name), description: `revision ${f.revision}`, id: f.id })),
      { label: '$(add) New framing…', description: '', id: null },
    ],
    { title: vscode.l10n.t('Open Framing Wizard'), placeHolder: vscode.l10n.t('Pick a framing, or start a new one') },
  );
  if (picked) ctx.wizards.show(picked.id, step);
}

function exportFile(): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || folder.uri.scheme !== 'file') return undefined;
  const name = vscode.workspace.getConfiguration('mlLifecycle', folder.uri).get<string>('framing.exportFile', 'ML_FRAMING.md').trim() || 'ML_FRAMING.md';
  return vscode.Uri.file(path.resolve(folder.uri.fsPath, name));
}

async function readIfExists(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri.fsPath);
  if (open) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

export async function exportFraming(ctx: FramingCommandContext, given?: unknown): Promise<void> {
  const framingId = await chooseFraming(ctx, given, 'Export Framing as Markdown');
  if (framingId === undefined) return;
  ctx.wizards.flushAll();
  const file = exportFile();
  if (!file) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Open a folder first: the framing is exported into the workspace folder.'));
    return;
  }
  const store = ctx.services.stores.current();
  const record = store && getFraming(store, framingId);
  if (!record) return;
  const fileName = path.basename(file.fsPath);
  if (vscode.workspace.textDocuments.some((d) => d.uri.fsPath === file.fsPath && d.isDirty)) {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} has unsaved changes in an editor. Save them (and import them if you want to keep them) or discard them, then export again.', fileName));
    return;
  }
  const existing = await readIfExists(file);
  if (existing !== undefined) {
    const parsed = framingFromMarkdown(existing);
    const sameAnswers = parsed.ok && changedPaths(parsed.document, record.document).length === 0;
    if (!sameAnswers) {
      const detail = parsed.ok
        ? `It holds answers for "${parsed.document.problem.name}" that differ from what is stored (revision ${record.revision}). Import it first to keep them.`
        : `It is not a framing export this extension can read (${parsed.problems[0]!.message}).`;
      const choice = await vscode.window.showWarningMessage(vscode.l10n.t('{0} already exists. Overwrite it?', fileName), { modal: true, detail }, 'Overwrite', ...(parsed.ok ? ['Import It Instead'] : []));
      if (choice === 'Import It Instead') return importFraming(ctx, file);
      if (choice !== 'Overwrite') return;
    }
  }
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(framingToMarkdown(record.document)));
  ctx.diagnostics.delete(file);
  ctx.services.log.info(`Exported framing "${record.name}" (revision ${record.revision}) to ${file.fsPath}`);
  await vscode.window.showTextDocument(file, { preview: false });
}

function showProblems(ctx: FramingCommandContext, file: vscode.Uri, problems: readonly MarkdownProblem[]): void {
  ctx.diagnostics.set(
    file,
    problems.map((p) => {
      const line = Math.max(0, p.line - 1);
      const diagnostic = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), p.message, vscode.DiagnosticSeverity.Error);
      diagnostic.source = 'ML Lifecycle framing';
      return diagnostic;
    }),
  );
}

export async function importFraming(ctx: FramingCommandContext, given?: unknown): Promise<void> {
  let file = given instanceof vscode.Uri ? given : exportFile();
  if (!file || (await readIfExists(file)) === undefined) {
    const picked = await vscode.window.showOpenDialog({
      title: vscode.l10n.t('Import Framing from Markdown'),
      canSelectMany: false,
      filters: { Markdown: ['md', 'markdown'] },
      ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
    });
    file = picked?.[0];
  }
  if (!file) return;
  const text = await readIfExists(file);
  const fileName = path.basename(file.fsPath);
  if (text === undefined) throw new Error(`${fileName} cannot be read.`);
  const parsed = framingFromMarkdown(text);
  if (!parsed.ok) {
    showProblems(ctx, file, parsed.problems);
    const first = parsed.problems[0]!;
    const count = parsed.problems.length;
    const choice = await vscode.window.showErrorMessage(
      vscode.l10n.t('{0} was not imported: {1} problem{2}. Line {3}: {4}', fileName, count, count === 1 ? '' : 's', first.line, first.message),
      'Open File',
      'Show Problems',
    );
    if (choice === 'Open File') await vscode.window.showTextDocument(file, { selection: new vscode.Range(first.line - 1, 0, first.line - 1, 0) });
    if (choice === 'Show Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
    return;
  }
  ctx.diagnostics.delete(file);
  ctx.wizards.flushAll();
  const document = parsed.document;
  const reason = `import ${fileName}`;
  const store = ctx.services.stores.forWriting();
  let target = findFramingByName(store, document.problem.name)?.id;
  if (target === undefined && listFramings(store).length > 0) {
    const picked = await vscode.window.showQuickPick(
      [
        { label: `$(add) Create framing "${truncateLabel(document.problem.name, 60)}"`, description: '', id: undefined as number | undefined },
        ...listFramings(store).map((f) => ({ label: `$(replace) Update "${truncateLabel(f.name, 60)}"`, description: 'renames it; its history is kept', id: f.id })),
      ],
      { title: vscode.l10n.t('Import {0}', fileName), placeHolder: vscode.l10n.t('No framing is called "{0}" yet', truncateLabel(document.problem.name, 60)) },
    );
    if (!picked) return;
    target = picked.id;
  }
  if (target === undefined) {
    const record = createFraming(store, document, { reason });
    ctx.services.stores.notifyChanged();
    void vscode.window.showInformationMessage(vscode.l10n.t('Imported {0} as the new framing "{1}".', fileName, truncateLabel(record.name, 60)));
    return;
  }
  const current = getFraming(store, target)!;
  if (changedPaths(current.document, document).length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} matches framing "{1}" (revision {2}): nothing to import.', fileName, truncateLabel(current.name, 60), current.revision));
    return;
  }
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Replace the answers of framing "{0}" with {1}?', truncateLabel(current.name, 60), fileName),
    { modal: true, detail: vscode.l10n.t('The current answers stay in the revision history (revision {0}).', current.revision) },
    'Import',
  );
  if (choice !== 'Import') return;
  const revision = replaceAnswers(ctx, target, document, reason);
  void vscode.window.showInformationMessage(vscode.l10n.t('Imported {0} into "{1}" (revision {2}).', fileName, truncateLabel(document.problem.name, 60), revision));
}

function replaceAnswers(ctx: FramingCommandContext, framingId: number, document: FramingDocument, reason: string): number {
  const session = ctx.wizards.sessionFor(framingId);
  if (session) {
    session.replaceDocument(document, reason);
    return session.view().revision;
  }
  const record = saveFraming(ctx.services.stores.forWriting(), framingId, document, { reason });
  ctx.services.stores.notifyChanged();
  return record.revision;
}

/** mlLifecycle.linkExperimentToFraming, on an experiment of the Experiments view. */
export async function linkExperiment(ctx: FramingCommandContext, node: unknown): Promise<void> {
  const experimentId = (node as { kind?: unknown; experiment?: { id?: unknown } } | undefined)?.kind === 'experiment' ? (node as { experiment: { id: unknown } }).experiment.id : undefined;
  if (typeof experimentId !== 'number') {
    void vscode.window.showInformationMessage(vscode.l10n.t('Right-click an experiment in the Experiments view to link it to a framing.'));
    return;
  }
  ctx.wizards.flushAll();
  const store = ctx.services.stores.current();
  const experiment = store && getExperiment(store, experimentId);
  if (!store || !experiment) return;
  const framings = listFramings(store);
  if (framings.length === 0) {
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('There is no framing to link to yet. Write one first: its offline-evaluation metric and threshold become the experiment’s target.'), 'Open Framing Wizard');
    if (choice) ctx.wizards.show(null);
    return;
  }
  let framingId: number | null;
  if (framings.length === 1 && experiment.framingId === null) framingId = framings[0]!.id;
  else {
    const picked = await vscode.window.showQuickPick(
      [
        ...framings.map((f) => ({ label: truncateLabel(f.name), description: f.id === experiment.framingId ? 'linked now' : '', id: f.id })),
        ...(experiment.framingId === null ? [] : [{ label: '$(close) Unlink from its framing', description: 'keeps the primary metric, drops the target', id: null }]),
      ],
      { title: vscode.l10n.t('Link "{0}" to a framing', truncateLabel(experiment.name, 60)), placeHolder: vscode.l10n.t('The framing’s metric, direction and threshold become the experiment’s primary metric and target') },
    );
    if (!picked) return;
    framingId = picked.id;
  }
  const linked = await ctx.services.run('Link experiment to framing', () => {
    linkExperimentToFraming(ctx.services.stores.forWriting(), experimentId, framingId);
    return true;
  });
  if (!linked) return;
  ctx.services.stores.notifyChanged();
  if (framingId === null) {
    void vscode.window.showInformationMessage(vscode.l10n.t('"{0}" is no longer linked to a framing.', truncateLabel(experiment.name, 60)));
    return;
  }
  const record = getFraming(store, framingId)!;
  const target = experimentTargetOf(record.document);
  if (!target) {
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('Linked "{0}" to "{1}". The framing has no offline-evaluation metric yet; once it does, the experiment follows it.', truncateLabel(experiment.name, 60), truncateLabel(record.name, 60)),
      'Open Offline Evaluation',
    );
    if (choice) ctx.wizards.show(framingId, 'evaluation');
    return;
  }
  const runIds = (store.db.prepare('SELECT id FROM runs WHERE experiment_id = ? AND deleted_at IS NULL').all(experimentId) as { id: number }[]).map((r) => r.id);
  const logged = metricKeys(store, runIds);
  const direction = target.direction === 'max' ? 'higher is better' : target.direction === 'min' ? 'lower is better' : 'no direction set';
  const message = `Linked "${truncateLabel(experiment.name, 60)}" to "${truncateLabel(record.name, 60)}": primary metric ${target.metric} (${direction})${target.target === null ? '' : `, target ${target.target}`}.`;
  if (runIds.length > 0 && !logged.includes(target.metric)) {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} No run of this experiment has logged "{1}" yet; check the key in step 7 matches what the training code logs.', message, target.metric));
  } else void vscode.window.showInformationMessage(message);
}
