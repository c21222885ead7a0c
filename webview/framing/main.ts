// The Framing Wizard's page: renders the steps from the catalogue the extension sends, sends one
// field at a time, and shows what the extension computed (verdict, ROI, conflicts, issues).
// Every text from the store or the user is set as text or as a control value, never as HTML.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-form-group/index.js';
import '@vscode-elements/elements/dist/vscode-form-helper/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { FramingCatalogue, FramingToWebview, FramingSavedState, FramingView, FramingFromWebview } from '../../src/contract/framing.ts';
import type { ColumnSpec, FieldSpec, StepId, StepSpec } from '../../src/framing/steps.ts';
import { displayText } from '../../src/shared/format.ts';
import { adoptStyles, connect, el } from '../shared/vscode.ts';
import { type RawValue, framingControls } from './controls.ts';
import { ANSWER_TEXT, derivedPanels, valueIn } from './derived.ts';
import { FRAMING_CSS } from './styles.ts';

const api = connect<FramingFromWebview, FramingSavedState>();
const app = document.getElementById('app')!;
adoptStyles(FRAMING_CSS);

let catalogue: FramingCatalogue | undefined;
let view: FramingView | undefined;
const saved = api.getState();
const state: FramingSavedState = saved && typeof saved.seq === 'number' && saved.replay ? saved : { framingId: null, step: 'problem', seq: 0, replay: {} };
/** The controls of the current step, by field path, so a new view only updates what changed. */
const controls = new Map<string, HTMLElement>();
/** What the current step was rendered from (step and list lengths): when it changes, render again. */
let renderedShape = '';
/** Where the focus goes once the step is rendered again (a new row's first cell, or Add after a removal). */
let focusAfterRender: string | undefined;

function persist(): void {
  api.setState(state);
}

function post(message: FramingFromWebview): void {
  api.postMessage(message);
}

/** Sends a control's value; it is kept (for a reload) until the extension reports it stored. */
function sendField(path: string, value: RawValue, immediate: boolean): void {
  state.seq += 1;
  state.replay[path] = { value, seq: state.seq };
  persist();
  post({ type: 'setField', path, value, immediate, seq: state.seq });
}

function valueAt(path: string): unknown {
  return valueIn(view?.document, path);
}

function steps(): readonly StepSpec[] {
  return catalogue?.steps ?? [];
}

function currentStep(): StepSpec {
  return steps().find((s) => s.id === state.step) ?? steps()[0]!;
}

const { domId, textControl, numberControl, selectControl, radioControl, checkboxControl } = framingControls({ root: app, controls, sendField });

function issueSlot(path: string): HTMLElement {
  return el('div', { class: 'fw-issue', role: 'alert', 'data-issue': path, 'data-testid': `issue-${path}` });
}

function help(field: { guidance: string; example: string }): HTMLElement {
  return el('vscode-form-helper', { class: 'fw-help' }, el('p', {}, field.guidance), el('p', { class: 'fw-example' }, `Example: ${field.example}`));
}

function labelled(path: string, label: string, control: HTMLElement, field: { guidance: string; example: string }): HTMLElement {
  return el('vscode-form-group', { variant: 'vertical', class: 'fw-field' }, el('vscode-label', { for: domId(path) }, label), control, help(field), issueSlot(path));
}

function renderField(field: FieldSpec): HTMLElement {
  switch (field.kind) {
    case 'text':
    case 'textarea':
      return labelled(field.path, field.label, textControl(field.path, field.kind === 'textarea', field.label, field.placeholder), field);
    case 'number': {
      const label = field.unit ? `${field.label} (${field.unit})` : field.label;
      return labelled(field.path, label, numberControl(field.path, label), field);
    }
    case 'choice':
      return labelled(field.path, field.label, field.style === 'radio' ? radioControl(field.path, field.options, field.label) : selectControl(field.path, field.options, field.label), field);
    case 'flags':
      return el(
        'div',
        { class: 'fw-field', role: 'group', 'aria-label': field.label },
        el('vscode-label', {}, field.label),
        ...field.flags.map((flag) => el('div', {}, checkboxControl(flag.path, flag.label))),
        help(field),
        ...field.flags.map((flag) => issueSlot(flag.path)),
      );
    case 'quality':
      return el(
        'div',
        { class: 'fw-field', role: 'group', 'aria-label': field.label },
        el(
          'div',
          { class: 'fw-quality' },
          el('strong', {}, field.label),
          checkboxControl(`${field.path}.required`, 'Required'),
          textControl(`${field.path}.note`, false, `${field.label}: what it means here`, 'What it means for this project'),
        ),
        help(field),
        issueSlot(`${field.path}.required`),
        issueSlot(`${field.path}.note`),
      );
    case 'criterion':
      return renderCriterion(field);
    case 'list':
      return renderList(field);
  }
}

