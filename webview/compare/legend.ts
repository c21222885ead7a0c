// The legend (one toggle per run, with why a run ended early) and the dismissible notes.
import type { CompareModel } from '../../src/compare/model.ts';
import { endedEarly } from '../../src/compare/wideSummary.ts';
import { truncateLabel } from '../../src/shared/format.ts';
import { el } from '../shared/vscode.ts';

export interface LegendActions {
  color(id: number): string;
  hidden(id: number): boolean;
  toggle(id: number): void;
  remove(id: number): void;
}

/** An icon and a word for a failed or killed run: never colour alone. */
export function endedMark(status: 'FAILED' | 'KILLED'): HTMLElement {
  return el(
    'span',
    { class: `ended-mark ended-${status.toLowerCase()}`, 'data-testid': 'ended-mark' },
    el('span', { class: `codicon codicon-${status === 'FAILED' ? 'error' : 'debug-stop'}`, 'aria-hidden': 'true' }),
    status === 'FAILED' ? 'failed' : 'killed',
  );
}

export function legendEntries(model: CompareModel, actions: LegendActions): HTMLElement[] {
  const noun = model.subject.kind === 'runs' ? 'run' : 'version';
  return model.items.map((item) => {
    const swatch = el('span', { class: 'swatch', 'aria-hidden': 'true' });
    swatch.style.backgroundColor = actions.color(item.id);
    const ended = endedEarly(item.status);
    const why = ended ? `\n\nThis run ${ended === 'FAILED' ? 'failed' : 'was killed'}: its lines end in a ✕ at the last point it logged.` : '';
    const toggle = el(
      'button',
      {
        class: 'legend-toggle',
        type: 'button',
        'aria-pressed': String(!actions.hidden(item.id)),
        title: `${item.detail}${why}\n\nClick to show or hide this ${noun} in every chart.`,
        'data-testid': 'legend-item',
        'data-id': String(item.id),
      },
      swatch,
      el('span', { class: 'legend-name' }, truncateLabel(item.name, 200)),
      ...(ended ? [endedMark(ended)] : []),
      el('span', { class: 'legend-group' }, truncateLabel(item.group, 80)),
    );
    toggle.addEventListener('click', () => actions.toggle(item.id));
    const remove = el(
      'button',
      { class: 'icon-button', type: 'button', title: `Remove from the comparison`, 'aria-label': `Remove ${noun} ${truncateLabel(item.name, 80)} from the comparison`, 'data-testid': 'remove-run', 'data-id': String(item.id) },
      el('span', { class: 'codicon codicon-close', 'aria-hidden': 'true' }),
    );
    remove.addEventListener('click', () => actions.remove(item.id));
    return el('span', { class: 'legend-entry' }, toggle, remove);
  });
}

export function noteItems(notes: readonly string[], dismissed: Set<string>, rerender: () => void): HTMLElement[] {
  return notes
    .filter((note) => !dismissed.has(note))
    .map((note) => {
      const close = el('button', { class: 'icon-button', type: 'button', 'aria-label': 'Dismiss this note' }, el('span', { class: 'codicon codicon-close', 'aria-hidden': 'true' }));
      close.addEventListener('click', () => {
        dismissed.add(note);
        rerender();
      });
      return el('li', { 'data-testid': 'note' }, el('span', {}, note), close);
    });
}
