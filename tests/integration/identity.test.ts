import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, bootstrapped, startTestServer, type ApiResponse, type TestServer } from './harness';
import { createScopes, expectStatus, OVERSIZED, person, refused, tableCounts, WORLD, type Person } from './support';

let s: TestServer;
let admin: string;
let adminId: string;
let tenantAdmin: Person;
let eventManager: Person;
let owner: Person;
let member: Person;
let plain: Person;

const newUser = (email: string, roles: unknown[] = [], extra: Record<string, unknown> = {}) => ({ email, name: 'New Person', password: 'twelve chars!', roles, ...extra });

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s, 'accreditation');
  await createScopes(s, admin, WORLD);
  // a level under event, so scopes can be created below events too
  expectStatus(await s.api('POST', '/api/v1/hierarchy', { token: admin, body: { key: 'session', label: 'Session', parentKey: 'event' } }), 201);
  adminId = expectStatus(await s.api('GET', '/api/v1/me', { token: admin }), 200).user.id;
  tenantAdmin = await person(s, admin, 'Tenant Admin', [{ role: 'tenant_admin', scopeId: 'tenant-a' }]);
  eventManager = await person(s, admin, 'Event Manager', [{ role: 'event_manager', scopeId: 'event-a1' }]);
  owner = await person(s, admin, 'Owner', [{ role: 'owner', scopeId: 'tenant-a' }]);
  member = await person(s, admin, 'Member', [{ role: 'member', scopeId: 'tenant-a' }]);
  plain = await person(s, admin, 'Plain User', []);
});
afterAll(async () => {
  await s?.close();
});

describe('GET /me', () => {
  it('answers the caller and their roles, never a password hash', async () => {
    const res = await s.api('GET', '/api/v1/me', { token: admin });
    expect(expectStatus(res, 200)).toEqual({
      user: { id: adminId, email: ADMIN.email, name: ADMIN.name, disabled: false, createdAt: expect.any(String), updatedAt: expect.any(String) },
      roles: [{ role: 'platform_admin', scopeId: 'global' }],
    });
    expect((await s.api('GET', '/api/v1/me', { token: plain.token })).body.roles).toEqual([]);
  });

  it('needs valid credentials', async () => {
    await refused(s, () => s.api('GET', '/api/v1/me'), 401, 'UNAUTHENTICATED');
    await refused(s, () => s.api('GET', '/api/v1/me', { token: 'sb_not-a-real-token' }), 401, 'UNAUTHENTICATED');
    await refused(s, () => s.api('GET', '/api/v1/me', { headers: { authorization: 'Basic abc' } }), 401, 'UNAUTHENTICATED');
  });
});

