import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { and, asc, eq, sql } from 'drizzle-orm';
import { auditLog, modelUsage, modelUsageAllowances } from '@/lib/db/schema';
import type { Principal } from '@/lib/auth/policy';
import { authenticateToken } from '@/lib/services/identity/principal';
import { createApp, type App } from '@/lib/services/kernel/app';
import type { ModelQuotaEvent } from '@/lib/services/models/events';
import { flushMetering, stopMetering } from '@/lib/services/models/meter';
import { checkModel } from '@/lib/services/models/check';
import { modelState } from '@/lib/services/models/state';
import { recordUsage } from '@/lib/services/models/usage';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { createScopes, expectStatus, person, WORLD } from './support';

/**
 * Metering with per-instance allowances (meter.ts): several instances on one database, each admitting usage in
 * memory against the share of headroom it reserved, still reach a hard limit exactly, give unused allowances
 * back, settle on shutdown, and charge a dead instance's allowance in full.
 */

let s: TestServer;
let admin: string;
let principal: Principal;
let others: App[] = [];
const ctx = () => ({ actor: { id: principal.userId, name: principal.name, role: 'member' }, source: 'api' as const, ip: null });

const m = (method: string, path: string, body?: unknown) => s.api(method, `/api/v1/models${path}`, { token: admin, body });
const counter = async (provider: string, scopeId: string, period: 'daily' | 'monthly') =>
  (await s.app.db.select().from(modelUsage).where(and(eq(modelUsage.provider, provider), eq(modelUsage.scopeId, scopeId), eq(modelUsage.period, period))))[0];
const allowances = (provider: string) => s.app.db.select().from(modelUsageAllowances).where(eq(modelUsageAllowances.provider, provider)).orderBy(asc(modelUsageAllowances.instance));
const meterOnce = (app: App, provider: string, scope: string, requests = 1, tokens = 0) =>
  recordUsage(app, principal, provider, { scope, requests, tokens, cost: 0 }, ctx()).then(
    () => 'ok',
    (e: { code?: string; cause?: { message?: string } }) => e.code ?? String(e.cause?.message ?? e),
  );
/** A quota set through s.app reaches the other instances by NOTIFY: wait for it. */
const quotaReached = (provider: string, scope = 'tenant-b') =>
  vi.waitFor(async () => {
    for (const app of others) expect((await modelState(app)).configs.get(provider)?.get(scope)?.quota).toBeTruthy();
  });
const tally = (answers: string[]) => answers.reduce<Record<string, number>>((t, a) => ({ ...t, [a]: (t[a] ?? 0) + 1 }), {});

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s);
  await createScopes(s, admin, WORLD);
  const service = await person(s, admin, 'Service B', [{ role: 'member', scopeId: 'tenant-b' }]);
  principal = (await authenticateToken(s.app, service.token))!;
  for (const provider of ['openai', 'anthropic', 'mistral', 'google']) expectStatus(await m('PUT', `/${provider}`, { scope: 'global', status: 'active' }), 200);
  others = [await createApp(s.app.database, s.app.secrets), await createApp(s.app.database, s.app.secrets)];
}, 180_000);
afterAll(async () => {
  for (const app of others) {
    await stopMetering(app);
    app.storage.stop();
  }
  await s?.close();
});

