import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';
import { openStore, type Store } from '../../src/store/database.ts';

/** A fresh folder under the OS temp dir, removed when the test file ends. */
export function tempDir(prefix = 'mll-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A real store file in a temp workspace: `<dir>/.ml-lifecycle/store.sqlite`. */
export function tempStore(): Store & { dir: string } {
  const dir = tempDir();
  const store = openStore(path.join(dir, '.ml-lifecycle', 'store.sqlite'), { create: true });
  after(() => store.db.open && store.close());
  return Object.assign(store, { dir });
}
