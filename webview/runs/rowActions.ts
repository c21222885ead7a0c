// The Runs table's selection bar ("N selected" and what to do with them), the note editor and the
// hint shown when a filter matches nothing.
import type { RowAction, RunsFromWebview } from '../../src/contract/runs.ts';
import { el } from '../shared/vscode.ts';
import { formatCount } from '../../src/shared/format.ts';

type Post = (message: RunsFromWebview) => void;

const BUTTONS: { action: RowAction | 'star'; label: string; title: string; single?: boolean }[] = [
  { action: 'compare', label: 'Compare', title: 'Compare the selected runs (charts, params, summary)' },
  { action: 'star', label: 'Star', title: 'Star the selected runs (filter with attributes.starred = true)' },
  { action: 'editNote', label: 'Note…', title: "Edit the selected run's note", single: true },
  { action: 'register', label: 'Register…', title: 'Register a model version from the selected run', single: true },
  { action: 'copyCsv', label: 'Copy CSV', title: 'Copy the selected runs (visible columns) as CSV' },
  { action: 'copyMarkdown', label: 'Copy Markdown', title: 'Copy the selected runs (visible columns) as a Markdown table' },
  { action: 'trash', label: 'Trash…', title: 'Move the selected runs to the trash (asks first; Undo after)' },
];

export class SelectionBar {
  readonly element = el('div', { class: 'toolbar runs-toolbar selection-bar', role: 'toolbar', 'aria-label': 'Selected runs', id: 'runs-selection-bar' });
  private readonly count = el('span', { id: 'runs-selected', class: 'runs-status', 'aria-live': 'polite' }, 'No runs selected');
  private readonly buttons = new Map<string, HTMLElement>();
  private selected: number[] = [];

  constructor(post: Post) {
    this.element.append(this.count);
    for (const button of BUTTONS) {
      const node = el('vscode-button', { id: `runs-action-${button.action}`, secondary: '', title: button.title, disabled: '' }, button.label);
      node.addEventListener('click', () => {
        if (this.selected.length === 0) return;
        if (button.action === 'star') post({ type: 'star', runIds: this.selected, starred: true });
        else post({ type: 'act', action: button.action, runIds: this.selected });
      });
      this.buttons.set(button.action, node);
      this.element.append(node);
    }
  }

  /** The selection changed: the count and which buttons apply. */
  update(selected: number[]): void {
    this.selected = selected;
    this.count.textContent = selected.length ? `${formatCount(selected.length)} selected` : 'No runs selected';
    for (const button of BUTTONS) {
      const enabled = button.single ? selected.length === 1 : selected.length > 0;
      this.buttons.get(button.action)!.toggleAttribute('disabled', !enabled);
    }
  }
}

/** A run's Markdown note in a text area; Save sends it (audited by the extension), Cancel drops it. */
export class NoteEditor {
  readonly element = el('div', { class: 'note-editor hidden', role: 'dialog', 'aria-label': 'Run note', id: 'runs-note' });
  private readonly title = el('div', { class: 'note-title' });
  private readonly text = el('textarea', { id: 'runs-note-text', rows: '5', 'aria-label': 'Note (Markdown)' });
  private runId = -1;

  constructor(post: Post, onClose: () => void) {
    const save = el('vscode-button', { id: 'runs-note-save' }, 'Save note');
    const cancel = el('vscode-button', { id: 'runs-note-cancel', secondary: '' }, 'Cancel');
    const close = () => {
      this.element.classList.add('hidden');
      onClose();
    };
    save.addEventListener('click', () => {
      post({ type: 'setNote', runId: this.runId, note: this.text.value });
      close();
    });
    cancel.addEventListener('click', close);
    this.text.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') close();
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) save.click();
    });
    this.element.append(this.title, this.text, el('div', { class: 'toolbar' }, save, cancel, el('span', { class: 'muted' }, 'Ctrl+Enter saves, Escape cancels')));
  }

  open(runId: number, runName: string, note: string): void {
    this.runId = runId;
    this.title.textContent = `Note of ${runName}`;
    this.text.value = note;
    this.element.classList.remove('hidden');
    this.text.focus();
  }
}

/** What to show instead of an empty table: why it is empty and the way out. */
export function emptyHint(hint: HTMLElement, total: number, filter: string, filtered: boolean, clearFilter: () => void): void {
  hint.classList.toggle('hidden', total > 0);
  if (total > 0) return;
  if (filter.trim() || filtered) {
    const clear = el('vscode-button', { id: 'runs-clear-filter', secondary: '' }, 'Clear the filter');
    clear.addEventListener('click', clearFilter);
    hint.replaceChildren(
      el('p', {}, filter.trim() ? `No runs match the filter ${filter.trim()}.` : 'No runs in the chosen experiments.'),
      el('p', { class: 'muted' }, "Loosen a condition (e.g. > instead of =, LIKE 'v2%'), check the names in Columns…, or show every run."),
      clear,
    );
  } else {
    hint.replaceChildren(el('p', {}, 'No runs yet.'), el('p', { class: 'muted' }, 'Log a run from your training code (Python, Node or the CLI), or import MLflow or TensorBoard runs; they appear here as they start.'));
  }
}
