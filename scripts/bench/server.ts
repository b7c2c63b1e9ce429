/**
 * The server under test: the production server (server.ts over the build) in a child process of its own process group,
 * so it can always be killed with everything it started.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVER_NODE_ARGS } from '../server-args.mjs';

const ROOT = process.cwd();
const BUILD_ID = path.join(ROOT, '.next', 'BUILD_ID');

const log = (msg: string) => console.log(`[bench] ${msg}`);

function buildRunning(): boolean {
  // someone may be building in this directory (its .next would change under the server); builds of other
  // checkouts do not matter here
  const r = spawnSync('pgrep', ['-f', 'next build'], { encoding: 'utf8' });
  return r.stdout.split('\n').some((pid) => pid.trim() && Number(pid) !== process.pid && cwdOf(Number(pid)) === ROOT);
}

function cwdOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

async function waitForOtherBuild() {
  if (!buildRunning()) return;
  log('another `next build` is running; waiting for it to finish …');
  while (buildRunning()) await sleep(2000);
}

/** Builds the app when there is no build (or when asked to), after any build already running. */
export async function ensureBuild(force: boolean): Promise<number> {
  await waitForOtherBuild();
  if (existsSync(BUILD_ID) && !force) return 0;
  const started = Date.now();
  log(force ? 'rebuilding (--rebuild) …' : '.next/BUILD_ID is missing: running `npx next build` …');
  const r = spawnSync('npx', ['next', 'build'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (r.status !== 0 || !existsSync(BUILD_ID)) throw new Error(`next build failed (exit ${r.status})`);
  return Date.now() - started;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerOptions {
  /** postgres:// URL, or undefined for embedded PGlite in dataDir. */
  databaseUrl?: string;
  dataDir: string;
  encryptionKey: string;
  logFile: string;
  /** A fixed port (e.g. from BENCH_PORT); a free one when absent. */
  port?: number;
}

export class BenchServer {
  private constructor(
    private child: ChildProcess,
    readonly port: number,
    readonly logFile: string,
  ) {}

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid() {
    return this.child.pid!;
  }

  static async start(opts: ServerOptions): Promise<BenchServer> {
    const port = opts.port ?? (await freePort());
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      SWITCHBOARD_DATA_DIR: opts.dataDir,
      ENCRYPTION_KEY: opts.encryptionKey,
      NEXT_TELEMETRY_DISABLED: '1',
      // the load comes from one address with one token, far past any sensible per-client budget
      RATE_LIMIT_API_PER_TOKEN: '0',
      RATE_LIMIT_API_PER_IP: '0',
    };
    delete env.DATABASE_URL;
    if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
    const out = createWriteStream(opts.logFile);
    // the production entry, as `npm start` runs it
    env.HOST = '127.0.0.1';
    env.TSX_TSCONFIG_PATH = 'tsconfig.server.json';
    const child = spawn(process.execPath, SERVER_NODE_ARGS, {
      cwd: ROOT,
      env,
      detached: true, // own process group: stop() kills the whole tree
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    const server = new BenchServer(child, port, opts.logFile);
    liveServers.add(server);
    try {
      await server.waitReady();
    } catch (e) {
      await server.stop();
      throw e;
    }
    return server;
  }

  /** Ready when /api/health says ok (or, before that route exists, when setup/status answers). */
  private async waitReady(timeoutMs = 90_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`server exited with ${this.child.exitCode} during start-up; see ${this.logFile}`);
      for (const probe of ['/api/health', '/api/v1/setup/status']) {
        try {
          const res = await fetch(this.baseUrl + probe, { signal: AbortSignal.timeout(10_000) });
          if (res.ok) return;
        } catch {
          // not listening yet
        }
      }
      await sleep(250);
    }
    throw new Error(`server did not become ready in ${timeoutMs / 1000}s; see ${this.logFile}`);
  }

  /** Resident memory of the server in MB (its whole process tree). */
  rssMb(): number {
    const kb = processTree(this.pid).map((pid) => Number(/VmRSS:\s+(\d+)\s+kB/.exec(readProc(`/proc/${pid}/status`))?.[1] ?? 0));
    return kb.reduce((a, b) => a + b, 0) / 1024;
  }

  /** Samples RSS every `everyMs` until the returned function is called, which answers the peak in MB. */
  watchRss(everyMs = 250): () => number {
    let peak = this.rssMb();
    const timer = setInterval(() => (peak = Math.max(peak, this.rssMb())), everyMs);
    return () => {
      clearInterval(timer);
      return Math.max(peak, this.rssMb());
    };
  }

  async stop() {
    liveServers.delete(this);
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    killGroup(this.pid, 'SIGTERM');
    const timedOut = await Promise.race([exited.then(() => false), sleep(5000).then(() => true)]);
    if (timedOut) {
      killGroup(this.pid, 'SIGKILL');
      await exited;
    }
  }
}

const liveServers = new Set<BenchServer>();

/** Synchronous last resort (process exit): kill every server still running. */
export function killAllServersSync() {
  for (const s of liveServers) killGroup(s.pid, 'SIGKILL');
  liveServers.clear();
}

function killGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function readProc(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** `root` and all its descendants, from /proc/<pid>/stat parent links. */
function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    // the command name may contain spaces; the fields after its closing parenthesis are fixed
    const stat = readProc(`/proc/${entry}/stat`);
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.length > 1) parent.set(Number(entry), Number(fields[1]));
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  return tree;
}
