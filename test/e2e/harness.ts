/**
 * End-to-end harness: a real VS Code (code-server) with the packaged extension, driven in Debian's
 * Chromium by playwright-core. Used by `npm run test:e2e` (test/e2e/*.e2e.ts) and `npm run demo`.
 *
 * Typical test file (node:test, run one file at a time):
 *
 *   import assert from 'node:assert/strict';
 *   import { after, before, describe, test } from 'node:test';
 *   import { startSession, type Session } from './harness.ts';
 *   import { createDemoWorkspace } from './demoData.ts';
 *
 *   describe('my screen', () => {
 *     let s: Session;
 *     before(async () => { s = await startSession({ workspace: await createDemoWorkspace() }); });
 *     after(async () => { await s?.stop(); });           // always stops code-server and Chromium
 *     test('shows it', async () => {
 *       const wb = s.workbench;
 *       await wb.openContainer();                           // the "ML Lifecycle" activity-bar item
 *       await wb.expandTreeItem('Experiments', 'churn-baseline');
 *       assert.ok((await wb.treeLabels('Experiments')).includes('mlp-128'));
 *       await wb.runCommand('ML Lifecycle: Refresh');     // through the F1 command palette
 *       await wb.captureThemes('sidebar');                  // test-results/screenshots/sidebar-{light,dark}.png
 *     });
 *   });
 *
 * The demo workspace's names (experiments, runs, model, framing) are exported by demoData.ts;
 * createEmptyWorkspace() gives a folder without a store. Store assertions: open
 * demoStorePath(workspace) with better-sqlite3 (readonly) after the UI step has finished.
 *
 * What is here:
 * - startSession(options) -> Session { server, browser, workbench, stop() }: the whole stack.
 *   startCodeServer / launchBrowser / openWorkbench are the same pieces one by one.
 * - Workbench (a Playwright Page wrapper):
 *   - goto(url), openFolder(dir): load the workbench (again), e.g. on another folder
 *   - openContainer(), viewTitles(), viewPane(title), expandView(title), welcomeText(title)
 *   - treeRows(view) / treeLabels(view) / treeRow(view, label) / expandTreeItem(view, label)
 *     / selectTreeItem(view, label) / contextMenu(row, itemLabel)
 *   - runCommand(title), quickPick(label), quickPickMany(labels), quickPickItems(), quickInput(text)
 *   - notifications(), waitForNotification(pattern), clearNotifications()
 *   - dialogMessage(), confirmDialog(button)
 *   - webview(options): FrameLocator of a webview's inner #active-frame
 *   - setTheme('light' | 'dark' | 'high-contrast'), screenshot(screen), captureThemes(screen[, themes])
 * - waitUntil(check, message), sleep(ms), freePort(): polling helpers
 * - screenshotOnFailure(session, t) in afterEach: test-results/failures/<test>.png
 * - ensureCodeServer(): installs code-server and its Node 24 into .e2e/ (git-ignored) on first
 *   use; needs Debian's libkrb5-dev, python3, make and g++ for code-server's native modules.
 *
 * Environment:
 * - ML_E2E_CACHE       where code-server is installed (default: <repo>/.e2e)
 * - ML_E2E_CHROMIUM    the Chromium binary (default: /usr/bin/chromium)
 * - ML_E2E_VSIX        the VSIX to install (default: dist/ml-lifecycle.vsix, which `npm run package` makes)
 * - ML_E2E_HEADED=1    show the browser (needs a display)
 * - ML_E2E_KEEP=1      keep the temporary user-data/extensions folders (and logs) after stop(), and the demo workspaces
 * - ML_E2E_DEBUG=1     print the extension host's log when a session fails to start
 *
 * Everything listens on 127.0.0.1 only. Each session gets its own user-data and extensions folders
 * and a free port, so sessions never share state.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VSIX_PATH = process.env.ML_E2E_VSIX ? path.resolve(process.env.ML_E2E_VSIX) : path.join(REPO_ROOT, 'dist', 'ml-lifecycle.vsix');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results', 'screenshots');
export const CODE_SERVER_VERSION = '4.139.1';
const NODE_MAJOR = '24';
const CACHE_DIR = process.env.ML_E2E_CACHE ? path.resolve(process.env.ML_E2E_CACHE) : path.join(REPO_ROOT, '.e2e');
const CHROMIUM = process.env.ML_E2E_CHROMIUM ?? '/usr/bin/chromium';

export type Theme = 'light' | 'dark' | 'high-contrast';
/** The themes captureThemes() shoots by default. */
export const THEMES: readonly Theme[] = ['light', 'dark'];
/**
 * Theme ids (and labels in the Color Theme picker) as code-server CODE_SERVER_VERSION knows them.
 * Older VS Code called the first two "Default Light Modern" / "Default Dark Modern"; this one
 * migrates those names in the settings file at start.
 */
