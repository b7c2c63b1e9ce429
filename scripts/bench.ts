/**
 * `npm run bench [-- --quick] [-- --only=pglite|postgres] [-- --rebuild] [-- --models-only]`; BENCH_PORT fixes the
 * server's port (a free one otherwise).
 *
 * Starts the production build on embedded PGlite (always) and on PostgreSQL (when BENCH_DATABASE_URL or
 * DATABASE_URL is set: a fresh `sb_bench_<random>` database on that server, dropped at the end), seeds
 * 10 tenants × 10 events × 60 settings and 20 feature flags (with tenant rows) through the API, then loads
 * the server with autocannon from this process and compares p50/p99/throughput with the targets in DESIGN.md
 * (OFREP evaluation against the warm-resolve target). Results: the printed table and
 * bench-results/latest.json. Benchmarks never gate CI.
 *
 * Configuration lifecycle rows (export / import of 10,000 values; backup + restore of 100,000 on PostgreSQL)
 * run in-process on each backend after its load tests; `-- --lifecycle` runs only those (no build needed).
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createBenchDatabase, fixtureScopeId, insertFixtureValues } from './bench/database';
import { definitions, eventIds, flagBodies, tenantIds, valueFor, KEYS } from './bench/dataset';
import { measure, measureAtRate, type LoadResult, type LoadSpec, type NextRequest } from './bench/load';
import { benchBackupRestore, benchExportImport } from './bench/lifecycle';
import { benchFanout, FANOUT_SUBSCRIBERS } from './bench/fanout';
import { formatTable, loadRow, rssRow, timeRow, TARGETS, writeJson, type Row } from './bench/report';
import { accountedUsages, recordedUsage, seedModels, usageRequests, USAGE_COST, USAGE_TOKENS } from './bench/models';
import { ApiClient, seed, type SeedSummary } from './bench/seed';
import { BenchServer, ensureBuild, killAllServersSync } from './bench/server';

type Backend = 'pglite' | 'postgres';

const { values: flags } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, rebuild: { type: 'boolean', default: false }, lifecycle: { type: 'boolean', default: false }, 'models-only': { type: 'boolean', default: false } },
});
if (flags.only && flags.only !== 'pglite' && flags.only !== 'postgres') {
  console.error('--only must be pglite or postgres');
  process.exit(2);
}

const RESULTS_DIR = path.resolve('bench-results');
const DURATION_S = flags.quick ? 2 : 8;
const WARMUP_S = flags.quick ? 1 : 2;
const CONNECTIONS = 10;
/** Issue 12: metering with 50 concurrent clients. */
const USAGE_CONNECTIONS = 50;
const ACCOUNTED_USAGES = 2000;
/**
 * The metering target is a p99 "at ≥ 500 req/s": measured at a fixed offered rate of twice that (open loop,
 * latency from when each request was due), and separately as fast as the 50 clients go.
 */
const USAGE_RATE = 1000;
/** Fixture event scopes for the 1M test: 16,702 × 60 keys ≈ 1.0M rows. 16,703 is coprime with 60 (see missRequests). */
const FIXTURE_SCOPES = 16_702;

const log = (msg: string) => console.log(`[bench] ${msg}`);

// ------------------------------------------------------------------ cleanup (also on error / SIGINT)

const cleanups: (() => Promise<void> | void)[] = [];
let cleaning: Promise<void> | undefined;
let interrupted = false;

/** Undoes everything registered so far, newest first; concurrent callers share one run. */
function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length) {
      try {
        await cleanups.pop()!();
      } catch (e) {
        console.error('[bench] cleanup failed:', e);
      }
    }
  })().finally(() => (cleaning = undefined));
  return cleaning;
}

