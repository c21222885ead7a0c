/**
 * `npm run demo`: VS Code (code-server) in the browser with the packaged extension and a demo
 * workspace full of realistic data (test/e2e/demoData.ts). Prints the URL and serves until Ctrl-C.
 *
 *   npm run demo                      serve on http://127.0.0.1:8080 (or a free port if taken)
 *   npm run demo -- --port 9000       another port
 *   npm run demo -- --dark            start in the dark theme
 *   npm run demo -- --dir ./my-demo   put the workspace there (default .e2e/demo-workspace, made anew)
 *   npm run demo -- --smoke           start, check that the workbench loads with the demo data, stop
 *
 * With CI set (and no --serve) it runs as --smoke, so it never blocks a pipeline. Everything listens
 * on 127.0.0.1 only; from another machine, forward the port (ssh -L 8080:127.0.0.1:8080 host).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { createDemoWorkspace, DEMO_EXPERIMENTS, demoStorePath } from './demoData.ts';
import { freePort, launchBrowser, openWorkbench, REPO_ROOT, startCodeServer, type CodeServer } from './harness.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    dark: { type: 'boolean', default: false },
    dir: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    serve: { type: 'boolean', default: false },
  },
});

const ci = Boolean(process.env.CI) && process.env.CI !== 'false';
const smoke = values.smoke || process.env.ML_DEMO_SMOKE === '1' || (ci && !values.serve);

async function choosePort(): Promise<number> {
  if (values.port) return Number(values.port);
  if (smoke) return freePort();
  return (await isFree(8080)) ? 8080 : freePort();
}

function isFree(port: number): Promise<boolean> {
  return import('node:net').then(
    (net) =>
      new Promise((resolve) => {
        const server = net.createServer();
        server.once('error', () => resolve(false));
        server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
      }),
  );
}

/** Loads the workbench in Chromium and checks the demo experiments show in the side bar. */
async function smokeCheck(server: CodeServer): Promise<void> {
  const response = await fetch(server.url, { signal: AbortSignal.timeout(15_000) });
  const html = await response.text();
  if (!response.ok || !/workbench/i.test(html)) throw new Error(`${server.url} answered ${response.status} without a workbench page`);
  console.log(`demo smoke: ${server.url} answers ${response.status}`);
  const browser = await launchBrowser();
  try {
    const workbench = await openWorkbench(browser, server);
    await workbench.openContainer();
    for (const experiment of DEMO_EXPERIMENTS) await workbench.waitForTreeItem('Experiments', experiment.name);
    console.log(`demo smoke: the workbench shows ML Lifecycle with ${DEMO_EXPERIMENTS.length} demo experiments`);
  } finally {
    await browser.close();
  }
}

/** The still-training run, as its own Node process (test/e2e/liveDemoRun.ts) writing to the demo store. */
function startLiveRun(storePath: string): ChildProcess {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'test', 'e2e', 'liveDemoRun.ts'), storePath], { stdio: ['pipe', 'inherit', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) console.error(`demo: the live run stopped with exit code ${code}`);
  });
  return child;
}

/** Asks the live run to end its run (KILLED) and waits for it, at most five seconds. */
async function stopLiveRun(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
}

async function main(): Promise<void> {
  const dir = path.resolve(values.dir ?? path.join(REPO_ROOT, '.e2e', 'demo-workspace'));
  if (!values.dir) fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const started = Date.now();
  await createDemoWorkspace({ dir });
  console.log(`demo: workspace ${dir} (${((Date.now() - started) / 1000).toFixed(1)} s to log the demo runs)`);

  const server = await startCodeServer({ workspace: dir, theme: values.dark ? 'dark' : 'light', port: await choosePort() });
  let stopping = false;
  // One run keeps training while the demo is open (not in the smoke check, which ends at once).
  const live = smoke ? undefined : startLiveRun(demoStorePath(dir));
  const stop = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      await stopLiveRun(live);
      await server.stop();
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  if (smoke) {
    try {
      await smokeCheck(server);
      console.log('demo smoke: OK, stopping code-server');
      await stop(0);
    } catch (error) {
      console.error(`demo smoke: FAILED: ${(error as Error).message}`);
      console.error(server.extensionLogs().slice(-4000));
      await stop(1);
    }
    return;
  }

  console.log('');
  console.log(`  ML Lifecycle demo is running: ${server.url}`);
  console.log('');
  console.log('  Open it in a browser (from another machine: ssh -L <port>:127.0.0.1:<port> <this host>).');
  console.log('  Press Ctrl-C to stop.');
  console.log('');
  // Keep the process alive until a signal arrives.
  setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
  console.error(`demo: ${(error as Error).message}`);
  process.exit(1);
});