export const THEME_NAMES: Record<Theme, string> = { light: 'Light Modern', dark: 'Dark Modern', 'high-contrast': 'Dark High Contrast' };
const THEME_CLASSES: Record<Theme, string> = { light: 'vs', dark: 'vs-dark', 'high-contrast': 'hc-black' };

/** Settings every session starts with; `StartOptions.settings` is merged over them. */
export const BASE_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': 'off',
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'editor.accessibilitySupport': 'off',
};

// ---------------------------------------------------------------------------------------------
// Installing code-server

export interface CodeServerInstall {
  /** Node 24 binary that runs code-server. */
  node: string;
  /** code-server's entry script (run as `node entry.js ...`). */
  entry: string;
}

/**
 * Returns the installed code-server, installing it into the cache folder first if needed:
 * `<cache>/node24` holds the `node@24` npm package (binary and headers), `<cache>/code-server`
 * holds `code-server@CODE_SERVER_VERSION`, whose native modules are built against those headers.
 * A lock folder keeps two processes (say a demo and a test run) from installing at once.
 */
export async function ensureCodeServer(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<CodeServerInstall> {
  const nodeDir = path.join(CACHE_DIR, 'node24');
  const csDir = path.join(CACHE_DIR, 'code-server');
  const marker = path.join(csDir, `.installed-${CODE_SERVER_VERSION}`);
  const nodeRoot = path.join(nodeDir, 'node_modules', 'node', 'node_modules', `node-${process.platform}-${process.arch}`);
  const install: CodeServerInstall = {
    node: path.join(nodeRoot, 'bin', 'node'),
    entry: path.join(csDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
  if (fs.existsSync(marker) && fs.existsSync(install.node) && fs.existsSync(install.entry)) return install;

  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const release = await lock(path.join(CACHE_DIR, 'install.lock'));
  try {
    if (fs.existsSync(marker) && fs.existsSync(install.node) && fs.existsSync(install.entry)) return install;
    checkBuildPrerequisites();
    const logFile = path.join(CACHE_DIR, 'install.log');
    fs.writeFileSync(logFile, '');
    log(`e2e: installing code-server ${CODE_SERVER_VERSION} with Node ${NODE_MAJOR} into ${CACHE_DIR} (first use only, about 4 minutes; log: ${logFile})`);

    if (!fs.existsSync(install.node)) {
      fs.mkdirSync(nodeDir, { recursive: true });
      writeJson(path.join(nodeDir, 'package.json'), {
        name: 'ml-lifecycle-e2e-node',
        private: true,
        dependencies: { node: `^${NODE_MAJOR}` },
        allowScripts: { node: true },
      });
      await npmInstall(nodeDir, cleanEnv(), logFile);
      if (!fs.existsSync(install.node)) throw new Error(`e2e: the node@${NODE_MAJOR} package did not leave a binary at ${install.node}; see ${logFile}`);
    }

    fs.rmSync(path.join(csDir, 'node_modules'), { recursive: true, force: true });
    fs.mkdirSync(csDir, { recursive: true });
    writeJson(path.join(csDir, 'package.json'), {
      name: 'ml-lifecycle-e2e-code-server',
      private: true,
      dependencies: { 'code-server': CODE_SERVER_VERSION },
      // argon2 ships prebuilds; code-server's own postinstall builds VS Code's native modules.
      allowScripts: { 'code-server': true, argon2: false },
    });
    const env = cleanEnv();
    env.PATH = `${path.dirname(install.node)}${path.delimiter}${env.PATH ?? ''}`;
    env.npm_config_nodedir = nodeRoot; // build native modules against Node 24's headers
    await npmInstall(csDir, env, logFile);
    if (!fs.existsSync(install.entry)) throw new Error(`e2e: code-server did not install (no ${install.entry}); see ${logFile}`);
    fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
    log('e2e: code-server installed');
    return install;
  } finally {
    release();
  }
}

/** Every Debian package the demo and the e2e suite need, for one install line (README: Two commands). */
export const SYSTEM_PACKAGES_LINE = 'sudo apt-get install -y libkrb5-dev python3 make g++ chromium';

function checkBuildPrerequisites(): void {
  const missing: string[] = [];
  if (process.platform === 'linux' && !fs.existsSync('/usr/include/gssapi/gssapi.h') && !fs.existsSync('/usr/include/krb5.h')) missing.push('libkrb5-dev');
  for (const tool of ['python3', 'make', 'g++']) {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0) missing.push(tool);
  }
  if (missing.length > 0) {
    throw new Error(`e2e: code-server's native modules need ${missing.join(', ')}, which this machine lacks. On Debian or Ubuntu install everything the demo needs with: ${SYSTEM_PACKAGES_LINE}`);
  }
}

/** The environment without npm's per-script variables, so a nested npm sees only its own folder. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key)) env[key] = value;
  }
  return env;
}

function npmInstall(cwd: string, env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  const out = fs.openSync(logFile, 'a');
  return new Promise((resolve, reject) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd, env, stdio: ['ignore', out, out] });
    child.on('error', reject);
    child.on('exit', (code) => {
      fs.closeSync(out);
      if (code === 0) resolve();
      else reject(new Error(`e2e: npm install in ${cwd} failed with exit code ${code}; see ${logFile}`));
    });
  });
}

async function lock(dir: string): Promise<() => void> {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
      return () => fs.rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readText(path.join(dir, 'pid')));
      if (owner > 0 && !isAlive(owner)) {
        fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`e2e: gave up waiting for the install lock ${dir}`, { cause: error });
      await sleep(1000);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// code-server

export interface StartOptions {
  /** The folder to open. It is used as is (the harness never deletes it). */
  workspace: string;
  /** VSIX to install; default VSIX_PATH (dist/ml-lifecycle.vsix). `null` starts VS Code without the extension. */
  vsix?: string | null;
  /** Initial color theme; default light. */
  theme?: Theme;
  /** User settings merged over BASE_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host. */
  env?: Record<string, string>;
  /** Fixed port; default a free one. */
  port?: number;
  /** Turn workspace trust on, so the folder opens in Restricted Mode (untrusted) without asking. */
  restricted?: boolean;
}

export interface CodeServer {
  /** The URL that opens the workspace, e.g. http://127.0.0.1:41234/?folder=/tmp/ws */
  readonly url: string;
  readonly port: number;
  readonly workspace: string;
  /** The URL that opens another folder in this server. */
  urlFor(folder: string): string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** The user settings file; writing it changes settings live. */
  readonly settingsFile: string;
  /** code-server's own output. */
  readonly logFile: string;
  /**
   * Merges `settings` into the user settings file. code-server notices the change by itself, but
   * only after several seconds: wait for its effect, or reload (Workbench.goto) before relying on it.
   */
  updateSettings(settings: Record<string, unknown>): void;
  /** The extension host's and extensions' log files, concatenated (for failure reports). */
  extensionLogs(): string;
  /** Stops code-server and every process it started. Safe to call twice. */
  stop(): Promise<void>;
}

const liveGroups = new Set<number>();
process.on('exit', () => {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});

export async function startCodeServer(options: StartOptions): Promise<CodeServer> {
  const install = await ensureCodeServer();
  const workspace = path.resolve(options.workspace);
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-e2e-'));
  const userDataDir = path.join(base, 'user-data');
  const extensionsDir = path.join(base, 'extensions');
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  const logFile = path.join(base, 'code-server.log');
  const configFile = path.join(base, 'config.yaml');
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
  const trust = options.restricted ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' } : {};
  writeJson(settingsFile, { ...BASE_SETTINGS, ...trust, 'workbench.colorTheme': THEME_NAMES[options.theme ?? 'light'], ...options.settings });

  const env: NodeJS.ProcessEnv = {
    ...cleanEnv(),
    ...options.env,
    PATH: `${path.dirname(install.node)}${path.delimiter}${process.env.PATH ?? ''}`,
    // No gallery is reachable here; an empty one keeps code-server from trying.
    EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: '', itemUrl: '', resourceUrlTemplate: '' }),
  };
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  const cleanup = (): void => {
    if (process.env.ML_E2E_KEEP !== '1') fs.rmSync(base, { recursive: true, force: true });
  };

  try {
    const vsix = options.vsix === undefined ? VSIX_PATH : options.vsix;
    if (vsix !== null) {
      if (!fs.existsSync(vsix)) throw new Error(`e2e: no VSIX at ${vsix}; run \`npm run package\` first`);
      const result = spawnSync(install.node, [install.entry, ...common, '--install-extension', vsix, '--force'], {
        env,
        encoding: 'utf8',
        timeout: 120_000,
      });
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
      if (result.status !== 0 || !/successfully installed/i.test(output)) {
        throw new Error(`e2e: installing ${vsix} into code-server failed (exit ${result.status}):\n${output}`);
      }
    }
  } catch (error) {
    cleanup();
    throw error;
  }

  const port = options.port ?? (await freePort());
  const out = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(
    install.node,
    [
      install.entry,
      ...common,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.restricted ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--ignore-last-opened',
      workspace,
    ],
    { env, stdio: ['ignore', out, out], detached: true },
  );
  fs.closeSync(out);
  const pid = child.pid;
  if (pid === undefined) {
    cleanup();
    throw new Error('e2e: code-server did not start');
  }
  liveGroups.add(pid);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      killGroup(pid, 'SIGTERM');
      const deadline = Date.now() + 5000;
      while (!exited && Date.now() < deadline) await sleep(100);
      killGroup(pid, 'SIGKILL'); // the extension host and watchers are in the same group
      liveGroups.delete(pid);
      cleanup();
    })();
    return stopped;
  };

  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exited) throw new Error(`e2e: code-server exited at start:\n${readText(logFile)}`);
      if (await responds(`http://127.0.0.1:${port}/healthz`)) break;
      if (Date.now() > deadline) throw new Error(`e2e: code-server did not answer on port ${port} within 60 s:\n${readText(logFile)}`);
      await sleep(200);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const urlFor = (folder: string): string => `http://127.0.0.1:${port}/?folder=${encodeURIComponent(path.resolve(folder))}`;
  return {
    url: urlFor(workspace),
    urlFor,
    port,
    workspace,
    userDataDir,
    extensionsDir,
    settingsFile,
    logFile,
    updateSettings(settings) {
      let current: Record<string, unknown>;
      try {
        current = JSON.parse(readText(settingsFile) || '{}') as Record<string, unknown>;
      } catch {
        current = { ...BASE_SETTINGS }; // VS Code left comments in it: start again from the base
      }
      writeJson(settingsFile, { ...current, ...settings });
    },
    extensionLogs() {
      const files = listFiles(path.join(userDataDir, 'logs')).filter((file) => /exthost|ML Lifecycle|ml-lifecycle/i.test(file));
      return files.map((file) => `==> ${path.relative(userDataDir, file)}\n${readText(file)}`).join('\n');
    },
    stop,
  };
}

