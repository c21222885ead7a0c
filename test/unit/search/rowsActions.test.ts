/**
 * Acting on rows of the Runs table, below the glue: the copied CSV and Markdown, the star as a tag
 * that filters and sorts, audited tag edits from the table, the tree parent a reveal walks up,
 * and the throttle of live refreshes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runsFromWebview } from '../../../src/contract/runs.ts';
import { removeRunTag, setRunTag } from '../../../src/runpage/edits.ts';
import { STARRED_TAG } from '../../../src/search/attributes.ts';
import { searchRunIds } from '../../../src/search/query.ts';
import { rowsAsCsv, rowsAsMarkdown } from '../../../src/search/rowsExport.ts';
import { type TableColumn, type TableRow, runTableQuery, tableColumns, tableRows } from '../../../src/search/table.ts';
import { throttle } from '../../../src/shared/throttle.ts';
import { listAudit } from '../../../src/store/audit.ts';
import { parentOf, runNode } from '../../../src/tracking/treeModel.ts';
import { tempStore } from '../helpers.ts';
import { writeSweep } from './sweep.ts';

const STALE = Date.now() - 120_000;

describe('copying rows', () => {
  const columns: TableColumn[] = [
    { id: 'attributes.run_name', label: 'Name', group: 'Attributes', type: 'text' },
    { id: 'attributes.start_time', label: 'Started', group: 'Attributes', type: 'time' },
    { id: 'attributes.duration', label: 'Duration', group: 'Attributes', type: 'duration' },
    { id: 'attributes.starred', label: 'Starred', group: 'Attributes', type: 'boolean' },
    { id: 'metrics.val_auc', label: 'val_auc', group: 'Metrics', type: 'number' },
    { id: 'tags.note', label: 'note', group: 'Tags', type: 'text' },
  ];
  const rows: TableRow[] = [
    { id: 1, uuid: 'a', experimentId: 1, values: ['plain', 0, 61_500, 1, 0.123456789, 'say "hi", | pipe\nnew line'] },
    { id: 2, uuid: 'b', experimentId: 1, values: ['=cmd()', 1_700_000_000_000, null, 0, null, null] },
  ];

  test('CSV: visible columns, quotes doubled, fields with commas or line breaks quoted, formulas defused', () => {
    assert.equal(
      rowsAsCsv(columns, rows),
      'Name,Started,Duration (s),Starred,val_auc,note\r\n' +
        'plain,1970-01-01T00:00:00.000Z,61.5,true,0.123456789,"say ""hi"", | pipe\nnew line"\r\n' +
        "'=cmd(),2023-11-14T22:13:20.000Z,,false,,\r\n",
    );
  });

  test('Markdown: pipes escaped and line breaks flattened, numbers right-aligned', () => {
    const lines = rowsAsMarkdown(columns, rows).split('\n');
    assert.equal(lines[0], '| Name | Started | Duration (s) | Starred | val\\_auc | note |');
    assert.equal(lines[1], '| --- | --- | ---: | --- | ---: | --- |');
    assert.equal(lines[2], '| plain | 1970-01-01T00:00:00.000Z | 61.5 | true | 0.1235 | say "hi", \\| pipe new line |');
  });
});

describe('stars and tags from the table', () => {
  const store = tempStore();
  const runs = writeSweep(store, 60);

  test('a starred run is the tag ml_lifecycle.starred = "true": filter, sort and the column read it', () => {
    const starred = runs.filter((r) => r.tags[STARRED_TAG] === 'true').map((r) => r.id);
    assert.deepEqual(searchRunIds(store, { filter: 'attributes.starred = true', staleBefore: STALE }).sort(), starred.sort());
    const target = runs.find((r) => !r.tags[STARRED_TAG])!;
    setRunTag(store, target.id, STARRED_TAG, 'true');
    assert.ok(searchRunIds(store, { filter: 'starred = true', staleBefore: STALE }).includes(target.id));
    const sorted = runTableQuery(store, { filter: '', experimentIds: null, sort: [{ column: 'attributes.starred', descending: true }], groupBy: [], metricColumns: [] }, STALE);
    assert.deepEqual(new Set(sorted.ids.slice(0, starred.length + 1)), new Set([...starred, target.id]), 'starred runs sort first');
    assert.deepEqual(tableRows(store, [target.id], ['attributes.starred'], STALE)[0]!.values, [1]);
    removeRunTag(store, target.id, STARRED_TAG);
    assert.ok(!searchRunIds(store, { filter: 'starred = true', staleBefore: STALE }).includes(target.id));
    assert.ok(tableColumns(store).some((c) => c.id === 'attributes.starred' && c.type === 'boolean'));
  });

  test('a tag value with quotes round-trips, and every edit is in the audit trail', () => {
    const run = runs[1]!;
    const value = `it's "quoted" | piped`;
    setRunTag(store, run.id, 'review', value);
    assert.deepEqual(searchRunIds(store, { filter: `tags.review = 'it''s "quoted" | piped'`, staleBefore: STALE }), [run.id]);
    removeRunTag(store, run.id, 'review');
    const audit = listAudit(store.db, { entity: 'run' }).filter((e) => e.entityId === String(run.id) && e.details?.includes('"review"'));
    assert.deepEqual(audit.map((e) => e.action).sort(), ['remove-tag', 'set-tag']);
    assert.ok(audit.some((e) => e.details?.includes(JSON.stringify(value).slice(1, -1))), 'the audit keeps the value with its quotes');
  });

  test('a run node reveals under its experiment, or under its parent run', () => {
    const node = runNode(store, runs[3]!.id, STALE)!;
    assert.equal(node.run.id, runs[3]!.id);
    assert.deepEqual(parentOf(store, node, STALE), { kind: 'experiment', experiment: node.experiment });
    store.db.prepare('UPDATE runs SET parent_run_id = ? WHERE id = ?').run(runs[0]!.id, runs[3]!.id);
    const child = runNode(store, runs[3]!.id, STALE)!;
    const parent = parentOf(store, child, STALE);
    assert.equal(parent?.kind === 'run' && parent.run.id, runs[0]!.id);
    assert.equal(runNode(store, 999_999, STALE), undefined);
  });
});

test('throttle: the first call runs at once, a burst collapses into one call at the end of the interval', async () => {
  let calls = 0;
  const run = throttle(() => calls++, 60);
  run();
  assert.equal(calls, 1);
  run();
  run();
  run();
  assert.equal(calls, 1);
  await new Promise((resolve) => setTimeout(resolve, 120));
  assert.equal(calls, 2);
  run();
  run.cancel();
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.ok(calls <= 3);
});

test('row requests from the Runs webview are checked before the extension acts on them', () => {
  const ok = [
    { type: 'select', runIds: [3, 1, 2] },
    { type: 'act', action: 'copyCsv', runIds: [1] },
    { type: 'star', runIds: [1, 2], starred: false },
    { type: 'setTag', runId: 4, key: 'stage', value: `it's "prod" | x` },
    { type: 'setNote', runId: 4, note: '# notes\n' },
  ];
  for (const message of ok) assert.ok(runsFromWebview.safeParse(message).success, JSON.stringify(message));
  const bad = [
    { type: 'act', action: 'dropTables', runIds: [1] },
    { type: 'select', runIds: ['1'] },
    { type: 'star', runIds: [1] },
    { type: 'setTag', runId: 1.5, key: 'k', value: 'v' },
    { type: 'setNote', runId: 1, note: 'x', extra: true },
  ];
  for (const message of bad) assert.equal(runsFromWebview.safeParse(message).success, false, JSON.stringify(message));
});
