// The audit trail panel: a read-only, filterable list of every change; see src/contract/audit.ts.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { AuditFilter, AuditFromWebview, AuditRow, AuditSavedState, AuditToWebview } from '../../src/contract/audit.ts';
import { adoptStyles, connect, el } from '../shared/vscode.ts';
import { AUDIT_CSS } from './styles.ts';

type Entity = NonNullable<AuditFilter['entity']>;

const ENTITY_LABELS: Record<Entity, string> = {
  model: 'Model',
  model_version: 'Model version',
  alias: 'Alias',
  framing: 'Framing',
  drift: 'Drift check',
  experiment: 'Experiment',
  run: 'Run',
  store: 'Store',
};

adoptStyles(AUDIT_CSS);
const vscode = connect<AuditFromWebview, AuditSavedState>();
let filter: AuditFilter = vscode.getState()?.filter ?? { entity: null, text: '' };
const app = document.getElementById('app')!;

const entitySelect = el('vscode-single-select', { id: 'audit-entity', 'aria-label': 'Entity' });
entitySelect.append(el('vscode-option', { value: '' }, 'All entities'));
for (const [value, label] of Object.entries(ENTITY_LABELS)) entitySelect.append(el('vscode-option', { value }, label));
const textField = el('vscode-textfield', { id: 'audit-filter', placeholder: 'Filter by action, name, reason, person…', 'aria-label': 'Filter text' });
const count = el('span', { id: 'audit-count', class: 'audit-count', role: 'status' });
const exportCsv = el('vscode-button', { id: 'audit-export-csv', secondary: '' }, 'Export CSV…');
const exportMarkdown = el('vscode-button', { id: 'audit-export-md', secondary: '' }, 'Export Markdown…');
const body = el('tbody');
const table = el(
  'table',
  { id: 'audit-table' },
  el('thead', {}, el('tr', {}, ...['When', 'Who', 'What', 'Subject', 'Why', 'Details'].map((h) => el('th', { scope: 'col' }, h)))),
  body,
);
const empty = el('p', { class: 'empty-state hidden', id: 'audit-empty' });
const more = el('p', { class: 'muted hidden', id: 'audit-more' });

app.append(
  el('h1', {}, 'Audit trail'),
  el('p', { class: 'muted' }, 'Every change to models, versions, aliases, framings, experiments and runs, with who, when and why. Read-only: entries cannot be edited or removed here.'),
  el('div', { class: 'toolbar audit-toolbar', role: 'search' }, entitySelect, textField, count, exportCsv, exportMarkdown),
  empty,
  table,
  more,
);

function applyFilterToControls(): void {
  (entitySelect as unknown as { value: string }).value = filter.entity ?? '';
  (textField as unknown as { value: string }).value = filter.text;
}

function query(): void {
  vscode.setState({ filter });
  vscode.postMessage({ type: 'query', filter });
}

entitySelect.addEventListener('change', () => {
  const value = (entitySelect as unknown as { value: string }).value;
  filter = { ...filter, entity: value in ENTITY_LABELS ? (value as Entity) : null };
  query();
});
let typing: number | undefined;
textField.addEventListener('input', () => {
  window.clearTimeout(typing);
  typing = window.setTimeout(() => {
    filter = { ...filter, text: (textField as unknown as { value: string }).value.slice(0, 500) };
    query();
  }, 250);
});
exportCsv.addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'csv', filter }));
exportMarkdown.addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'markdown', filter }));

function detailsCell(details: string | null): HTMLElement {
  if (!details) return el('td', { class: 'muted' }, '—');
  let pretty = details;
  let summary = 'Details';
  try {
    const parsed: unknown = JSON.parse(details);
    pretty = JSON.stringify(parsed, null, 2);
    const size = Array.isArray(parsed) ? parsed.length : parsed !== null && typeof parsed === 'object' ? Object.keys(parsed).length : 0;
    if (size) summary = `Details (${size} ${Array.isArray(parsed) ? (size === 1 ? 'item' : 'items') : size === 1 ? 'field' : 'fields'})`;
  } catch {
    // Not JSON: show it as stored.
  }
  return el('td', {}, el('details', {}, el('summary', {}, summary), el('pre', {}, pretty)));
}

function row(record: AuditRow): HTMLTableRowElement {
  const when = new Date(record.at);
  return el(
    'tr',
    { 'data-entity': record.entity, 'data-action': record.action },
    el('td', { class: 'when', title: when.toISOString() }, when.toLocaleString()),
    el('td', { title: `${record.actor} on ${record.host}` }, record.actor),
    el('td', { title: `${record.action} (${ENTITY_LABELS[record.entity] ?? record.entity})` }, el('span', { class: 'action' }, record.description)),
    el('td', { class: 'subject' }, record.subject),
    record.reason ? el('td', {}, record.reason) : el('td', { class: 'muted' }, '—'),
    detailsCell(record.details),
  );
}

window.addEventListener('message', (event: MessageEvent<AuditToWebview>) => {
  const message = event.data;
  if (message.type !== 'entries') return;
  body.replaceChildren(...message.entries.map(row));
  const filtered = message.filter.entity !== null || message.filter.text.trim() !== '';
  count.textContent = `${message.entries.length.toLocaleString()}${message.truncated ? '+' : ''} ${message.entries.length === 1 ? 'entry' : 'entries'}`;
  empty.textContent = filtered ? 'No changes match this filter.' : 'No changes recorded yet. Registering a model, moving an alias or editing a framing adds an entry here.';
  empty.classList.toggle('hidden', message.entries.length > 0);
  table.classList.toggle('hidden', message.entries.length === 0);
  more.textContent = `Showing the newest ${message.limit.toLocaleString()} entries. Narrow the filter, or export to get all of them.`;
  more.classList.toggle('hidden', !message.truncated);
});

applyFilterToControls();
query();
