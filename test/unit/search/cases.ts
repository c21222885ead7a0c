/** Filters with the runs of the sweep (sweep.ts) they must select, and filters that must fail at a column. */
import { type SweepRun, BASE_TIME } from './sweep.ts';

export function last(run: SweepRun, key: string): number | null {
  const values = run.metrics[key];
  if (!values) return null;
  const value = values.at(-1)!;
  return Number.isNaN(value) ? null : value;
}

export function extreme(run: SweepRun, key: string, pick: (...v: number[]) => number): number | null {
  const finite = (run.metrics[key] ?? []).filter(Number.isFinite);
  return finite.length ? pick(...finite) : null;
}

function like(value: string | undefined, pattern: string, flags = ''): boolean {
  if (value === undefined) return false;
  const regex = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('%', '.*').replaceAll('_', '.');
  return new RegExp(`^${regex}$`, `s${flags}`).test(value);
}

const gt = (a: number | null, b: number) => a !== null && a > b;

/** Filter text and the runs it must select, as a predicate over the data written. */
export const CASES: [string, (run: SweepRun) => boolean][] = [
  ['', () => true],
  ['metrics.val_auc > 0.85', (r) => gt(last(r, 'val_auc'), 0.85)],
  ['metric.val_auc >= 0.85 AND metric.val_auc <= 0.9', (r) => gt(last(r, 'val_auc'), 0.8499999) && !gt(last(r, 'val_auc'), 0.9)],
  ["metrics.val_auc > 0.85 and params.lr = '0.01' and tags.dataset LIKE 'v2%' and attributes.status = 'FINISHED'",
    (r) => gt(last(r, 'val_auc'), 0.85) && r.params.lr === '0.01' && like(r.tags.dataset, 'v2%') && r.status === 'FINISHED'],
  ["params.lr != '0.01'", (r) => r.params.lr !== undefined && r.params.lr !== '0.01'],
  ["params.optimizer LIKE 'Adam%'", (r) => like(r.params.optimizer, 'Adam%')],
  ["params.optimizer ILIKE 'adam%'", (r) => like(r.params.optimizer, 'adam%', 'i')],
  ["params.optimizer NOT ILIKE 'adam%'", (r) => !like(r.params.optimizer, 'adam%', 'i')],
  ["tags.dataset LIKE 'v_-raw'", (r) => like(r.tags.dataset, 'v_-raw')],
  ["tags.note = 'it''s \"quoted\" 100%_done'", (r) => r.tags.note === `it's "quoted" 100%_done`],
  ['tags.note = "it\'s ""quoted"" 100%_done"', (r) => r.tags.note === `it's "quoted" 100%_done`],
  ["tags.note LIKE '%100[%]%'", () => false],
  ["tags.note LIKE '%100%\\_done'", () => false],
  ["tags.note LIKE '%100%_done'", (r) => r.tags.note !== undefined],
  ["params.lr IN ('0.1', '0.001')", (r) => r.params.lr === '0.1' || r.params.lr === '0.001'],
  ["params.lr NOT IN ('0.1', '0.001')", (r) => r.params.lr === '0.01'],
  ['params.lr IS NULL', (r) => r.params.lr === undefined],
  ['tags.note IS NOT NULL', (r) => r.tags.note !== undefined],
  ['metrics.`val loss` IS NOT NULL', (r) => 'val loss' in r.metrics],
  ['metrics."val loss" < 0.01', (r) => gt(-(last(r, 'val loss') ?? Infinity), -0.01)],
  ['params.`model/depth` = \'3\'', (r) => r.params['model/depth'] === '3'],
  ['params.model/depth = \'3\'', (r) => r.params['model/depth'] === '3'],
  ['params.lr < 0.05', (r) => r.params.lr !== undefined && Number(r.params.lr) < 0.05],
  ['params.batch_size >= 64', (r) => Number(r.params.batch_size) >= 64],
  ['params.batch_size IN (16, 128)', (r) => ['16', '128'].includes(r.params.batch_size!)],
  ["params.optimizer > 1", () => false],
  ["status = 'FAILED' OR status = 'KILLED'", (r) => r.status === 'FAILED' || r.status === 'KILLED'],
  ["attributes.status IN ('RUNNING')", (r) => r.status === 'RUNNING'],
  ["run.status != 'FINISHED' and (tags.dataset = 'v1-raw' or tags.dataset = 'v3-clean')",
    (r) => r.status !== 'FINISHED' && (r.tags.dataset === 'v1-raw' || r.tags.dataset === 'v3-clean')],
  ["NOT (params.lr = '0.1' OR params.lr = '0.01')", (r) => r.params.lr === '0.001'],
  ["attributes.run_name LIKE '%-Best'", (r) => r.name.endsWith('-Best')],
  ["`Run Name` = 'run-34-Best'", (r) => r.name === 'run-34-Best'],
  ["attributes.run_name ILIKE 'RUN-1_'", (r) => /^run-1\d$/.test(r.name)],
  [`attributes.start_time > ${BASE_TIME + 2_000_000}`, (r) => r.startTime > BASE_TIME + 2_000_000],
  [`created <= ${BASE_TIME + 5_000}`, (r) => r.startTime <= BASE_TIME + 5_000],
  [`attributes.end_time < ${BASE_TIME + 100_000}`, (r) => r.endTime !== null && r.endTime < BASE_TIME + 100_000],
  ["attributes.user_id = 'alice'", (r) => r.user === 'alice'],
  ["attributes.run_id IN ('0000000000000000000000000000000a', '00000000000000000000000000000010')", (r) => r.uuid === '0000000000000000000000000000000a' || r.uuid === '00000000000000000000000000000010'],
  ["attributes.experiment = 'sweep-b'", (r) => r.experiment === 'sweep-b'],
  ['metrics.loss IN (0.5, 1.3)', (r) => last(r, 'loss') === 0.5 || last(r, 'loss') === 1.3],
  ['max(metrics.val_auc) > 0.95', (r) => gt(extreme(r, 'val_auc', Math.max), 0.95)],
  ['min(metrics.val_auc) < 0.31', (r) => { const v = extreme(r, 'val_auc', Math.min); return v !== null && v < 0.31; }],
  ['best(metrics.loss) < 0.55', (r) => { const v = extreme(r, 'loss', Math.min); return v !== null && v < 0.55; }],
  ['best(metrics.val_auc) >= 0.99', (r) => { const v = extreme(r, 'val_auc', Math.max); return v !== null && v >= 0.99; }],
  // A NaN last value matches neither a comparison nor its negation.
  ['metrics.val_auc IS NOT NULL and not metrics.val_auc > 0', () => false],
  ['metrics.val_auc IS NOT NULL and not metrics.val_auc > 0.7', (r) => last(r, 'val_auc') !== null && last(r, 'val_auc')! <= 0.7],
  ['metrics.nothing > 0', () => false],
  ["params.lr = '0.01' OR params.lr = '0.1' AND tags.dataset = 'v1-raw'", (r) => r.params.lr === '0.01' || (r.params.lr === '0.1' && r.tags.dataset === 'v1-raw')],
  ["tags.dataset = '''; DROP TABLE runs; --'", () => false],
  ["tags.`x') OR 1=1 --` = 'a'", () => false],
  ["params.lr = '0.01' or tags.`dataset` = 'v1-raw'", (r) => r.params.lr === '0.01' || r.tags.dataset === 'v1-raw'],
  ['attributes.starred = true', (r) => r.tags['ml_lifecycle.starred'] === 'true'],
  ['starred = FALSE and params.lr = \'0.1\'', (r) => r.tags['ml_lifecycle.starred'] !== 'true' && r.params.lr === '0.1'],
  ['attributes.starred != true or status = \'FAILED\'', (r) => r.tags['ml_lifecycle.starred'] !== 'true' || r.status === 'FAILED'],
  ["tags.`ml_lifecycle.starred` = 'false'", (r) => r.tags['ml_lifecycle.starred'] === 'false'],
];

