// The Runs table at 10,000 runs x 200 columns: a filter with a metric sort, the first screen of
// rows, a grouping, all in SQL; against sending every row to the webview.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTableQuery, tableColumns, tableRows } from '../../src/search/table.ts';
import { openStore } from '../../src/store/database.ts';
import { writeSweep } from '../unit/search/sweep.ts';
import { medianMs, report } from './format.ts';

const RUNS = 10_000;
const EXTRA_PARAMS = 190;

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-bench-runs-'));
  const store = openStore(path.join(dir, 'store.sqlite'), { create: true });
  try {
    const runs = writeSweep(store, RUNS);
    const insert = store.db.prepare('INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)');
    store.db.transaction(() => {
      for (const run of runs) for (let p = 0; p < EXTRA_PARAMS; p++) insert.run(run.id, `p${String(p).padStart(3, '0')}`, String((run.id * 31 + p) % 97));
    })();
    const stale = Date.now() - 120_000;
    const columns = tableColumns(store).map((c) => c.id);
    const shown = columns.slice(0, 30);
    const query = {
      filter: "metrics.val_auc > 0.6 and (params.lr = '0.01' or tags.dataset LIKE 'v2%')",
      experimentIds: null,
      sort: [{ column: 'metrics.val_auc', descending: true }],
      groupBy: [],
      metricColumns: [],
    };
    report('runs_table_columns_10k', columns.length, 'columns');
    const catalogMs = await medianMs(5, () => tableColumns(store));
    report('runs_table_catalog_10k', catalogMs, 'ms');
    let ids: number[] = [];
    const filterSortMs = await medianMs(5, () => (ids = runTableQuery(store, query, stale).ids));
    report('runs_table_filter_sort_10k', filterSortMs, 'ms');
    const sortAllMs = await medianMs(5, () => runTableQuery(store, { ...query, filter: '', sort: [{ column: 'params.p017', descending: false }] }, stale));
    report('runs_table_sort_param_10k', sortAllMs, 'ms');
    const firstRowsMs = await medianMs(5, () => JSON.stringify(tableRows(store, ids.slice(0, 60), shown, stale)));
    report('runs_table_first_rows_10k', firstRowsMs, 'ms');
    const firstScreenMs = filterSortMs + firstRowsMs;
    const everything = runTableQuery(store, { ...query, filter: '' }, stale).ids;
    const allRowsMs = await medianMs(3, () => JSON.stringify(tableRows(store, everything, shown, stale)));
    report('runs_table_first_screen_10k', firstScreenMs, 'ms', { value: allRowsMs, name: 'all_10k_rows_to_webview' });
    const groupMs = await medianMs(5, () => runTableQuery(store, { ...query, groupBy: ['params.optimizer', 'tags.dataset'], metricColumns: ['metrics.val_auc', 'metrics.loss'] }, stale));
    report('runs_table_group_2_levels_10k', groupMs, 'ms');
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
