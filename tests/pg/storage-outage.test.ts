import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import postgres from 'postgres';
import { openDatabase } from '@/lib/db/client';
import { bootstrapped, startTestServer, type TestServer, type ApiResponse } from '../integration/harness';
import { createScopes, expectStatus, tableCounts, WORLD } from '../integration/support';
import { TcpProxy } from './tcp-proxy';

/**
 * PostgreSQL taken away mid-run (through a TCP proxy this test controls; the shared server keeps running):
 * every API call answers within 2 s — 503 UNAVAILABLE when it needs storage, the cached answer marked
 * `X-Switchboard-Stale: true` when it does not — health says degraded with the reason, and everything
 * recovers when the database is back, without a restart.
 */
const base = new URL(process.env.TEST_DATABASE_URL!);
const dbName = `sb_outage_${randomBytes(5).toString('hex')}`;
const root = postgres(base.toString(), { max: 1, onnotice: () => {} });
const proxy = new TcpProxy(base.hostname, Number(base.port || 5432));
let s: TestServer;
let admin: string;
const KEY = '/api/v1/settings/catering.bufferPercentage';
const resolveA = `${KEY}/resolve?scope=tenant-a`;
const OTHER = '/api/v1/settings/auth.maxLoginAttempts';
let attempts = 6;

/** A request that must answer within 2 s, whatever it answers. */
async function timed(method: string, path: string, body?: unknown): Promise<ApiResponse> {
  const started = performance.now();
  const res = await s.api(method, path, { token: admin, ...(body === undefined ? {} : { body }) });
  const ms = performance.now() - started;
  expect(ms, `${method} ${path} took ${Math.round(ms)} ms`).toBeLessThan(2000);
  return res;
}

const unavailable = (res: ApiResponse) => {
  expect(res.status, JSON.stringify(res.body)).toBe(503);
  expect(res.body).toEqual({ error: { code: 'UNAVAILABLE', message: expect.any(String) } });
  expect(res.headers.get('retry-after')).toBeTruthy();
};

async function until(what: string, check: () => Promise<boolean>, ms = 8000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  await root.unsafe(`create database ${dbName}`);
  const port = await proxy.start();
  const url = new URL(base);
  url.host = `127.0.0.1:${port}`;
  url.pathname = `/${dbName}`;
  s = await startTestServer({
    open: async () => ({
      database: await openDatabase({ url: url.toString() }),
      drop: async () => {
        await root.unsafe(`drop database if exists ${dbName} with (force)`);
      },
    }),
  });
  admin = await bootstrapped(s, 'accreditation');
  await createScopes(s, admin, WORLD);
  expectStatus(await s.api('PUT', KEY, { token: admin, body: { value: 12, scope: 'tenant-a' } }), 200);
}, 240_000);
afterAll(async () => {
  await proxy.restore();
  await s?.close();
  await proxy.close();
  await root.end();
});

async function outage(takeAway: () => Promise<void> | void, reason: string) {
  // warm: the resolution and the token's principal are cached
  const warm = await timed('GET', resolveA);
  expect(warm.body.value).toBe(12);
  expect(warm.headers.get('x-switchboard-stale')).toBeNull();
  const log = vi.spyOn(console, 'error').mockImplementation(() => {});
  const info = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    // a write in flight when storage goes away is answered, not left hanging (another key: whether it
    // commits before the cut is a race, and a committed write drops KEY's cached answers)
    const inFlight = timed('PUT', OTHER, { value: ++attempts, scope: 'tenant-a' });
    await takeAway();
    const first = await inFlight;
    expect([200, 503]).toContain(first.status);

    const health = await timed('GET', '/api/health');
    expect(health.status).toBe(503);
    expect(health.body).toEqual({ status: 'degraded', db: 'down', reason });

    const cached = await timed('GET', resolveA);
    expect(cached.status, JSON.stringify(cached.body)).toBe(200);
    expect(cached.headers.get('x-switchboard-stale')).toBe('true');
    expect(cached.body.value).toBe(12);

    unavailable(await timed('PUT', KEY, { value: 14, scope: 'tenant-b' }));
    unavailable(await timed('GET', `${KEY}/resolve?scope=event-b1`));
    unavailable(await timed('GET', '/api/v1/audit?limit=5'));
    unavailable(await timed('POST', '/api/v1/scopes', { id: 'tenant-c', level: 'tenant', parentId: 'global', name: 'C' }));

    // said once, however many requests failed
    expect(log.mock.calls.filter((c) => String(c[0]).includes('storage is down'))).toHaveLength(1);

    await proxy.restore();
    await until('health ok', async () => (await s.api('GET', '/api/health')).status === 200);
    expect(info.mock.calls.filter((c) => String(c[0]).includes('reachable again'))).toHaveLength(1);
  } finally {
    if (proxy.down) await proxy.restore(); // a failed assertion must not leave the next case without a database
    log.mockRestore();
    info.mockRestore();
  }
  // back without a restart: reads fresh, writes work, the audit chain is whole
  await until('a write', async () => (await s.api('PUT', KEY, { token: admin, body: { value: 15, scope: 'tenant-b' } })).status === 200);
  const fresh = expectStatus(await s.api('GET', `${KEY}/resolve?scope=tenant-b`, { token: admin }), 200);
  expect(fresh.value).toBe(15);
  expect(expectStatus(await s.api('GET', resolveA, { token: admin }), 200)).toBeTruthy();
  expect((await s.api('GET', resolveA, { token: admin })).headers.get('x-switchboard-stale')).toBeNull();
  const verify = expectStatus(await s.api('GET', '/api/v1/audit/verify', { token: admin }), 200);
  expect(verify).toEqual({ valid: true, checked: (await tableCounts(s)).auditLog });
}

describe('PostgreSQL unreachable mid-run', () => {
  it('server gone (connections reset, new ones refused)', () => outage(() => proxy.cut(), 'unreachable'), 60_000);
  it('network silently dropping everything', () => outage(() => proxy.blackhole(), 'timeout'), 60_000);
});