/** Filter, the 1-based column of the error, and what the reason says. */
export const ERRORS: [string, number, RegExp][] = [
  ['metrics.auc >', 14, /end of the filter/],
  ['metrics.auc > 0.9 and', 22, /end of the filter/],
  ["params.lr = '0.01", 13, /not closed/],
  ['metrics.auc > 0.9 params.lr', 19, /AND or OR/],
  ['(metrics.auc > 0.9', 19, /'\)'/],
  ['metrics.auc >> 1', 14, /quoted value|number/],
  ['metrics.auc ! 1', 13, /"!"/],
  ['foo.auc > 1', 1, /not a kind of column/],
  ['bogus = 1', 1, /not a run attribute/],
  ["datasets.name = 'x'", 1, /dataset/],
  ["attributes.artifact_uri = 'x'", 1, /artifact/],
  ["metrics.auc = 'high'", 15, /is a number/],
  ["params.lr > '0.01'", 13, /without quotes/],
  ["params.opt > 'adam'", 14, /is text/],
  ['status = 1', 10, /quote the value/],
  ["metrics.auc LIKE 'a%'", 13, /is a number/],
  ["params.x IN ('a', 1)", 19, /mixes/],
  ['median(metrics.auc) > 1', 1, /median/],
  ['max(params.lr) > 1', 5, /metrics only/],
  ['metrics. > 1', 1, /names no key/],
  ["attributes.starred = 'yes'", 22, /true or false; write attributes.starred = true/],
  ['attributes.starred > true', 20, /compare it with = or !=/],
  ['starred IN (true, 1)', 19, /mixes true\/false/],
  ['params.lr = true', 13, /only compares with a yes\/no attribute/],
  ['metrics.auc = false', 15, /only compares with a yes\/no attribute/],
];
