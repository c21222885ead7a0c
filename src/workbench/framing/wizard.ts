import * as vscode from 'vscode';
import {
  framingViewType,
  type FramingCatalogue,
  type FramingToWebview,
  type FramingSavedState,
  framingSavedState,
  framingFromWebview,
} from '../../contract/framing.ts';
import { isBlank } from '../../framing/assess.ts';
import { CRITERIA } from '../../framing/criteria.ts';
import { resolveField } from '../../framing/edit.ts';
import { EXAMPLE_IDS, EXAMPLE_TITLES, type ExampleId, exampleFraming } from '../../framing/examples.ts';
import { createFraming, unusedFramingName } from '../../framing/store.ts';
import { STEPS, type StepId } from '../../framing/steps.ts';
import { VERDICT_LABELS } from '../../framing/verdict.ts';
import type { Services } from '../services.ts';
import { onValidMessage, panelHtml, panelOptions } from '../webview/panel.ts';
import { PanelHost } from '../webview/panelHost.ts';
import { FramingSession } from './session.ts';

const CATALOGUE: FramingCatalogue = {
  steps: STEPS,
  criteria: CRITERIA,
  examples: EXAMPLE_IDS.map((id) => ({ id, title: EXAMPLE_TITLES[id] })),
  verdictLabels: VERDICT_LABELS,
};

/** One open Framing Wizard panel and the session it edits. */
class WizardPanel extends PanelHost {
  readonly session: FramingSession;
  private readonly closed: (p: WizardPanel) => void;
  private ready = false;
  private pendingStep: StepId | undefined;

  constructor(
    services: Services,
    panel: vscode.WebviewPanel,
    session: FramingSession,
    step: StepId | undefined,
    closed: (p: WizardPanel) => void,
    showFraming: (framingId: number | null) => void,
  ) {
    super(panel);
    this.closed = closed;
    this.session = session;
    this.pendingStep = step;
    panel.webview.options = panelOptions(services.context.extensionUri);
    panel.webview.html = panelHtml(panel.webview, services.context.extensionUri, 'framing', 'Framing Wizard');
    this.updateTitle();
    this.track(
      session.onDidChange(() => {
        this.updateTitle();
        if (this.ready) this.post({ type: 'view', view: session.view() });
      }),
      onValidMessage(panel.webview, framingFromWebview, services.log, async (message) => {
        switch (message.type) {
          case 'ready':
            for (const [path, edit] of Object.entries(message.replay)) if (resolveField(path)) session.setField(path, edit.value, false, 'wizard', edit.seq);
            this.ready = true;
            this.post({ type: 'init', catalogue: CATALOGUE, view: session.view(), ...(this.pendingStep ? { step: this.pendingStep } : {}) });
            this.pendingStep = undefined;
            return;
          case 'setField':
            session.setField(message.path, message.value, message.immediate, 'wizard', message.seq);
            return;
          case 'addRow':
            session.addRow(message.list);
            return;
          case 'removeRow':
            session.removeRow(message.list, message.index);
            return;
          case 'prefill':
            openExample(services, session, message.example, (id) => showFraming(id));
            return;
          case 'showRevisions':
            session.flush();
            if (session.id === null) void vscode.window.showInformationMessage(vscode.l10n.t('This framing has no revisions yet: its first answer saves revision 1.'));
            else await vscode.commands.executeCommand('mlLifecycle.showFramingRevisions', session.id);
            return;
          case 'export':
            session.flush();
            await vscode.commands.executeCommand('mlLifecycle.exportFraming', session.id ?? undefined);
            return;
          case 'newFraming':
            showFraming(null);
            return;
        }
      }),
    );
  }

  reveal(step?: StepId): void {
    this.panel.reveal();
    if (step) {
      if (this.ready) this.post({ type: 'goto', step });
      else this.pendingStep = step;
    }
  }

  private updateTitle(): void {
    this.panel.title = `Framing: ${this.session.document.problem.name}`;
  }

  private post(message: FramingToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  protected onDispose(): void {
    this.closed(this);
    this.session.dispose();
  }
}

/**
 * A worked example always becomes a new framing ("Email spam detection (example)"), so it never
 * overwrites answers. Only a blank, never-saved wizard takes it in place; others open a new one.
 */
function openExample(services: Services, session: FramingSession, example: ExampleId, showFraming: (framingId: number) => void): void {
  const title = EXAMPLE_TITLES[example];
  const document = exampleFraming(example);
  const store = services.stores.forWriting();
  const named = { ...document, problem: { ...document.problem, name: unusedFramingName(store, `${title} (example)`) } };
  const reason = `worked example "${title}"`;
  if (session.id === null && isBlank(session.document)) {
    session.replaceDocument(named, reason);
    return;
  }
  const created = createFraming(store, named, { reason });
  services.stores.notifyChanged();
  services.log.info(`Opened the worked example "${title}" as the new framing "${created.name}"`);
  showFraming(created.id);
}

/** The open wizard panels: at most one per framing. */
export class FramingWizards implements vscode.Disposable {
  private readonly panels = new Set<WizardPanel>();
  private readonly services: Services;

  constructor(services: Services) {
    this.services = services;
  }

  /** Opens (or reveals) the wizard of a framing; null starts a new framing. */
  show(framingId: number | null, step?: StepId): void {
    const existing = framingId === null ? undefined : [...this.panels].find((p) => p.session.id === framingId);
    if (existing) {
      existing.reveal(step);
      return;
    }
    const panel = vscode.window.createWebviewPanel(framingViewType, 'Framing Wizard', vscode.ViewColumn.Active, panelOptions(this.services.context.extensionUri));
    this.attach(panel, FramingSession.open(this.services, framingId), step);
  }

  /** Brings back a panel after a reload, with the framing and the unaccepted edits its page kept. */
  restore(panel: vscode.WebviewPanel, rawState: unknown): void {
    const parsed = framingSavedState.safeParse(rawState);
    const state: FramingSavedState | undefined = parsed.success ? parsed.data : undefined;
    this.services.log.info(`Restoring a Framing Wizard panel (framing ${state?.framingId ?? 'new'}, step ${state?.step ?? 'first'})${parsed.success ? '' : `; its saved state was not usable: ${parsed.error.issues[0]?.message}`}`);
    this.attach(panel, FramingSession.open(this.services, state?.framingId ?? null), state?.step);
  }

  private attach(panel: vscode.WebviewPanel, session: FramingSession, step: StepId | undefined): void {
    this.panels.add(new WizardPanel(this.services, panel, session, step, (p) => this.panels.delete(p), (framingId) => this.show(framingId)));
  }

  /** The live session of a framing whose wizard is open, so other edits go through it. */
  sessionFor(framingId: number): FramingSession | undefined {
    return [...this.panels].find((p) => p.session.id === framingId)?.session;
  }

  /** Saves every pending edit now. */
  flushAll(): void {
    for (const panel of this.panels) panel.session.flush();
  }

  onStoreChanged(): void {
    for (const panel of this.panels) panel.session.reloadFromStore();
  }

  dispose(): void {
    for (const panel of [...this.panels]) panel.dispose();
  }
}
