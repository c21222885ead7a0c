/**
 * Real TensorBoard writers and TensorBoard's own loader as the oracle: write_logdir.py writes
 * logdirs with tensorboardX and tensorboard.summary.Writer; oracle.py prints what TensorBoard's
 * EventMultiplexer (an EventAccumulator per run, no sampling) reads back. Cached per process.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PythonEnv } from '../../../support/pythonEnv.ts';

const HERE = import.meta.dirname;
export const WRITE_LOGDIR = path.join(HERE, 'write_logdir.py');
const ORACLE = path.join(HERE, 'oracle.py');

/** A float as oracle.py prints it: JSON has no NaN or infinities. */
export type OracleFloat = number | 'NaN' | 'Infinity' | '-Infinity';

export interface OracleRun {
  /** tag -> [step, wall time in seconds, value], in the order TensorBoard holds them. */
  scalars: Record<string, [number, number, OracleFloat][]>;
  /** tag -> the last text written. */
  texts: Record<string, string>;
  params: Record<string, number | string>;
  /** The hparams session's end (STATUS_SUCCESS...), if written. */
  status: string | null;
  counts: { histograms: number; images: number; audio: number };
  otherPlugins: Record<string, number>;
}

export type Oracle = Record<string, OracleRun>;

export interface DamagedFile {
  file: string;
  offset: number;
  record?: number;
  next?: number;
  lostRecords?: number;
}

export interface Manifest {
  logdir: string;
  damagedLogdir: string;
  damaged: { truncated: DamagedFile; bad_data_crc: DamagedFile; bad_length_crc: DamagedFile; not_tfrecord: DamagedFile };
  steps: number;
}

export function oracleFloat(value: OracleFloat): number {
  return typeof value === 'number' ? value : Number(value);
}

function python(env: PythonEnv, args: string[]): string {
  const done = spawnSync(env.python!, args, { encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
  if (done.status !== 0) throw new Error(`${path.basename(args[0]!)} failed:\n${done.stderr}`);
  return done.stdout;
}

/** What TensorBoard reads from `logdir`. */
export function readOracle(env: PythonEnv, logdir: string): Oracle {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mll-tb-oracle-')), 'oracle.json');
  python(env, [ORACLE, logdir, out]);
  const oracle = JSON.parse(fs.readFileSync(out, 'utf8')) as Oracle;
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  return oracle;
}

/** Writes logdirs with the real writers into `dir`; `steps` for the long tensorboardX run. */
export function writeLogdirs(env: PythonEnv, dir: string, steps?: number): Manifest {
  const stdout = python(env, [WRITE_LOGDIR, dir, ...(steps ? [String(steps)] : [])]);
  return JSON.parse(stdout.trim().split('\n').pop()!) as Manifest;
}

let cached: { manifest: Manifest; oracle: Oracle; damagedOracle: Oracle } | undefined;

/** The logdirs of write_logdir.py (100,000 steps) and TensorBoard's reading of them, once per process. */
export function realLogdirs(env: PythonEnv): { manifest: Manifest; oracle: Oracle; damagedOracle: Oracle } {
  if (!cached) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-tb-logdirs-'));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const manifest = writeLogdirs(env, dir);
    cached = { manifest, oracle: readOracle(env, manifest.logdir), damagedOracle: readOracle(env, manifest.damagedLogdir) };
  }
  return cached;
}