function renderCriterion(field: Extract<FieldSpec, { kind: 'criterion' }>): HTMLElement {
  const criterion = catalogue!.criteria.find((c) => c.id === field.criterion)!;
  const index = catalogue!.criteria.indexOf(criterion) + 1;
  const answers = Object.entries(ANSWER_TEXT).map(([value, label]) => ({ value, label }));
  return el(
    'fieldset',
    { class: 'fw-criterion', 'data-testid': `criterion-${criterion.id}` },
    el('legend', {}, `${index}. ${criterion.question}`, el('span', { class: 'fw-role' }, criterion.role)),
    radioControl(`${field.path}.answer`, answers, criterion.question, 'horizontal'),
    help(field),
    textControl(`${field.path}.note`, false, `${criterion.label}: note`, 'Why? (optional note)'),
    issueSlot(`${field.path}.answer`),
    issueSlot(`${field.path}.note`),
  );
}

function renderList(field: Extract<FieldSpec, { kind: 'list' }>): HTMLElement {
  const rows = (valueAt(field.path) as Record<string, unknown>[] | undefined) ?? [];
  const header = el('tr', {}, ...field.columns.map((c) => el('th', { scope: 'col' }, c.label)), el('th', {}, el('span', { class: 'visually-hidden' }, 'Remove')));
  const body = el('tbody');
  rows.forEach((_, index) => {
    const cells = field.columns.map((column) => el('td', {}, cellControl(field, column, index)));
    const remove = el('vscode-button', { secondary: '', icon: 'trash', 'aria-label': `Remove row ${index + 1}`, title: `Remove row ${index + 1}`, 'data-testid': `remove-${field.path}-${index}` });
    remove.addEventListener('click', () => {
      focusAfterRender = `add-${field.path}`;
      post({ type: 'removeRow', list: field.path, index });
    });
    body.append(el('tr', {}, ...cells, el('td', {}, remove)));
  });
  const add = el('vscode-button', { secondary: '', icon: 'add', 'data-testid': `add-${field.path}` }, field.addLabel);
  add.addEventListener('click', () => {
    focusAfterRender = `field-${field.path}.${rows.length}.${field.columns[0]!.key}`;
    post({ type: 'addRow', list: field.path });
  });
  const issues = el('div', { class: 'fw-issue', role: 'alert', 'data-list-issues': field.path, 'data-testid': `issue-${field.path}` });
  return el(
    'div',
    { class: 'fw-field', 'data-list': field.path },
    el('vscode-label', {}, field.label),
    help(field),
    rows.length ? el('table', { class: 'fw-list-table' }, el('thead', {}, header), body) : el('p', { class: 'muted' }, 'No rows yet.'),
    add,
    issues,
  );
}

function cellControl(field: Extract<FieldSpec, { kind: 'list' }>, column: ColumnSpec, index: number): HTMLElement {
  const path = `${field.path}.${index}.${column.key}`;
  const label = `${column.label}, row ${index + 1}`;
  switch (column.kind) {
    case 'text':
      return textControl(path, false, label, column.placeholder);
    case 'choice':
      return selectControl(path, column.options, label);
    case 'money':
    case 'number':
      return numberControl(path, label);
    case 'flag':
      return checkboxControl(path, column.label);
  }
}

// ---- page --------------------------------------------------------------------------------------

function shapeOf(step: StepSpec): string {
  const lists = step.fields.filter((f) => f.kind === 'list').map((f) => ((valueAt(f.path) as unknown[] | undefined) ?? []).length);
  return `${step.id}:${lists.join(',')}`;
}

function renderHeader(): HTMLElement {
  const examples = catalogue!.examples.map((example) => {
    const button = el(
      'vscode-button',
      { secondary: '', icon: 'lightbulb', 'data-testid': `prefill-${example.id}`, title: `Open the worked example "${example.title}" as a new framing; this one stays as it is` },
      `Example: ${example.title}`,
    );
    button.addEventListener('click', () => post({ type: 'prefill', example: example.id }));
    return button;
  });
  const newFraming = el('vscode-button', { secondary: '', icon: 'add', 'data-testid': 'new-framing' }, 'New framing');
  newFraming.addEventListener('click', () => post({ type: 'newFraming' }));
  const revisions = el('vscode-button', { secondary: '', icon: 'history', 'data-testid': 'show-revisions', title: 'List the saved revisions of this framing: compare two, or restore one' }, 'Revisions…');
  revisions.addEventListener('click', () => post({ type: 'showRevisions' }));
  return el(
    'header',
    { class: 'fw-header' },
    el('div', { class: 'fw-status' }, el('h1', { 'data-testid': 'framing-title' }), el('span', { class: 'fw-verdict', 'data-testid': 'verdict-badge' }), el('span', { class: 'muted', 'data-testid': 'save-status', role: 'status' })),
    el('div', { class: 'fw-actions' }, ...examples, newFraming, revisions),
  );
}