describe('metering with allowances', () => {
  it('reserves an allowance (reserved, not spent) and settles what it admitted against it', async () => {
    expectStatus(await m('PUT', '/openai', { scope: 'tenant-b', quota: { daily: { requests: { hard: 100_000 } } } }), 200);
    expect(await meterOnce(s.app, 'openai', 'tenant-b')).toBe('ok');
    // the first usage was decided exactly, and its sync reserved a share of the headroom for what comes next
    expect(await counter('openai', 'tenant-b', 'daily')).toMatchObject({ requests: 1 });
    const [held] = await allowances('openai');
    expect(held).toMatchObject({ scopeId: 'tenant-b', period: 'daily', requests: 64 });
    const answers = await Promise.all(Array.from({ length: 40 }, () => meterOnce(s.app, 'openai', 'event-b1')));
    expect(tally(answers)).toEqual({ ok: 40 });
    await flushMetering(s.app);
    expect(await counter('openai', 'tenant-b', 'daily')).toMatchObject({ requests: 41 });
    expect(await counter('openai', 'event-b1', 'daily')).toMatchObject({ requests: 40 });
    expect(await counter('openai', 'global', 'monthly')).toMatchObject({ requests: 41 });
  });

  it('reaches the hard limit exactly from three instances, allowances in play, thresholds audited once', async () => {
    expectStatus(await m('PUT', '/anthropic', { scope: 'tenant-b', quota: { daily: { requests: { soft: 1000, hard: 2000 } } } }), 200);
    await quotaReached('anthropic');
    const apps = [s.app, ...others];
    // one usage each first: every instance then holds an allowance
    expect(await Promise.all(apps.map((app) => meterOnce(app, 'anthropic', 'tenant-b', 1, 3)))).toEqual(['ok', 'ok', 'ok']);
    expect((await allowances('anthropic')).map((a) => a.requests)).toEqual([64, 64, 64]);
    const answers = await Promise.all(Array.from({ length: 2600 }, (_, i) => meterOnce(apps[i % 3], 'anthropic', i % 2 ? 'event-b1' : 'tenant-b', 1, 3)));
    expect(tally(answers)).toEqual({ ok: 1997, QUOTA_EXCEEDED: 603 });
    await Promise.all(apps.map((app) => flushMetering(app)));
    expect(await counter('anthropic', 'tenant-b', 'daily')).toMatchObject({ requests: 2000, tokens: 6000 });
    expect(await counter('anthropic', 'global', 'daily')).toMatchObject({ requests: 2000, tokens: 6000 });
    const audits = await s.app.db.select().from(auditLog).where(and(eq(auditLog.key, 'models.anthropic'), eq(auditLog.action, 'model.quota')));
    expect(audits.map((e) => [(e.details as ModelQuotaEvent).threshold, (e.details as ModelQuotaEvent).used]).sort()).toEqual([
      ['hard', 2000],
      ['soft', 1000],
    ]);
    // at the limit no allowance is left: the next usage is refused exactly, by the database, naming the limit
    await expect(recordUsage(others[0], principal, 'anthropic', { scope: 'tenant-b', requests: 1, tokens: 0, cost: 0 }, ctx())).rejects.toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { scope: 'tenant-b', metric: 'requests', limit: 2000, used: 2000, requested: 1 },
    });
  }, 120_000);

  it('gives an unused allowance back, so another instance can use that headroom', async () => {
    expectStatus(await m('PUT', '/mistral', { scope: 'tenant-b', quota: { daily: { requests: { hard: 1000 } } } }), 200);
    const [a, b] = others;
    await quotaReached('mistral');
    expect(await meterOnce(a, 'mistral', 'tenant-b')).toBe('ok');
    expect((await allowances('mistral')).map((r) => r.requests)).toEqual([64]);
    // b needs all the rest, a's allowance included: it gets it once a gives it back (idle, or asked to by the endgame)
    const answers = await Promise.all(Array.from({ length: 999 }, () => meterOnce(b, 'mistral', 'event-b1')));
    expect(tally(answers)).toEqual({ ok: 999 });
    expect(await meterOnce(b, 'mistral', 'tenant-b')).toBe('QUOTA_EXCEEDED');
    await flushMetering(b);
    expect(await counter('mistral', 'tenant-b', 'daily')).toMatchObject({ requests: 1000 });
    expect(await counter('mistral', 'event-b1', 'daily')).toMatchObject({ requests: 999 });
    expect(await allowances('mistral')).toEqual([]);
  }, 60_000);

  it('check counts what this instance admitted and has not settled yet, without waiting for a sync', async () => {
    expectStatus(await m('PUT', '/azure-openai', { scope: 'global', status: 'active' }), 200);
    expectStatus(await m('PUT', '/azure-openai', { scope: 'tenant-b', quota: { daily: { tokens: { hard: 1_000_000 } } } }), 200);
    expect(await meterOnce(s.app, 'azure-openai', 'tenant-b', 1, 1_000)).toBe('ok'); // exact; its sync reserves an allowance
    expect((await allowances('azure-openai')).length).toBe(1);
    // admitted in memory, settled by the next sync (up to 50 ms later)
    expect(await meterOnce(s.app, 'azure-openai', 'tenant-b', 1, 1_000)).toBe('ok');
    const check = (estimatedTokens: number) => checkModel(s.app, principal, 'azure-openai', { scope: 'event-b1', estimatedTokens });
    // 2,000 used: room for 998,000 more tokens, not 998,001 — whether or not the second usage is settled yet
    expect((await check(998_000)).allowed).toBe(true);
    expect(await check(998_001)).toMatchObject({ allowed: false, reason: { code: 'QUOTA_EXCEEDED', details: { scope: 'tenant-b', metric: 'tokens', used: 2_000 } } });
    await flushMetering(s.app);
    expect(await counter('azure-openai', 'tenant-b', 'daily')).toMatchObject({ tokens: 2_000 });
    expect(await check(998_001)).toMatchObject({ allowed: false, reason: { details: { used: 2_000 } } });
  });

  it('charges a dead instance’s expired allowance in full, never less', async () => {
    expectStatus(await m('PUT', '/google', { scope: 'tenant-b', quota: { daily: { requests: { hard: 100 } } } }), 200);
    await quotaReached('google');
    expect(await meterOnce(s.app, 'google', 'tenant-b')).toBe('ok');
    const day = await counter('google', 'tenant-b', 'daily');
    // an instance that reserved 30 and died without settling: its lease is over
    await s.app.db.execute(sql`insert into model_usage_allowances (provider, scope_id, period, window_start, instance, requests, expires_at)
      values ('google', 'tenant-b', 'daily', ${day.windowStart.toISOString()}::timestamptz, 'dead', 30, now() - interval '1 second')`);
    const answers = await Promise.all(Array.from({ length: 80 }, () => meterOnce(others[1], 'google', 'tenant-b')));
    expect(tally(answers)).toEqual({ ok: 69, QUOTA_EXCEEDED: 11 });
    await flushMetering(others[1]);
    expect(await counter('google', 'tenant-b', 'daily')).toMatchObject({ requests: 100 });
    expect((await allowances('google')).filter((r) => r.instance === 'dead')).toEqual([]);
  });

  it('settles and gives everything back on shutdown, and still meters exactly afterwards', async () => {
    expectStatus(await m('PUT', '/openai', { scope: 'tenant-a', quota: { daily: { requests: { hard: 100_000 } } } }), 200);
    const app = await createApp(s.app.database, s.app.secrets);
    try {
      const before = (await counter('openai', 'tenant-b', 'daily')).requests;
      expect(tally(await Promise.all(Array.from({ length: 50 }, () => meterOnce(app, 'openai', 'tenant-b'))))).toEqual({ ok: 50 });
      expect((await allowances('openai')).length).toBeGreaterThan(0);
      await stopMetering(app); // what App.close runs before the database closes
      expect(await counter('openai', 'tenant-b', 'daily')).toMatchObject({ requests: before + 50 });
      await flushMetering(s.app);
      // s.app gives its own back when idle; the stopped instance holds nothing
      const held = await allowances('openai');
      expect(held.every((r) => r.scopeId === 'tenant-b')).toBe(true);
      expect(held.length).toBeLessThanOrEqual(1);
      // after shutdown began, a usage is decided exactly and recorded before it is answered
      expect(await meterOnce(app, 'openai', 'tenant-b')).toBe('ok');
      expect(await counter('openai', 'tenant-b', 'daily')).toMatchObject({ requests: before + 51 });
    } finally {
      app.storage.stop();
    }
  });
});
