import type { AuditRecord } from '../store/audit.ts';
import { mdTable, mdText } from './markdown.ts';
import { formatCount } from '../shared/format.ts';

const HEADER = ['time (UTC)', 'actor', 'host', 'entity', 'id', 'action', 'reason', 'details'];

function row(record: AuditRecord): string[] {
  return [new Date(record.at).toISOString(), record.actor, record.host, record.entity, record.entityId, record.action, record.reason ?? '', record.details ?? ''];
}

/**
 * RFC 4180 CSV. A cell starting with = + - @ (or a tab/CR) gets a leading apostrophe, so a
 * spreadsheet shows it as text instead of running it as a formula.
 */
export function auditCsv(records: readonly AuditRecord[]): string {
  const cell = (value: string) => {
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return `${[HEADER, ...records.map(row)].map((cells) => cells.map(cell).join(',')).join('\r\n')}\r\n`;
}

export function auditMarkdown(records: readonly AuditRecord[], scope: string, exportedAt = Date.now()): string {
  return [
    '# ML Lifecycle audit trail',
    '',
    `_${formatCount(records.length)} change${records.length === 1 ? '' : 's'} (${mdText(scope)}), exported ${new Date(exportedAt).toISOString()}._`,
    '',
    records.length ? mdTable(HEADER, records.map(row)) : '_No changes match._',
    '',
  ].join('\n');
}
