// The run page's header (name, status, times, provenance, links) and its params, tags and note.
import type { RunFromWebview } from '../../src/contract/run.ts';
import type { RunPageModel } from '../../src/runpage/model.ts';
import { formatDuration, formatMetric, formatTime, truncateLabel } from '../../src/shared/format.ts';
import { el } from '../shared/vscode.ts';
import { renderMarkdown } from './markdown.ts';

export type Post = (message: RunFromWebview) => void;

const STATUS_ICONS: Record<string, string> = { RUNNING: 'loading codicon-modifier-spin', FINISHED: 'pass', FAILED: 'error', KILLED: 'debug-stop' };

export function statusBadge(page: RunPageModel, now: number): HTMLElement {
  const { run } = page;
  const end = run.endTime ?? (run.status === 'RUNNING' ? now : (run.heartbeatAt ?? run.startTime));
  const duration = formatDuration(Math.max(0, end - run.startTime));
  const words = { RUNNING: `running for ${duration}`, FINISHED: `finished in ${duration}`, FAILED: `failed after ${duration}`, KILLED: `killed after ${duration}` }[run.status];
  return el(
    'span',
    { class: `status ${run.status}`, 'data-testid': 'run-status', role: 'status' },
    el('span', { class: `codicon codicon-${STATUS_ICONS[run.status]}`, 'aria-hidden': 'true' }),
    words,
  );
}

function link(text: string, title: string, onClick: () => void, testId: string): HTMLElement {
  const button = el('button', { class: 'link-button', type: 'button', title, 'data-testid': testId }, text);
  button.addEventListener('click', onClick);
  return button;
}

/** The facts under the title, in the order people look for them. */
export function metaList(page: RunPageModel, post: Post): HTMLElement {
  const { run } = page;
  const rows: [string, Node | string][] = [
    ['Experiment', page.experiment.name],
    ['Started', formatTime(run.startTime)],
    ['Ended', run.endTime === null ? (run.status === 'RUNNING' ? 'still running' : '—') : formatTime(run.endTime)],
  ];
  if (run.userName || run.host) rows.push(['By', [run.userName, run.host && `on ${run.host}`].filter(Boolean).join(' ')]);
  if (run.gitCommit || run.gitBranch) {
    const git = el('span', { title: run.gitCommit ?? '' }, `${run.gitCommit ? run.gitCommit.slice(0, 10) : 'no commit'}${run.gitBranch ? ` on ${run.gitBranch}` : ''}`);
    if (run.gitDirty) git.append(el('span', { class: 'warning' }, ' · uncommitted changes'));
    rows.push(['Git', git]);
  }
  if (run.entryPoint) rows.push(['Entry point', run.entryPoint]);
  if (run.source && run.source !== run.entryPoint) rows.push(['Source', run.source]);
  rows.push(['Run ID', el('span', { class: 'hash', 'data-testid': 'run-uuid' }, run.uuid)]);
  if (page.parent) {
    const parent = page.parent;
    rows.push(['Parent', link(truncateLabel(parent.name, 80), `Open the page of ${parent.name}`, () => post({ type: 'openRun', id: parent.id }), 'parent-link')]);
  }
  if (page.children.length) {
    rows.push([
      `Child runs (${page.children.length})`,
      el('span', { class: 'links' }, ...page.children.slice(0, 50).map((child) => link(truncateLabel(child.name, 60), `${child.name} (${child.status})`, () => post({ type: 'openRun', id: child.id }), 'child-link'))),
    ]);
  }
  if (page.versions.length) {
    rows.push([
      'Registered as',
      page.versions.map((v) => `${v.modelName} v${v.version}${v.aliases.length ? ` ${v.aliases.map((a) => `@${a}`).join(' ')}` : ''}`).join(', '),
    ]);
  }
  if (page.framing) {
    const framing = page.framing;
    rows.push(['Framing', link(truncateLabel(framing.name, 80), 'Open the Framing Wizard', () => post({ type: 'openFraming' }), 'framing-link')]);
  }
  if (page.experiment.primaryMetric) {
    const target = page.experiment.metricTarget;
    rows.push([
      'Primary metric',
      `${page.experiment.primaryMetric} (${page.experiment.metricDirection === 'min' ? 'lower' : 'higher'} is better${target === null ? '' : `, target ${formatMetric(target)}`})`,
    ]);
  }
  return el('dl', { class: 'meta', 'data-testid': 'run-meta' }, ...rows.map(([term, value]) => el('div', {}, el('dt', {}, term), el('dd', {}, value))));
}

function matches(filter: string, ...texts: string[]): boolean {
  const needle = filter.trim().toLowerCase();
  return !needle || texts.some((t) => t.toLowerCase().includes(needle));
}

