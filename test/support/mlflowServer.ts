/**
 * A real MLflow tracking server for a test file, as a team runs it: `mlflow server` from PyPI
 * (python/.venvs/mlflowserver) over a throwaway PostgreSQL cluster from Debian's packages, with
 * the artifact proxy on a temp folder. Everything listens on 127.0.0.1 and is removed afterwards.
 *
 * SQLAlchemy 2.1 takes postgresql:// to mean psycopg 3, so the URI names psycopg2 (psycopg2-binary).
 *
 * PostgreSQL refuses to run as root (CI runs as root), so initdb, pg_ctl and createdb run as the
 * `postgres` user, in a temp dir that user owns.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pythonEnv } from './pythonEnv.ts';

export interface MlflowServer {
  /** The tracking URI, e.g. http://127.0.0.1:41234 */
  readonly uri: string;
  readonly port: number;
  /** The venv's interpreter, with MLflow's own client, for reading back. */
  readonly python: string;
  readonly artifactsDir: string;
  /** The PostgreSQL database behind it (libpq URI), for benches that fill it in bulk. */
  readonly database: string;
  /** Kills the MLflow server (SIGKILL, as a crash); PostgreSQL keeps running. */
  kill(): Promise<void>;
  /** Starts the MLflow server again on the same port and database. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface MlflowServerAvailability {
  /** For node:test's `skip`: false when PostgreSQL and the venv are there, else why not. */
  skip: string | false;
  python: string | undefined;
  pgBin: string | undefined;
}

function onCi(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

/** The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl. */
function findPgBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return undefined;
  const versions = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], 'bin') : undefined;
}

/** Whether a server can be started here (from the venv `venv`); a missing part is a visible skip, on CI an error. */
export function mlflowServerAvailability(venv = 'mlflowserver'): MlflowServerAvailability {
  const env = pythonEnv(venv);
  const pgBin = findPgBin();
  let skip: string | false = env.skip;
  if (!skip && !pgBin) skip = 'needs PostgreSQL from Debian: run "apt-get install -y postgresql" (no /usr/lib/postgresql/*/bin/pg_ctl)';
  if (!skip && process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) skip = 'runs as root but there is no "postgres" user to run PostgreSQL as';
  if (skip && onCi()) throw new Error(`CI: ${skip}`);
  return { skip, python: env.python, pgBin };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a PostgreSQL tool, as the postgres user when we are root. */
function pgTool(pgBin: string, tool: string, args: string[]): void {
  const command = path.join(pgBin, tool);
  const asRoot = process.getuid?.() === 0;
  const done = asRoot ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' }) : spawnSync(command, args, { encoding: 'utf8' });
  if (done.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${done.status}): ${done.stderr || done.stdout}`);
}

async function waitFor(what: string, ok: () => Promise<boolean>, timeoutMs: number, alive?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ok()) return;
    const died = alive?.();
    if (died) throw new Error(`${what}: ${died}`);
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function healthy(uri: string): Promise<boolean> {
  try {
    const response = await fetch(`${uri}/health`, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

export interface MlflowServerOptions {
  /** `mlflow server --app-name`, e.g. basic-auth (from the mlflowauth venv). */
  appName?: string;
  /** More environment for the server, e.g. MLFLOW_AUTH_CONFIG_PATH. */
  env?: Record<string, string>;
  /** `mlflow server --workers`; 1 for tests, more where a bench plays a team's server. */
  workers?: number;
}

/** Starts PostgreSQL and `mlflow server` for this test file. Call `stop()` in `after`. */
export async function startMlflowServer(availability: MlflowServerAvailability = mlflowServerAvailability(), options: MlflowServerOptions = {}): Promise<MlflowServer> {
  if (availability.skip || !availability.python || !availability.pgBin) throw new Error(`cannot start an MLflow server: ${availability.skip}`);
  const { python, pgBin } = availability;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mll-mlflow-server-'));
  fs.chmodSync(root, 0o755);
  const pgData = path.join(root, 'pgdata');
  const socketDir = path.join(root, 'sockets');
  const artifactsDir = path.join(root, 'artifacts');
  fs.mkdirSync(socketDir);
  fs.mkdirSync(artifactsDir);
  if (process.getuid?.() === 0) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim();
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim();
    fs.chownSync(socketDir, Number(ids), Number(gid));
    fs.mkdirSync(pgData, { mode: 0o700 });
    fs.chownSync(pgData, Number(ids), Number(gid));
  }
  const pgPort = await freePort();
  pgTool(pgBin, 'initdb', ['-D', pgData, '-U', 'mlflow', '--auth=trust', '--encoding=UTF8', '--no-sync']);
  pgTool(pgBin, 'pg_ctl', [
    '-D',
    pgData,
    '-l',
    path.join(pgData, 'server.log'),
    '-o',
    `-p ${pgPort} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`,
    '-w',
    'start',
  ]);
  let pgRunning = true;
  const stopPostgres = () => {
    if (!pgRunning) return;
    pgRunning = false;
    try {
      pgTool(pgBin, 'pg_ctl', ['-D', pgData, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // Already gone; the folder is removed below.
    }
  };
  try {
    pgTool(pgBin, 'createdb', ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'mlflow', 'mlflow']);
  } catch (error) {
    stopPostgres();
    fs.rmSync(root, { recursive: true, force: true });
    throw error;
  }

  const port = await freePort();
  const uri = `http://127.0.0.1:${port}`;
  const logPath = path.join(root, 'mlflow-server.log');
  let child: ChildProcess | undefined;
  let exited: string | undefined;
  const startServer = async () => {
    exited = undefined;
    const log = fs.openSync(logPath, 'a');
    child = spawn(
      python,
      [
        '-m',
        'mlflow',
        'server',
        '--backend-store-uri',
        `postgresql+psycopg2://mlflow@127.0.0.1:${pgPort}/mlflow`,
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--workers',
        String(options.workers ?? 1),
        '--serve-artifacts',
        '--artifacts-destination',
        artifactsDir,
        ...(options.appName ? ['--app-name', options.appName] : []),
      ],
      {
        stdio: ['ignore', log, log],
        // Job execution (GenAI scorer jobs) starts a runner and a consumer per core that import MLflow
        // for about 25 CPU seconds after start-up; a tracking server has no use for it.
        env: { ...process.env, MLFLOW_ENABLE_TELEMETRY: 'false', DO_NOT_TRACK: 'true', MLFLOW_DISABLE_TELEMETRY: 'true', MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false', ...options.env },
        detached: true,
        cwd: root,
      },
    );
    fs.closeSync(log);
    const started = child;
    started.once('exit', (code, signal) => {
      exited = `mlflow server exited (${signal ?? code}); log:\n${fs.readFileSync(logPath, 'utf8').slice(-3000)}`;
    });
    await waitFor(`mlflow server on ${uri}`, () => healthy(uri), 120_000, () => (child === started ? exited : undefined));
  };
  const killServer = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const gone = new Promise((resolve) => running.once('exit', resolve));
    // The server's workers are in its process group.
    try {
      process.kill(-running.pid!, 'SIGKILL');
    } catch {
      running.kill('SIGKILL');
    }
    await gone;
  };
  try {
    await startServer();
  } catch (error) {
    await killServer();
    stopPostgres();
    fs.rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    uri,
    port,
    python,
    artifactsDir,
    database: `postgresql://mlflow@127.0.0.1:${pgPort}/mlflow`,
    kill: killServer,
    restart: startServer,
    async stop() {
      await killServer();
      stopPostgres();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
