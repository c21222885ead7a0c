import { el } from '../shared/vscode.ts';

/**
 * Sets a select's options (only when they changed: rebuilding them resets the element's choice
 * until it has processed them) and picks `wanted`, or the first option. Returns the choice.
 */
export function fillSelect(select: HTMLElement, options: [string, string][], wanted: string): string {
  const chosen = options.some(([v]) => v === wanted) ? wanted : (options[0]?.[0] ?? '');
  const current = [...select.querySelectorAll('vscode-option')].map((o) => [o.getAttribute('value') ?? '', o.textContent ?? '']);
  if (JSON.stringify(current) !== JSON.stringify(options)) {
    select.replaceChildren(...options.map(([value, label]) => el('vscode-option', value === chosen ? { value, selected: '' } : { value }, label)));
  }
  (select as HTMLElement & { value: string }).value = chosen;
  return chosen;
}

export function selectValue(event: Event): string {
  return (event.target as HTMLElement & { value: string }).value;
}
