/**
 * python/ml_lifecycle.py carries a copy of the store schema (src/store/migrations.ts MIGRATIONS) and
 * of MARK_DIRTY_SQL, so it can create a store on its own. After a schema change, regenerate it:
 *
 *   ./node_modules/.bin/node test/unit/logging/syncPythonSchema.ts
 *
 * test/unit/logging/schema.test.ts fails until the copy matches.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MARK_DIRTY_SQL } from '../../../src/store/metricBlocks.ts';
import { MIGRATIONS } from '../../../src/store/migrations.ts';

export const PYTHON_LOGGER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'python', 'ml_lifecycle.py');
const BEGIN = '# BEGIN GENERATED SCHEMA\n';
const END = '# END GENERATED SCHEMA\n';

/** The Python text between the markers, generated from the TypeScript strings. */
export function generatedSchema(): string {
  const migrations = MIGRATIONS.map((sql, index) => {
    if (sql.includes('"""') || sql.includes('\\')) throw new Error(`Migration ${index + 1} contains """ or a backslash; extend the generator to escape it.`);
    return `    """${sql}""",\n`;
  });
  return `MIGRATIONS = [\n${migrations.join('')}]\n\nMARK_DIRTY_SQL = ${JSON.stringify(MARK_DIRTY_SQL)}\n`;
}

/** The text currently between the markers in python/ml_lifecycle.py. */
export function currentSchema(source: string = fs.readFileSync(PYTHON_LOGGER, 'utf8')): string {
  const start = source.indexOf(BEGIN);
  const end = source.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${PYTHON_LOGGER} lost its "${BEGIN.trim()}" / "${END.trim()}" markers.`);
  return source.slice(start + BEGIN.length, end);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const source = fs.readFileSync(PYTHON_LOGGER, 'utf8');
  const updated = source.replace(currentSchema(source), generatedSchema());
  if (updated === source) console.log(`${PYTHON_LOGGER} is up to date.`);
  else {
    fs.writeFileSync(PYTHON_LOGGER, updated);
    console.log(`Updated the schema copy in ${PYTHON_LOGGER}.`);
  }
}
