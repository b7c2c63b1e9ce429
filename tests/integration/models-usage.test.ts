import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { auditLog, modelUsage } from '@/lib/db/schema';
import { onModelEvent, type ModelQuotaEvent } from '@/lib/services/models/events';
import { recordUsage } from '@/lib/services/models/usage';
import { authenticateToken } from '@/lib/services/identity/principal';
import { createApp } from '@/lib/services/kernel/app';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { createScopes, expectStatus, person, refused, WORLD, type Person } from './support';

let s: TestServer;
let admin: string;
let serviceA: Person;
let serviceB: Person;
let tenantAdmin: Person;
const events: ModelQuotaEvent[] = [];

const m = (method: string, path: string, opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) => s.api(method, `/api/v1/models${path}`, { token: admin, ...opts });
const usage = (provider: string, body: unknown, token = serviceA.token) => m('POST', `/${provider}/usage`, { token, body });
const counters = () => s.app.db.select().from(modelUsage).orderBy(asc(modelUsage.provider), asc(modelUsage.scopeId), asc(modelUsage.period));
const counter = async (provider: string, scopeId: string, period: 'daily' | 'monthly') =>
  (await counters()).find((c) => c.provider === provider && c.scopeId === scopeId && c.period === period);

/** refused(), and the counters did not move either (a refused usage updates no row). */
async function refusedUsage(request: () => ReturnType<typeof usage>, status: number, code: string) {
  const before = await counters();
  const e = await refused(s, request, status, code);
  expect(await counters()).toEqual(before);
  return e;
}

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s);
  await createScopes(s, admin, WORLD);
  serviceA = await person(s, admin, 'Service A', [{ role: 'member', scopeId: 'tenant-a' }]);
  serviceB = await person(s, admin, 'Service B', [{ role: 'member', scopeId: 'tenant-b' }]);
  tenantAdmin = await person(s, admin, 'Tenant Admin', [{ role: 'tenant_admin', scopeId: 'tenant-a' }]);
  onModelEvent(s.app, (e) => events.push(e));
  for (const provider of ['openai', 'anthropic', 'mistral']) expectStatus(await m('PUT', `/${provider}`, { body: { scope: 'global', status: 'active' } }), 200);
  // a fresh embedded database, migrated, on a machine others share: give it time
}, 180_000);
afterAll(async () => {
  await s?.close();
});

