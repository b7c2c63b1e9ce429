import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubOf } from '@/lib/services/stream/hub';
import { ADMIN, bootstrapped, startTestServer, type TestServer } from './harness';
import { dataOf, openSse, type SseClient } from './sse';
import { createScopes, expectStatus, person, refused, WORLD, type Person } from './support';

let s: TestServer;
let admin: string;
let memberA: Person;
const open: SseClient[] = [];

const stream = async (query = '', token = admin, headers: Record<string, string> = {}) => {
  const c = await openSse(`${s.url}/api/v1/stream${query}`, { authorization: `Bearer ${token}`, ...headers });
  open.push(c);
  return c;
};
const put = (key: string, scope: string, value: unknown, token = admin) => s.api('PUT', `/api/v1/settings/${key}`, { token, body: { value, scope, reason: 'stream test' } });

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s, 'accreditation');
  await createScopes(s, admin, WORLD);
  memberA = await person(s, admin, 'Member A', [{ role: 'member', scopeId: 'tenant-a' }]);
}, 120_000);
afterAll(async () => {
  for (const c of open) c.close();
  await s?.close();
});

describe('GET /api/v1/stream', () => {
  it('sends setting.changed with id, key, scopeId, version, at and the resolved value', async () => {
    const c = await stream('?scope=event-a1');
    expect(c.status).toBe(200);
    expect(c.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expectStatus(await put('catering.bufferPercentage', 'tenant-a', 17), 200);
    const e = await c.next((e) => e.event === 'setting.changed');
    expect(e.id).toMatch(/^[0-9a-f]{8}-\d+$/);
    const data = dataOf(e);
    // `by`: who made it (the web app's "changed by … just now")
    expect(data).toMatchObject({ key: 'catering.bufferPercentage', scopeId: 'tenant-a', version: 1, value: 17, by: ADMIN.name });
    expect(Date.parse(data.at as string)).toBeGreaterThan(Date.now() - 5000);
  });

  it('sends flag.changed with the evaluation for the context', async () => {
    const c = await stream('?scope=tenant-a&keys=feature.kioskMode');
    expectStatus(await s.api('PUT', '/api/v1/flags/feature.kioskMode', { token: admin, body: { enabled: false } }), 200);
    const e = dataOf(await c.next((e) => e.event === 'flag.changed'));
    expect(e).toMatchObject({ key: 'feature.kioskMode', scopeId: 'global', value: { enabled: false }, by: ADMIN.name });
    expectStatus(await s.api('PUT', '/api/v1/flags/feature.kioskMode', { token: admin, body: { enabled: true } }), 200);
    const n = c.events.length;
    expect(dataOf(await c.next((e) => e.event === 'flag.changed', 3000, n))).toMatchObject({ value: { enabled: true } });
  });

  it('filters by keys and prefix', async () => {
    const byKey = await stream('?keys=catering.vendorPortalEnabled');
    const byPrefix = await stream('?prefix=transport.');
    expectStatus(await put('catering.bufferPercentage', 'global', 12), 200);
    expectStatus(await put('transport.noShowAlertMinutes', 'global', 20), 200);
    expectStatus(await put('catering.vendorPortalEnabled', 'global', true), 200);
    await byKey.next((e) => e.event === 'setting.changed');
    await byPrefix.next((e) => e.event === 'setting.changed');
    const keys = (c: SseClient) => c.events.filter((e) => e.event === 'setting.changed').map((e) => dataOf(e).key);
    await new Promise((r) => setTimeout(r, 200));
    expect(keys(byKey).every((k) => k === 'catering.vendorPortalEnabled')).toBe(true);
    expect(keys(byPrefix).every((k) => String(k).startsWith('transport.'))).toBe(true);
    expect(keys(byKey)).toEqual(['catering.vendorPortalEnabled']);
    expect(keys(byPrefix)).toEqual(['transport.noShowAlertMinutes']);
  });

  it('never sends a secret value, only that it changed', async () => {
    const c = await stream('?keys=sms.providerApiKey');
    expectStatus(await put('sms.providerApiKey', 'global', 'sk-very-secret'), 200);
    const e = await c.next((e) => e.event === 'setting.changed');
    expect(e.data).not.toContain('sk-very-secret');
    expect(dataOf(e)).not.toHaveProperty('value');
  });

  it("filters out changes in scopes the caller may not read (another tenant's)", async () => {
    const c = await stream('', memberA.token);
    expectStatus(await put('catering.bufferPercentage', 'tenant-b', 33), 200);
    expectStatus(await put('catering.bufferPercentage', 'tenant-a', 44), 200);
    const seen = await c.next((e) => e.event === 'setting.changed' && dataOf(e).scopeId === 'tenant-a');
    expect(dataOf(seen).value).toBe(44);
    expect(c.events.some((e) => e.data.includes('tenant-b'))).toBe(false);
  });

  it('refuses a scope out of reach as other reads do (404 SCOPE_NOT_FOUND), and bad parameters with 400', async () => {
    await refused(s, () => s.api('GET', '/api/v1/stream?scope=tenant-b', { token: memberA.token }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => s.api('GET', '/api/v1/stream?scope=nope', { token: admin }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => s.api('GET', '/api/v1/stream?keys=Not%20a%20key', { token: admin }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('GET', '/api/v1/stream?bogus=1', { token: admin }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('GET', '/api/v1/stream'), 401, 'UNAUTHENTICATED');
  });

  it('refuses an invalid Last-Event-ID with 400 INVALID_REQUEST', async () => {
    const e = await refused(s, () => s.api('GET', '/api/v1/stream', { token: admin, headers: { 'last-event-id': 'garbage' } }), 400, 'INVALID_REQUEST');
    expect(e.field).toBe('Last-Event-ID');
    await refused(s, () => s.api('GET', '/api/v1/stream?lastEventId=12', { token: admin }), 400, 'INVALID_REQUEST');
  });

  it('resumes after Last-Event-ID with what was missed, and resets for an id it cannot resume', async () => {
    const c = await stream('?keys=catering.bufferPercentage');
    expectStatus(await put('catering.bufferPercentage', 'global', 21), 200);
    const first = await c.next((e) => e.event === 'setting.changed');
    c.close();
    expectStatus(await put('catering.bufferPercentage', 'global', 22), 200);
    expectStatus(await put('catering.bufferPercentage', 'global', 23), 200);
    const resumed = await stream('?keys=catering.bufferPercentage', admin, { 'last-event-id': first.id! });
    await resumed.next((e) => e.event === 'setting.changed' && dataOf(e).version === (dataOf(first).version as number) + 2);
    const versions = resumed.events.filter((e) => e.event === 'setting.changed').map((e) => dataOf(e).version);
    expect(versions).toEqual([(dataOf(first).version as number) + 1, (dataOf(first).version as number) + 2]);
    // an id of another instance (or of this one before a restart)
    const other = await stream('', admin, { 'last-event-id': '00000000-5' });
    expect(dataOf(await other.next((e) => e.event === 'reset'))).toMatchObject({ reason: 'unknown-id' });
  });

  it('sends a reset when the gap is older than the ring', async () => {
    const hub = hubOf(s.app);
    const c = await stream('?keys=catering.bufferPercentage');
    expectStatus(await put('catering.bufferPercentage', 'global', 30), 200);
    const first = await c.next((e) => e.event === 'setting.changed');
    c.close();
    for (let i = 0; i < 1100; i++) s.app.caches.invalidate({ type: 'value', key: 'x.filler', scopeId: 'global', version: i });
    const late = await stream('', admin, { 'last-event-id': first.id! });
    expect(dataOf(await late.next((e) => e.event === 'reset'))).toMatchObject({ reason: 'gap' });
    expect(hub.lastId).toMatch(/-\d+$/);
  });

  it('ends the stream within seconds when its token is revoked', async () => {
    const p = await person(s, admin, 'Revoked Soon', [{ role: 'member', scopeId: 'tenant-a' }]);
    const c = await stream('', p.token);
    expect(c.status).toBe(200);
    const tokens = expectStatus(await s.api('GET', `/api/v1/tokens?userId=${p.id}`, { token: admin }), 200);
    const id = (tokens.tokens ?? tokens.items ?? tokens).find((t: { name: string }) => t.name === 'Revoked Soon token').id;
    const t0 = Date.now();
    expectStatus(await s.api('DELETE', `/api/v1/tokens/${id}`, { token: admin }), 200);
    await c.ended;
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('caps open streams per token with 429 RATE_LIMITED', async () => {
    const hub = hubOf(s.app);
    const before = hub.maxPerCaller;
    hub.maxPerCaller = 2;
    try {
      const p = await person(s, admin, 'Capped', [{ role: 'member', scopeId: 'tenant-a' }]);
      await stream('', p.token);
      await stream('', p.token);
      await refused(s, () => s.api('GET', '/api/v1/stream', { token: p.token }), 429, 'RATE_LIMITED');
    } finally {
      hub.maxPerCaller = before;
    }
  });
});

describe('a consumer that does not read', () => {
  it('is dropped once it falls more than MAX_BEHIND_BYTES behind, instead of being buffered for', async () => {
    const net = await import('node:net');
    expectStatus(await s.api('POST', '/api/v1/definitions', { token: admin, body: { key: 'big.text', label: 'Big', category: 'big', type: 'string', defaultValue: '', allowedLevels: ['global'] } }), 201);
    expectStatus(await put('big.text', 'global', 'x'.repeat(200_000)), 200);
    const hub = hubOf(s.app);
    // earlier cases' streams may still be closing: follow this connection's own subscriber
    const before = new Set(hub.subscribers);
    const { port } = new URL(s.url);
    const sock = net.connect(Number(port), '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write(`GET /api/v1/stream?keys=big.text HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin}\r\n\r\n`);
    sock.pause(); // never reads again
    const closed = new Promise((r) => sock.once('close', r));
    const mine = () => [...hub.subscribers].find((x) => !before.has(x));
    for (let i = 0; i < 50 && !mine(); i++) await new Promise((r) => setTimeout(r, 50));
    const sub = mine();
    expect(sub).toBeDefined();
    // 200 events of ~200 KB each: far more than socket buffers plus the 1 MiB bound
    for (let i = 0; i < 200; i++) s.app.caches.invalidate({ type: 'value', key: 'big.text', scopeId: 'global', version: 100 + i });
    for (let i = 0; i < 200 && hub.subscribers.has(sub!); i++) await new Promise((r) => setTimeout(r, 50));
    expect(hub.subscribers.has(sub!)).toBe(false);
    sock.resume(); // let the destroyed connection finish closing on our side
    await closed;
  }, 60_000);
});
