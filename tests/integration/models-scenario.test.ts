import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { createScopes, expectStatus, person, WORLD } from './support';

/**
 * Issue 12's "done when", through the API: a tenant overrides the global model and temperature, spends its
 * daily token quota with concurrent callers and gets 429 at exactly the limit, sees the quota, and every
 * step is in the audit log.
 */
let s: TestServer;

beforeAll(async () => {
  s = await startTestServer();
  // a fresh embedded database, migrated, on a machine others share: give it time
}, 180_000);
afterAll(async () => {
  await s?.close();
});

describe('a tenant on its own model and budget', () => {
  it('works end to end', async () => {
    const admin = await bootstrapped(s);
    await createScopes(s, admin, WORLD);
    const tenantAdmin = await person(s, admin, 'Tenant Admin', [{ role: 'tenant_admin', scopeId: 'tenant-a' }]);
    const service = await person(s, admin, 'Tenant A service', [{ role: 'member', scopeId: 'tenant-a' }]);
    const api = (method: string, path: string, token: string, body?: unknown) => s.api(method, `/api/v1${path}`, { token, body });

    // the platform: one model for everyone, and a daily budget for tenant A
    expectStatus(await api('PUT', '/models/openai', admin, { scope: 'global', model: 'gpt-4o', status: 'active', apiKey: 'sk-platform', parameters: { temperature: 0.2 }, reason: 'platform default' }), 200);
    expectStatus(await api('PUT', '/models/openai', admin, { scope: 'tenant-a', quota: { timeZone: 'Europe/Berlin', daily: { tokens: { soft: 800, hard: 1000 } } } }), 200);

    // the tenant overrides model and temperature (its quota stays: it is set from above)
    const own = expectStatus(await api('PUT', '/models/openai', tenantAdmin.token, { scope: 'tenant-a', model: 'gpt-4.1', parameters: { temperature: 0.9 } }), 200);
    expect(own.own.quota.daily.tokens).toEqual({ soft: 800, hard: 1000 });
    const check = expectStatus(await api('POST', '/models/openai/check', service.token, { scope: 'event-a1', estimatedTokens: 50 }), 200);
    expect(check).toMatchObject({ allowed: true, model: 'gpt-4.1', parameters: { temperature: 0.9 }, apiKeyWithheld: true });
    const global = (await api('GET', '/models?scope=tenant-b', admin)).body.providers[0];
    expect([global.model.value, global.parameters.temperature.value]).toEqual(['gpt-4o', 0.2]);

    // 30 concurrent callers × 50 tokens against 1000: exactly 20 fit
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => api('POST', '/models/openai/usage', service.token, { scope: i % 2 ? 'event-a1' : 'tenant-a', tokens: 50, cost: 0.01 })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(20);
    const refusals = answers.filter((a) => a.status === 429);
    expect(refusals).toHaveLength(10);
    expect(refusals[0].body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { scope: 'tenant-a', period: 'daily', metric: 'tokens', limit: 1000, used: 1000 } });
    expect(expectStatus(await api('POST', '/models/openai/check', service.token, { scope: 'tenant-a' }), 200)).toMatchObject({ allowed: false, reason: { code: 'QUOTA_EXCEEDED' } });

    // the tenant sees its quota used up, and when it resets
    const quotas = expectStatus(await api('GET', '/models/quotas?scope=tenant-a', tenantAdmin.token), 200).quotas;
    expect(quotas).toHaveLength(1);
    expect(quotas[0]).toMatchObject({ provider: 'openai', scope: 'tenant-a', usage: { daily: { requests: 20, tokens: 1000, cost: 0.2 } }, remaining: { daily: { tokens: 0 } } });
    expect(Date.parse(quotas[0].resetsAt.daily)).toBeGreaterThan(Date.now());

    // every step is in the audit log, in order (read by the platform admin: tenant admins see only their tenant's entries)
    const audit = expectStatus(await api('GET', '/audit?key=models.openai&limit=50', admin), 200).entries.reverse();
    expect(audit.map((e: { action: string; scopeId: string; details: { threshold?: string } | null }) => [e.action, e.scopeId, e.details?.threshold ?? null])).toEqual([
      ['model.update', 'global', null],
      ['model.update', 'tenant-a', null],
      ['model.update', 'tenant-a', null],
      ['model.quota', 'tenant-a', 'soft'],
      ['model.quota', 'tenant-a', 'hard'],
    ]);
    expect(audit[0]).toMatchObject({ reason: 'platform default', newValue: { apiKey: '[REDACTED]', model: 'gpt-4o' } });
    expect(audit[2]).toMatchObject({ actorName: 'Tenant Admin', oldValue: { model: null }, newValue: { model: 'gpt-4.1', parameters: { temperature: 0.9 } } });
    expect(audit[4]).toMatchObject({ actorName: 'Tenant A service', details: { metric: 'tokens', limit: 1000, used: 1000 } });
    expect(expectStatus(await api('GET', '/audit/verify', admin), 200).valid).toBe(true);
  });
});
