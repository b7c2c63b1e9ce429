import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accreditationCatalog } from '@/lib/catalogs/accreditation';
import { settingDefinitions } from '@/lib/db/schema';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { createScopes, expectStatus, OVERSIZED, person, refused, WORLD, type Person } from './support';

let s: TestServer;
let admin: string;
let tenantAdmin: Person;
let member: Person;

const DEFINITION = {
  key: 'kiosk.idleSeconds',
  label: 'Kiosk idle timeout',
  category: 'kiosk',
  type: 'integer',
  defaultValue: 60,
  validation: { min: 5, max: 3600 },
  allowedLevels: ['global', 'tenant', 'event'],
};

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s, 'accreditation');
  await createScopes(s, admin, WORLD);
  tenantAdmin = await person(s, admin, 'Tenant Admin', [{ role: 'tenant_admin', scopeId: 'tenant-a' }]);
  member = await person(s, admin, 'Member', [{ role: 'member', scopeId: 'event-a1' }]);
});
afterAll(async () => {
  await s?.close();
});

describe('hierarchy', () => {
  it('lists the built-in levels, global first and the built-in user level last (API.md)', async () => {
    const res = expectStatus(await s.api('GET', '/api/v1/hierarchy', { token: member.token }), 200);
    expect(res.levels).toEqual([
      { key: 'global', label: 'Global', parentKey: null, position: 0 },
      { key: 'tenant', label: 'Tenant', parentKey: 'global', position: 1 },
      { key: 'event', label: 'Event', parentKey: 'tenant', position: 2 },
      { key: 'user', label: 'User', parentKey: null, position: 3 },
    ]);
  });

  it('registers a level and answers it as GET shows it', async () => {
    const res = await s.api('POST', '/api/v1/hierarchy', { token: admin, body: { key: 'project', label: 'Project', parentKey: 'global' } });
    expect(expectStatus(res, 201)).toEqual({ key: 'project', label: 'Project', parentKey: 'global', position: 1 });
    const levels = (await s.api('GET', '/api/v1/hierarchy', { token: admin })).body.levels;
    expect(levels.map((l: { key: string }) => l.key)).toEqual(['global', 'tenant', 'event', 'project', 'user']);
    expect(levels.find((l: { key: string }) => l.key === 'project')).toEqual(res.body);
  });

  it('refuses duplicates, bad keys, unknown parents and non-admins', async () => {
    const post = (body: unknown, token = admin) => () => s.api('POST', '/api/v1/hierarchy', { token, body });
    await refused(s, post({ key: 'project', label: 'Again', parentKey: 'global' }), 409, 'CONFLICT');
    await refused(s, post({ key: 'user', label: 'User', parentKey: 'global' }), 400, 'INVALID_REQUEST');
    await refused(s, post({ key: 'Bad Key', label: 'Bad', parentKey: 'global' }), 400, 'INVALID_REQUEST');
    expect((await refused(s, post({ key: 'floor', label: 'Floor', parentKey: 'building' }), 400, 'INVALID_REQUEST')).field).toBe('parentKey');
    await refused(s, post({ key: 'floor', label: 'Floor', parentKey: 'event', position: 3 }), 400, 'INVALID_REQUEST');
    await refused(s, post({ key: 'floor', label: 'Floor', parentKey: 'event' }, tenantAdmin.token), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('POST', '/api/v1/hierarchy', { body: { key: 'floor', label: 'Floor', parentKey: 'event' } }), 401, 'UNAUTHENTICATED');
  });
});

