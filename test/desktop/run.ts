/**
 * `npm run test:desktop`: the mocha suite in test/desktop/suite/ inside VS Code desktop's
 * extension host (@vscode/test-electron), with the demo workspace open.
 *
 * Which VS Code:
 * - VSCODE_EXECUTABLE=/path/to/code   a VS Code binary already on the machine;
 * - otherwise @vscode/test-electron downloads one (VSCODE_VERSION, default "stable") into
 *   .e2e/vscode-test/. Where that download is impossible (a closed network), nothing is tested:
 *   the script says so on a line starting "desktop tests: NOT RUN" and exits with code 78, which
 *   no caller may count as a pass.
 *
 * Exit codes: 0 all passed; 1 a test failed or VS Code crashed; 78 not run.
 * On Linux the tests need a display: run under `xvfb-run -a npm run test:desktop` on a headless box.
 */
import { build } from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { createDemoWorkspace } from '../e2e/demoData.ts';

export const NOT_RUN_EXIT_CODE = 78;

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SUITE_SRC = path.join(REPO, 'test', 'desktop', 'suite');
const SUITE_OUT = path.join(REPO, 'dist', 'test', 'desktop');
const CACHE = path.join(REPO, '.e2e', 'vscode-test');

function notRun(reason: string): never {
  console.log(`desktop tests: NOT RUN — ${reason}`);
  console.log('desktop tests: set VSCODE_EXECUTABLE to a VS Code desktop binary, or run where VS Code can be downloaded (see .github/workflows/desktop.yml).');
  process.exit(NOT_RUN_EXIT_CODE);
}

/** Bundles the suite to CommonJS files that the extension host can require. */
async function bundleSuite(): Promise<string> {
  fs.rmSync(SUITE_OUT, { recursive: true, force: true });
  const entries = fs.readdirSync(SUITE_SRC).filter((name) => name === 'index.ts' || name.endsWith('.test.ts'));
  const mochaCjs = path.join(REPO, 'node_modules', 'mocha', 'lib', 'mocha.cjs');
  await build({
    entryPoints: entries.map((name) => path.join(SUITE_SRC, name)),
    outdir: SUITE_OUT,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'better-sqlite3'],
    logLevel: 'warning',
    plugins: [
      {
        // mocha's package entry is ESM; its CommonJS build loads in any extension host.
        name: 'mocha-cjs',
        setup(b) {
          b.onResolve({ filter: /^mocha$/ }, () => ({ path: mochaCjs, external: true }));
        },
      },
    ],
  });
  return path.join(SUITE_OUT, 'index.cjs');
}

async function vscodeExecutable(): Promise<string> {
  const given = process.env.VSCODE_EXECUTABLE?.trim();
  if (given) {
    if (!fs.existsSync(given)) notRun(`VSCODE_EXECUTABLE=${given} does not exist`);
    return given;
  }
  const version = process.env.VSCODE_VERSION?.trim() || 'stable';
  try {
    return await downloadAndUnzipVSCode({ version, cachePath: CACHE, timeout: 30_000 });
  } catch (error) {
    notRun(`VS Code desktop ${version} could not be downloaded (${(error as Error).message.split('\n')[0]})`);
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(REPO, 'dist', 'extension.cjs'))) {
    console.error('desktop tests: dist/extension.cjs is missing; run `npm run build` (npm run test:desktop does).');
    process.exit(1);
  }
  const executable = await vscodeExecutable();
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.log('desktop tests: no DISPLAY; if VS Code fails to start, run under `xvfb-run -a npm run test:desktop`.');
  }
  const extensionTestsPath = await bundleSuite();
  const workspace = await createDemoWorkspace({ steps: 100 });
  const userDataDir = fs.mkdtempSync(path.join(CACHE, 'user-data-'));
  console.log(`desktop tests: VS Code ${executable}\ndesktop tests: workspace ${workspace}`);
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: REPO,
      extensionTestsPath,
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-gpu',
        '--user-data-dir',
        userDataDir,
      ],
      extensionTestsEnv: { ML_LIFECYCLE_STORE: '' },
    });
    console.log('desktop tests: passed');
    fs.rmSync(userDataDir, { recursive: true, force: true });
  } catch (error) {
    console.error(`desktop tests: FAILED — ${(error as Error).message}`);
    console.error(`desktop tests: VS Code's logs are kept in ${path.join(userDataDir, 'logs')}`);
    process.exitCode = 1;
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

fs.mkdirSync(CACHE, { recursive: true });
await main();
