// Runs every test/bench/*.bench.ts in turn. Each prints `BENCH <name> value=<n> unit=<u>` lines,
// with ` ratio=<r> vs=<baseline>` where a baseline was measured beside it in the same run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = path.dirname(new URL(import.meta.url).pathname);
const only = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
for (const file of files) {
  process.stderr.write(`# ${file}\n`);
  const bench = (await import(pathToFileURL(path.join(dir, file)).href)) as { run(): void | Promise<void> };
  await bench.run();
}
