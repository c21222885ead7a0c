// The webview contracts of the framing wizard, the audit trail and the data drift panel: what the
// extension accepts from a page and restores after a reload (compare's are in test/unit/compare).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auditFromWebview, auditSavedState } from '../../../src/contract/audit.ts';
import { driftFromWebview, driftSavedState } from '../../../src/contract/drift.ts';
import { framingFromWebview, framingSavedState } from '../../../src/contract/framing.ts';

function accepts(schema: { safeParse(value: unknown): { success: boolean } }, values: readonly unknown[]): void {
  for (const value of values) assert.ok(schema.safeParse(value).success, `refused ${JSON.stringify(value)}`);
}

function refuses(schema: { safeParse(value: unknown): { success: boolean } }, values: readonly unknown[]): void {
  for (const value of values) assert.equal(schema.safeParse(value).success, false, `accepted ${JSON.stringify(value)}`);
}

test('framing: messages from the wizard page are checked before the extension acts on them', () => {
  accepts(framingFromWebview, [
    { type: 'ready', replay: {} },
    { type: 'ready', replay: { 'problem.statement': { value: 'churn', seq: 3 } } },
    { type: 'setField', path: 'roi.currency', value: 'EUR', immediate: false, seq: 1 },
    { type: 'setField', path: 'criteria.0.answer', value: null, immediate: true, seq: 2 },
    { type: 'setField', path: 'lifecycle.retrain', value: true, immediate: true, seq: 0 },
    { type: 'addRow', list: 'stakeholders' },
    { type: 'removeRow', list: 'stakeholders', index: 0 },
    { type: 'prefill', example: 'spam' },
    { type: 'export' },
    { type: 'newFraming' },
  ]);
  refuses(framingFromWebview, [
    { type: 'setField', path: '../secrets', value: 'x', immediate: false, seq: 1 },
    { type: 'setField', path: 'roi.currency', value: 7, immediate: false, seq: 1 },
    { type: 'setField', path: 'roi.currency', value: 'EUR', immediate: false, seq: -1 },
    { type: 'setField', path: '', value: 'EUR', immediate: false, seq: 1 },
    { type: 'removeRow', list: 'stakeholders', index: 1.5 },
    { type: 'prefill', example: 'not-an-example' },
    { type: 'export', extra: true },
    { type: 'ready' },
    { type: 'drop tables' },
    null,
  ]);
});

test('framing: a restored state is taken only when it reads as one', () => {
  accepts(framingSavedState, [
    { framingId: null, step: 'problem', seq: 0, replay: {} },
    { framingId: 4, step: 'problem', seq: 12, replay: { 'roi.currency': { value: 'EUR', seq: 12 } } },
  ]);
  refuses(framingSavedState, [
    undefined,
    { framingId: 0, step: 'problem', seq: 0, replay: {} },
    { framingId: null, step: 'nowhere', seq: 0, replay: {} },
    { framingId: null, step: 'problem', seq: 0, replay: { 'a b': { value: 'x', seq: 1 } } },
  ]);
});

test('audit: queries and exports carry a checked filter', () => {
  accepts(auditFromWebview, [
    { type: 'query', filter: { entity: null, text: '' } },
    { type: 'query', filter: { entity: 'model_version', text: 'champion' } },
    { type: 'export', format: 'csv', filter: { entity: 'run', text: '' } },
    { type: 'export', format: 'markdown', filter: { entity: null, text: 'x' } },
  ]);
  refuses(auditFromWebview, [
    { type: 'query', filter: { entity: 'passwords', text: '' } },
    { type: 'query', filter: { entity: null, text: 'x'.repeat(501) } },
    { type: 'query', filter: { entity: null } },
    { type: 'export', format: 'pdf', filter: { entity: null, text: '' } },
    { type: 'query' },
    'query',
  ]);
  accepts(auditSavedState, [{ filter: { entity: 'alias', text: '' } }]);
  refuses(auditSavedState, [undefined, {}, { filter: { entity: 'nope', text: '' } }]);
});

test('drift: the page only says it is ready, and a restored panel needs a report id', () => {
  accepts(driftFromWebview, [{ type: 'ready' }]);
  refuses(driftFromWebview, [{ type: 'ready', reportId: 3 }, { type: 'report' }, {}, null]);
  accepts(driftSavedState, [{ reportId: 1 }, { reportId: 42 }]);
  refuses(driftSavedState, [undefined, {}, { reportId: 0 }, { reportId: 1.5 }, { reportId: '3' }]);
});
