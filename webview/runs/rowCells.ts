// Cells of the Runs grid that act on a run: the star toggle, the inline tag editor, the context
// a row gives VS Code's webview/context menu, and which keys select rows.
import { el } from '../shared/vscode.ts';

/** `data-vscode-context` of a run row: the menu's `webviewSection` and the run right-clicked. */
export function rowContext(runId: number): string {
  return JSON.stringify({ webviewSection: 'runRow', runId, preventDefaultContextMenuItems: true });
}

/** A star toggle in place of the cell's 1/0 (screen readers hear "Starred" or "Not starred"). */
export function starCell(cell: HTMLElement, starred: boolean, toggle: () => void): void {
  cell.textContent = starred ? '★' : '☆';
  cell.classList.add('star');
  cell.classList.toggle('starred', starred);
  cell.setAttribute('aria-label', starred ? 'Starred' : 'Not starred');
  cell.title = starred ? 'Starred: click or press Enter to unstar' : 'Click or press Enter to star';
  cell.addEventListener('click', (event) => {
    event.stopPropagation();
    toggle();
  });
}

/** A yes/no column's header is a star, too narrow for its name, which screen readers still hear. */
export function starHeader(cell: HTMLElement, label: string): void {
  cell.textContent = '★';
  cell.setAttribute('aria-label', label);
  cell.classList.add('star-header');
}

/**
 * Puts a text box in a tag cell. `done` gets the new value on Enter (empty removes the tag) or
 * null on Escape or when the box loses focus.
 */
export function editTagCell(cell: HTMLElement, key: string, value: string, done: (value: string | null) => void): void {
  const input = el('input', { type: 'text', class: 'cell-editor', 'aria-label': `Value of tag ${key} (Enter saves, empty removes the tag, Escape cancels)` });
  input.value = value;
  let finished = false;
  const finish = (result: string | null) => {
    if (finished) return;
    finished = true;
    done(result);
  };
  input.addEventListener('keydown', (event) => {
    event.stopPropagation();
    if (event.key === 'Enter') finish(input.value);
    if (event.key === 'Escape') finish(null);
  });
  input.addEventListener('click', (event) => event.stopPropagation());
  input.addEventListener('blur', () => finish(null));
  cell.replaceChildren(input);
  cell.classList.add('editing');
  input.focus();
  input.select();
}

export type SelectionKey = 'all' | 'toggle' | 'extendUp' | 'extendDown' | 'star' | 'edit';

/** The row action of a key press in the grid, if any. `onRow`: the focus is on a run row, not the header. */
export function selectionKey(event: KeyboardEvent, onRow: boolean, cell: 'star' | 'tag' | 'plain'): SelectionKey | undefined {
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a') return 'all';
  if (!onRow) return undefined;
  if (event.key === ' ') return 'toggle';
  if (event.shiftKey && event.key === 'ArrowUp') return 'extendUp';
  if (event.shiftKey && event.key === 'ArrowDown') return 'extendDown';
  if (event.key === 'Enter' && cell === 'star') return 'star';
  if ((event.key === 'F2' || event.key === 'Enter') && cell === 'tag') return 'edit';
  return undefined;
}
