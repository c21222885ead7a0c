import * as fs from 'node:fs';
import * as path from 'node:path';

/** The input is not a logdir; the message is the one-line reason for the user. */
export class NotLogdirError extends Error {
  override readonly name = 'NotLogdirError';
}

/** One event file of a run, and the prefix its keys get when train/validation are merged. */
export interface EventFile {
  path: string;
  /** Its path below the run's folder, with '/' separators: the key of its read offset in the store. */
  name: string;
  keyPrefix: string;
}

/** A run as TensorBoard shows it: a folder holding event files, named by its path below the logdir. */
export interface TensorBoardRun {
  /** '.' for event files directly in the logdir, as TensorBoard names it. */
  name: string;
  dir: string;
  files: EventFile[];
}

/** Sub-folders that Keras (and others) write beside each other for one training run. */
export const MERGED_SPLITS = ['train', 'validation'] as const;

/** TensorBoard's test for an event file: "tfevents" in its name. */
export function isEventFile(name: string): boolean {
  return name.includes('tfevents');
}

/** Folders under `logdir` (itself included) that hold event files, each with its event files in name order. */
function eventFolders(logdir: string): Map<string, string[]> {
  const folders = new Map<string, string[]>();
  const entries = fs.readdirSync(logdir, { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    if (!entry.isFile() || !isEventFile(entry.name)) continue;
    const dir = path.relative(logdir, entry.parentPath).split(path.sep).join('/') || '.';
    const files = folders.get(dir);
    if (files) files.push(entry.name);
    else folders.set(dir, [entry.name]);
  }
  for (const files of folders.values()) files.sort();
  return folders;
}

/**
 * The runs under `logdir`, by name. With `mergeSplits`, a folder's `train` and `validation`
 * sub-folders join it as one run whose keys start with `train/` and `validation/`.
 * Throws NotLogdirError when `logdir` is not a folder or holds no event file.
 */
export function discoverRuns(logdir: string, options: { mergeSplits?: boolean } = {}): TensorBoardRun[] {
  const root = path.resolve(logdir);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new NotLogdirError(`${root} does not exist.`);
  }
  if (!stat.isDirectory()) throw new NotLogdirError(`${root} is not a TensorBoard logdir: it is a file; give the folder that holds the event files.`);
  const folders = eventFolders(root);
  if (folders.size === 0) throw new NotLogdirError(`${root} is not a TensorBoard logdir: no event file (events.out.tfevents.*) in it or its sub-folders.`);
  const runs = new Map<string, TensorBoardRun>();
  const runOf = (name: string) => {
    let run = runs.get(name);
    if (!run) runs.set(name, (run = { name, dir: name === '.' ? root : path.join(root, ...name.split('/')), files: [] }));
    return run;
  };
  for (const [dir, names] of [...folders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const split = MERGED_SPLITS.find((s) => dir === s || dir.endsWith(`/${s}`));
    const parent = split ? (dir === split ? '.' : dir.slice(0, -split.length - 1)) : undefined;
    const run = options.mergeSplits && split && parent !== undefined ? runOf(parent) : runOf(dir);
    const prefix = run.name === dir ? '' : `${split}/`;
    for (const name of names) run.files.push({ path: path.join(root, ...(dir === '.' ? [] : dir.split('/')), name), name: prefix + name, keyPrefix: prefix });
  }
  return [...runs.values()];
}
