// Drift check on a generated 1,000,000 rows x 20 columns CSV pair, streamed. Each check runs in a
// child process so its peak RSS is its own; a 100,000-row pair runs beside it to show that memory
// does not grow with the file. The files are generated once into the OS temp folder and reused.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { report } from './format.ts';
import { seededRandom } from '../../src/shared/random.ts';
import { ROOT, pythonEnv } from '../support/pythonEnv.ts';

const SELF = fileURLToPath(import.meta.url);
const NUMERIC = 15;
const CATEGORICAL = 5;
const PLANS = ['basic', 'plus', 'pro', 'team', 'enterprise', 'trial', 'student', 'legacy'];

/** Writes `rows` rows unless a complete file from an earlier run is there; returns its path. */
export async function generate(rows: number, side: 'reference' | 'current'): Promise<string> {
  const file = path.join(os.tmpdir(), `ml-lifecycle-drift-bench-v1-${rows}-${side}.csv`);
  const done = `${file}.complete`;
  if (fs.existsSync(done) && fs.existsSync(file)) return file;
  const random = seededRandom(side === 'reference' ? 12345 : 67890);
  // The current side drifts in a few columns: a shifted mean, a wider spread, a new category mix.
  const shift = (j: number) => (side === 'current' && j % 5 === 0 ? 0.3 : 0);
  const spread = (j: number) => (side === 'current' && j % 7 === 1 ? 1.5 : 1);
  const header = [...Array.from({ length: NUMERIC }, (_, j) => `num_${j}`), ...Array.from({ length: CATEGORICAL }, (_, j) => `cat_${j}`)].join(',');
  const out = fs.createWriteStream(`${file}.partial`);
  let buffer = `${header}\n`;
  for (let i = 0; i < rows; i++) {
    const cells: string[] = [];
    for (let j = 0; j < NUMERIC; j++) {
      const gaussian = (random() + random() + random() + random() - 2) * 1.7;
      cells.push(((gaussian * spread(j) + shift(j)) * (j + 1) * 10 + 100).toFixed(3));
    }
    for (let j = 0; j < CATEGORICAL; j++) {
      const skew = side === 'current' && j === 0 ? 0.6 : 1;
      cells.push(PLANS[Math.floor(random() ** skew * PLANS.length)]!);
    }
    buffer += `${cells.join(',')}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      buffer = '';
    }
  }
  await new Promise<void>((resolve, reject) => out.end(buffer, () => resolve()).on('error', reject));
  fs.renameSync(`${file}.partial`, file);
  fs.writeFileSync(done, '');
  return file;
}

interface ChildResult {
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  /** Largest JS heap in use, sampled every 50 ms: the live data, without the runtime's own footprint. */
  peakHeapMb: number;
  verdict: string;
  worstPsi: number;
  exactKs: boolean;
}

function measure(reference: string, current: string): ChildResult {
  const child = spawnSync(process.execPath, [SELF, 'child', reference, current], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`drift bench child failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as ChildResult;
}

export async function run(): Promise<void> {
  const small = { reference: await generate(100_000, 'reference'), current: await generate(100_000, 'current') };
  const large = { reference: await generate(1_000_000, 'reference'), current: await generate(1_000_000, 'current') };
  const smallResult = measure(small.reference, small.current);
  const largeResult = measure(large.reference, large.current);
  const inputMb = (fs.statSync(large.reference).size + fs.statSync(large.current).size) / 1024 / 1024;
  process.stderr.write(`# drift 1Mx20: verdict ${largeResult.verdict}, worst PSI ${largeResult.worstPsi.toFixed(3)}, KS ${largeResult.exactKs ? 'exact' : 'binned'}\n`);
  const pandas = pandasDrift(large.reference, large.current);
  if (pandas) process.stderr.write(`# pandas 1Mx20: worst PSI ${pandas.worstPsi.toFixed(3)} (ours ${largeResult.worstPsi.toFixed(3)})\n`);
  const peer = (what: string, value: number | undefined) => (pandas && value !== undefined ? { value, name: `${PANDAS}${what}` } : undefined);
  report('drift.1Mx20', largeResult.seconds, 's', peer('', pandas?.seconds));
  report('drift.1Mx20.cpu', largeResult.cpuSeconds, 's', peer('.cpu', pandas?.cpuSeconds));
  // Rows read (both files) per CPU second: steadier than wall time on a shared machine.
  report('drift.1Mx20.rows_per_cpu_s', 2_000_000 / largeResult.cpuSeconds, 'rows/s', peer('.rows_per_cpu_s', pandas && 2_000_000 / pandas.cpuSeconds));
  report('drift.1Mx20.input', inputMb, 'MB');
  report('drift.1Mx20.peak_rss', largeResult.maxRssMb, 'MB', { value: smallResult.maxRssMb, name: 'drift.100kx20.peak_rss' });
  if (pandas) report('drift.1Mx20.peak_rss', largeResult.maxRssMb, 'MB', { value: pandas.maxRssMb, name: `${PANDAS}.peak_rss` });
  report('drift.1Mx20.peak_heap', largeResult.peakHeapMb, 'MB', { value: smallResult.peakHeapMb, name: 'drift.100kx20.peak_heap' });
  report('drift.1Mx20.peak_rss_per_input', largeResult.maxRssMb / inputMb, 'MB/MB');
}

/** pandas read_csv + SciPy ks_2samp + NumPy PSI. */
const PANDAS = 'pandas-scipy';

/** The same check the way a Python user writes it today (python/testenv/pydata.txt), or undefined with the reason on stderr. */
function pandasDrift(reference: string, current: string): { seconds: number; cpuSeconds: number; maxRssMb: number; worstPsi: number } | undefined {
  const pydata = pythonEnv('pydata');
  if (!pydata.python) {
    process.stderr.write(`# drift beside pandas skipped: ${pydata.skip}\n`);
    return undefined;
  }
  const done = spawnSync(pydata.python, [path.join(ROOT, 'test', 'bench', 'python', 'drift_pandas.py'), reference, current], { encoding: 'utf8' });
  if (done.status !== 0) throw new Error(`drift_pandas.py failed (${done.status}): ${done.stderr}`);
  return JSON.parse(done.stdout.trim().split('\n').pop()!);
}

async function child(reference: string, current: string): Promise<void> {
  const { checkDrift } = await import('../../src/monitoring/drift.ts');
  let peakHeap = 0;
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 50);
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const result = await checkDrift(reference, current);
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  const output: ChildResult = {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    peakHeapMb: peakHeap / 1024 / 1024,
    verdict: result.verdict,
    worstPsi: result.worstPsi ?? 0,
    exactKs: result.columns.every((c) => c.ks?.exact !== false),
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

if (process.argv[1] === SELF && process.argv[2] === 'child') await child(process.argv[3]!, process.argv[4]!);
else if (process.argv[1] === SELF) await run();
