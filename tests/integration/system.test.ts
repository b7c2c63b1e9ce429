import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { router } from '@/lib/api/routes';
import type { App } from '@/lib/services/kernel/app';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { expectStatus, person, refused } from './support';

let s: TestServer;

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

describe('health and stats', () => {
  it('answers health without auth, even before setup', async () => {
    const res = await s.api('GET', '/api/health');
    expect(expectStatus(res, 200)).toEqual({ status: 'ok', db: 'ok' });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(expectStatus(await s.api('GET', '/api/health', { token: 'sb_whatever' }), 200).status).toBe('ok');
    await refused(s, () => s.api('GET', '/api/v1/stats'), 503, 'SETUP_REQUIRED');
  });

  it('says degraded with 503 when storage is down', async () => {
    const down = { database: { ping: async () => false } } as unknown as App;
    const res = await router.handle(new Request('http://localhost/api/health'), down);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'degraded', db: 'down' });
  });

  it('counts settings, overrides and recent changes within reach', async () => {
    const admin = await bootstrapped(s, 'accreditation');
    expectStatus(await s.api('POST', '/api/v1/scopes', { token: admin, body: { id: 'tenant-a', level: 'tenant', parentId: 'global', name: 'A' } }), 201);
    expectStatus(await s.api('POST', '/api/v1/scopes', { token: admin, body: { id: 'tenant-b', level: 'tenant', parentId: 'global', name: 'B' } }), 201);
    for (const scope of ['tenant-a', 'tenant-b']) {
      expectStatus(await s.api('PUT', '/api/v1/settings/catering.bufferPercentage', { token: admin, body: { value: 20, scope } }), 200);
    }
    const stats = expectStatus(await s.api('GET', '/api/v1/stats', { token: admin }), 200);
    const { total } = (await s.api('GET', '/api/v1/definitions?limit=1', { token: admin })).body;
    expect(stats).toMatchObject({ total, overrides: 2, recentChanges24h: 2, requiresRestart: expect.any(Number), flags: expect.any(Number) });
    const member = await person(s, admin, 'Member', [{ role: 'member', scopeId: 'tenant-a' }]);
    expect(expectStatus(await s.api('GET', '/api/v1/stats', { token: member.token }), 200)).toMatchObject({ total, overrides: 1, recentChanges24h: 1 });
    await refused(s, () => s.api('GET', '/api/v1/stats'), 401, 'UNAUTHENTICATED');
  });
});
