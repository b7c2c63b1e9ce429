/**
 * The peer server for `bench:peer` and `bench:sdk`: unleash-server@8 installed into a temporary folder with
 * `npm install --prefix` (never a dependency of this project; PEER_UNLEASH_DIR=<folder> reuses an earlier
 * install), started on its own PostgreSQL database with its rate limits lifted and an admin, a frontend
 * and a client (backend SDK) token, then given bench:peer's 16 gradual-rollout flags.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PEER_FLAGS } from './peer-flags';

type Cleanups = (() => unknown)[];

export const UNLEASH_ADMIN = `*:*.${randomBytes(16).toString('hex')}`;
export const UNLEASH_FRONTEND = `default:development.${randomBytes(16).toString('hex')}`;
/** For backend SDKs (unleash-client): GET /api/client/features. */
export const UNLEASH_CLIENT = `default:development.${randomBytes(16).toString('hex')}`;

let unleash: ChildProcess | undefined;

function killGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // gone already
  }
}

/** For a process 'exit' handler: no awaiting there. */
export function killUnleashSync() {
  if (unleash && unleash.exitCode === null) killGroup(unleash.pid!, 'SIGKILL');
}

export function installUnleash(log: (m: string) => void, cleanups: Cleanups): string {
  const reuse = process.env.PEER_UNLEASH_DIR;
  if (reuse && existsSync(path.join(reuse, 'node_modules/unleash-server/package.json'))) {
    log(`reusing the unleash-server install in ${reuse}`);
    return reuse;
  }
  const dir = reuse ?? mkdtempSync(path.join(os.tmpdir(), 'switchboard-peer-unleash-'));
  if (!reuse) cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(dir, { recursive: true });
  log(`npm install --prefix ${dir} unleash-server@8 …`);
  const r = spawnSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error', 'unleash-server@8'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm install unleash-server@8 failed (exit ${r.status})`);
  return dir;
}

export async function startUnleash(dir: string, databaseUrl: string, port: number, logFile: string, cleanups: Cleanups): Promise<string> {
  const lifted = '1000000000';
  unleash = spawn(process.execPath, [path.join(dir, 'node_modules/unleash-server/dist/server.js')], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      DATABASE_SSL: 'false',
      HTTP_HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      INIT_ADMIN_API_TOKENS: UNLEASH_ADMIN,
      INIT_FRONTEND_API_TOKENS: UNLEASH_FRONTEND,
      INIT_CLIENT_API_TOKENS: UNLEASH_CLIENT,
      // lift the per-token and per-SDK rate limits, so it answers every request instead of 429s
      TOKEN_AUTHENTICATION_RATE_LIMIT_PER_MINUTE: lifted,
      SDK_API_RATE_LIMIT_PER_MINUTE: lifted,
      REGISTER_FRONTEND_RATE_LIMIT_PER_MINUTE: lifted,
      FRONTEND_METRICS_RATE_LIMIT_PER_MINUTE: lifted,
      CHECK_VERSION: 'false',
      SEND_TELEMETRY: 'false',
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = createWriteStream(logFile);
  unleash.stdout!.pipe(out);
  unleash.stderr!.pipe(out);
  const child = unleash;
  cleanups.push(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    killGroup(child.pid!, 'SIGTERM');
    if (await Promise.race([exited.then(() => false), sleep(5000).then(() => true)])) killGroup(child.pid!, 'SIGKILL');
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`unleash exited with ${child.exitCode} during start-up; see ${logFile}`);
    try {
      if ((await fetch(`${base}/health`, { signal: AbortSignal.timeout(5000) })).ok) return base;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  throw new Error(`unleash did not become healthy in 180 s; see ${logFile}`);
}

async function unleashCall(base: string, method: string, p: string, body?: unknown) {
  const res = await fetch(base + p, {
    method,
    headers: { authorization: UNLEASH_ADMIN, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`unleash ${method} ${p} → ${res.status}: ${(await res.text()).slice(0, 300)}`);
}

/** The 16 flags as gradual rollouts (stickiness userId), then waits until the frontend API shows them all. */
export async function seedUnleash(base: string) {
  const project = '/api/admin/projects/default/features';
  for (const f of PEER_FLAGS) {
    await unleashCall(base, 'POST', project, { name: f.key, type: 'release' });
    await unleashCall(base, 'POST', `${project}/${f.key}/environments/development/strategies`, {
      name: 'flexibleRollout',
      parameters: { rollout: String(f.rollout), stickiness: 'userId', groupId: f.key },
    });
    await unleashCall(base, 'POST', `${project}/${f.key}/environments/development/on`);
  }
  // the frontend API answers from a cache that refreshes on its own: wait until it shows every flag
  const seen = new Set<string>();
  const deadline = Date.now() + 120_000;
  for (let n = 0; seen.size < PEER_FLAGS.length; n++) {
    if (Date.now() > deadline) throw new Error(`unleash's frontend API shows ${seen.size} of ${PEER_FLAGS.length} flags after 120 s`);
    const res = await fetch(`${base}/api/frontend?userId=probe-${n}`, { headers: { authorization: UNLEASH_FRONTEND } });
    const body = (await res.json()) as { toggles?: { name: string }[] };
    for (const t of body.toggles ?? []) seen.add(t.name);
    if (seen.size < PEER_FLAGS.length) await sleep(50);
  }
}
