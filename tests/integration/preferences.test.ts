import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { createScopes, expectStatus, OVERSIZED, person, refused, WORLD, type Person } from './support';

let s: TestServer;
let admin: string;
let alice: Person;
let bob: Person;

const PREFS = '/api/v1/users/me/preferences';

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s, 'accreditation');
  await createScopes(s, admin, WORLD);
  alice = await person(s, admin, 'Alice', []);
  bob = await person(s, admin, 'Bob', [{ role: 'member', scopeId: 'tenant-a' }]);
});
afterAll(async () => {
  await s?.close();
});

describe('preferences', () => {
  it('lists every preference resolved, defaults included, and nothing else', async () => {
    const res = expectStatus(await s.api('GET', PREFS, { token: alice.token }), 200);
    expect(res.preferences['ui.theme']).toBe('system');
    expect(res.resolvedFrom['ui.theme']).toBe('default');
    expect(res.preferences).not.toHaveProperty('catering.bufferPercentage');
    const defs = (await s.api('GET', '/api/v1/definitions?limit=500', { token: alice.token })).body.definitions;
    const userLevel = defs.filter((d: { allowedLevels: string[] }) => d.allowedLevels.includes('user')).map((d: { key: string }) => d.key);
    expect(Object.keys(res.preferences).sort()).toEqual(userLevel.sort());
  });

  it('sets, reads and resets one preference, with versions', async () => {
    const set = await s.api('PUT', `${PREFS}/ui.theme`, { token: alice.token, body: { value: 'dark' } });
    expect(expectStatus(set, 200)).toEqual({ key: 'ui.theme', value: 'dark', version: 1 });
    expect(set.headers.get('etag')).toBe('"1"');
    const got = await s.api('GET', `${PREFS}/ui.theme`, { token: alice.token });
    expect(expectStatus(got, 200)).toMatchObject({ key: 'ui.theme', value: 'dark', default: 'system', resolvedFrom: 'user' });
    expect(got.headers.get('etag')).toBe('"1"');
    expect((await s.api('GET', PREFS, { token: alice.token })).body.preferences['ui.theme']).toBe('dark');
    const entry = (await s.api('GET', `/api/v1/audit?key=ui.theme&limit=1`, { token: admin })).body.entries[0];
    expect(entry).toMatchObject({ action: 'setting.set', scopeId: `user:${alice.id}`, level: 'user', newValue: 'dark', actorId: alice.id });

    await refused(s, () => s.api('PUT', `${PREFS}/ui.theme`, { token: alice.token, body: { value: 'light' }, headers: { 'if-match': '"7"' } }), 412, 'VERSION_CONFLICT');
    expect(expectStatus(await s.api('PUT', `${PREFS}/ui.theme`, { token: alice.token, body: { value: 'light' }, headers: { 'if-match': '"1"' } }), 200).version).toBe(2);

    const reset = expectStatus(await s.api('DELETE', `${PREFS}/ui.theme`, { token: alice.token }), 200);
    expect(reset).toMatchObject({ reverted: true, key: 'ui.theme', defaultValue: 'system' });
    expect((await s.api('GET', `${PREFS}/ui.theme`, { token: alice.token })).body).toMatchObject({ value: 'system', resolvedFrom: 'default' });
    await refused(s, () => s.api('DELETE', `${PREFS}/ui.theme`, { token: alice.token }), 404, 'NOT_FOUND');
  });

  it('sets several preferences atomically', async () => {
    const res = await s.api('PUT', PREFS, { token: bob.token, body: { preferences: { 'ui.theme': 'dark', 'ui.sidebarCollapsed': true } } });
    expect(expectStatus(res, 200)).toMatchObject({ updated: 2 });
    const prefs = (await s.api('GET', PREFS, { token: bob.token })).body.preferences;
    expect(prefs).toMatchObject({ 'ui.theme': 'dark', 'ui.sidebarCollapsed': true });

    const bad = { preferences: { 'ui.theme': 'light', 'ui.sidebarCollapsed': 'sideways' } };
    const err = await refused(s, () => s.api('PUT', PREFS, { token: bob.token, body: bad }), 400, 'INVALID_SETTING_VALUE');
    expect(err.field).toBe('ui.sidebarCollapsed');
    expect((await s.api('GET', `${PREFS}/ui.theme`, { token: bob.token })).body.value).toBe('dark');
    await refused(s, () => s.api('PUT', PREFS, { token: bob.token, body: { preferences: { 'ui.theme': 'light', 'catering.bufferPercentage': 5 } } }), 400, 'SCOPE_NOT_ALLOWED');
    await refused(s, () => s.api('PUT', PREFS, { token: bob.token, body: { preferences: {} } }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('PUT', PREFS, { token: bob.token, body: { 'ui.theme': 'light' } }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('PUT', PREFS, { token: bob.token, body: { preferences: { 'no.such': 1 } } }), 404, 'SETTING_NOT_FOUND');
  });

  it('refuses bad preference requests, writing nothing', async () => {
    const put = (key: string, body: unknown) => () => s.api('PUT', `${PREFS}/${key}`, { token: alice.token, body });
    expect((await refused(s, put('ui.theme', { value: 'pink' }), 400, 'INVALID_SETTING_VALUE')).field).toBe('ui.theme');
    await refused(s, put('catering.bufferPercentage', { value: 5 }), 400, 'SCOPE_NOT_ALLOWED');
    await refused(s, put('no.such', { value: 5 }), 404, 'SETTING_NOT_FOUND');
    await refused(s, put('ui.theme', {}), 400, 'INVALID_REQUEST');
    await refused(s, put('ui.theme', { value: 'dark', scope: 'global' }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('PUT', `${PREFS}/ui.theme`, { token: alice.token, raw: '{' }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('PUT', `${PREFS}/ui.theme`, { token: alice.token, raw: '{"value":{"__proto__":{"x":1}}}' }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('PUT', `${PREFS}/ui.theme`, { token: alice.token, raw: OVERSIZED }), 413, 'PAYLOAD_TOO_LARGE');
    await refused(s, () => s.api('PUT', `${PREFS}/ui.theme`, { token: alice.token, body: { value: 'dark' }, headers: { 'if-match': 'yesterday' } }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('GET', `${PREFS}/catering.bufferPercentage`, { token: alice.token }), 400, 'SCOPE_NOT_ALLOWED');
    await refused(s, () => s.api('GET', `${PREFS}/no.such`, { token: alice.token }), 404, 'SETTING_NOT_FOUND');
    await refused(s, () => s.api('DELETE', `${PREFS}/catering.bufferPercentage`, { token: alice.token }), 400, 'SCOPE_NOT_ALLOWED');
    await refused(s, () => s.api('GET', `${PREFS}?scope=tenant-b`, { token: bob.token }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => s.api('GET', `${PREFS}?scope=Not-Valid!`, { token: bob.token }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('GET', `${PREFS}?scope=no-such`, { token: bob.token }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => s.api('GET', PREFS), 401, 'UNAUTHENTICATED');
    await refused(s, () => s.api('PUT', `${PREFS}/ui.theme`, { body: { value: 'dark' } }), 401, 'UNAUTHENTICATED');
  });

  it("keeps each user's preferences their own", async () => {
    expectStatus(await s.api('PUT', `${PREFS}/ui.language`, { token: alice.token, body: { value: 'fr' } }), 200);
    expect((await s.api('GET', `${PREFS}/ui.language`, { token: bob.token })).body.value).not.toBe('fr');
    const asOther = { value: 'de', scope: `user:${alice.id}` };
    await refused(s, () => s.api('PUT', '/api/v1/settings/ui.language', { token: bob.token, body: asOther }), 403, 'INSUFFICIENT_PERMISSIONS');
    // not even a platform admin writes someone else's preferences
    await refused(s, () => s.api('PUT', '/api/v1/settings/ui.language', { token: admin, body: asOther }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('DELETE', `/api/v1/settings/ui.language?scope=user:${alice.id}`, { token: bob.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('GET', `/api/v1/settings/ui.language/resolve?userId=${alice.id}`, { token: bob.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    expect((await s.api('GET', `${PREFS}/ui.language`, { token: alice.token })).body).toMatchObject({ value: 'fr', resolvedFrom: 'user' });
  });

  it('resolves under a scope context: a tenant value applies until the user overrides it', async () => {
    expectStatus(await s.api('PUT', '/api/v1/settings/ui.timezone', { token: admin, body: { value: 'Africa/Addis_Ababa', scope: 'tenant-a' } }), 200);
    const inherited = await s.api('GET', `${PREFS}/ui.timezone?scope=event-a1`, { token: bob.token });
    expect(expectStatus(inherited, 200)).toMatchObject({ value: 'Africa/Addis_Ababa', default: 'UTC', resolvedFrom: 'tenant' });
    expect(inherited.headers.get('etag')).toBe('"0"'); // nothing of bob's own yet
    expectStatus(await s.api('PUT', `${PREFS}/ui.timezone`, { token: bob.token, body: { value: 'Europe/Paris' } }), 200);
    expect((await s.api('GET', `${PREFS}?scope=event-a1`, { token: bob.token })).body).toMatchObject({
      preferences: { 'ui.timezone': 'Europe/Paris' },
      resolvedFrom: { 'ui.timezone': 'user' },
    });
  });

  it('lets a user with no role resolve and read their own preferences, and nothing else', async () => {
    expectStatus(await s.api('PUT', `${PREFS}/ui.theme`, { token: alice.token, body: { value: 'dark' } }), 200);
    const own = expectStatus(await s.api('GET', '/api/v1/settings/ui.theme/resolve?userId=me', { token: alice.token }), 200);
    expect(own).toMatchObject({ value: 'dark', resolvedFrom: 'user' });
    expect(own.inheritanceChain[0]).toMatchObject({ level: 'user', scopeId: `user:${alice.id}`, value: 'dark' });
    // a non-preference key stays out of reach without a role at global
    await refused(s, () => s.api('GET', '/api/v1/settings/auth.maxLoginAttempts/resolve?userId=me', { token: alice.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    // seed 001: GET /settings/user works for any authenticated user
    const doc = expectStatus(await s.api('GET', '/api/v1/settings/user', { token: alice.token }), 200);
    expect(doc.user_id).toBe(alice.id);
    expect(doc.settings.ui.theme).toBe('dark');
    expect(doc.inheritance['ui.theme']).toBe('user');
  });
});