/** Registers an undo step, refusing to create more once interrupted. */
function onCleanup(fn: () => Promise<void> | void) {
  cleanups.push(fn);
  if (interrupted) throw new Error('interrupted');
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: cleaning up …`);
    void runCleanups().finally(() => process.exit(130));
  });
}
process.on('exit', killAllServersSync);

// ------------------------------------------------------------------ request rotations

function roundRobin<T>(items: T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length];
}

const resolvePath = (key: string, scope: string) => `/api/v1/settings/${encodeURIComponent(key)}/resolve?scope=${encodeURIComponent(scope)}`;

/** A small fixed set of resolve URLs (8 keys × 4 events), cached after the warm-up. */
const warmResolveRequests = () =>
  roundRobin<NextRequest>(definitions.slice(0, 8).flatMap((d) => eventIds.slice(0, 4).map((e) => ({ path: resolvePath(d.key, e) }))));

const listRequests = () => roundRobin<NextRequest>(tenantIds.map((t) => ({ path: `/api/v1/settings?scope=${t}&limit=50` })));

/** PUT at event scopes: consecutive requests touch different keys, so concurrent writers rarely share a row. */
function putRequests(): () => NextRequest {
  let c = 0;
  return () => {
    const n = c++;
    const def = definitions[n % KEYS];
    const scope = eventIds[Math.floor(n / KEYS) % eventIds.length];
    return { path: `/api/v1/settings/${encodeURIComponent(def.key)}`, body: JSON.stringify({ value: valueFor(def, n + 1000), scope }) };
  };
}

/** OFREP contexts: 1,000 users spread over the tenants and their events, with a role now and then. */
const ofrepContext = (n: number) => ({
  targetingKey: `user-${n % 1000}`,
  tenantId: tenantIds[n % tenantIds.length],
  ...(n % 3 === 0 && { eventId: eventIds[(n % tenantIds.length) * (eventIds.length / tenantIds.length) + (n % 7)] }),
  ...(n % 4 === 0 && { role: 'VALIDATOR' }),
});

/** OFREP single evaluations: every flag kind, for ever-changing users (nothing to cache per user). */
function ofrepSingleRequests(): () => NextRequest {
  let n = 0;
  return () => {
    const i = n++;
    return { path: `/ofrep/v1/evaluate/flags/${flagBodies[i % flagBodies.length].key}`, body: JSON.stringify({ context: ofrepContext(i) }) };
  };
}

/** OFREP bulk evaluations: all 20 flags for one context per request. */
function ofrepBulkRequests(): () => NextRequest {
  let n = 0;
  return () => ({ path: '/ofrep/v1/evaluate/flags', body: JSON.stringify({ context: ofrepContext(n++) }) });
}

/**
 * Resolve URLs over fixture (key, scope) pairs, each requested once: request n = q·S + r asks scope r for key
 * (n + q) mod 60. For fixed r the keys q·(S+1) + r mod 60 are distinct because gcd(S+1, 60) = 1, so no pair
 * repeats within S × 60 requests. The first S requests also meet each scope for the first time.
 */
function missRequests(): () => NextRequest {
  let n = 0;
  return () => {
    const i = n++;
    const r = i % FIXTURE_SCOPES;
    const q = Math.floor(i / FIXTURE_SCOPES);
    return { path: resolvePath(definitions[(i + q) % KEYS].key, fixtureScopeId(r)) };
  };
}

// ------------------------------------------------------------------ one backend

interface BackendReport {
  backend: Backend;
  seed?: SeedSummary;
  fixture?: { rows: number; ms: number };
  rssAfterSeedMb?: number;
  rssBeforeMissMb?: number;
  /** At the end; for PostgreSQL the peak sampled during the cache-miss runs. */
  rssMb?: number;
  serverLog: string;
  ms: number;
}

/** One request the way the load will send it, to show a misconfiguration plainly instead of as an error count. */
async function probe(spec: LoadSpec, check?: (body: Record<string, unknown>) => string | undefined) {
  const req = spec.next();
  const res = await fetch(spec.baseUrl + req.path, {
    method: spec.method,
    headers: { authorization: `Bearer ${spec.token}`, ...(req.body ? { 'content-type': 'application/json' } : {}) },
    body: req.body,
  });
  const text = await res.text();
  if (!res.ok) return log(`  warning: probe ${spec.method} ${req.path} → ${res.status}: ${text.slice(0, 300)}`);
  const problem = check?.(JSON.parse(text));
  if (problem) log(`  warning: probe ${spec.method} ${req.path}: ${problem}`);
}

const logResult = (r: LoadResult) => log(`    p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${Math.round(r.rps)} req/s, errors ${r.errors}, non-2xx ${r.non2xx}`);

async function test(name: string, spec: LoadSpec, check?: (body: Record<string, unknown>) => string | undefined) {
  log(`  ${name}: ${spec.warmupS}s warm-up + ${spec.durationS}s, ${spec.connections} connection(s) …`);
  await probe(spec, check);
  const result = await measure(spec);
  logResult(result);
  return result;
}

async function benchBackend(backend: Backend, adminUrl: string | undefined, rows: Row[]): Promise<BackendReport> {
  const started = Date.now();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
  onCleanup(() => rmSync(scratch, { recursive: true, force: true }));
  const report: BackendReport = { backend, serverLog: path.join(RESULTS_DIR, `server-${backend}.log`), ms: 0 };
  try {
    let databaseUrl: string | undefined;
    if (backend === 'postgres') {
      const db = await createBenchDatabase(adminUrl!);
      onCleanup(() => db.drop());
      databaseUrl = db.url;
      log(`postgres: database ${db.name}`);
    }

    log(`${backend}: starting the server …`);
    const server = await BenchServer.start({
      databaseUrl,
      dataDir: path.join(scratch, 'data'),
      encryptionKey: randomBytes(32).toString('hex'),
      logFile: report.serverLog,
      port: process.env.BENCH_PORT ? Number(process.env.BENCH_PORT) : undefined,
    });
    onCleanup(() => server.stop());
    log(`${backend}: server pid ${server.pid} on ${server.baseUrl}; seeding …`);

    const api = new ApiClient(server.baseUrl);
    report.seed = await seed(api);
    report.rssAfterSeedMb = server.rssMb();
    log(`${backend}: seeded ${report.seed.scopes} scopes, ${report.seed.definitions} definitions, ${report.seed.values} values, ${report.seed.flags} flag rows in ${(report.seed.ms / 1000).toFixed(1)}s`);

    const spec = (method: LoadSpec['method'], next: () => NextRequest, connections = CONNECTIONS): LoadSpec => ({
      baseUrl: server.baseUrl,
      token: api.token!,
      method,
      next,
      durationS: DURATION_S,
      warmupS: WARMUP_S,
      connections,
    });

    if (!flags['models-only']) {
      await benchSettingsAndFlags(spec, backend, rows);
      rows.push(await fanoutRow(api, backend));
    }
    rows.push(...(await benchUsage(api, spec('POST', usageRequests(), USAGE_CONNECTIONS), backend)));

    if (backend === 'postgres' && !flags['models-only']) {
      log(`postgres: inserting the 1M-value fixture (${FIXTURE_SCOPES.toLocaleString('en-US')} event scopes × ${KEYS} keys) with SQL …`);
      const t0 = Date.now();
      const total = await insertFixtureValues(databaseUrl!, FIXTURE_SCOPES);
      report.fixture = { rows: total, ms: Date.now() - t0 };
      log(`postgres: setting_values now holds ${total.toLocaleString('en-US')} rows (${(report.fixture.ms / 1000).toFixed(1)}s)`);
      report.rssBeforeMissMb = server.rssMb();
      const peakRss = server.watchRss();
      const misses = missRequests(); // shared, so the 1-connection run meets fresh pairs too
      const fromEvent = (b: Record<string, unknown>) => (b.resolvedFrom === 'event' ? undefined : `expected resolvedFrom "event", got ${JSON.stringify(b.resolvedFrom)}`);
      const miss = await test('GET resolve (cache miss, 1M values)', spec('GET', misses), fromEvent);
      rows.push(loadRow('GET resolve (cache miss, 1M)', backend, TARGETS.resolveMiss, miss, `${total} stored values`));
      const miss1 = await test('GET resolve (cache miss, 1M values), 1 connection', spec('GET', misses, 1), fromEvent);
      rows.push(loadRow('GET resolve (cache miss, 1M) (1 conn)', backend, TARGETS.resolveMiss, miss1, `${total} stored values`));
      report.rssMb = peakRss();
      rows.push(rssRow('server RSS at 1M values (peak)', backend, TARGETS.rss, report.rssMb));
    } else {
      report.rssMb = server.rssMb();
      rows.push(rssRow('server RSS (seed data, DB in-process)', backend, TARGETS.info, report.rssMb));
    }
    const before = report.rssBeforeMissMb === undefined ? '' : `, before the cache-miss runs: ${report.rssBeforeMissMb.toFixed(0)} MB`;
    const what = backend === 'postgres' ? 'peak during the cache-miss runs' : 'at the end';
    log(`${backend}: server RSS ${report.rssMb.toFixed(0)} MB ${what} (after seeding: ${report.rssAfterSeedMb.toFixed(0)} MB${before})`);
  } finally {
    await runCleanups();
    report.ms = Date.now() - started;
  }
  return report;
}

/** The settings, OFREP and PUT rows (DESIGN.md's targets). */
async function benchSettingsAndFlags(spec: (method: LoadSpec['method'], next: () => NextRequest, connections?: number) => LoadSpec, backend: Backend, rows: Row[]) {
  const warm = await test('GET resolve (warm)', spec('GET', warmResolveRequests()));
  rows.push(loadRow('GET resolve (warm)', backend, TARGETS.resolveWarm, warm));
  const list = await test('GET /settings list page', spec('GET', listRequests()));
  rows.push(loadRow('GET /settings?limit=50', backend, TARGETS.list, list));
  const single = await test('OFREP single evaluation', spec('POST', ofrepSingleRequests()), (b) => (b.errorCode ? `OFREP error ${String(b.errorCode)}` : undefined));
  rows.push(loadRow('POST /ofrep/v1/evaluate/flags/:key', backend, TARGETS.resolveWarm, single));
  const bulk = await test('OFREP bulk evaluation (20 flags)', spec('POST', ofrepBulkRequests()), (b) => (Array.isArray(b.flags) && b.flags.length === flagBodies.length ? undefined : 'expected every flag'));
  rows.push(loadRow('POST /ofrep/v1/evaluate/flags (bulk)', backend, TARGETS.resolveWarm, bulk));
  // 10 writers queue on the audit chain lock; 1 writer shows the service time of a write alone
  const puts = putRequests();
  const put = await test('PUT value', spec('PUT', puts));
  rows.push(loadRow('PUT /settings/:key', backend, TARGETS.put, put));
  const put1 = await test('PUT value, 1 writer', spec('PUT', puts, 1));
  rows.push(loadRow('PUT /settings/:key (1 conn)', backend, TARGETS.put, put1));
}

/** Issue 11: one change reaching 1,000 open streams of this instance (time until the last has it). */
async function fanoutRow(api: ApiClient, backend: Backend): Promise<Row> {
  log(`  stream fan-out: ${FANOUT_SUBSCRIBERS} subscribers, one change at a time …`);
  const r = await benchFanout(api, definitions[0].key);
  const note = `${r.subscribers} subscribers; last one had it after ${r.lastMs.map((m) => m.toFixed(0)).join(' / ')} ms (max ${r.max.toFixed(0)})`;
  log(`    ${note}`);
  return timeRow(`stream fan-out (${FANOUT_SUBSCRIBERS} subscribers, median of ${r.lastMs.length} changes)`, backend, TARGETS.fanout, r.p50, note);
}

/**
 * Model usage metering from 50 clients: at the target's rate (twice it, offered evenly) and saturated, then
 * exact accounting: a fixed number of usages whose every answer is awaited, with the counters read before
 * and after — recorded must equal the 2xx answers.
 */
async function benchUsage(api: ApiClient, spec: LoadSpec, backend: Backend): Promise<Row[]> {
  await seedModels(api);
  log(`  POST /models/openai/usage at ${USAGE_RATE.toLocaleString('en-US')} req/s offered: ${spec.warmupS}s warm-up + ${spec.durationS}s, up to ${spec.connections} connections …`);
  await probe(spec);
  const atRate = await measureAtRate(spec, USAGE_RATE);
  logResult(atRate);
  log(`  POST /models/openai/usage saturated: ${spec.warmupS}s warm-up + ${spec.durationS}s, ${spec.connections} connections …`);
  const saturated = await measure(spec);
  logResult(saturated);
  // autocannon stops with requests in flight, which the server still records: wait until the counters
  // stop moving, then account for a run that awaits every answer
  let before = await recordedUsage(api);
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = await recordedUsage(api);
    if (now.requests === before.requests) break;
    before = now;
  }
  const { accepted } = await accountedUsages(spec.baseUrl, spec.token, spec.next, ACCOUNTED_USAGES, spec.connections);
  const after = await recordedUsage(api);
  const recorded = after.requests - before.requests;
  const exact = recorded === accepted && after.tokens - before.tokens === accepted * USAGE_TOKENS && Math.abs(after.cost - before.cost - accepted * USAGE_COST) < 1e-6;
  const note = `accounting run: ${accepted} of ${ACCOUNTED_USAGES} accepted, ${recorded} requests / ${after.tokens - before.tokens} tokens recorded${exact ? ' (exact)' : ' — ACCOUNTING MISMATCH'}`;
  log(`    ${note}`);
  const rateRow = loadRow(`POST /models/:provider/usage (${USAGE_RATE.toLocaleString('en-US')} req/s offered)`, backend, TARGETS.modelUsage, atRate, note);
  const saturatedRow = loadRow('POST /models/:provider/usage (saturated)', backend, TARGETS.modelUsageSaturated, saturated);
  return exact ? [rateRow, saturatedRow] : [{ ...rateRow, verdict: 'missed' }, saturatedRow];
}

// ------------------------------------------------------------------ main

async function main() {
  const started = Date.now();
  const loadBefore = os.loadavg();
  const adminUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || undefined;
  const backends: Backend[] = [];
  if (flags.only !== 'postgres') backends.push('pglite');
  if (flags.only !== 'pglite') {
    if (adminUrl) backends.push('postgres');
    else if (flags.only === 'postgres') throw new Error('--only=postgres needs BENCH_DATABASE_URL or DATABASE_URL');
    else log('no BENCH_DATABASE_URL / DATABASE_URL: PostgreSQL is skipped');
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  log(`${os.cpus().length} CPUs, node ${process.version}${flags.quick ? ', --quick' : ''}; backends: ${backends.join(', ')}`);

  let buildMs = 0;
  const rows: Row[] = [];
  const reports: BackendReport[] = [];
  const failures: string[] = [];
  for (const [i, backend] of backends.entries()) {
    try {
      if (!flags.lifecycle) {
        // before each server start: wait for anyone else's build, and build if there is none
        buildMs += await ensureBuild(flags.rebuild && i === 0);
        reports.push(await benchBackend(backend, adminUrl, rows));
      }
      await benchExportImport(backend, backend === 'postgres' ? adminUrl : undefined, rows, log);
      // 100,000 values: the target is PostgreSQL's (the embedded default runs it too, for comparison)
      await benchBackupRestore(backend, backend === 'postgres' ? adminUrl : undefined, rows, log);
    } catch (e) {
      if (interrupted) throw e;
      // one backend failing should not hide the other's numbers
      failures.push(`${backend}: ${e instanceof Error ? e.message : String(e)}`);
      log(`failed: ${failures.at(-1)}`);
    }
  }

  const totalS = (Date.now() - started) / 1000;
  console.log(`\n${formatTable(rows)}\n`);
  console.log(`bench took ${totalS.toFixed(0)}s (${reports.map((r) => `${r.backend} ${(r.ms / 1000).toFixed(0)}s`).join(', ')}${buildMs ? `, build ${(buildMs / 1000).toFixed(0)}s` : ''})`);
  const file = path.join(RESULTS_DIR, 'latest.json');
  writeJson(file, {
    at: new Date(started).toISOString(),
    totalSeconds: totalS,
    commit: spawnSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim() || null,
    node: process.version,
    cpus: os.cpus().length,
    // other work on the machine skews results: the load average before and after the run
    loadavg: { before: loadBefore, after: os.loadavg() },
    quick: flags.quick,
    run: { durationS: DURATION_S, warmupS: WARMUP_S, connections: CONNECTIONS, pipelining: 1 },
    buildMs,
    backends: reports,
    failures,
    results: rows.map((r) => ({ test: r.test, backend: r.backend, target: r.target, verdict: r.verdict, note: r.note, rssMb: r.rssMb, ms: r.ms, ...r.load })),
  });
  console.log(`results: ${path.relative(process.cwd(), file)}`);
  if (failures.length) throw new Error(`failed: ${failures.join('; ')}`);
}

try {
  await main();
} catch (e) {
  console.error('[bench] failed:', e instanceof Error ? e.message : e);
  process.exitCode = 1;
} finally {
  await runCleanups();
}