// ---------------------------------------------------------------------------------------------
// Chromium

/** Debian's Chromium, headless, with the flags this closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`e2e: no Chromium at ${CHROMIUM}; on Debian or Ubuntu: ${SYSTEM_PACKAGES_LINE} (or set ML_E2E_CHROMIUM)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: process.env.ML_E2E_HEADED !== '1',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Opens the workbench of `server` in a new page and waits until it is usable. */
export async function openWorkbench(browser: Browser, server: CodeServer, options: { width?: number; height?: number } = {}): Promise<Workbench> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1440, height: options.height ?? 900 },
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const workbench = new Workbench(page, server);
  await workbench.goto(server.url);
  return workbench;
}

// ---------------------------------------------------------------------------------------------
// The whole stack

export interface Session {
  readonly server: CodeServer;
  readonly browser: Browser;
  readonly workbench: Workbench;
  /** Closes Chromium and stops code-server. Safe to call twice. */
  stop(): Promise<void>;
}

/** code-server with the extension and `workspace`, plus Chromium on it. Cleans up if any step fails. */
export async function startSession(options: StartOptions): Promise<Session> {
  const server = await startCodeServer(options);
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const workbench = await openWorkbench(browser, server);
    const b = browser;
    let stopped: Promise<void> | undefined;
    return {
      server,
      browser: b,
      workbench,
      stop: () => (stopped ??= (async () => {
        await b.close().catch(() => undefined);
        await server.stop();
      })()),
    };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    if (process.env.ML_E2E_DEBUG === '1') process.stderr.write(server.extensionLogs());
    await server.stop();
    throw error;
  }
}

