import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { auditCsv, auditMarkdown } from '../../../src/registry/auditExport.ts';
import type { AuditRecord } from '../../../src/store/audit.ts';

const record = (overrides: Partial<AuditRecord>): AuditRecord => ({
  id: 1,
  at: Date.UTC(2025, 0, 2, 3, 4, 5),
  actor: 'ana',
  host: 'box',
  entity: 'alias',
  entityId: 'churn@champion',
  action: 'promote',
  reason: null,
  details: null,
  ...overrides,
});

describe('audit export', () => {
  test('CSV quotes, escapes and defuses formulas', () => {
    const csv = auditCsv([record({ reason: 'said "yes", twice\nreally', details: '{"a":1}' }), record({ entityId: '=HYPERLINK("x")', reason: '-1' })]);
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'time (UTC),actor,host,entity,id,action,reason,details');
    assert.equal(lines[1], '2025-01-02T03:04:05.000Z,ana,box,alias,churn@champion,promote,"said ""yes"", twice\nreally","{""a"":1}"');
    assert.equal(lines[2], `2025-01-02T03:04:05.000Z,ana,box,alias,"'=HYPERLINK(""x"")",promote,'-1,`);
    assert.ok(csv.endsWith('\r\n'));
  });
  test('Markdown table with store text escaped', () => {
    const md = auditMarkdown([record({ reason: '<script>|x' })], 'entity alias, text "<b>"', Date.UTC(2025, 0, 3));
    assert.match(md, /^# ML Lifecycle audit trail\n\n_1 change \(entity alias, text "&lt;b&gt;"\), exported 2025-01-03T00:00:00.000Z._/);
    assert.match(md, /\| 2025-01-02T03:04:05.000Z \| ana \| box \| alias \| churn@champion \| promote \| &lt;script&gt;\\\|x \| {2}\|/);
    assert.match(auditMarkdown([], 'all'), /_No changes match._/);
  });
});
