import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GROUP_LINE_COLUMNS } from '../../../src/compare/groups.ts';
import { groupSeries, loadGroups } from '../../../src/compare/groupsModel.ts';
import { unpackColumns } from '../../../src/compare/packColumns.ts';
import { groupMembers } from '../../../src/search/groupMembers.ts';
import { tempStore } from '../helpers.ts';
import { addExperiment, addRun, logPoints } from './fixtures.ts';

test('Runs table groups become Compare Groups lines: members by param, one mean line each, members on demand', () => {
  const store = tempStore();
  const experiment = addExperiment(store, 'sweep');
  const adam = [addRun(store, experiment, 'a1', { params: { opt: 'adam' } }), addRun(store, experiment, 'a2', { params: { opt: 'adam' } })];
  const sgd = [addRun(store, experiment, 's1', { params: { opt: 'sgd' } })];
  const none = addRun(store, experiment, 'n1');
  logPoints(store, adam[0]!, 'loss', [[0, 1, 4], [1, 2, 2], [2, 3, 1]]);
  logPoints(store, adam[1]!, 'loss', [[0, 1, 2], [1, 2, Number.NaN]]);
  logPoints(store, sgd[0]!, 'loss', [[0, 1, 9]]);

  const groups = groupMembers(store, [...adam, ...sgd, none], ['params.opt'], 0);
  assert.deepEqual(groups, [
    { label: 'adam', runIds: adam },
    { label: 'sgd', runIds: sgd },
    { label: '(none)', runIds: [none] },
  ]);
  const model = loadGroups(store, { by: ['params.opt'], groups });
  assert.equal(model.title, 'Compare 3 groups · by params.opt');
  assert.deepEqual(model.charts.map((c) => [c.key, c.groups]), [['loss', [0, 1]]]);

  const { layout, packed } = groupSeries(store, model.subject, 'loss', { buckets: 100, members: true });
  const columns = unpackColumns(packed);
  assert.deepEqual(layout.groups.map((g) => [g.index, g.steps, g.members]), [[0, 3, 2], [1, 1, 1]]);
  const adamLine = Object.fromEntries(GROUP_LINE_COLUMNS.map((name, i) => [name, Array.from(columns[i]!)]));
  assert.deepEqual(adamLine.step, [0, 1, 2]);
  assert.deepEqual(adamLine.mean, [3, 2, 1], 'step 1 is the mean of the one finite value; step 2 of the one run that has it');
  assert.deepEqual(adamLine.count, [2, 1, 1]);
  assert.deepEqual(adamLine.nan, [0, 1, 0]);
  assert.deepEqual(layout.members.map((m) => m.id), [...adam, ...sgd]);
  assert.equal(columns.length, 2 * GROUP_LINE_COLUMNS.length + 2 * 3);

  // A trashed member leaves its group.
  store.db.prepare('UPDATE runs SET deleted_at = 1 WHERE id = ?').run(sgd[0]);
  assert.deepEqual(loadGroups(store, { by: ['params.opt'], groups }).subject.groups.map((g) => g.label), ['adam', '(none)']);
});
