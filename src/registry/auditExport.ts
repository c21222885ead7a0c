import type { AuditRecord } from '../store/audit.ts';
import { type AuditNames, describeAudit } from './auditDescribe.ts';
import { mdTable, mdText } from './markdown.ts';
import { formatCount } from '../shared/format.ts';

// Words first, as the Audit Trail shows them; the codes after, for scripts that filter exports.
const HEADER = ['time (UTC)', 'actor', 'host', 'subject', 'change', 'entity', 'id', 'action', 'reason', 'details'];

function row(record: AuditRecord, names: AuditNames): string[] {
  const { subject, description } = describeAudit(record, names);
  return [new Date(record.at).toISOString(), record.actor, record.host, subject, description, record.entity, record.entityId, record.action, record.reason ?? '', record.details ?? ''];
}

/**
 * RFC 4180 CSV. A cell starting with = + - @ (or a tab/CR) gets a leading apostrophe, so a
 * spreadsheet shows it as text instead of running it as a formula.
 */
export function auditCsv(records: readonly AuditRecord[], names: AuditNames): string {
  const cell = (value: string) => {
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return `${[HEADER, ...records.map((record) => row(record, names))].map((cells) => cells.map(cell).join(',')).join('\r\n')}\r\n`;
}

export function auditMarkdown(records: readonly AuditRecord[], names: AuditNames, scope: string, exportedAt = Date.now()): string {
  return [
    '# ML Lifecycle audit trail',
    '',
    `_${formatCount(records.length)} change${records.length === 1 ? '' : 's'} (${mdText(scope)}), exported ${new Date(exportedAt).toISOString()}._`,
    '',
    records.length ? mdTable(HEADER, records.map((record) => row(record, names))) : '_No changes match._',
    '',
  ].join('\n');
}