/** Key/value rows, filtered; `actions` adds buttons to a row (tags). */
export function keyValueTable(label: string, entries: readonly [string, string][], filter: string, empty: string, actions?: (key: string, value: string) => HTMLElement[]): HTMLElement {
  if (entries.length === 0) return el('p', { class: 'empty-state' }, empty);
  const shown = entries.filter(([k, v]) => matches(filter, k, v));
  if (shown.length === 0) return el('p', { class: 'muted', role: 'status' }, `Nothing matches "${filter}".`);
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Name'), el('th', { scope: 'col' }, 'Value'), ...(actions ? [el('th', { scope: 'col' }, el('span', { class: 'muted' }, 'Edit'))] : []));
  const rows = shown.map(([key, value]) =>
    el('tr', { 'data-testid': `${label}-row`, 'data-key': key }, el('td', { class: 'key' }, key), el('td', {}, value), ...(actions ? [el('td', {}, ...actions(key, value))] : [])),
  );
  return el('div', { class: 'table-wrap' }, el('table', { class: 'kv', 'aria-label': label }, el('thead', {}, head), el('tbody', {}, ...rows)));
}

/** The tag editor: add or change a tag (the same key overwrites), and a remove button per row. */
export function tagForm(post: Post, editable: boolean): { form: HTMLElement; edit(key: string, value: string): void } {
  const key = el('input', { type: 'text', placeholder: 'name', 'aria-label': 'Tag name', 'data-testid': 'tag-key', maxlength: '250' });
  const value = el('input', { type: 'text', placeholder: 'value', 'aria-label': 'Tag value', 'data-testid': 'tag-value', size: '30' });
  const save = el('vscode-button', { 'data-testid': 'tag-save' }, 'Set tag');
  const submit = () => {
    if (!key.value.trim()) {
      key.focus();
      return;
    }
    post({ type: 'setTag', key: key.value, value: value.value });
    key.value = '';
    value.value = '';
    key.focus();
  };
  save.addEventListener('click', submit);
  for (const input of [key, value]) input.addEventListener('keydown', (event) => event.key === 'Enter' && submit());
  const form = el('div', { class: 'tag-form', role: 'group', 'aria-label': 'Set a tag' }, key, value, save);
  form.hidden = !editable;
  return {
    form,
    edit(k, v) {
      key.value = k;
      value.value = v;
      value.focus();
      value.select();
    },
  };
}

/** The Markdown note: shown rendered, edited as text. */
export class NoteEditor {
  readonly element: HTMLElement;
  private readonly view = el('div', { 'data-testid': 'note-view' });
  private readonly area = el('textarea', { 'aria-label': 'Note (Markdown)', 'data-testid': 'note-text', maxlength: '100000' });
  private readonly editButton = el('vscode-button', { secondary: '', icon: 'edit', 'data-testid': 'note-edit' }, 'Edit note');
  private readonly saveButton = el('vscode-button', { 'data-testid': 'note-save' }, 'Save note');
  private readonly cancelButton = el('vscode-button', { secondary: '' }, 'Cancel');
  private editing = false;
  private note = '';

  constructor(post: Post) {
    this.element = el(
      'section',
      { class: 'note-box', 'aria-label': 'Note' },
      el('h2', {}, 'Note'),
      this.view,
      this.area,
      el('div', { class: 'section-tools' }, this.editButton, this.saveButton, this.cancelButton),
    );
    this.editButton.addEventListener('click', () => this.setEditing(true));
    this.cancelButton.addEventListener('click', () => this.setEditing(false));
    this.saveButton.addEventListener('click', () => {
      post({ type: 'setNote', note: this.area.value });
      this.note = this.area.value;
      this.setEditing(false);
    });
    this.area.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.setEditing(false);
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) this.saveButton.click();
    });
    this.setEditing(false);
  }

  update(note: string | null, editable: boolean): void {
    this.note = note ?? '';
    this.editButton.hidden = !editable || this.editing;
    if (!this.editing) this.render();
  }

  private setEditing(editing: boolean): void {
    this.editing = editing;
    this.area.hidden = !editing;
    this.saveButton.hidden = !editing;
    this.cancelButton.hidden = !editing;
    this.editButton.hidden = editing;
    if (editing) {
      this.area.value = this.note;
      this.area.focus();
    }
    this.render();
  }

  private render(): void {
    this.view.hidden = this.editing;
    this.view.replaceChildren(this.note.trim() ? renderMarkdown(this.note) : el('p', { class: 'muted' }, 'No note yet. Write down what this run tried and what you learned (Markdown).'));
  }
}
