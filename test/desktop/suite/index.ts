/**
 * Mocha entry point that VS Code desktop loads in its extension host (`extensionTestsPath`).
 * test/desktop/run.ts bundles this file and every `*.test.ts` beside it to dist/test/desktop/.
 */
import Mocha from 'mocha';
import * as fs from 'node:fs';
import * as path from 'node:path';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const dir = __dirname;
  for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.test.cjs')).sort()) {
    mocha.addFile(path.join(dir, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      if (failures > 0) reject(new Error(`${failures} desktop test(s) failed`));
      else resolve();
    });
  });
}