/**
 * For node:test's afterEach: when the test just failed, saves a screenshot to
 * test-results/failures/<test name>.png and prints where it is.
 *
 *   afterEach(async (t) => { await screenshotOnFailure(session, t); });
 */
export async function screenshotOnFailure(session: Session | undefined, t: { name: string; passed?: boolean }): Promise<void> {
  if (!session || t.passed !== false) return;
  try {
    const dir = path.join(REPO_ROOT, 'test-results', 'failures');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${t.name.replace(/[^\w.-]+/g, '-').slice(0, 100)}.png`);
    await session.workbench.page.screenshot({ path: file, timeout: 10_000 });
    process.stderr.write(`e2e: screenshot of the failure: ${file}\n`);
  } catch {
    // the page may be gone; the failure itself is what matters
  }
}

// ---------------------------------------------------------------------------------------------
// Driving the workbench

export interface TreeRow {
  /** The rendered label (.label-name). */
  label: string;
  /** The description beside it, if any. */
  description: string;
  /** The row's aria-label (what a screen reader hears). */
  ariaLabel: string;
  /** 1 for top-level items. */
  level: number;
  /** true / false for collapsible items, undefined for leaves. */
  expanded: boolean | undefined;
}

export class Workbench {
  readonly page: Page;
  readonly server: CodeServer;
  constructor(page: Page, server: CodeServer) {
    this.page = page;
    this.server = server;
  }

  /** Loads `url` (a workbench URL of this server) and waits until the workbench is usable. */
  async goto(url: string): Promise<void> {
    await this.page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await this.page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 90_000 });
    // The workbench is up once the status bar shows; give restored views a moment to settle.
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
    await this.page.waitForTimeout(1000);
  }

  /** Opens another folder in this window (same code-server, same user settings). */
  async openFolder(folder: string): Promise<void> {
    await this.goto(this.server.urlFor(folder));
  }

  /** Shows the ML Lifecycle view container (does not toggle it closed when already open). */
  async openContainer(title = 'ML Lifecycle'): Promise<void> {
    const item = this.page.locator(`.part.activitybar .action-item:has(.action-label[aria-label^="${title}"])`).first();
    await item.waitFor({ timeout: 60_000 });
    if (!(await item.evaluate((el) => el.classList.contains('checked')))) {
      await item.click();
    }
    await this.page.locator(`.part.sidebar .composite.title h2[title^="${title}" i], .part.sidebar .composite.title h2:text-matches("${title}", "i")`).first().waitFor();
  }

  /** Titles of the view sections in the side bar, top to bottom. */
  async viewTitles(): Promise<string[]> {
    const titles = await this.page.locator('.part.sidebar .pane-header h3.title').allInnerTexts();
    return titles.map((title) => title.trim());
  }

  /** The view section (header and body) titled `title`, e.g. 'Experiments'. */
  viewPane(title: string): Locator {
    return this.page.locator('.part.sidebar .pane').filter({ has: this.page.locator('.pane-header h3.title', { hasText: new RegExp(`^${escapeRegExp(title)}$`, 'i') }) });
  }

  /** Expands a collapsed view section. */
  async expandView(title: string): Promise<void> {
    const header = this.viewPane(title).locator('.pane-header');
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  }

  /** The welcome (empty state) text of a view, or '' when it shows a tree. */
  async welcomeText(title: string): Promise<string> {
    const welcome = this.viewPane(title).locator('.welcome-view-content');
    if ((await welcome.count()) === 0 || !(await welcome.first().isVisible())) return '';
    return (await welcome.first().innerText()).trim();
  }

  /** The visible rows of a tree view. */
  async treeRows(view: string): Promise<TreeRow[]> {
    const rows = this.viewPane(view).locator('.monaco-list-row');
    return rows.evaluateAll((elements) =>
      elements.map((el) => {
        const expanded = el.getAttribute('aria-expanded');
        return {
          label: (el.querySelector('.label-name')?.textContent ?? '').trim(),
          description: (el.querySelector('.label-description')?.textContent ?? '').trim(),
          ariaLabel: el.getAttribute('aria-label') ?? '',
          level: Number(el.getAttribute('aria-level') ?? '1'),
          expanded: expanded === null ? undefined : expanded === 'true',
        };
      }),
    );
  }

  async treeLabels(view: string): Promise<string[]> {
    return (await this.treeRows(view)).map((row) => row.label);
  }

  /** The row whose label is exactly `label` (a RegExp matches the label text instead). */
  treeRow(view: string, label: string | RegExp): Locator {
    const pattern = typeof label === 'string' ? new RegExp(`^${escapeRegExp(label)}$`) : label;
    return this.viewPane(view)
      .locator('.monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: pattern }) })
      .first();
  }

  /** Waits until the tree shows a row labelled `label`; returns it. */
  async waitForTreeItem(view: string, label: string | RegExp, timeout = 30_000): Promise<Locator> {
    const row = this.treeRow(view, label);
    await row.waitFor({ timeout });
    return row;
  }

  /**
   * Expands the row labelled `label`. The row is found again on every check: a view refresh (the
   * extension's summaries catching up, a logger writing) replaces the element, and a click on the
   * old one can be lost, so the twistie is clicked again (at most three times) until it is open.
   */
  async expandTreeItem(view: string, label: string | RegExp): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const row = await this.waitForTreeItem(view, label);
      if ((await row.getAttribute('aria-expanded')) !== 'false') return;
      await row.locator('.monaco-tl-twistie').click();
      try {
        await waitUntil(async () => (await this.treeRow(view, label).getAttribute('aria-expanded')) === 'true', `${String(label)} expands`, 5_000);
        return;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  }

  async selectTreeItem(view: string, label: string | RegExp): Promise<Locator> {
    const row = await this.waitForTreeItem(view, label);
    await row.locator('.label-name').click();
    return row;
  }

  /** Right-clicks `target` and chooses the context-menu item `item` (e.g. 'Delete…'). */
  async contextMenu(target: Locator, item: string): Promise<void> {
    await target.scrollIntoViewIfNeeded();
    await target.click({ button: 'right' });
    const menuItem = this.page.locator('.monaco-menu .action-item .action-label', { hasText: new RegExp(`^${escapeRegExp(item)}$`) }).first();
    await menuItem.waitFor().catch(async () => {
      const offered = await this.page.locator('.monaco-menu .action-item .action-label').allInnerTexts();
      throw new Error(`e2e: no "${item}" in the context menu; it offered: ${JSON.stringify(offered.filter(Boolean))}`);
    });
    await menuItem.hover();
    await menuItem.click();
    await this.page.locator('.monaco-menu').first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
  }

  /**
   * Runs a command through the F1 palette by its full title, e.g. 'ML Lifecycle: Refresh'.
   * The palette lists commands once, when it opens, and a context key such as isWorkspaceTrusted
   * can turn true a moment after start-up; so a missing command reopens the palette until it shows.
   */
  async runCommand(title: string, timeout = 20_000): Promise<void> {
    await this.releaseWebviewFocus();
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    const row = this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`, 'i') }) })
      .first();
    const deadline = Date.now() + timeout;
    for (;;) {
      await this.closeQuickInput();
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible' });
      await input.fill(`>${title}`);
      const shown = await row.waitFor({ timeout: 3_000 }).then(() => true, () => false);
      if (shown) break;
      if (Date.now() > deadline) {
        const offered = await this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name').allInnerTexts();
        throw new Error(`e2e: no command "${title}" in the palette; it offered: ${JSON.stringify(offered.slice(0, 15))}`);
      }
    }
    await row.click();
  }

  /**
   * Moves focus from a webview to the workbench. When the palette closes, VS Code gives focus back
   * to where it was; a webview takes it back late, and that blur closes the quick pick the command
   * has just opened.
   */
  private async releaseWebviewFocus(): Promise<void> {
    await this.page.evaluate(() => {
      const active = document.activeElement;
      if (active instanceof HTMLElement && active.tagName === 'IFRAME') active.blur();
    });
  }

  /** Chooses the item labelled `label` in the open quick pick. */
  async quickPick(label: string | RegExp): Promise<void> {
    const pattern = typeof label === 'string' ? new RegExp(escapeRegExp(label)) : label;
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: pattern }).first();
    await row.waitFor();
    await row.click().catch(async (error: unknown) => {
      const open = await this.page.locator('.quick-input-widget').isVisible();
      throw open ? error : new Error(`e2e: the quick pick closed before "${String(label)}" could be chosen`);
    });
  }

  /** In an open multi-select quick pick: checks the items labelled `labels`, then accepts (OK). */
  async quickPickMany(labels: readonly (string | RegExp)[]): Promise<void> {
    for (const label of labels) {
      const pattern = typeof label === 'string' ? new RegExp(`^${escapeRegExp(label)}$`) : label;
      const row = this.page
        .locator('.quick-input-widget .quick-input-list .monaco-list-row')
        .filter({ has: this.page.locator('.label-name', { hasText: pattern }) })
        .first();
      await row.waitFor();
      if ((await row.getAttribute('aria-checked')) !== 'true') await row.locator('.label-name').click();
      await waitUntil(async () => (await row.getAttribute('aria-checked')) === 'true', `quick pick item ${String(label)} checked`, 5000);
    }
    await this.page.locator('.quick-input-widget .quick-input-box input').press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** The labels offered by the open quick pick. */
  async quickPickItems(): Promise<string[]> {
    await this.page.locator('.quick-input-widget').waitFor({ state: 'visible' });
    return (await this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name').allInnerTexts()).map((t) => t.trim());
  }

  /** Types into the open input box and presses Enter. */
  async quickInput(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill(text);
    await input.press('Enter');
  }

  async closeQuickInput(): Promise<void> {
    if (await this.page.locator('.quick-input-widget').isVisible().catch(() => false)) {
      await this.page.keyboard.press('Escape');
      await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' }).catch(() => undefined);
    }
  }

  /** The messages of the notification toasts now on screen. */
  async notifications(): Promise<string[]> {
    return (await this.page.locator('.notification-toast .notification-list-item-message').allInnerTexts()).map((t) => t.trim());
  }

  /** Waits for a toast whose message matches; returns its text. */
  async waitForNotification(pattern: string | RegExp, timeout = 30_000): Promise<string> {
    const re = typeof pattern === 'string' ? new RegExp(escapeRegExp(pattern)) : pattern;
    const toast = this.page.locator('.notification-toast .notification-list-item-message', { hasText: re }).first();
    await toast.waitFor({ timeout }).catch(async () => {
      throw new Error(`e2e: no notification matching ${re}; shown: ${JSON.stringify(await this.notifications())}`);
    });
    return (await toast.innerText()).trim();
  }

  /** Clicks a button of the toast that matches `pattern`. */
  async clickNotificationButton(pattern: string | RegExp, button: string): Promise<void> {
    const re = typeof pattern === 'string' ? new RegExp(escapeRegExp(pattern)) : pattern;
    const toast = this.page.locator('.notification-toast').filter({ has: this.page.locator('.notification-list-item-message', { hasText: re }) }).first();
    await toast.locator('.monaco-button', { hasText: button }).first().click();
  }

  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
  }

  /** The message of the open modal dialog (VS Code's own, drawn in the page). */
  async dialogMessage(timeout = 15_000): Promise<string> {
    const box = this.page.locator('.monaco-dialog-box');
    await box.waitFor({ timeout });
    const parts = await box.locator('.dialog-message-text, .dialog-message-detail').allInnerTexts();
    return parts.map((t) => t.trim()).join('\n');
  }

  /** Clicks `button` (e.g. 'Delete' or 'Move to Trash') in the open modal dialog. */
  async confirmDialog(button: string | RegExp): Promise<void> {
    const box = this.page.locator('.monaco-dialog-box');
    await box.waitFor();
    const re = typeof button === 'string' ? new RegExp(`^${escapeRegExp(button)}$`) : button;
    await box.locator('.dialog-buttons .monaco-button', { hasText: re }).first().click();
    await box.waitFor({ state: 'hidden' });
  }

  /**
   * The content of a webview. VS Code nests two iframes: an outer `iframe.webview` owned by the
   * workbench, and an inner `#active-frame` holding the extension's HTML. `title` picks the editor
   * tab to show first; otherwise the last visible webview is used.
   */
  async webview(options: { title?: string | RegExp; timeout?: number } = {}): Promise<FrameLocator> {
    const timeout = options.timeout ?? 30_000;
    if (options.title !== undefined) {
      const re = typeof options.title === 'string' ? new RegExp(escapeRegExp(options.title)) : options.title;
      const tab = this.page.locator('.tabs-container .tab', { hasText: re }).first();
      await tab.waitFor({ timeout });
      await tab.click();
    }
    const outer = this.page.locator('iframe.webview.ready');
    await outer.first().waitFor({ timeout });
    const frames = await outer.all();
    let index = frames.length - 1;
    for (let i = frames.length - 1; i >= 0; i--) {
      if (await frames[i]!.isVisible()) {
        index = i;
        break;
      }
    }
    const inner = outer.nth(index).contentFrame().locator('#active-frame');
    await inner.waitFor({ timeout });
    return inner.contentFrame();
  }

  /**
   * Switches the color theme the way a user does (F1 > Preferences: Color Theme), which applies at
   * once; VS Code stores the choice in the user settings. Waits for the workbench to repaint.
   */
  async setTheme(theme: Theme): Promise<void> {
    if ((await this.currentTheme()) === theme) return;
    const cls = THEME_CLASSES[theme];
    await this.runCommand('Preferences: Color Theme');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.fill(THEME_NAMES[theme]);
    const row = this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(THEME_NAMES[theme])}$`) }) })
      .first();
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await this.page.waitForFunction((c) => document.querySelector('.monaco-workbench')?.classList.contains(c) === true, cls, { timeout: 15_000 });
    await this.page.waitForTimeout(500); // webviews get their new CSS variables a moment later
  }

  async currentTheme(): Promise<Theme> {
    const classes = await this.page.evaluate(() => [...(document.querySelector('.monaco-workbench')?.classList ?? [])]);
    if (classes.includes('hc-black')) return 'high-contrast';
    return classes.includes('vs-dark') ? 'dark' : 'light';
  }

  /** Saves a screenshot to test-results/screenshots/<screen>-<theme>.png (the current theme). */
  async screenshot(screen: string): Promise<string> {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${screen}-${await this.currentTheme()}.png`);
    // Park the mouse over the empty status bar corner so no hover or tooltip is captured.
    const size = this.page.viewportSize();
    if (size) await this.page.mouse.move(size.width / 2, size.height - 2);
    await this.page.waitForTimeout(300);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** One screenshot per theme (default light and dark), leaving the theme as it was. */
  async captureThemes(screen: string, themes: readonly Theme[] = THEMES): Promise<string[]> {
    const before = await this.currentTheme();
    const files: string[] = [];
    for (const theme of themes) {
      await this.setTheme(theme);
      files.push(await this.screenshot(screen));
    }
    if ((await this.currentTheme()) !== before) await this.setTheme(before);
    return files;
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a truthy value, or throws with `message` after `timeout` ms. */
export async function waitUntil<T>(check: () => T | Promise<T>, message: string, timeout = 30_000): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`e2e: timed out: ${message}${last ? ` (${last instanceof Error ? last.message : JSON.stringify(last)})` : ''}`);
    await sleep(250);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function responds(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function writeJson(file: string, value: unknown): void {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function listFiles(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name));
  } catch {
    return [];
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
