/**
 * `npm run bench:peer [-- --rounds=3] [-- --duration=10]`: Switchboard's OFREP bulk evaluation against
 * Unleash 8's frontend API, side by side, on the same machine and the same PostgreSQL.
 *
 * - installs `unleash-server@8` into a temporary folder with `npm install --prefix` (never a dependency of
 *   this project; PEER_UNLEASH_DIR=<folder> reuses an earlier install there instead);
 * - gives each server a fresh database on BENCH_DATABASE_URL / DATABASE_URL (default
 *   postgres://postgres@127.0.0.1:5432/postgres), dropped at the end;
 * - starts Unleash with its SDK/frontend rate limits lifted (TOKEN_AUTHENTICATION_RATE_LIMIT_PER_MINUTE,
 *   SDK_API_RATE_LIMIT_PER_MINUTE) and an admin and a frontend token (INIT_*_API_TOKENS), and Switchboard's
 *   production server (server.ts over the build);
 * - creates the same 16 percentage-rollout flags in both (Unleash: gradual rollout, stickiness userId);
 * - loads `POST /ofrep/v1/evaluate/flags` and `GET /api/frontend` in alternating rounds with autocannon
 *   from this process (the servers run in their own processes), 50 connections, a new user id per request;
 * - prints req/s, p50, p99 of both and the ratios, every round. Never gates CI.
 *
 * PEER_SWITCHBOARD_PORT / PEER_UNLEASH_PORT fix the ports (free ones otherwise).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createBenchDatabase } from './bench/database';
import { measure, type LoadResult, type LoadSpec } from './bench/load';
import { PEER_FLAGS } from './bench/peer-flags';
import { ApiClient } from './bench/seed';
import { installUnleash, killUnleashSync, seedUnleash, startUnleash, UNLEASH_FRONTEND } from './bench/unleash';
import { BenchServer, ensureBuild, freePort, killAllServersSync } from './bench/server';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, duration: { type: 'string', default: '10' }, warmup: { type: 'string', default: '3' } } });
const ROUNDS = Number(args.rounds);
const DURATION_S = Number(args.duration);
const WARMUP_S = Number(args.warmup);
const CONNECTIONS = 50;
const FLAGS = PEER_FLAGS;
const ADMIN_URL = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const RESULTS_DIR = path.resolve('bench-results');

const log = (msg: string) => console.log(`[bench:peer] ${msg}`);

// ------------------------------------------------------------------ cleanup, also on error and Ctrl-C

const cleanups: (() => Promise<void> | void)[] = [];
async function cleanUp() {
  while (cleanups.length) {
    try {
      await cleanups.pop()!();
    } catch (e) {
      console.error('[bench:peer] cleanup failed:', e);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up …`);
    void cleanUp().finally(() => process.exit(130));
  });
}
process.on('exit', () => {
  killAllServersSync();
  killUnleashSync();
});

// ------------------------------------------------------------------ Switchboard

async function seedSwitchboard(api: ApiClient) {
  const boot = await api.call<{ apiToken: string }>('POST', '/api/v1/setup/bootstrap', { admin: { email: 'peer@example.com', name: 'Peer bench', password: randomBytes(18).toString('base64url') } }, 201);
  api.token = boot.apiToken;
  for (const f of FLAGS) await api.call('POST', '/api/v1/flags', { key: f.key, enabled: true, flagType: 'percentage', rolloutPercentage: f.rollout }, 201);
  const bulk = await api.call<{ flags: unknown[] }>('POST', '/ofrep/v1/evaluate/flags', { context: { targetingKey: 'probe' } });
  if (bulk.flags.length !== FLAGS.length) throw new Error(`Switchboard evaluates ${bulk.flags.length} flags, expected ${FLAGS.length}`);
}

// ------------------------------------------------------------------ rounds

interface Round {
  round: number;
  switchboard: LoadResult;
  unleash: LoadResult;
}

const fmt = (v: number, d = 2) => v.toFixed(d);

function checkClean(name: string, r: LoadResult) {
  if (r.errors || r.non2xx) log(`  warning: ${name} had ${r.errors} errors and ${r.non2xx} non-2xx answers (${JSON.stringify(r.statusCodes)})`);
}

async function main() {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const loadBefore = os.loadavg();
  log(`${os.cpus().length} CPUs, node ${process.version}, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  await ensureBuild(false);
  const dir = installUnleash(log, cleanups);
  const [sbDb, ulDb] = [await createBenchDatabase(ADMIN_URL), await createBenchDatabase(ADMIN_URL)];
  cleanups.push(() => sbDb.drop(), () => ulDb.drop());
  log(`databases ${sbDb.name} (Switchboard), ${ulDb.name} (Unleash)`);

  const scratch = mkdtempSync(path.join(os.tmpdir(), 'switchboard-peer-'));
  cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
  const sbPort = Number(process.env.PEER_SWITCHBOARD_PORT) || (await freePort());
  const ulPort = Number(process.env.PEER_UNLEASH_PORT) || (await freePort());

  log('starting Unleash …');
  const unleashUrl = await startUnleash(dir, ulDb.url, ulPort, path.join(RESULTS_DIR, 'peer-unleash.log'), cleanups);
  log(`Unleash on ${unleashUrl}; creating ${FLAGS.length} gradual-rollout flags …`);
  await seedUnleash(unleashUrl);

  log('starting Switchboard …');
  const server = await BenchServer.start({ databaseUrl: sbDb.url, dataDir: path.join(scratch, 'data'), encryptionKey: randomBytes(32).toString('hex'), logFile: path.join(RESULTS_DIR, 'peer-switchboard.log'), port: sbPort });
  cleanups.push(() => server.stop());
  const api = new ApiClient(server.baseUrl);
  await seedSwitchboard(api);
  log(`Switchboard on ${server.baseUrl}; ${FLAGS.length} percentage flags`);

  let sbUser = 0;
  let ulUser = 0;
  const sbSpec: LoadSpec = {
    baseUrl: server.baseUrl,
    token: api.token!,
    method: 'POST',
    next: () => ({ path: '/ofrep/v1/evaluate/flags', body: `{"context":{"targetingKey":"user-${sbUser++}"}}` }),
    durationS: DURATION_S,
    warmupS: WARMUP_S,
    connections: CONNECTIONS,
  };
  const ulSpec: LoadSpec = {
    baseUrl: unleashUrl,
    token: '',
    authorization: UNLEASH_FRONTEND,
    method: 'GET',
    next: () => ({ path: `/api/frontend?userId=user-${ulUser++}` }),
    durationS: DURATION_S,
    warmupS: WARMUP_S,
    connections: CONNECTIONS,
  };

  const rounds: Round[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    // alternate who goes first, so neither always meets the other's after-effects
    const order = round % 2 ? (['switchboard', 'unleash'] as const) : (['unleash', 'switchboard'] as const);
    const got: Partial<Round> = { round };
    for (const who of order) {
      log(`round ${round}: ${who} (${WARMUP_S}s warm-up + ${DURATION_S}s, ${CONNECTIONS} connections) …`);
      const r = await measure(who === 'switchboard' ? sbSpec : ulSpec);
      checkClean(who, r);
      log(`  ${who}: ${Math.round(r.rps)} req/s, p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms`);
      got[who] = r;
    }
    rounds.push(got as Round);
  }

  const rows = rounds.flatMap((r) => [
    [`${r.round}`, 'Switchboard POST /ofrep/v1/evaluate/flags', Math.round(r.switchboard.rps).toLocaleString('en-US'), fmt(r.switchboard.p50), fmt(r.switchboard.p99), `${r.switchboard.errors + r.switchboard.non2xx}`],
    [`${r.round}`, 'Unleash 8 GET /api/frontend', Math.round(r.unleash.rps).toLocaleString('en-US'), fmt(r.unleash.p50), fmt(r.unleash.p99), `${r.unleash.errors + r.unleash.non2xx}`],
    [`${r.round}`, 'ratio Switchboard / Unleash', `${fmt(r.switchboard.rps / r.unleash.rps)}×`, `${fmt(r.switchboard.p50 / r.unleash.p50)}×`, `${fmt(r.switchboard.p99 / r.unleash.p99)}×`, ''],
  ]);
  const header = ['round', 'server', 'req/s', 'p50 ms', 'p99 ms', 'errors'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n${[line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')}\n`);
  const rps = rounds.map((r) => r.switchboard.rps / r.unleash.rps);
  const p99 = rounds.map((r) => r.switchboard.p99 / r.unleash.p99);
  const met = rounds.filter((_, i) => rps[i] >= 4 && p99[i] <= 0.25).length;
  console.log(`goal (≥ 4× Unleash's req/s and ≤ ¼ of its p99 in the same round): met in ${met} of ${rounds.length} rounds`);
  const loadAfter = os.loadavg();
  console.log(`load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')} (${os.cpus().length} CPUs; other work on the machine skews both servers)`);
  const file = path.join(RESULTS_DIR, 'peer.json');
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadavg: { before: loadBefore, after: loadAfter }, connections: CONNECTIONS, durationS: DURATION_S, warmupS: WARMUP_S, flags: FLAGS, rounds }, null, 2)}\n`);
  console.log(`results: ${path.relative(process.cwd(), file)}`);
}

try {
  await main();
} catch (e) {
  console.error('[bench:peer] failed:', e instanceof Error ? e.message : e);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