describe('scopes', () => {
  it('creates a scope with a given or generated id', async () => {
    const made = await s.api('POST', '/api/v1/scopes', { token: admin, body: { id: 'proj-apollo', level: 'project', parentId: 'global', name: '  Apollo  ' } });
    expect(expectStatus(made, 201)).toEqual({ id: 'proj-apollo', level: 'project', parentId: 'global', name: 'Apollo', createdAt: expect.any(String) });
    const generated = expectStatus(await s.api('POST', '/api/v1/scopes', { token: tenantAdmin.token, body: { level: 'event', parentId: 'tenant-a', name: 'Event A2' } }), 201);
    expect(generated.id).toMatch(/^[a-z0-9][a-z0-9_-]{0,62}$/);
    expect(expectStatus(await s.api('GET', `/api/v1/scopes/${generated.id}`, { token: tenantAdmin.token }), 200)).toEqual(generated);
  });

  it('lists with filters and paging, and only within reach', async () => {
    const all = expectStatus(await s.api('GET', '/api/v1/scopes?limit=500', { token: admin }), 200);
    expect(all.total).toBe(all.scopes.length);
    expect(all.scopes.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining(['global', 'tenant-a', 'tenant-b', 'event-a1', 'event-b1', 'proj-apollo']));
    const tenants = expectStatus(await s.api('GET', '/api/v1/scopes?level=tenant', { token: admin }), 200);
    expect(tenants.scopes.map((x: { id: string }) => x.id)).toEqual(['tenant-a', 'tenant-b']);
    const page = expectStatus(await s.api('GET', '/api/v1/scopes?level=tenant&limit=1&offset=1', { token: admin }), 200);
    expect(page).toMatchObject({ total: 2, scopes: [{ id: 'tenant-b' }] });
    const underA = expectStatus(await s.api('GET', '/api/v1/scopes?parentId=tenant-a', { token: admin }), 200);
    expect(underA.total).toBe(2);
    const seenByTenantAdmin = expectStatus(await s.api('GET', '/api/v1/scopes', { token: tenantAdmin.token }), 200);
    expect(seenByTenantAdmin.scopes.map((x: { id: string }) => x.id).sort()).toEqual([...underA.scopes.map((x: { id: string }) => x.id), 'tenant-a'].sort());
    expect(expectStatus(await s.api('GET', '/api/v1/scopes', { token: member.token }), 200)).toMatchObject({ total: 1, scopes: [{ id: 'event-a1' }] });
  });

  it('refuses bad scope requests', async () => {
    const post = (body: unknown, token = admin) => () => s.api('POST', '/api/v1/scopes', { token, body });
    await refused(s, post({ id: 'tenant-a', level: 'tenant', parentId: 'global', name: 'Dup' }), 409, 'CONFLICT');
    expect((await refused(s, post({ level: 'event', parentId: 'no-such', name: 'X' }), 404, 'SCOPE_NOT_FOUND')).field).toBe('parentId');
    await refused(s, post({ level: 'event', parentId: 'global', name: 'Misplaced' }), 400, 'INVALID_REQUEST');
    await refused(s, post({ level: 'galaxy', parentId: 'global', name: 'X' }), 400, 'INVALID_REQUEST');
    await refused(s, post({ id: 'Upper Case!', level: 'tenant', parentId: 'global', name: 'X' }), 400, 'INVALID_REQUEST');
    await refused(s, post({ id: 'x'.repeat(64), level: 'tenant', parentId: 'global', name: 'X' }), 400, 'INVALID_REQUEST');
    await refused(s, post({ level: 'tenant', parentId: 'global', name: 'X', color: 'red' }), 400, 'INVALID_REQUEST');
    await refused(s, post({ level: 'tenant', parentId: 'global', name: 42 }), 400, 'INVALID_REQUEST');
    await refused(s, post({ level: 'tenant', parentId: 'global', name: '   ' }), 400, 'INVALID_REQUEST');
    await refused(s, post({ level: 'event', parentId: 'tenant-b', name: 'Not mine' }, tenantAdmin.token), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => s.api('POST', '/api/v1/scopes', { token: admin, raw: '{"level":"tenant",' }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('POST', '/api/v1/scopes', { token: admin, raw: '{"level":"tenant","parentId":"global","name":"P","__proto__":{"x":1}}' }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('POST', '/api/v1/scopes', { token: admin, raw: OVERSIZED }), 413, 'PAYLOAD_TOO_LARGE');
    await refused(s, () => s.api('GET', '/api/v1/scopes/no-such-scope', { token: admin }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => s.api('GET', '/api/v1/scopes/Not_A_Scope!', { token: admin }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('GET', '/api/v1/scopes/tenant-b', { token: tenantAdmin.token }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => s.api('GET', '/api/v1/scopes?level=Tenant', { token: admin }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('GET', '/api/v1/scopes?parentId=BAD!', { token: admin }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('GET', '/api/v1/scopes'), 401, 'UNAUTHENTICATED');
  });

  it('deletes only a scope without children, values or role assignments', async () => {
    await createScopes(s, admin, [
      { id: 'tenant-c', level: 'tenant', parentId: 'global', name: 'Tenant C' },
      { id: 'event-c1', level: 'event', parentId: 'tenant-c', name: 'Event C1' },
    ]);
    const del = (id: string, token = admin) => () => s.api('DELETE', `/api/v1/scopes/${id}`, { token });
    await refused(s, del('tenant-c'), 409, 'CONFLICT');
    expectStatus(await s.api('PUT', '/api/v1/settings/catering.bufferPercentage', { token: admin, body: { value: 20, scope: 'event-c1' } }), 200);
    await refused(s, del('event-c1'), 409, 'CONFLICT');
    expectStatus(await s.api('DELETE', '/api/v1/settings/catering.bufferPercentage?scope=event-c1', { token: admin }), 200);
    const helper = await person(s, admin, 'C Helper', [{ role: 'owner', scopeId: 'event-c1' }]);
    await refused(s, del('event-c1'), 409, 'CONFLICT');
    expectStatus(await s.api('PATCH', `/api/v1/users/${helper.id}`, { token: admin, body: { roles: [] } }), 200);
    // outside their tenant: as if it did not exist (issue 8 item 9)
    await refused(s, del('event-c1', tenantAdmin.token), 404, 'SCOPE_NOT_FOUND');
    expect(expectStatus(await s.api('DELETE', '/api/v1/scopes/event-c1', { token: admin }), 200)).toEqual({ deleted: true });
    await refused(s, () => s.api('GET', '/api/v1/scopes/event-c1', { token: admin }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, del('event-c1'), 404, 'SCOPE_NOT_FOUND');
    await refused(s, del('global'), 409, 'CONFLICT');
    // a tenant admin manages what is below their tenant, not the tenant itself
    await refused(s, del('tenant-a', tenantAdmin.token), 403, 'INSUFFICIENT_PERMISSIONS');
    const entry = (await s.api('GET', '/api/v1/audit?action=scope.delete', { token: admin })).body.entries[0];
    expect(entry).toMatchObject({ scopeId: 'event-c1', level: 'event', oldValue: { name: 'Event C1', parentId: 'tenant-c' } });
  });
});

describe('definitions', () => {
  it('lists by category with total, secret defaults masked', async () => {
    const catering = expectStatus(await s.api('GET', '/api/v1/definitions?category=catering', { token: member.token }), 200);
    expect(catering.total).toBe(catering.definitions.length);
    expect(catering.definitions.every((d: { category: string }) => d.category === 'catering')).toBe(true);
    expect(catering.definitions.map((d: { key: string }) => d.key)).toContain('catering.bufferPercentage');
    const all = expectStatus(await s.api('GET', '/api/v1/definitions?limit=500', { token: member.token }), 200);
    expect(all.definitions).toHaveLength(all.total);
    const paged = expectStatus(await s.api('GET', '/api/v1/definitions?limit=3&offset=3', { token: member.token }), 200);
    expect(paged.definitions.map((d: { key: string }) => d.key)).toEqual(all.definitions.slice(3, 6).map((d: { key: string }) => d.key));
    expect(expectStatus(await s.api('GET', '/api/v1/definitions?category=nothing', { token: member.token }), 200)).toEqual({ definitions: [], total: 0 });
    await refused(s, () => s.api('GET', '/api/v1/definitions?kind=x', { token: member.token }), 400, 'INVALID_REQUEST');
  });

  it('refuses a default on a secret definition, and masks the default of an older one', async () => {
    const body = { key: 'kiosk.apiKey', label: 'Kiosk API key', category: 'kiosk', type: 'secret', defaultValue: 'factory-default-key', allowedLevels: ['global'] };
    expect((await refused(s, () => s.api('POST', '/api/v1/definitions', { token: admin, body }), 400, 'INVALID_REQUEST')).field).toBe('defaultValue');
    expectStatus(await s.api('POST', '/api/v1/definitions', { token: admin, body: { ...body, defaultValue: '' } }), 201);
    // a row from before secret defaults were refused
    await s.app.db.update(settingDefinitions).set({ defaultValue: 'factory-default-key' }).where(eq(settingDefinitions.key, 'kiosk.apiKey'));
    s.app.caches.invalidate({ type: 'definitions' });
    const listed = (await s.api('GET', '/api/v1/definitions?category=kiosk', { token: admin })).body.definitions;
    expect(listed.find((d: { key: string }) => d.key === 'kiosk.apiKey').defaultValue).toBe('********');
    expect(JSON.stringify(listed)).not.toContain('factory-default-key');
    expect((await s.api('GET', '/api/v1/definitions/kiosk.apiKey', { token: admin })).body.defaultValue).toBe('********');
    expectStatus(await s.api('DELETE', '/api/v1/definitions/kiosk.apiKey', { token: admin }), 200);
  });

  it('creates, replaces and deletes a definition (source ui), audited', async () => {
    const made = expectStatus(await s.api('POST', '/api/v1/definitions', { token: admin, body: DEFINITION }), 201);
    expect(made).toMatchObject({ ...DEFINITION, source: 'ui', isSecret: false, readonly: false, overrideBehavior: 'inherit', description: '' });
    expect(expectStatus(await s.api('GET', '/api/v1/definitions/kiosk.idleSeconds', { token: member.token }), 200)).toEqual(made);
    const resolved = expectStatus(await s.api('GET', '/api/v1/settings/kiosk.idleSeconds/resolve?scope=event-a1', { token: member.token }), 200);
    expect(resolved).toMatchObject({ value: 60, resolvedFrom: 'default' });

    const replaced = expectStatus(await s.api('PUT', '/api/v1/definitions/kiosk.idleSeconds', { token: admin, body: { ...DEFINITION, key: undefined, defaultValue: 90 } }), 200);
    expect(replaced).toMatchObject({ key: 'kiosk.idleSeconds', defaultValue: 90, source: 'ui' });
    expect((await s.api('GET', '/api/v1/settings/kiosk.idleSeconds/resolve?scope=event-a1', { token: member.token })).body.value).toBe(90);
    const audit = (await s.api('GET', '/api/v1/audit?key=kiosk.idleSeconds', { token: admin })).body.entries;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(['definition.update', 'definition.create']);
    expect(audit[0]).toMatchObject({ oldValue: { defaultValue: 60 }, newValue: { defaultValue: 90 } });

    expect(expectStatus(await s.api('DELETE', '/api/v1/definitions/kiosk.idleSeconds', { token: admin }), 200)).toEqual({ deleted: true });
    await refused(s, () => s.api('GET', '/api/v1/definitions/kiosk.idleSeconds', { token: admin }), 404, 'SETTING_NOT_FOUND');
  });

  it('refuses bad definitions and non-admins', async () => {
    const post = (body: unknown, token = admin) => () => s.api('POST', '/api/v1/definitions', { token, body });
    await refused(s, post({ ...DEFINITION, key: 'catering.bufferPercentage' }), 409, 'CONFLICT');
    await refused(s, post({ ...DEFINITION, source: 'code' }), 400, 'INVALID_REQUEST');
    await refused(s, post({ ...DEFINITION, key: 'NoDots' }), 400, 'INVALID_REQUEST');
    await refused(s, post({ ...DEFINITION, type: 'float' }), 400, 'INVALID_REQUEST');
    await refused(s, post({ ...DEFINITION, defaultValue: 'sixty' }), 400, 'INVALID_REQUEST');
    await refused(s, post({ ...DEFINITION, defaultValue: 1 }), 400, 'INVALID_REQUEST'); // below validation.min
    await refused(s, post({ ...DEFINITION, allowedLevels: ['galaxy'] }), 400, 'INVALID_REQUEST');
    await refused(s, post({ ...DEFINITION, dependsOn: ['no.such'] }), 400, 'INVALID_REQUEST');
    await refused(s, post({ ...DEFINITION, validation: { minimum: 1 } }), 400, 'INVALID_REQUEST');
    await refused(s, post(DEFINITION, tenantAdmin.token), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('POST', '/api/v1/definitions', { token: admin, raw: '{"key":' }), 400, 'INVALID_REQUEST');
    const polluted = '{"key":"kiosk.mode","label":"Mode","category":"kiosk","type":"string","allowedLevels":["global"],"ui":{"__proto__":{"x":1}}}';
    await refused(s, () => s.api('POST', '/api/v1/definitions', { token: admin, raw: polluted }), 400, 'INVALID_REQUEST');

    const put = (key: string, body: unknown, token = admin) => () => s.api('PUT', `/api/v1/definitions/${key}`, { token, body });
    await refused(s, put('no.such', { ...DEFINITION, key: undefined }), 404, 'SETTING_NOT_FOUND');
    await refused(s, put('catering.bufferPercentage', { ...DEFINITION, key: 'catering.other' }), 400, 'INVALID_REQUEST');
    await refused(s, put('catering.bufferPercentage', { ...DEFINITION, key: undefined }, member.token), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('DELETE', '/api/v1/definitions/no.such', { token: admin }), 404, 'SETTING_NOT_FOUND');
    await refused(s, () => s.api('DELETE', '/api/v1/definitions/catering.bufferPercentage', { token: tenantAdmin.token }), 403, 'INSUFFICIENT_PERMISSIONS');
  });

  it('refuses to delete a definition that still has values, or to change its type', async () => {
    expectStatus(await s.api('POST', '/api/v1/definitions', { token: admin, body: DEFINITION }), 201);
    expectStatus(await s.api('PUT', '/api/v1/settings/kiosk.idleSeconds', { token: admin, body: { value: 30, scope: 'tenant-a' } }), 200);
    await refused(s, () => s.api('DELETE', '/api/v1/definitions/kiosk.idleSeconds', { token: admin }), 409, 'CONFLICT');
    await refused(s, () => s.api('PUT', '/api/v1/definitions/kiosk.idleSeconds', { token: admin, body: { ...DEFINITION, type: 'string', defaultValue: 'x' } }), 409, 'CONFLICT');
  });
});

describe('categories and catalogs', () => {
  it('lists categories with counts and the security flag', async () => {
    const { categories } = expectStatus(await s.api('GET', '/api/v1/categories', { token: member.token }), 200);
    const catering = categories.find((c: { key: string }) => c.key === 'catering');
    const defs = (await s.api('GET', '/api/v1/definitions?category=catering&limit=500', { token: member.token })).body;
    expect(catering).toEqual({ key: 'catering', label: 'Catering', description: expect.any(String), security: false, count: defs.total });
    expect(categories.find((c: { key: string }) => c.key === 'auth')).toMatchObject({ security: true });
  });

  it("keeps the catalog's category order, also for the built-in `system` category that existed before it loaded", async () => {
    const { categories } = expectStatus(await s.api('GET', '/api/v1/categories', { token: member.token }), 200);
    const order = accreditationCatalog.categories.map((c) => c.key);
    expect(categories.map((c: { key: string }) => c.key).filter((k: string) => order.includes(k))).toEqual(order);
  });

  it('lists the example catalogs and loads one for platform admins only', async () => {
    const { catalogs } = expectStatus(await s.api('GET', '/api/v1/catalogs', { token: member.token }), 200);
    expect(catalogs.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['accreditation', 'groundup']));
    expect(catalogs[0]).toEqual({ name: expect.any(String), title: expect.any(String), description: expect.any(String), definitions: expect.any(Number) });

    await refused(s, () => s.api('POST', '/api/v1/catalogs/groundup', { token: tenantAdmin.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('POST', '/api/v1/catalogs/no-such-catalog', { token: admin }), 404, 'NOT_FOUND');
    await refused(s, () => s.api('POST', '/api/v1/catalogs/__proto__', { token: admin }), 404, 'NOT_FOUND');
    const groundup = catalogs.find((c: { name: string }) => c.name === 'groundup');
    const loaded = expectStatus(await s.api('POST', '/api/v1/catalogs/groundup', { token: admin }), 200);
    expect(loaded).toEqual({ catalog: 'groundup', created: groundup.definitions, updated: 0, flags: 0 });
    const again = expectStatus(await s.api('POST', '/api/v1/catalogs/groundup', { token: admin }), 200);
    expect(again).toEqual({ catalog: 'groundup', created: 0, updated: groundup.definitions, flags: 0 });
  });
});
