import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, modelConfigurations, modelUsage } from '@/lib/db/schema';
import { dumpModelConfiguration, restoreModelConfiguration } from '@/lib/services/models/backup';
import { ADMIN, bootstrapped, startTestServer, type TestServer } from './harness';
import { createScopes, expectStatus, person, refused, WORLD, type Person } from './support';

let s: TestServer;
let admin: string;
let tenantAdmin: Person;
let member: Person;
let otherMember: Person;

const m = (method: string, path: string, opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) => s.api(method, `/api/v1/models${path}`, { token: admin, ...opts });
const put = (provider: string, body: Record<string, unknown>, token = admin) => m('PUT', `/${provider}`, { body, token });
const list = async (scope: string, token = admin) => expectStatus(await m('GET', `?scope=${scope}`, { token }), 200);
const providerAt = async (provider: string, scope: string, token = admin) => (await list(scope, token)).providers.find((p: { provider: string }) => p.provider === provider);
const audits = (action: string) => s.app.db.select().from(auditLog).where(eq(auditLog.action, action));

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s);
  await createScopes(s, admin, WORLD);
  tenantAdmin = await person(s, admin, 'Tenant Admin', [{ role: 'tenant_admin', scopeId: 'tenant-a' }]);
  member = await person(s, admin, 'Service A', [{ role: 'member', scopeId: 'tenant-a' }]);
  otherMember = await person(s, admin, 'Service B', [{ role: 'member', scopeId: 'tenant-b' }]);
  // a fresh embedded database, migrated, on a machine others share: give it time
}, 180_000);
afterAll(async () => {
  await s?.close();
});