describe('metering', () => {
  it('records usage at the scope and every ancestor, answering what remains', async () => {
    expectStatus(await m('PUT', '/openai', { body: { scope: 'tenant-a', quota: { daily: { tokens: { hard: 1000 } }, monthly: { cost: { hard: 20 } } } } }), 200);
    const res = expectStatus(await usage('openai', { scope: 'event-a1', tokens: 120, cost: 0.000123 }), 200);
    expect(res.recorded).toEqual({ requests: 1, tokens: 120, cost: 0.000123 });
    expect(res.remaining).toEqual([
      { scope: 'tenant-a', period: 'daily', remaining: { tokens: 880 }, resetsAt: expect.stringMatching(/T00:00:00\.000Z$/) },
      { scope: 'tenant-a', period: 'monthly', remaining: { cost: 19.999877 }, resetsAt: expect.stringMatching(/-01T00:00:00\.000Z$/) },
    ]);
    for (const scope of ['event-a1', 'tenant-a', 'global']) expect(await counter('openai', scope, 'daily')).toMatchObject({ requests: 1, tokens: 120, costMicros: 123 });
  });

  it('accepts exactly 50 of 100 concurrent usages against a limit of 50', async () => {
    expectStatus(await m('PUT', '/anthropic', { body: { scope: 'tenant-b', quota: { daily: { requests: { hard: 50 } } } } }), 200);
    const answers = await Promise.all(Array.from({ length: 100 }, () => usage('anthropic', { scope: 'event-b1', tokens: 10 }, serviceB.token)));
    const ok = answers.filter((a) => a.status === 200);
    const refusedAnswers = answers.filter((a) => a.status === 429);
    expect(ok).toHaveLength(50);
    expect(refusedAnswers).toHaveLength(50);
    expect(refusedAnswers[0].body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', field: 'requests', details: { scope: 'tenant-b', period: 'daily', metric: 'requests', limit: 50, used: 50, requested: 1 } });
    expect(refusedAnswers[0].body.error.message).toContain('resets at');
    expect(await counter('anthropic', 'tenant-b', 'daily')).toMatchObject({ requests: 50, tokens: 500 });
    // the event's and global's counters moved together with the tenant's: all or nothing
    expect(await counter('anthropic', 'event-b1', 'daily')).toMatchObject({ requests: 50, tokens: 500 });
    expect(await counter('anthropic', 'global', 'monthly')).toMatchObject({ requests: 50, tokens: 500 });
    expect(answers.filter((a) => a.status !== 200 && a.status !== 429)).toEqual([]);
  });

  it('counts a tenant’s usage against every ancestor’s quota too', async () => {
    expectStatus(await m('PUT', '/mistral', { body: { scope: 'global', status: 'active', quota: { timeZone: 'Europe/Berlin', daily: { tokens: { soft: 60, hard: 100 } } } } }), 200);
    expectStatus(await usage('mistral', { scope: 'tenant-a', tokens: 50 }), 200);
    expectStatus(await usage('mistral', { scope: 'event-b1', tokens: 30 }, serviceB.token), 200);
    const e = await refusedUsage(() => usage('mistral', { scope: 'tenant-b', tokens: 21 }, serviceB.token), 429, 'QUOTA_EXCEEDED');
    expect(e).toMatchObject({ field: 'tokens', details: { scope: 'global', limit: 100, used: 80, requested: 21 } });
    expectStatus(await usage('mistral', { scope: 'tenant-b', tokens: 20 }, serviceB.token), 200);
    await refusedUsage(() => usage('mistral', { scope: 'tenant-a', tokens: 1 }), 429, 'QUOTA_EXCEEDED');
  });

  it('audits crossing the soft threshold and reaching the hard limit, and emits model.quota events', async () => {
    const entries = await s.app.db.select().from(auditLog).where(eq(auditLog.action, 'model.quota')).orderBy(asc(auditLog.id));
    const mistral = entries.filter((e) => e.key === 'models.mistral');
    expect(mistral.map((e) => (e.details as ModelQuotaEvent).threshold)).toEqual(['soft', 'hard']);
    expect(mistral[0]).toMatchObject({ scopeId: 'global', details: { provider: 'mistral', period: 'daily', metric: 'tokens', limit: 60, used: 80, usageAt: 'event-b1' } });
    const anthropic = entries.filter((e) => e.key === 'models.anthropic');
    expect(anthropic).toHaveLength(1);
    expect(anthropic[0].details).toMatchObject({ threshold: 'hard', used: 50 });
    expect(events.filter((e) => e.provider === 'mistral').map((e) => [e.threshold, e.scopeId])).toEqual([
      ['soft', 'global'],
      ['hard', 'global'],
    ]);
  });

  it('refuses a single usage bigger than a fresh window’s limit', async () => {
    expectStatus(await m('PUT', '/openai', { body: { scope: 'tenant-b', quota: { monthly: { tokens: { hard: 10 } } } } }), 200);
    await refusedUsage(() => usage('openai', { scope: 'tenant-b', tokens: 11 }, serviceB.token), 429, 'QUOTA_EXCEEDED');
    expect(await counter('openai', 'tenant-b', 'monthly')).toBeUndefined();
  });

  it('stays exact with three instances metering at once: the limit is reached exactly, thresholds audited once', async () => {
    expectStatus(await m('PUT', '/google', { body: { scope: 'global', status: 'active' } }), 200);
    expectStatus(await m('PUT', '/google', { body: { scope: 'tenant-b', quota: { daily: { tokens: { soft: 250, hard: 500 } } } } }), 200);
    // two more instances on the same database, each batching its own callers
    const others = [await createApp(s.app.database, s.app.secrets), await createApp(s.app.database, s.app.secrets)];
    try {
      const principal = (await authenticateToken(s.app, serviceB.token))!;
      const ctx = { actor: { id: principal.userId, name: principal.name, role: 'member' }, source: 'api' as const, ip: null };
      const apps = [s.app, ...others];
      // 210 calls of 5 tokens race for 500: exactly 100 fit
      const calls = Array.from({ length: 210 }, (_, i) =>
        recordUsage(apps[i % 3], principal, 'google', { scope: i % 2 ? 'event-b1' : 'tenant-b', requests: 1, tokens: 5, cost: 0 }, ctx).then(
          () => (i % 2 ? 'ok' : 'ok at tenant'),
          (e: { code?: string; cause?: { message?: string } }) => e.code ?? String(e.cause?.message ?? e),
        ),
      );
      const answers = await Promise.all(calls);
      const tally: Record<string, number> = {};
      for (const a of answers) tally[a] = (tally[a] ?? 0) + 1;
      expect({ ok: tally.ok + tally['ok at tenant'], refused: tally.QUOTA_EXCEEDED, total: answers.length }, JSON.stringify(tally)).toEqual({ ok: 100, refused: 110, total: 210 });
      expect(await counter('google', 'tenant-b', 'daily')).toMatchObject({ requests: 100, tokens: 500 });
      expect(await counter('google', 'global', 'daily')).toMatchObject({ requests: 100, tokens: 500 });
      expect(await counter('google', 'event-b1', 'daily')).toMatchObject({ requests: tally.ok, tokens: 5 * tally.ok });
      const audits = await s.app.db.select().from(auditLog).where(eq(auditLog.key, 'models.google'));
      const crossed = audits.filter((e) => e.action === 'model.quota').map((e) => [(e.details as ModelQuotaEvent).threshold, (e.details as ModelQuotaEvent).used]);
      expect(crossed.sort()).toEqual([
        ['hard', 500],
        ['soft', 250],
      ]);
    } finally {
      for (const app of others) app.storage.stop();
    }
  });

  it('shows quotas with usage, remaining, reset times and 30 days of history', async () => {
    const q = expectStatus(await m('GET', '/quotas?scope=tenant-a', { token: tenantAdmin.token }), 200);
    expect(q.quotas.map((x: { provider: string; scope: string }) => `${x.provider}@${x.scope}`)).toEqual(['openai@tenant-a', 'mistral@global']);
    const openai = q.quotas[0];
    expect(openai.usage.daily).toEqual({ requests: 1, tokens: 120, cost: 0.000123 });
    expect(openai.remaining).toEqual({ daily: { tokens: 880 }, monthly: { cost: 19.999877 } });
    expect(openai.history).toHaveLength(30);
    expect(openai.history[29]).toMatchObject({ requests: 1, tokens: 120 });
    const mistral = q.quotas[1];
    expect(mistral.usage.daily.tokens).toBe(100);
    expect(mistral.remaining.daily).toEqual({ tokens: 0 });
    // Berlin midnight is 22:00 or 23:00 UTC
    expect(mistral.resetsAt.daily).toMatch(/T2[23]:00:00\.000Z$/);
    await refused(s, () => m('GET', '/quotas?scope=tenant-b', { token: tenantAdmin.token }), 404, 'SCOPE_NOT_FOUND');
  });
});

describe('bad usage input writes nothing', () => {
  it('refuses negative or non-numeric amounts', async () => {
    expect((await refusedUsage(() => usage('openai', { scope: 'tenant-a', tokens: -5 }), 400, 'INVALID_REQUEST')).field).toBe('tokens');
    expect((await refusedUsage(() => usage('openai', { scope: 'tenant-a', cost: 'lots' }), 400, 'INVALID_REQUEST')).field).toBe('cost');
    expect((await refusedUsage(() => usage('openai', { scope: 'tenant-a', requests: '3' }), 400, 'INVALID_REQUEST')).field).toBe('requests');
    await refusedUsage(() => usage('openai', { scope: 'tenant-a', tokens: 1.5 }), 400, 'INVALID_REQUEST');
    await refusedUsage(() => usage('openai', { scope: 'tenant-a', tokens: 1, extra: 1 }), 400, 'INVALID_REQUEST');
    await refusedUsage(() => m('POST', '/openai/usage', { token: serviceA.token, raw: '{"scope":', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_REQUEST');
  });

  it('refuses usage for a scope outside the caller’s reach, an unknown scope or provider', async () => {
    // another tenant's scope is not there for this caller: 404, word for word as an unknown one
    const e = await refusedUsage(() => usage('openai', { scope: 'tenant-b', tokens: 1 }), 404, 'SCOPE_NOT_FOUND');
    expect(e).toMatchObject({ field: 'scope', message: 'No scope "tenant-b"' });
    await refusedUsage(() => usage('openai', { scope: 'global', tokens: 1 }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refusedUsage(() => usage('openai', { scope: 'nowhere', tokens: 1 }), 404, 'SCOPE_NOT_FOUND');
    expect((await refusedUsage(() => usage('skynet', { scope: 'tenant-a', tokens: 1 }), 404, 'NOT_FOUND')).field).toBe('provider');
    await refusedUsage(() => s.api('POST', '/api/v1/models/openai/usage', { body: { scope: 'tenant-a', tokens: 1 } }), 401, 'UNAUTHENTICATED');
  });
});