function renderRail(): HTMLElement {
  const list = el('ol', {});
  for (const step of steps()) {
    const button = el('button', { type: 'button', 'data-step': step.id, 'data-testid': `rail-${step.id}` }, el('span', { class: 'num' }, String(step.number)), el('span', {}, step.title), el('span', { class: 'count' }));
    button.addEventListener('click', () => goTo(step.id, false));
    button.addEventListener('keydown', (event) => railKey(event, step.id));
    list.append(el('li', {}, button));
  }
  return el('nav', { class: 'fw-rail', 'aria-label': 'Framing steps' }, list);
}

/** Arrow keys move along the rail (one tab stop for the whole rail); Enter or Space opens a step. */
function railKey(event: KeyboardEvent, from: StepId): void {
  const ids = steps().map((s) => s.id);
  const index = ids.indexOf(from);
  const target = { ArrowDown: index + 1, ArrowRight: index + 1, ArrowUp: index - 1, ArrowLeft: index - 1, Home: 0, End: ids.length - 1 }[event.key];
  if (target === undefined) return;
  event.preventDefault();
  const id = ids[Math.max(0, Math.min(ids.length - 1, target))]!;
  app.querySelector<HTMLButtonElement>(`.fw-rail button[data-step="${id}"]`)?.focus();
}

function renderStep(focusHeading: boolean): void {
  const step = currentStep();
  const section = app.querySelector<HTMLElement>('.fw-step')!;
  const focusedPath = (document.activeElement as HTMLElement | null)?.dataset?.path;
  controls.clear();
  const back = el('vscode-button', { secondary: '', icon: 'arrow-left', 'data-testid': 'back' }, 'Back');
  const next = el('vscode-button', { 'icon-after': 'arrow-right', 'data-testid': 'next' }, 'Next');
  const ids = steps().map((s) => s.id);
  const index = ids.indexOf(step.id);
  if (index === 0) back.setAttribute('disabled', '');
  if (index === ids.length - 1) next.setAttribute('disabled', '');
  back.addEventListener('click', () => goTo(ids[index - 1]!, true));
  next.addEventListener('click', () => goTo(ids[index + 1]!, true));
  const extra: HTMLElement[] = [];
  if (step.id === 'review') {
    const exportButton = el('vscode-button', { icon: 'markdown', 'data-testid': 'export' }, 'Export as Markdown');
    exportButton.addEventListener('click', () => post({ type: 'export' }));
    extra.push(el('div', { class: 'toolbar' }, exportButton));
  }
  section.replaceChildren(
    el('h2', { id: 'step-heading', tabindex: '-1' }, `${step.number}. ${step.title}`),
    el('p', { class: 'fw-intro' }, step.intro),
    ...extra,
    // Computed results first: the live sentence, ROI and conflicts stay in view while typing below.
    el('div', { class: 'fw-derived', 'aria-live': 'polite' }, ...derivedPanels(step, view!, catalogue!)),
    el('div', { class: 'fw-fields' }, ...step.fields.map(renderField)),
    el('footer', { class: 'fw-nav' }, back, el('span', { class: 'muted' }, `Step ${step.number} of ${ids.length}`), next),
  );
  section.dataset.testid = `step-${step.id}`;
  renderedShape = shapeOf(step);
  patch(true);
  const wanted = focusAfterRender && section.querySelector<HTMLElement>(`[data-testid="${focusAfterRender}"]`);
  focusAfterRender = undefined;
  if (focusHeading) section.querySelector<HTMLElement>('#step-heading')?.focus();
  else if (wanted) wanted.focus();
  else if (focusedPath) controls.get(focusedPath)?.focus();
}

function goTo(id: StepId, focusHeading: boolean): void {
  state.step = id;
  persist();
  renderStep(focusHeading);
  updateChrome();
  if (!focusHeading) app.querySelector<HTMLButtonElement>(`.fw-rail button[data-step="${id}"]`)?.focus();
}