describe('providers and models per scope', () => {
  it('lists the six built-in providers, unconfigured: defaults, inactive', async () => {
    const body = await list('global');
    expect(body.providers.map((p: { provider: string }) => p.provider)).toEqual(['openai', 'anthropic', 'azure-openai', 'google', 'mistral', 'ollama']);
    const openai = body.providers[0];
    expect(openai).toMatchObject({ model: { value: 'gpt-4o-mini', resolvedFrom: 'default' }, status: { value: 'inactive', resolvedFrom: 'default' }, own: null, allowed: true });
    expect(openai.parameters.temperature).toEqual({ value: 1, resolvedFrom: 'default', scopeId: null });
    expect(openai.parameterSchema.temperature).toMatchObject({ min: 0, max: 2 });
    expect(body.providers[1].parameterSchema.temperature).toMatchObject({ min: 0, max: 1 });
  });

  it('resolves a tenant override over global, field by field, with resolvedFrom', async () => {
    const g = expectStatus(await put('openai', { scope: 'global', model: 'gpt-4o', status: 'active', parameters: { temperature: 0.2, max_tokens: 1000 }, apiKey: 'sk-global-secret', reason: 'baseline' }), 200);
    expect(g).toMatchObject({ version: 1, model: { value: 'gpt-4o', resolvedFrom: 'global' }, apiKey: { value: '********', resolvedFrom: 'global' } });
    expect(JSON.stringify(g)).not.toContain('sk-global-secret');
    expectStatus(await put('openai', { scope: 'tenant-a', model: 'gpt-4.1', parameters: { temperature: 0.7 } }, tenantAdmin.token), 200);
    const at = await providerAt('openai', 'event-a1', tenantAdmin.token);
    expect(at.model).toEqual({ value: 'gpt-4.1', resolvedFrom: 'tenant', scopeId: 'tenant-a' });
    expect(at.status).toEqual({ value: 'active', resolvedFrom: 'global', scopeId: 'global' });
    expect(at.parameters.temperature).toEqual({ value: 0.7, resolvedFrom: 'tenant', scopeId: 'tenant-a' });
    expect(at.parameters.max_tokens).toEqual({ value: 1000, resolvedFrom: 'global', scopeId: 'global' });
    expect(at.parameters.top_p).toEqual({ value: 1, resolvedFrom: 'default', scopeId: null });
    expect((await providerAt('openai', 'tenant-b')).model.resolvedFrom).toBe('global');
  });

  it('stores the key encrypted, answers it masked, audits it redacted, reveals it with the password', async () => {
    const [row] = await s.app.db.select().from(modelConfigurations).where(and(eq(modelConfigurations.provider, 'openai'), eq(modelConfigurations.scopeId, 'global')));
    expect(row.apiKeyCiphertext).toMatch(/^k[0-9a-f]+:/);
    expect(row.apiKeyCiphertext).not.toContain('sk-global');
    const [entry] = await audits('model.update');
    expect(entry).toMatchObject({ key: 'models.openai', scopeId: 'global', reason: 'baseline' });
    expect((entry.newValue as { apiKey: string }).apiKey).toBe('[REDACTED]');
    expect(JSON.stringify(await s.app.db.select().from(auditLog))).not.toContain('sk-global-secret');
    // a wrong password is refused and audited like any failed re-authentication (issue 8 item 4)
    const wrong = await m('POST', '/openai/reveal', { body: { scope: 'tenant-a', password: 'wrong password!' } });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(await audits('auth.password_check')).toHaveLength(1);
    await refused(s, () => m('POST', '/openai/reveal', { token: tenantAdmin.token, body: { scope: 'tenant-a', password: 'a long enough password' } }), 403, 'INSUFFICIENT_PERMISSIONS');
    const shown = expectStatus(await m('POST', '/openai/reveal', { body: { scope: 'tenant-a', password: ADMIN.password } }), 200);
    expect(shown).toEqual({ provider: 'openai', scope: 'tenant-a', apiKey: 'sk-global-secret', resolvedFrom: 'global', scopeId: 'global' });
    expect(await audits('model.reveal')).toHaveLength(1);
  });

  it('keeps the stored key when a PUT omits it and removes it on null', async () => {
    expectStatus(await put('mistral', { scope: 'tenant-a', apiKey: 'mk-1' }, tenantAdmin.token), 200);
    expect((await put('mistral', { scope: 'tenant-a', model: 'mistral-large-latest' }, tenantAdmin.token)).body.own.apiKey).toBe('********');
    expect((await put('mistral', { scope: 'tenant-a', apiKey: null }, tenantAdmin.token)).body.own.apiKey).toBeNull();
  });

  it('DELETE ?scope= reverts an override: the scope inherits again, audited', async () => {
    expectStatus(await put('google', { scope: 'tenant-a', model: 'gemini-2.5-pro' }, tenantAdmin.token), 200);
    const reverted = expectStatus(await m('DELETE', '/google?scope=tenant-a', { token: tenantAdmin.token }), 200);
    expect(reverted).toMatchObject({ reverted: true, model: { value: 'gemini-2.5-flash', resolvedFrom: 'default' }, own: null });
    expect(await audits('model.revert')).toHaveLength(1);
    await refused(s, () => m('DELETE', '/google?scope=tenant-a', { token: tenantAdmin.token }), 404, 'NOT_FOUND');
  });

  it('applies locks: overrides below a locked scope are refused and ignored', async () => {
    expectStatus(await put('anthropic', { scope: 'tenant-b', model: 'claude-3-5-haiku' }), 200);
    expectStatus(await put('anthropic', { scope: 'global', model: 'claude-opus-4-1', status: 'active', lock: true }), 200);
    const e = await refused(s, () => put('anthropic', { scope: 'tenant-a', model: 'claude-3-5-haiku' }, tenantAdmin.token), 409, 'SETTING_LOCKED');
    expect(e.message).toContain('locked at "global"');
    const b = await providerAt('anthropic', 'tenant-b');
    expect(b).toMatchObject({ model: { value: 'claude-opus-4-1', resolvedFrom: 'global' }, lockedAt: 'global' });
    expectStatus(await put('anthropic', { scope: 'global', model: 'claude-opus-4-1', status: 'active' }), 200);
    expect((await providerAt('anthropic', 'tenant-b')).model.value).toBe('claude-3-5-haiku');
  });

  it('honours If-Match', async () => {
    const cur = (await providerAt('openai', 'tenant-a')).own.version;
    await refused(s, () => m('PUT', '/openai', { token: tenantAdmin.token, body: { scope: 'tenant-a', model: 'gpt-4o' }, headers: { 'if-match': `"${cur + 5}"` } }), 412, 'VERSION_CONFLICT');
  });

  it('lets tenant admins read global but change only their own tenant', async () => {
    expect((await list('global', tenantAdmin.token)).providers).toHaveLength(6);
    await refused(s, () => put('openai', { scope: 'global', model: 'gpt-4o' }, tenantAdmin.token), 403, 'INSUFFICIENT_PERMISSIONS');
    // another tenant's scope answers as if it did not exist, word for word (issue 8 item 9)
    const unknown = await refused(s, () => m('GET', '?scope=tenant-zz', { token: tenantAdmin.token }), 404, 'SCOPE_NOT_FOUND');
    const foreign = await refused(s, () => m('GET', '?scope=tenant-b', { token: tenantAdmin.token }), 404, 'SCOPE_NOT_FOUND');
    expect(foreign.message.replace('tenant-b', 'X')).toBe(unknown.message.replace('tenant-zz', 'X'));
    expect(foreign.field).toBe(unknown.field);
    await refused(s, () => put('openai', { scope: 'tenant-b', model: 'gpt-4o' }, tenantAdmin.token), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => m('GET', '/openai?scope=tenant-b', { token: tenantAdmin.token }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => m('DELETE', '/openai?scope=tenant-b', { token: tenantAdmin.token }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => put('openai', { scope: 'tenant-a', model: 'gpt-4o' }, member.token), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => m('GET', '?scope=tenant-a', { token: member.token }), 403, 'INSUFFICIENT_PERMISSIONS');
  });
});

describe('bad configuration input writes nothing', () => {
  it('refuses an unknown provider', async () => {
    const e = await refused(s, () => put('skynet', { scope: 'global', model: 'x' }), 404, 'NOT_FOUND');
    expect(e.field).toBe('provider');
  });
  it('refuses a model the provider does not offer', async () => {
    const e = await refused(s, () => put('anthropic', { scope: 'tenant-a', model: 'gpt-4o' }, tenantAdmin.token), 400, 'INVALID_REQUEST');
    expect(e).toMatchObject({ field: 'model' });
    expect(e.message).toContain('claude-sonnet-4-5');
  });
  it('refuses parameters out of the provider’s range, or unknown to it, naming the field', async () => {
    // 1.5 is fine for OpenAI (0–2) but not for Anthropic (0–1)
    expectStatus(await put('openai', { scope: 'event-a1', parameters: { temperature: 1.5 } }, tenantAdmin.token), 200);
    const range = await refused(s, () => put('mistral', { scope: 'tenant-a', parameters: { temperature: 1.6 } }, tenantAdmin.token), 400, 'INVALID_REQUEST');
    expect(range).toMatchObject({ field: 'parameters.temperature', message: 'temperature must be between 0 and 1.5' });
    const unknown = await refused(s, () => put('anthropic', { scope: 'global', parameters: { frequency_penalty: 1 } }), 400, 'INVALID_REQUEST');
    expect(unknown.field).toBe('parameters.frequency_penalty');
    const wrongType = await refused(s, () => put('openai', { scope: 'global', parameters: { max_tokens: 10.5 } }), 400, 'INVALID_REQUEST');
    expect(wrongType.field).toBe('parameters.max_tokens');
    const list = await refused(s, () => put('openai', { scope: 'global', parameters: { stop: ['a', 'b', 'c', 'd', 'e'] } }), 400, 'INVALID_REQUEST');
    expect(list.field).toBe('parameters.stop');
  });
  it('refuses http:// base URLs except to loopback', async () => {
    const e = await refused(s, () => put('openai', { scope: 'global', baseUrl: 'http://llm.example.com/v1' }), 400, 'INVALID_REQUEST');
    expect(e.field).toBe('baseUrl');
    await refused(s, () => put('openai', { scope: 'global', baseUrl: 'http://10.0.0.5/v1' }), 400, 'INVALID_REQUEST');
    await refused(s, () => put('openai', { scope: 'global', baseUrl: 'https://user:pw@x.example.com' }), 400, 'INVALID_REQUEST');
    expectStatus(await put('ollama', { scope: 'global', baseUrl: 'http://localhost:11434' }), 200);
    expectStatus(await put('azure-openai', { scope: 'global', baseUrl: 'https://my-resource.openai.azure.com' }), 200);
  });
  it('refuses a quota whose soft threshold is not below its hard limit', async () => {
    const e = await refused(s, () => put('openai', { scope: 'tenant-b', quota: { daily: { tokens: { soft: 100, hard: 100 } } } }), 400, 'INVALID_REQUEST');
    expect(e.field).toBe('quota.daily.tokens.soft');
    await refused(s, () => put('openai', { scope: 'tenant-b', quota: { timeZone: 'Mars/Olympus', daily: { tokens: { hard: 100 } } } }), 400, 'INVALID_REQUEST');
  });
  it('refuses malformed bodies: unknown fields, __proto__, wrong types', async () => {
    await refused(s, () => put('openai', { scope: 'global', colour: 'red' }), 400, 'INVALID_REQUEST');
    await refused(s, () => m('PUT', '/openai', { raw: '{"scope":"global","__proto__":{"x":1}}', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_REQUEST');
    await refused(s, () => put('openai', { scope: 'global', status: 'maybe' }), 400, 'INVALID_REQUEST');
    await refused(s, () => put('openai', { scope: 'nowhere', model: 'gpt-4o' }), 404, 'SCOPE_NOT_FOUND');
  });
});

describe('parameter presets', () => {
  it('creates presets checked against the provider schema, audited', async () => {
    const t = expectStatus(await m('POST', '/templates', { body: { name: 'Precise', provider: 'openai', parameters: { temperature: 0.1, top_p: 0.5 } } }), 201);
    expect(t).toMatchObject({ id: 'precise', provider: 'openai', version: 1 });
    expectStatus(await m('POST', '/templates', { body: { id: 'creative-claude', name: 'Creative', provider: 'anthropic', parameters: { temperature: 1, top_k: 250 } } }), 201);
    expect(await audits('model.template.create')).toHaveLength(2);
    const e = await refused(s, () => m('POST', '/templates', { body: { name: 'Hot', provider: 'anthropic', parameters: { temperature: 1.8 } } }), 400, 'INVALID_REQUEST');
    expect(e.field).toBe('parameters.temperature');
    await refused(s, () => m('POST', '/templates', { body: { name: 'Precise', provider: 'openai', parameters: {} } }), 409, 'CONFLICT');
    await refused(s, () => m('POST', '/templates', { token: tenantAdmin.token, body: { name: 'Mine', provider: 'openai', parameters: {} } }), 403, 'INSUFFICIENT_PERMISSIONS');
    expect(expectStatus(await m('GET', '/templates?provider=openai', { token: tenantAdmin.token }), 200).total).toBe(1);
  });

  it('resolves preset parameters under single overrides, saying where each came from', async () => {
    expectStatus(await put('openai', { scope: 'tenant-a', model: 'gpt-4.1', preset: 'precise', parameters: { temperature: 0.7 } }, tenantAdmin.token), 200);
    const at = await providerAt('openai', 'tenant-a');
    expect(at.preset).toEqual({ value: 'precise', resolvedFrom: 'tenant', scopeId: 'tenant-a' });
    expect(at.parameters.temperature).toEqual({ value: 0.7, resolvedFrom: 'tenant', scopeId: 'tenant-a' });
    expect(at.parameters.top_p).toEqual({ value: 0.5, resolvedFrom: 'preset', scopeId: 'tenant-a', preset: 'precise' });
    expect(at.parameters.max_tokens).toEqual({ value: 1000, resolvedFrom: 'global', scopeId: 'global' });
  });

  it('refuses a preset of another provider, or one that does not exist', async () => {
    const e = await refused(s, () => put('openai', { scope: 'tenant-a', preset: 'creative-claude' }, tenantAdmin.token), 400, 'INVALID_REQUEST');
    expect(e).toMatchObject({ field: 'preset' });
    expect(e.message).toContain('anthropic');
    await refused(s, () => put('openai', { scope: 'tenant-a', preset: 'nope' }, tenantAdmin.token), 400, 'INVALID_REQUEST');
  });

  it('changes a preset (re-checked) and refuses deleting one in use', async () => {
    await refused(s, () => m('PUT', '/templates/precise', { body: { parameters: { top_p: 3 } } }), 400, 'INVALID_REQUEST');
    expect(expectStatus(await m('PUT', '/templates/precise', { body: { parameters: { temperature: 0.1, top_p: 0.4 } } }), 200).version).toBe(2);
    expect((await providerAt('openai', 'tenant-a')).parameters.top_p.value).toBe(0.4);
    await refused(s, () => m('DELETE', '/templates/precise'), 409, 'CONFLICT');
    await refused(s, () => m('DELETE', '/templates/ghost'), 404, 'NOT_FOUND');
    expectStatus(await m('DELETE', '/templates/creative-claude'), 200);
    expect(await audits('model.template.delete')).toHaveLength(1);
  });
});

describe('quotas are set from above', () => {
  it('lets only the scope above set a scope’s quota', async () => {
    const e = await refused(s, () => put('openai', { scope: 'tenant-a', model: 'gpt-4.1', preset: 'precise', parameters: { temperature: 0.7 }, quota: { daily: { tokens: { hard: 1e9 } } } }, tenantAdmin.token), 403, 'INSUFFICIENT_PERMISSIONS');
    expect(e.field).toBe('quota');
    expectStatus(await put('openai', { scope: 'event-a1', parameters: { temperature: 1.5 }, quota: { daily: { requests: { hard: 10 } } } }, tenantAdmin.token), 200);
  });
});

describe('provider restrictions and status', () => {
  it('limits a tenant to a list of providers, narrowed (never widened) below', async () => {
    await refused(s, () => m('PUT', '/access', { token: tenantAdmin.token, body: { scope: 'tenant-a', allowedProviders: ['openai'] } }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => m('PUT', '/access', { body: { scope: 'tenant-a', allowedProviders: ['openai', 'hal'] } }), 404, 'NOT_FOUND');
    expect(expectStatus(await m('PUT', '/access', { body: { scope: 'tenant-a', allowedProviders: ['openai', 'mistral'] } }), 200)).toEqual({ scope: 'tenant-a', allowedProviders: ['mistral', 'openai'], effective: ['mistral', 'openai'] });
    expect(expectStatus(await m('PUT', '/access', { token: tenantAdmin.token, body: { scope: 'event-a1', allowedProviders: ['openai', 'anthropic'] } }), 200).effective).toEqual(['openai']);
    const at = await list('event-a1');
    expect(at).toMatchObject({ allowedProviders: ['openai'], restrictedAt: 'event-a1' });
    expect(at.providers.find((p: { provider: string }) => p.provider === 'anthropic').allowed).toBe(false);
    const e = await refused(s, () => m('POST', '/anthropic/check', { token: member.token, body: { scope: 'tenant-a' } }), 403, 'MODEL_PROVIDER_NOT_ALLOWED');
    expect(e.message).toContain('"tenant-a" allows only mistral, openai');
    await refused(s, () => m('POST', '/anthropic/usage', { token: member.token, body: { scope: 'event-a1', tokens: 5 } }), 403, 'MODEL_PROVIDER_NOT_ALLOWED');
    expect((await audits('model.access')).length).toBe(2);
  });

  it('refuses check and usage for an inactive provider, clearly', async () => {
    expectStatus(await put('mistral', { scope: 'tenant-a', model: 'mistral-large-latest', status: 'inactive' }, tenantAdmin.token), 200);
    const e = await refused(s, () => m('POST', '/mistral/check', { token: member.token, body: { scope: 'tenant-a' } }), 409, 'MODEL_PROVIDER_INACTIVE');
    expect(e.message).toContain('set inactive at "tenant-a"');
    const never = await refused(s, () => m('POST', '/google/usage', { token: otherMember.token, body: { scope: 'tenant-b', tokens: 1 } }), 409, 'MODEL_PROVIDER_INACTIVE');
    expect(never.message).toContain('not configured yet');
  });
});

describe('check', () => {
  it('answers the configuration to use; the key only to holders of models.useKey where it is stored', async () => {
    const asMember = expectStatus(await m('POST', '/openai/check', { token: member.token, body: { scope: 'tenant-a', estimatedTokens: 500 } }), 200);
    expect(asMember).toMatchObject({ allowed: true, provider: 'openai', model: 'gpt-4.1', parameters: { temperature: 0.7, top_p: 0.4, max_tokens: 1000 }, baseUrl: 'https://api.openai.com/v1', apiKeyWithheld: true });
    expect(asMember.apiKey).toBeUndefined();
    // the key is global's: a tenant admin may use keys stored in their tenant only
    expect(expectStatus(await m('POST', '/openai/check', { token: tenantAdmin.token, body: { scope: 'tenant-a' } }), 200)).toMatchObject({ apiKeyWithheld: true });
    expect(expectStatus(await m('POST', '/openai/check', { body: { scope: 'tenant-a' } }), 200)).toMatchObject({ apiKey: 'sk-global-secret', apiKeyWithheld: false });
    expectStatus(await put('openai', { scope: 'tenant-a', model: 'gpt-4.1', preset: 'precise', parameters: { temperature: 0.7 }, apiKey: 'sk-tenant-a' }, tenantAdmin.token), 200);
    expect(expectStatus(await m('POST', '/openai/check', { token: tenantAdmin.token, body: { scope: 'event-a1' } }), 200)).toMatchObject({ apiKey: 'sk-tenant-a', apiKeyWithheld: false });
  });

  it('says not allowed, with the limit, when a quota has no room', async () => {
    expectStatus(await put('openai', { scope: 'tenant-b', quota: { daily: { tokens: { hard: 100 } } } }), 200);
    expect(expectStatus(await m('POST', '/openai/check', { token: otherMember.token, body: { scope: 'tenant-b', estimatedTokens: 100 } }), 200).allowed).toBe(true);
    const no = expectStatus(await m('POST', '/openai/check', { token: otherMember.token, body: { scope: 'tenant-b', estimatedTokens: 101 } }), 200);
    expect(no).toMatchObject({ allowed: false, reason: { code: 'QUOTA_EXCEEDED', details: { scope: 'tenant-b', period: 'daily', metric: 'tokens', limit: 100, used: 0 } } });
    await refused(s, () => m('POST', '/openai/check', { token: otherMember.token, body: { scope: 'tenant-a' } }), 404, 'SCOPE_NOT_FOUND');
  });
});

describe('backups of type model (the seam)', () => {
  it('dumps configuration, presets and restrictions, and restores them atomically', async () => {
    const dump = await dumpModelConfiguration(s.app);
    expect(dump.configurations.length).toBeGreaterThan(3);
    expect(JSON.stringify(dump)).not.toContain('sk-global-secret');
    const before = await list('event-a1');
    expectStatus(await put('openai', { scope: 'tenant-a', model: 'gpt-4o' }, tenantAdmin.token), 200);
    expectStatus(await m('PUT', '/access', { body: { scope: 'tenant-a', allowedProviders: null } }), 200);
    const ctx = { actor: { id: null, name: 'test', role: null }, source: 'restore' as const };
    await expect(restoreModelConfiguration(s.app, { ...dump, templates: [] }, ctx, 'broken')).rejects.toThrow(/preset "precise"/);
    expect(await restoreModelConfiguration(s.app, dump, ctx, 'roll back the experiment')).toEqual({ configurations: dump.configurations.length, templates: 1, access: 2 });
    // the same configuration, restored by someone else just now
    const settled = (body: unknown) => JSON.parse(JSON.stringify(body, (k, v) => (k === 'updatedAt' || k === 'updatedBy' ? undefined : v)));
    expect(settled(await list('event-a1'))).toEqual(settled(before));
    expect(expectStatus(await m('POST', '/openai/check', { body: { scope: 'tenant-a' } }), 200).apiKey).toBe('sk-tenant-a');
    expect(await audits('model.restore')).toHaveLength(1);
  });
});

describe('deleting a scope', () => {
  it('refuses while the scope overrides a provider or restricts providers, like values; drops its usage counters, keeping the parent\'s', async () => {
    expectStatus(await s.api('POST', '/api/v1/scopes', { token: admin, body: { id: 'event-gone', name: 'Gone', level: 'event', parentId: 'tenant-b' } }), 201);
    const del = () => s.api('DELETE', '/api/v1/scopes/event-gone', { token: admin });
    expectStatus(await put('openai', { scope: 'global', status: 'active' }), 200);
    expectStatus(await put('openai', { scope: 'event-gone', model: 'gpt-4.1' }), 200);
    expect((await refused(s, del, 409, 'CONFLICT')).message).toMatch(/overrides 1 AI model provider/);
    expectStatus(await m('DELETE', '/openai?scope=event-gone'), 200);
    expectStatus(await m('PUT', '/access', { body: { scope: 'event-gone', allowedProviders: ['openai'] } }), 200);
    expect((await refused(s, del, 409, 'CONFLICT')).message).toMatch(/restricts which AI model providers/);
    expectStatus(await m('PUT', '/access', { body: { scope: 'event-gone', allowedProviders: null } }), 200);
    expectStatus(await m('POST', '/openai/usage', { body: { scope: 'event-gone', requests: 1 } }), 200);
    const counters = (scopeId: string) => s.app.db.select().from(modelUsage).where(and(eq(modelUsage.provider, 'openai'), eq(modelUsage.scopeId, scopeId)));
    expect(await counters('event-gone')).toHaveLength(2);
    const parentBefore = (await counters('tenant-b')).map((r) => r.requests);
    expect(expectStatus(await del(), 200)).toEqual({ deleted: true });
    expect(await counters('event-gone')).toEqual([]);
    expect((await counters('tenant-b')).map((r) => r.requests)).toEqual(parentBefore);
    const [entry] = expectStatus(await s.api('GET', '/api/v1/audit?action=scope.delete&limit=1', { token: admin }), 200).entries;
    expect(entry).toMatchObject({ scopeId: 'event-gone', details: { usageCountersDeleted: 2 } });
    // a new scope under the old id starts with nothing used
    expectStatus(await s.api('POST', '/api/v1/scopes', { token: admin, body: { id: 'event-gone', name: 'New', level: 'event', parentId: 'tenant-b' } }), 201);
    expect(await counters('event-gone')).toEqual([]);
  });
});

describe('the audit chain', () => {
  it('stays valid after all of the above', async () => {
    expect(expectStatus(await s.api('GET', '/api/v1/audit/verify', { token: admin }), 200).valid).toBe(true);
  });
});
