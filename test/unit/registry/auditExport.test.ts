import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AuditNames } from '../../../src/registry/auditDescribe.ts';
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

const names: AuditNames = { experiments: new Map(), runs: new Map(), models: new Map(), versions: new Map(), framings: new Map() };

describe('audit export', () => {
  test('CSV quotes, escapes and defuses formulas', () => {
    const csv = auditCsv([record({ reason: 'said "yes", twice\nreally', details: '{"a":1}' }), record({ entityId: '=HYPERLINK("x")', reason: '-1' })], names);
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'time (UTC),actor,host,subject,change,entity,id,action,reason,details');
    assert.equal(lines[1], '2025-01-02T03:04:05.000Z,ana,box,"model ""churn""",promoted a version to @champion,alias,churn@champion,promote,"said ""yes"", twice\nreally","{""a"":1}"');
    assert.equal(lines[2], `2025-01-02T03:04:05.000Z,ana,box,"model ""=HYPERLINK(""x"")""","promoted a version to @=HYPERLINK(""x"")",alias,"'=HYPERLINK(""x"")",promote,'-1,`);
    assert.ok(csv.endsWith('\r\n'));
  });
  test('Markdown table with store text escaped', () => {
    const md = auditMarkdown([record({ reason: '<script>|x' })], names, 'entity alias, text "<b>"', Date.UTC(2025, 0, 3));
    assert.match(md, /^# ML Lifecycle audit trail\n\n_1 change \(entity alias, text "&lt;b&gt;"\), exported 2025-01-03T00:00:00.000Z._/);
    assert.match(md, /\| 2025-01-02T03:04:05.000Z \| ana \| box \| model "churn" \| promoted a version to @champion \| alias \| churn@champion \| promote \| &lt;script&gt;\\\|x \| {2}\|/);
    assert.match(auditMarkdown([], names, 'all'), /_No changes match._/);
  });
  test('the change and its subject are in words, with names looked up by id', () => {
    const versions = new Map([[7, { model: 'churn-classifier', version: 3 }]]);
    const csv = auditCsv([record({ entity: 'model_version', entityId: '7', action: 'set-stage', details: '{"to":"production"}' })], { ...names, versions });
    const cells = csv.split('\r\n')[1]!.split(',');
    assert.equal(cells[3], '"model ""churn-classifier"" version 3"');
    assert.equal(cells[4], 'set the stage to production');
    assert.equal(cells[7], 'set-stage');
  });
});