/** Header, rail badges and the save status, after every view. */
function updateChrome(): void {
  const v = view!;
  app.querySelector('[data-testid="framing-title"]')!.textContent = `Framing: ${v.document.problem.name}`;
  const badge = app.querySelector<HTMLElement>('[data-testid="verdict-badge"]')!;
  badge.textContent = catalogue!.verdictLabels[v.assessment.verdict.level];
  badge.className = `fw-verdict ${v.assessment.verdict.level}`;
  const status = app.querySelector<HTMLElement>('[data-testid="save-status"]')!;
  const save = v.save;
  status.className = save.state === 'failed' ? 'error' : 'muted';
  status.textContent =
    save.state === 'new'
      ? 'Not saved yet: the first answer creates this framing.'
      : save.state === 'pending'
        ? 'Saving…'
        : save.state === 'failed'
          ? `Not saved: ${save.message ?? 'unknown error'}. Your answers stay here; the next change retries.`
          : `Saved · revision ${v.revision}${save.at ? ` · ${new Date(save.at).toLocaleTimeString()}` : ''}`;
  for (const button of app.querySelectorAll<HTMLButtonElement>('.fw-rail button')) {
    const id = button.dataset.step as StepId;
    const current = id === state.step;
    if (current) button.setAttribute('aria-current', 'step');
    else button.removeAttribute('aria-current');
    button.tabIndex = current ? 0 : -1;
    const done = v.assessment.completion.find((c) => c.step === id);
    button.querySelector('.count')!.textContent = done ? `${done.done}/${done.total}` : '';
    button.classList.toggle('complete', !!done && done.done === done.total);
    const title = steps().find((s) => s.id === id)!.title;
    button.setAttribute('aria-label', `Step ${steps().findIndex((s) => s.id === id) + 1}, ${title}${done ? `, ${done.done} of ${done.total} answered` : ''}`);
  }
}

function setControlValue(control: HTMLElement, value: unknown): void {
  const tag = control.tagName.toLowerCase();
  if (tag === 'vscode-checkbox') {
    (control as HTMLInputElement).checked = value === true;
  } else if (tag === 'vscode-radio-group') {
    for (const radio of control.querySelectorAll('vscode-radio')) radio.checked = radio.value === value;
  } else if (tag === 'vscode-single-select') {
    (control as HTMLInputElement).value = displayText(value);
  } else {
    const text = displayText(value);
    if ((control as HTMLInputElement).value !== text) (control as HTMLInputElement).value = text;
  }
}

/** Brings controls, issues and derived panels up to date without disturbing the field being typed in. */
function patch(fresh: boolean): void {
  const v = view!;
  const rejected = new Map(v.rejected.map((issue) => [issue.path, issue]));
  const issues = new Map([...v.assessment.issues, ...v.rejected].map((issue) => [issue.path, issue.message]));
  const active = document.activeElement;
  for (const [path, control] of controls) {
    const pending = state.replay[path];
    const typing = control === active || control.contains(active);
    const inFlight = pending !== undefined && pending.seq > v.appliedSeq;
    if (rejected.has(path) && pending && fresh) setControlValue(control, pending.value);
    else if (!rejected.has(path) && !inFlight && (fresh || !typing)) setControlValue(control, valueAt(path));
    (control as unknown as { invalid: boolean }).invalid = issues.has(path);
  }
  for (const slot of app.querySelectorAll<HTMLElement>('[data-issue]')) slot.textContent = issues.get(slot.dataset.issue!) ?? '';
  for (const slot of app.querySelectorAll<HTMLElement>('[data-list-issues]')) {
    const prefix = `${slot.dataset.listIssues}.`;
    slot.textContent = [...issues].filter(([path]) => path === slot.dataset.listIssues || path.startsWith(prefix)).map(([, message]) => message).join('\n');
  }
  const derived = app.querySelector('.fw-derived');
  if (derived) derived.replaceChildren(...derivedPanels(currentStep(), view!, catalogue!));
}

function onView(next: FramingView): void {
  view = next;
  state.framingId = next.framingId;
  const rejected = new Set(next.rejected.map((r) => r.path));
  for (const [path, edit] of Object.entries(state.replay)) if (edit.seq <= next.savedSeq && !rejected.has(path)) delete state.replay[path];
  persist();
  if (shapeOf(currentStep()) !== renderedShape) renderStep(false);
  else patch(false);
  updateChrome();
}

window.addEventListener('message', (event: MessageEvent<FramingToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'init': {
      catalogue = message.catalogue;
      if (message.step) state.step = message.step;
      view = message.view;
      app.replaceChildren(renderHeader(), el('div', { class: 'fw-body' }, renderRail(), el('section', { class: 'fw-step', 'aria-labelledby': 'step-heading' })));
      renderedShape = '';
      onView(message.view);
      if (message.step) app.querySelector<HTMLElement>('#step-heading')?.focus();
      return;
    }
    case 'view':
      if (catalogue) onView(message.view);
      return;
    case 'goto':
      if (catalogue) goTo(message.step, true);
      return;
  }
});

app.append(el('p', { class: 'muted' }, 'Loading the framing…'));
post({ type: 'ready', replay: state.replay });