describe('POST /users', () => {
  it('creates a user with roles, lower-cases the email and hides the hash', async () => {
    const res = await s.api('POST', '/api/v1/users', { token: admin, body: newUser('Grace@Example.com', [{ role: 'event_manager', scopeId: 'event-b1' }]) });
    const user = expectStatus(res, 201);
    expect(user).toMatchObject({ email: 'grace@example.com', name: 'New Person', disabled: false, roles: [{ role: 'event_manager', scopeId: 'event-b1' }] });
    expect(JSON.stringify(user)).not.toMatch(/password|scrypt/i);
    const audit = await s.api('GET', '/api/v1/audit?action=user.create&limit=1', { token: admin });
    expect(audit.body.entries[0]).toMatchObject({ action: 'user.create', scopeId: 'event-b1', details: { userId: user.id } });
    expect(JSON.stringify(audit.body)).not.toMatch(/twelve chars/);
  });

  it('refuses a duplicate email, whatever its case', async () => {
    const err = await refused(s, () => s.api('POST', '/api/v1/users', { token: admin, body: newUser('GRACE@example.com') }), 409, 'CONFLICT');
    expect(err.field).toBe('email');
  });

  it('refuses bad input with 400 INVALID_REQUEST', async () => {
    const post = (body: unknown) => () => s.api('POST', '/api/v1/users', { token: admin, body });
    expect((await refused(s, post(newUser('short@example.com', [], { password: 'too short' })), 400, 'INVALID_REQUEST')).field).toBe('password');
    expect((await refused(s, post(newUser('extra@example.com', [], { isAdmin: true })), 400, 'INVALID_REQUEST')).message).toMatch(/isAdmin/);
    await refused(s, post(newUser('types@example.com', 'platform_admin' as unknown as [])), 400, 'INVALID_REQUEST');
    await refused(s, post(newUser('not-an-email')), 400, 'INVALID_REQUEST');
    await refused(s, post(newUser('role@example.com', [{ role: 'superuser', scopeId: 'global' }])), 400, 'INVALID_REQUEST');
    expect((await refused(s, post(newUser('pattern@example.com', [{ role: 'member', scopeId: 'Tenant A!' }])), 400, 'INVALID_REQUEST')).field).toBe('roles.0.scopeId');
    await refused(s, () => s.api('POST', '/api/v1/users', { token: admin, raw: '{', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('POST', '/api/v1/users', { token: admin, raw: '{"__proto__":{"admin":true},"email":"p@example.com"}' }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('POST', '/api/v1/users', { token: admin, raw: OVERSIZED, headers: { 'content-type': 'application/json' } }), 413, 'PAYLOAD_TOO_LARGE');
    await refused(s, () => s.api('POST', '/api/v1/users', { body: newUser('anon@example.com') }), 401, 'UNAUTHENTICATED');
  });

  it('binds roles only to existing scopes of the right level', async () => {
    const post = (roles: unknown[]) => () => s.api('POST', '/api/v1/users', { token: admin, body: newUser('fit@example.com', roles) });
    expect((await refused(s, post([{ role: 'member', scopeId: 'no-such-scope' }]), 404, 'SCOPE_NOT_FOUND')).field).toBe('roles.0.scopeId');
    await refused(s, post([{ role: 'platform_admin', scopeId: 'tenant-a' }]), 400, 'INVALID_REQUEST');
    await refused(s, post([{ role: 'tenant_admin', scopeId: 'event-a1' }]), 400, 'INVALID_REQUEST');
    await refused(s, post([{ role: 'event_manager', scopeId: 'tenant-a' }]), 400, 'INVALID_REQUEST');
    const ok = await s.api('POST', '/api/v1/users', { token: admin, body: newUser('fit@example.com', [{ role: 'owner', scopeId: 'global' }, { role: 'member', scopeId: 'event-a1' }]) });
    expect(expectStatus(ok, 201).roles).toHaveLength(2);
  });

  it('lets a tenant admin create users inside their own tenant only', async () => {
    const post = (email: string, roles: unknown[]) => () => s.api('POST', '/api/v1/users', { token: tenantAdmin.token, body: newUser(email, roles) });
    expectStatus(await post('helper@example.com', [{ role: 'member', scopeId: 'event-a1' }, { role: 'tenant_admin', scopeId: 'tenant-a' }])(), 201);
    // another tenant's scopes answer as if they did not exist (issue 8 item 9)
    await refused(s, post('b@example.com', [{ role: 'member', scopeId: 'tenant-b' }]), 404, 'SCOPE_NOT_FOUND');
    await refused(s, post('b1@example.com', [{ role: 'owner', scopeId: 'event-b1' }]), 404, 'SCOPE_NOT_FOUND');
    await refused(s, post('root@example.com', [{ role: 'platform_admin', scopeId: 'global' }]), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, post('global@example.com', [{ role: 'member', scopeId: 'global' }]), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, post('mixed@example.com', [{ role: 'member', scopeId: 'tenant-a' }, { role: 'member', scopeId: 'tenant-b' }]), 404, 'SCOPE_NOT_FOUND');
    await refused(s, post('orphan@example.com', []), 403, 'INSUFFICIENT_PERMISSIONS');
  });

  it('refuses everyone without users.write', async () => {
    for (const p of [eventManager, owner, member, plain]) {
      // someone without a role near event-a1 may not even learn it exists
      const [status, code] = p === plain ? [404, 'SCOPE_NOT_FOUND'] : [403, 'INSUFFICIENT_PERMISSIONS'];
      await refused(s, () => s.api('POST', '/api/v1/users', { token: p.token, body: newUser('nope@example.com', [{ role: 'member', scopeId: 'event-a1' }]) }), status, code);
    }
  });
});

describe('GET /users', () => {
  it('shows platform admins everyone, paged with total', async () => {
    const all = expectStatus(await s.api('GET', '/api/v1/users?limit=2', { token: admin }), 200);
    expect(all.users).toHaveLength(2);
    const everyone = expectStatus(await s.api('GET', '/api/v1/users?limit=500', { token: admin }), 200);
    expect(everyone.total).toBe(everyone.users.length);
    expect(everyone.total).toBe(all.total);
    expect(everyone.users.map((u: { email: string }) => u.email)).toContain('plain.user@example.com');
    expect(JSON.stringify(everyone)).not.toMatch(/passwordHash|scrypt/);
    const search = expectStatus(await s.api('GET', '/api/v1/users?q=GRACE', { token: admin }), 200);
    expect(search.users.map((u: { email: string }) => u.email)).toEqual(['grace@example.com']);
    const atEvent = expectStatus(await s.api('GET', '/api/v1/users?scopeId=event-a1', { token: admin }), 200);
    expect(atEvent.users.map((u: { email: string }) => u.email).sort()).toEqual(['event.manager@example.com', 'fit@example.com', 'helper@example.com']);
  });

  it('shows a tenant admin only the users holding a role in their tenant, and only those roles', async () => {
    const res = expectStatus(await s.api('GET', '/api/v1/users?limit=500', { token: tenantAdmin.token }), 200);
    const emails = res.users.map((u: { email: string }) => u.email).sort();
    expect(emails).toEqual(['event.manager@example.com', 'fit@example.com', 'helper@example.com', 'member@example.com', 'owner@example.com', 'tenant.admin@example.com']);
    expect(res.total).toBe(emails.length);
    // fit@ also owns global: not the tenant admin's business
    expect(res.users.find((u: { email: string }) => u.email === 'fit@example.com').roles).toEqual([{ role: 'member', scopeId: 'event-a1' }]);
  });

  it('refuses those who may not see users', async () => {
    for (const p of [eventManager, owner, member, plain]) await refused(s, () => s.api('GET', '/api/v1/users', { token: p.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('GET', '/api/v1/users?limit=501', { token: admin }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('GET', '/api/v1/users?sort=name', { token: admin }), 400, 'INVALID_REQUEST');
  });
});

describe('GET /users/:id', () => {
  it('answers within reach and 404 beyond it', async () => {
    const grace = (await s.api('GET', '/api/v1/users?q=grace', { token: admin })).body.users[0];
    expect(expectStatus(await s.api('GET', `/api/v1/users/${grace.id}`, { token: admin }), 200).email).toBe('grace@example.com');
    expect(expectStatus(await s.api('GET', `/api/v1/users/${member.id}`, { token: tenantAdmin.token }), 200).email).toBe('member@example.com');
    await refused(s, () => s.api('GET', `/api/v1/users/${grace.id}`, { token: tenantAdmin.token }), 404, 'NOT_FOUND');
    await refused(s, () => s.api('GET', '/api/v1/users/usr_nobody', { token: admin }), 404, 'NOT_FOUND');
    await refused(s, () => s.api('GET', `/api/v1/users/${owner.id}`, { token: member.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    expect(expectStatus(await s.api('GET', '/api/v1/users/me', { token: member.token }), 200).id).toBe(member.id);
    expect(expectStatus(await s.api('GET', `/api/v1/users/${plain.id}`, { token: plain.token }), 200).roles).toEqual([]);
  });
});

describe('PATCH /users/:id', () => {
  it('lets users change their own name and password, not their roles or disabled', async () => {
    const res = await s.api('PATCH', '/api/v1/users/me', { token: member.token, body: { name: 'Member Renamed', password: 'another long password', currentPassword: 'a long enough password' } });
    expect(expectStatus(res, 200)).toMatchObject({ id: member.id, name: 'Member Renamed', roles: [{ role: 'member', scopeId: 'tenant-a' }] });
    const audit = (await s.api('GET', '/api/v1/audit?action=user.update&limit=1', { token: admin })).body.entries[0];
    expect(audit).toMatchObject({ oldValue: { name: 'Member' }, newValue: { name: 'Member Renamed' }, details: { userId: member.id, passwordChanged: true, by: 'self' } });
    expect(JSON.stringify(audit)).not.toMatch(/another long password|a long enough password/);
    await refused(s, () => s.api('PATCH', `/api/v1/users/${member.id}`, { token: member.token, body: { roles: [{ role: 'tenant_admin', scopeId: 'tenant-a' }] } }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('PATCH', '/api/v1/users/me', { token: member.token, body: { disabled: false } }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('PATCH', `/api/v1/users/${adminId}`, { token: admin, body: { roles: [] } }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('PATCH', `/api/v1/users/${owner.id}`, { token: member.token, body: { name: 'Hijacked' } }), 403, 'INSUFFICIENT_PERMISSIONS');
  });

  it('refuses bad input and unknown users', async () => {
    const patch = (id: string, body: unknown) => () => s.api('PATCH', `/api/v1/users/${id}`, { token: admin, body });
    await refused(s, patch(member.id, {}), 400, 'INVALID_REQUEST');
    await refused(s, patch(member.id, { password: 'short' }), 400, 'INVALID_REQUEST');
    await refused(s, patch(member.id, { email: 'new@example.com' }), 400, 'INVALID_REQUEST');
    await refused(s, patch(member.id, { disabled: 'yes' }), 400, 'INVALID_REQUEST');
    await refused(s, patch(member.id, { roles: [{ role: 'member', scopeId: 'gone' }] }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, patch('usr_nobody', { name: 'Nobody' }), 404, 'NOT_FOUND');
    await refused(s, () => s.api('PATCH', `/api/v1/users/${member.id}`, { token: admin, raw: '{"name":' }), 400, 'INVALID_REQUEST');
  });

  it('lets a tenant admin replace the roles within their tenant and keeps the others', async () => {
    const user = expectStatus(
      await s.api('POST', '/api/v1/users', { token: admin, body: newUser('two.tenants@example.com', [{ role: 'member', scopeId: 'tenant-a' }, { role: 'owner', scopeId: 'tenant-b' }]) }),
      201,
    );
    const res = await s.api('PATCH', `/api/v1/users/${user.id}`, { token: tenantAdmin.token, body: { roles: [{ role: 'owner', scopeId: 'event-a1' }] } });
    expect(expectStatus(res, 200).roles).toEqual([{ role: 'owner', scopeId: 'event-a1' }]);
    expect((await s.api('GET', `/api/v1/users/${user.id}`, { token: admin })).body.roles).toEqual([
      { role: 'owner', scopeId: 'tenant-b' },
      { role: 'owner', scopeId: 'event-a1' },
    ]);
    // the account spans tenant B too: only an admin over both may rename, reset or disable it
    await refused(s, () => s.api('PATCH', `/api/v1/users/${user.id}`, { token: tenantAdmin.token, body: { password: 'taken over account' } }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('PATCH', `/api/v1/users/${user.id}`, { token: tenantAdmin.token, body: { roles: [{ role: 'owner', scopeId: 'tenant-b' }] } }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => s.api('PATCH', `/api/v1/users/${user.id}`, { token: tenantAdmin.token, body: { roles: [{ role: 'platform_admin', scopeId: 'global' }] } }), 403, 'INSUFFICIENT_PERMISSIONS');
  });

  it('drops cached principals when roles change or a user is disabled', async () => {
    const p = await person(s, admin, 'Short Lived', [{ role: 'member', scopeId: 'tenant-b' }]);
    expectStatus(await s.api('GET', '/api/v1/settings/catering.bufferPercentage/resolve?scope=tenant-b', { token: p.token }), 200);
    expectStatus(await s.api('PATCH', `/api/v1/users/${p.id}`, { token: admin, body: { roles: [{ role: 'member', scopeId: 'tenant-a' }] } }), 200);
    await refused(s, () => s.api('GET', '/api/v1/settings/catering.bufferPercentage/resolve?scope=tenant-b', { token: p.token }), 404, 'SCOPE_NOT_FOUND');
    expectStatus(await s.api('PATCH', `/api/v1/users/${p.id}`, { token: tenantAdmin.token, body: { disabled: true } }), 200);
    await refused(s, () => s.api('GET', '/api/v1/me', { token: p.token }), 401, 'UNAUTHENTICATED');
    expectStatus(await s.api('PATCH', `/api/v1/users/${p.id}`, { token: admin, body: { disabled: false } }), 200);
    expectStatus(await s.api('GET', '/api/v1/me', { token: p.token }), 200);
  });
});

describe('tokens', () => {
  it('issues a token once, lists it without the secret, and revokes it at once', async () => {
    const issued = expectStatus(await s.api('POST', '/api/v1/tokens', { token: owner.token, body: { name: 'CI deploys' } }), 201);
    expect(issued).toEqual({ id: expect.any(String), name: 'CI deploys', token: expect.stringMatching(/^sb_/), prefix: issued.token.slice(0, 10), expiresAt: expect.any(String) });
    expect(expectStatus(await s.api('GET', '/api/v1/me', { token: issued.token }), 200).user.id).toBe(owner.id);
    const list = expectStatus(await s.api('GET', '/api/v1/tokens', { token: owner.token }), 200);
    expect(list.total).toBe(2);
    expect(list.tokens[0]).toMatchObject({ id: issued.id, name: 'CI deploys', userId: owner.id, revokedAt: null, lastUsedAt: expect.any(String) });
    expect(JSON.stringify(list)).not.toContain(issued.token);
    const revoked = expectStatus(await s.api('DELETE', `/api/v1/tokens/${issued.id}`, { token: owner.token }), 200);
    expect(revoked).toMatchObject({ revoked: true, token: { id: issued.id, revokedAt: expect.any(String) } });
    await refused(s, () => s.api('GET', '/api/v1/me', { token: issued.token }), 401, 'UNAUTHENTICATED');
  });

  it('stops accepting an expired token, even one cached a moment ago', async () => {
    const expiresAt = new Date(Date.now() + 1000).toISOString();
    const issued = expectStatus(await s.api('POST', '/api/v1/tokens', { token: member.token, body: { name: 'brief', expiresAt } }), 201);
    expect(issued.expiresAt).toBe(expiresAt);
    expectStatus(await s.api('GET', '/api/v1/me', { token: issued.token }), 200);
    await new Promise((r) => setTimeout(r, 1200));
    await refused(s, () => s.api('GET', '/api/v1/me', { token: issued.token }), 401, 'UNAUTHENTICATED');
  });

  it('lets only platform admins issue and list tokens for others', async () => {
    const service = expectStatus(await s.api('POST', '/api/v1/tokens', { token: admin, body: { name: 'service', userId: member.id } }), 201);
    expect(expectStatus(await s.api('GET', '/api/v1/me', { token: service.token }), 200).user.id).toBe(member.id);
    expect(expectStatus(await s.api('GET', `/api/v1/tokens?userId=${member.id}`, { token: admin }), 200).tokens.map((t: { id: string }) => t.id)).toContain(service.id);
    await refused(s, () => s.api('POST', '/api/v1/tokens', { token: tenantAdmin.token, body: { name: 'x', userId: member.id } }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('GET', `/api/v1/tokens?userId=${member.id}`, { token: tenantAdmin.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    // someone else's token does not exist for a caller who may not manage it
    await refused(s, () => s.api('DELETE', `/api/v1/tokens/${service.id}`, { token: owner.token }), 404, 'NOT_FOUND');
    await refused(s, () => s.api('DELETE', '/api/v1/tokens/tok_nothing', { token: admin }), 404, 'NOT_FOUND');
    await refused(s, () => s.api('POST', '/api/v1/tokens', { token: admin, body: { name: 'x', userId: 'usr_nobody' } }), 404, 'NOT_FOUND');
  });

  it('refuses bad token requests', async () => {
    const post = (body: unknown) => () => s.api('POST', '/api/v1/tokens', { token: plain.token, body });
    await refused(s, post({ name: 'old', expiresAt: '2020-01-01T00:00:00Z' }), 400, 'INVALID_REQUEST');
    await refused(s, post({ name: 'when', expiresAt: 'tomorrow' }), 400, 'INVALID_REQUEST');
    await refused(s, post({ name: '' }), 400, 'INVALID_REQUEST');
    await refused(s, post({ name: 'x', scopes: ['all'] }), 400, 'INVALID_REQUEST');
    await refused(s, post({ name: 42 }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('POST', '/api/v1/tokens', { body: { name: 'anon' } }), 401, 'UNAUTHENTICATED');
  });
});

/**
 * Every role against global, its own tenant, the other tenant, its own event and the other event.
 * The reach: tenant admin, owner and member hold their role at tenant A; the event manager at event A1.
 */
describe('authorization matrix', () => {
  const TARGETS = ['global', 'tenant-a', 'tenant-b', 'event-a1', 'event-b1'] as const;
  type Target = (typeof TARGETS)[number];
  const CHILD_LEVEL: Record<Target, string> = { global: 'tenant', 'tenant-a': 'event', 'tenant-b': 'event', 'event-a1': 'session', 'event-b1': 'session' };
  const ALL = [...TARGETS];
  const OWN = ['tenant-a', 'event-a1'];
  const expected: Record<string, { read: string[]; write: string[]; createScope: string[] }> = {
    platform_admin: { read: ALL, write: ALL, createScope: ALL },
    tenant_admin: { read: ['global', ...OWN], write: OWN, createScope: OWN },
    event_manager: { read: ['event-a1'], write: ['event-a1'], createScope: [] },
    owner: { read: OWN, write: OWN, createScope: [] },
    member: { read: OWN, write: [], createScope: [] },
    none: { read: [], write: [], createScope: [] },
  };
  const tokenOf = (role: string) =>
    ({ platform_admin: admin, tenant_admin: tenantAdmin.token, event_manager: eventManager.token, owner: owner.token, member: member.token, none: plain.token })[role]!;

  let n = 0;
  /** A refused write changes nothing; an allowed one writes exactly one audit entry. */
  async function check(allowed: boolean, request: () => Promise<ApiResponse>, okStatus: number, label: string, known = true) {
    // a scope the caller may not read answers as if it did not exist (issue 8 item 9)
    if (!allowed) return known ? refused(s, request, 403, 'INSUFFICIENT_PERMISSIONS') : refused(s, request, 404, 'SCOPE_NOT_FOUND');
    const before = (await tableCounts(s)).auditLog;
    expect((await request()).status, label).toBe(okStatus);
    expect((await tableCounts(s)).auditLog, label).toBe(before + 1);
  }

  for (const role of Object.keys(expected)) {
    it(`${role}: resolve, write and create scopes exactly within reach`, async () => {
      const token = tokenOf(role);
      for (const target of TARGETS) {
        const label = `${role} @ ${target}`;
        const known = target === 'global' || expected[role].read.includes(target);
        const read = await s.api('GET', `/api/v1/settings/catering.bufferPercentage/resolve?scope=${target}`, { token });
        expect(read.status, label).toBe(expected[role].read.includes(target) ? 200 : known ? 403 : 404);
        if (read.status >= 400) expect(read.body.error.code).toBe(known ? 'INSUFFICIENT_PERMISSIONS' : 'SCOPE_NOT_FOUND');

        const put = () => s.api('PUT', '/api/v1/settings/catering.bufferPercentage', { token, body: { value: 5 + (n++ % 50), scope: target, reason: `matrix ${label}` } });
        await check(expected[role].write.includes(target), put, 200, label, known);

        const create = () => s.api('POST', '/api/v1/scopes', { token, body: { level: CHILD_LEVEL[target], parentId: target, name: `Made by ${label}` } });
        await check(expected[role].createScope.includes(target), create, 201, label, known);
      }
    });
  }

  it('lets owners read but not write a security category; tenant admins write it', async () => {
    const body = { value: 7, scope: 'tenant-a' };
    await refused(s, () => s.api('PUT', '/api/v1/settings/auth.maxLoginAttempts', { token: owner.token, body }), 403, 'INSUFFICIENT_PERMISSIONS');
    expectStatus(await s.api('GET', '/api/v1/settings/auth.maxLoginAttempts/resolve?scope=tenant-a', { token: owner.token }), 200);
    expectStatus(await s.api('PUT', '/api/v1/settings/auth.maxLoginAttempts', { token: tenantAdmin.token, body }), 200);
    const seen = expectStatus(await s.api('GET', '/api/v1/settings/auth.maxLoginAttempts/resolve?scope=event-a1', { token: owner.token }), 200);
    expect(seen).toMatchObject({ value: 7, resolvedFrom: 'tenant' });
  });
});
