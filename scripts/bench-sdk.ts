/**
 * `npm run bench:sdk`: the SDK's in-process answers beside Unleash's Node SDK, in one run.
 *
 * - starts Switchboard in this process (PGlite in memory, the real router and services), bootstraps it
 *   with the accreditation catalog and creates bench:peer's 16 percentage-rollout flags;
 * - starts the Unleash server bench:peer uses (unleash-server@8 on its own fresh PostgreSQL database,
 *   scripts/bench/unleash.ts) with the same 16 flags as gradual rollouts (flexibleRollout, stickiness
 *   userId), installs `unleash-client@6` into a temporary folder (never a dependency of this project;
 *   PEER_UNLEASH_CLIENT_DIR=<folder> reuses an earlier install) and connects it to that server with a
 *   client token, waiting until it has synchronized the flags; its local evaluation is then measured.
 *   `--unleash-offline` (implied by `--no-pg`) skips the server and hands the client the same flags
 *   through its `bootstrap` option instead;
 * - measures with mitata, warm: `get`, `isEnabled` with a new user id each call (Switchboard and Unleash,
 *   cycling the 16 flags), `isEnabled` for a returning user (the bucket memo);
 * - then writes through the API, each timed until the SDK's `watch` callback has the new value: 200 on
 *   the same instance (PGlite), and 300 written on instance A while the SDK follows instance B, two
 *   instances in this process on one fresh PostgreSQL database (BENCH_DATABASE_URL / DATABASE_URL,
 *   default postgres://postgres@127.0.0.1:5432/postgres; dropped at the end; `--no-pg` skips it).
 * Prints p50 / p99 / mean; writes bench-results/sdk.json. The machine is shared: figures are noisy.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { do_not_optimize, measure } from 'mitata';
import { serveApi } from '@/lib/api/node';
import { router } from '@/lib/api/routes';
import { openDatabase } from '@/lib/db/client';
import { createSwitchboard, type Switchboard } from '@/lib/sdk/client';
import { createApp } from '@/lib/services/kernel/app';
import { createSecretBox } from '@/lib/services/kernel/secrets';
import { stampPeer } from '@/lib/security/client-ip';
import { createBenchDatabase } from './bench/database';
import { PEER_FLAGS } from './bench/peer-flags';
import { freePort } from './bench/server';
import { installUnleash, killUnleashSync, seedUnleash, startUnleash, UNLEASH_CLIENT } from './bench/unleash';

const log = (msg: string) => console.log(`[bench:sdk] ${msg}`);
const USERS = 1 << 20;
const users = Array.from({ length: USERS }, (_, i) => `user-${i}`);
const cleanups: (() => unknown)[] = [];

const SECRET_KEYS = [randomBytes(32)];

/** One Switchboard instance in this process: its own App (caches, LISTEN connection) and HTTP server. */
async function startInstance(databaseUrl?: string) {
  const app = await createApp(await openDatabase(databaseUrl ? { url: databaseUrl } : { dataDir: 'memory' }), createSecretBox(SECRET_KEYS));
  const server = http.createServer((req, res) => {
    stampPeer(req);
    void serveApi(router, req, res, app);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => app.close(), () => server.closeAllConnections(), () => new Promise((r) => server.close(r)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function startSwitchboard(databaseUrl?: string) {
  const url = await startInstance(databaseUrl);
  const call = async (method: string, p: string, body: unknown, token?: string) => {
    const res = await fetch(url + p, { method, headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${p} → ${res.status}: ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const { apiToken } = await call('POST', '/api/v1/setup/bootstrap', { admin: { email: 'bench@example.com', name: 'Bench', password: randomBytes(18).toString('base64url') }, catalog: 'accreditation' });
  const token = apiToken as string;
  for (const f of PEER_FLAGS) await call('POST', '/api/v1/flags', { key: f.key, enabled: true, flagType: 'percentage', rolloutPercentage: f.rollout }, token);
  return { url, token, call };
}

interface UnleashClient {
  isEnabled(name: string, context: { userId: string }): boolean;
  getFeatureToggleDefinitions(): unknown[];
  on(event: string, fn: (...args: unknown[]) => void): void;
  once(event: string, fn: (...args: unknown[]) => void): void;
  destroy(): void;
}

/** unleash-client@6, connected to `server` (the Unleash base URL), or offline from a bootstrap of the same flags. */
async function startUnleashClient(server?: string): Promise<UnleashClient> {
  let dir = process.env.PEER_UNLEASH_CLIENT_DIR;
  if (!dir || !existsSync(path.join(dir, 'node_modules/unleash-client/package.json'))) {
    dir ??= mkdtempSync(path.join(os.tmpdir(), 'switchboard-unleash-client-'));
    if (!process.env.PEER_UNLEASH_CLIENT_DIR) cleanups.push(() => rmSync(dir!, { recursive: true, force: true }));
    mkdirSync(dir, { recursive: true });
    log(`npm install --prefix ${dir} unleash-client@6 …`);
    const r = spawnSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error', 'unleash-client@6'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`npm install unleash-client@6 failed (exit ${r.status})`);
  }
  const { Unleash, InMemStorageProvider } = createRequire(path.join(dir, 'package.json'))('unleash-client');
  const features = PEER_FLAGS.map((f) => ({
    name: f.key,
    enabled: true,
    type: 'release',
    strategies: [{ name: 'flexibleRollout', parameters: { rollout: String(f.rollout), stickiness: 'userId', groupId: f.key } }],
    variants: [],
  }));
  const client: UnleashClient = server
    ? new Unleash({
        appName: 'switchboard-bench',
        url: `${server}/api/`,
        customHeaders: { Authorization: UNLEASH_CLIENT },
        disableMetrics: true,
        storageProvider: new InMemStorageProvider(),
      })
    : new Unleash({
        appName: 'switchboard-bench',
        url: 'http://127.0.0.1:9/api/', // nothing there: the bootstrap is its configuration, as after a first fetch
        refreshInterval: 0,
        disableMetrics: true,
        storageProvider: new InMemStorageProvider(),
        bootstrap: { data: features },
      });
  const failed = new Promise<never>((_, reject) => server && client.on('error', (e) => reject(new Error(`unleash-client: ${String(e)}`))));
  if (!server) client.on('error', () => {}); // the unreachable URL; evaluation runs from the bootstrap
  client.on('warn', () => {});
  // connected: 'synchronized' once it has fetched the flags from the server; offline: 'ready' from the bootstrap
  await Promise.race([new Promise((r) => client.once(server ? 'synchronized' : 'ready', r)), failed]);
  if (server) {
    client.on('error', (e) => log(`unleash-client error: ${String(e)}`));
    // its first fetch may come from a cache that has not seen every flag yet: it refreshes every 15 s
    for (const deadline = Date.now() + 60_000; client.getFeatureToggleDefinitions().length < PEER_FLAGS.length; ) {
      if (Date.now() > deadline) throw new Error(`unleash-client has ${client.getFeatureToggleDefinitions().length} of ${PEER_FLAGS.length} flags after 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  cleanups.push(() => client.destroy());
  return client;
}

/** The Unleash server of bench:peer on its own fresh PostgreSQL database, seeded with the 16 flags. */
async function startUnleashServer(adminUrl: string): Promise<string> {
  const dir = installUnleash(log, cleanups);
  const db = await createBenchDatabase(adminUrl);
  cleanups.push(() => db.drop());
  mkdirSync('bench-results', { recursive: true });
  log('starting the Unleash server …');
  const base = await startUnleash(dir, db.url, await freePort(), path.resolve('bench-results/sdk-unleash.log'), cleanups);
  await seedUnleash(base);
  log(`Unleash on ${base} with ${PEER_FLAGS.length} gradual-rollout flags`);
  return base;
}

const us = (ns: number) => (ns / 1000).toFixed(3);

async function main() {
  const load = os.loadavg();
  log(`${os.cpus().length} CPUs, node ${process.version}, load average ${load.map((l) => l.toFixed(2)).join(' ')} (a shared machine: figures are noisy)`);
  const sbServer = await startSwitchboard();
  const sb = await createSwitchboard({ url: sbServer.url, token: sbServer.token });
  cleanups.push(() => sb.close());
  const pgUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const offline = process.argv.includes('--unleash-offline') || process.argv.includes('--no-pg');
  const unleash = await startUnleashClient(offline ? undefined : await startUnleashServer(pgUrl));
  log(`unleash-client 6: ${offline ? 'offline, from a bootstrap of the same flags' : 'connected to the Unleash server, flags synchronized'}`);

  // the same users, the same flags: both let in about the rollout's share
  const share = (f: (k: string, u: string) => boolean) => PEER_FLAGS.map((fl) => users.slice(0, 5000).filter((u) => f(fl.key, u)).length / 50);
  log(`share let in per flag (%), Switchboard: ${share((k, u) => sb.isEnabled(k, { userId: u })).join(' ')}`);
  log(`share let in per flag (%), Unleash:     ${share((k, u) => unleash.isEnabled(k, { userId: u })).join(' ')}`);

  let n = 0;
  const cases: [string, () => unknown][] = [
    ['Switchboard SDK get(key)', () => sb.get('catering.bufferPercentage')],
    ['Switchboard SDK isEnabled, new userId each call', () => sb.isEnabled(PEER_FLAGS[n & 15].key, { userId: users[n++ & (USERS - 1)] })],
    ['Switchboard SDK isEnabled, returning user (memo)', () => sb.isEnabled(PEER_FLAGS[n & 15].key, { userId: users[n++ & 63] })],
    ['Unleash unleash-client 6 isEnabled, new userId each call', () => unleash.isEnabled(PEER_FLAGS[n & 15].key, { userId: users[n++ & (USERS - 1)] })],
  ];
  const results: Record<string, { p50: number; p99: number; avg: number }> = {};
  for (const [name, fn] of cases) {
    const s = await measure(() => do_not_optimize(fn()));
    results[name] = { p50: s.p50, p99: s.p99, avg: s.avg };
    log(`${name}: p50 ${us(s.p50)} µs, p99 ${us(s.p99)} µs, mean ${us(s.avg)} µs`);
  }

  const same = await writeToWatch(sb, sbServer, 200);
  log(`write → SDK watch (same instance, PGlite, 200 writes, the write request included): p50 ${same.p50.toFixed(2)} ms, p99 ${same.p99.toFixed(2)} ms`);
  let cross: Awaited<ReturnType<typeof writeToWatch>> | undefined;
  if (!process.argv.includes('--no-pg')) {
    const db = await createBenchDatabase(pgUrl);
    cleanups.push(() => db.drop());
    const a = await startSwitchboard(db.url);
    const bUrl = await startInstance(db.url);
    const onB = await createSwitchboard({ url: bUrl, token: a.token });
    cleanups.push(() => onB.close());
    await waitLive(onB);
    cross = await writeToWatch(onB, a, 300);
    log(`write on instance A → SDK on instance B (PostgreSQL NOTIFY, 300 writes, the write request included): p50 ${cross.p50.toFixed(2)} ms, p99 ${cross.p99.toFixed(2)} ms`);
  }

  mkdirSync('bench-results', { recursive: true });
  writeFileSync(
    'bench-results/sdk.json',
    `${JSON.stringify({ at: new Date().toISOString(), unleashClient: offline ? 'offline bootstrap' : 'connected to unleash-server@8', node: process.version, cpus: os.cpus().length, loadavg: { before: load, after: os.loadavg() }, unitNs: results, writeToWatchMs: { sameInstance: same, crossInstancePostgres: cross } }, null, 2)}\n`,
  );
  log('results: bench-results/sdk.json');
}

async function waitLive(sb: Switchboard) {
  for (let i = 0; i < 200 && sb.status().state !== 'live'; i++) await new Promise((r) => setTimeout(r, 25));
  if (sb.status().state !== 'live') throw new Error(`the SDK did not reach the stream: ${JSON.stringify(sb.status())}`);
}

/** `n` writes through `writer`'s API, each timed until `sb`'s watch callback has the new value. */
async function writeToWatch(sb: Switchboard, writer: Awaited<ReturnType<typeof startSwitchboard>>, n: number) {
  await waitLive(sb);
  const delays: number[] = [];
  let waiting: ((v: unknown) => void) | undefined;
  sb.watch('catering.bufferPercentage', (c) => waiting?.(c.value));
  for (let i = 0; i < n; i++) {
    const value = 1 + (i % 50);
    const current = sb.get('catering.bufferPercentage');
    const target = value === current ? value + 1 : value;
    const started = performance.now();
    const arrived = new Promise((r) => (waiting = (v) => v === target && r(v)));
    await writer.call('PUT', '/api/v1/settings/catering.bufferPercentage', { scope: 'global', value: target, reason: 'bench' }, writer.token);
    await arrived;
    delays.push(performance.now() - started);
  }
  delays.sort((a, b) => a - b);
  const pct = (p: number) => delays[Math.min(delays.length - 1, Math.floor((p / 100) * delays.length))];
  return { p50: pct(50), p99: pct(99), n };
}

try {
  await main();
} catch (e) {
  console.error('[bench:sdk] failed:', e instanceof Error ? e.stack : e);
  process.exitCode = 1;
} finally {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
  killUnleashSync();
  process.exit();
}
