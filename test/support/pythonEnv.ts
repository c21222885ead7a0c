/**
 * The Python environments that python/testenv/setup.sh installs (real MLflow, TensorBoard...), for
 * tests and benchmarks that use a real tool as the writer or the oracle.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VENVS = path.join(ROOT, 'python', '.venvs');

export interface PythonEnv {
  name: string;
  /** The environment's interpreter, when it is installed. */
  python: string | undefined;
  /** For node:test's `skip` option: false when installed, else the reason, naming the command to run. */
  skip: string | false;
}

/**
 * The environment `name` (a file python/testenv/<name>.txt). A missing one is a visible skip on a
 * laptop; on CI (CI=true) it throws, because CI must show these tests passing.
 */
export function pythonEnv(name: string): PythonEnv {
  const python = path.join(VENVS, name, 'bin', 'python');
  if (fs.existsSync(python)) return { name, python, skip: false };
  const reason = `needs the "${name}" Python environment: run "bash python/testenv/setup.sh ${name}" (python/.venvs/${name} is missing)`;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`CI: ${reason}`);
  return { name, python: undefined, skip: reason };
}
