import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { seedWorld } from './lifecycle-fixture';
import { expectStatus, person, refused, type Person } from './support';

/** Compare two scopes and promote values between them (issue 10 §3). */
describe('compare and promote', () => {
  let s: TestServer;
  let token: string;
  let tenantAdmin: Person;

  beforeAll(async () => {
    s = await startTestServer();
    token = await bootstrapped(s, 'accreditation');
    await seedWorld(s, token);
    tenantAdmin = await person(s, token, 'Tia Tenant', [{ role: 'tenant_admin', scopeId: 'tenant-a' }]);
  }, 240_000);
  afterAll(async () => s?.close());

  const compare = async (left: string, right: string, extra = '', t = token) => expectStatus(await s.api('GET', `/api/v1/settings/compare?left=${left}&right=${right}${extra}`, { token: t }), 200);
  const promote = (mode: 'preview' | 'confirm', body: unknown, etag?: string, t = token) =>
    s.api('POST', `/api/v1/settings/promote?${mode}=true`, { token: t, body, headers: etag ? { 'if-match': etag } : {} });

  it('resolves every key on both sides and says how they differ', async () => {
    const c = await compare('tenant-a', 'tenant-b');
    const by = (key: string) => c.settings.find((i: { key: string }) => i.key === key);
    expect(by('catering.bufferPercentage')).toMatchObject({
      status: 'different',
      left: { value: 12, resolvedFrom: 'tenant', resolvedScopeId: 'tenant-a' },
      right: { value: 11, resolvedFrom: 'global' },
    });
    expect(by('badge.maxReprintCount')).toMatchObject({ status: 'onlyLeft', left: { value: 5 }, right: { value: 3, resolvedFrom: 'default' } });
    expect(by('waitlist.enabled')).toMatchObject({ status: 'onlyRight', left: { value: true }, right: { value: false } });
    expect(by('ui.theme')).toMatchObject({ status: 'same', left: { value: 'dark', locked: true } });
    expect(by('sms.providerApiKey')).toMatchObject({ status: 'same', left: { value: '********' } });
    expect(c.flags.find((f: { key: string }) => f.key === 'feature.digitalBadge')).toMatchObject({ status: 'different', left: { enabled: true, scope: 'tenant-a' }, right: { enabled: false, scope: 'global' } });
    expect(c.summary.same + c.summary.different + c.summary.onlyLeft + c.summary.onlyRight).toBe(c.settings.length + c.flags.length);
    const catering = await compare('tenant-a', 'tenant-b', '&category=catering');
    expect(catering.settings.every((i: { category: string }) => i.category === 'catering')).toBe(true);
    expect(catering.flags).toEqual([]);
  });

  it('refuses unknown scopes and categories, and scopes out of reach', async () => {
    await refused(s, () => s.api('GET', '/api/v1/settings/compare?left=tenant-a&right=nowhere', { token }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => s.api('GET', '/api/v1/settings/compare?left=tenant-a&right=tenant-b&category=nope', { token }), 404, 'NOT_FOUND');
    await refused(s, () => s.api('GET', '/api/v1/settings/compare?left=tenant-a', { token }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('GET', '/api/v1/settings/compare?left=tenant-a&right=tenant-b', { token: tenantAdmin.token }), 404, 'SCOPE_NOT_FOUND'); // an unreadable scope answers as if it did not exist (issue 8 item 9)
  });

  it('promotes the differing values and flag rows: the other tenant then resolves the same', async () => {
    const c = await compare('tenant-a', 'tenant-b');
    const keys = c.settings.filter((i: { status: string }) => i.status !== 'same').map((i: { key: string }) => i.key);
    const flags = c.flags.filter((f: { status: string }) => f.status !== 'same').map((f: { key: string }) => f.key);
    const body = { from: 'tenant-a', to: 'tenant-b', keys, flags, reason: 'B follows A' };
    const diff = expectStatus(await promote('preview', body), 200);
    expect(diff.summary).toMatchObject({ invalid: 0, toCreate: keys.length + flags.length - 1, toUpdate: 1 });
    expect(diff.changes).toContainEqual(expect.objectContaining({ key: 'waitlist.enabled', scope: 'tenant-b', currentValue: false, newValue: true, action: 'update' }));
    await refused(s, () => promote('confirm', body, '"stale"'), 412, 'VERSION_CONFLICT');
    await refused(s, () => promote('confirm', { ...body, reason: undefined }, diff.etag), 400, 'REASON_REQUIRED');
    const done = expectStatus(await promote('confirm', body, diff.etag), 200);
    expect(done.imported).toBe(keys.length + flags.length);
    const after = await compare('tenant-a', 'tenant-b');
    expect(after.settings.filter((i: { status: string }) => i.status !== 'same')).toEqual([]);
    expect(after.flags.filter((f: { status: string }) => f.status !== 'same')).toEqual([]);
    const audit = expectStatus(await s.api('GET', `/api/v1/audit?scope=tenant-b&limit=500`, { token }), 200);
    const promoted = audit.entries.filter((e: { changeSetId: string }) => e.changeSetId === done.changeSetId);
    expect(promoted).toHaveLength(done.imported);
    expect(promoted.every((e: { reason: string; source: string }) => e.reason === 'B follows A' && e.source === 'api')).toBe(true);
  });

  it('bad input: unknown keys, levels the key does not allow, scopes out of reach, nothing chosen', async () => {
    await refused(s, () => promote('preview', { from: 'tenant-a', to: 'tenant-b', keys: ['no.such'] }), 404, 'SETTING_NOT_FOUND');
    await refused(s, () => promote('preview', { from: 'tenant-a', to: 'tenant-a', keys: ['catering.bufferPercentage'] }), 400, 'INVALID_REQUEST');
    await refused(s, () => promote('preview', { from: 'tenant-a', to: 'tenant-b' }), 400, 'INVALID_REQUEST');
    await refused(s, () => promote('preview', { from: 'tenant-a', to: 'tenant-b', keys: ['catering.bufferPercentage'], extra: 1 }), 400, 'INVALID_REQUEST');
    const body = { from: 'global', to: 'tenant-a', keys: ['auth.bcryptSaltRounds', 'catering.bufferPercentage'], reason: 'r' };
    const diff = expectStatus(await promote('preview', body), 200);
    expect(diff.changes[0]).toMatchObject({ key: 'auth.bcryptSaltRounds', action: 'invalid', error: { code: 'SCOPE_NOT_ALLOWED' } });
    await refused(s, () => promote('confirm', body, diff.etag), 422, 'IMPORT_INVALID');
    await refused(s, () => promote('preview', { from: 'tenant-a', to: 'tenant-b', keys: ['catering.bufferPercentage'] }, undefined, tenantAdmin.token), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => s.api('POST', '/api/v1/settings/promote?preview=true', { body: { from: 'tenant-a', to: 'tenant-b', keys: ['catering.bufferPercentage'] } }), 401, 'UNAUTHENTICATED');
  });
});
