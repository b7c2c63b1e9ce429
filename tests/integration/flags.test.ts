import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, featureFlags } from '@/lib/db/schema';
import { accreditationCatalog } from '@/lib/catalogs';
import { flushEvaluated } from '@/lib/services/flags/table';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { createScopes, expectStatus, person, refused, WORLD, type Person } from './support';

let s: TestServer;
let admin: string;
let tenantAdmin: Person;
let eventManager: Person;
let member: Person;

const flags = (method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  s.api(method, `/api/v1/flags${path}`, { token: admin, ...opts });
const create = (body: Record<string, unknown>) => flags('POST', '', { body });
const update = (key: string, body: Record<string, unknown>, headers?: Record<string, string>) => flags('PUT', `/${key}`, { body, headers });
const evaluate = async (key: string, query = '', token = admin) => expectStatus(await s.api('GET', `/api/v1/flags/${key}/evaluate?${query}`, { token }), 200);

/** API.md's rule, computed here independently of the engine. */
const bucket = (key: string, userId: string) => createHash('sha256').update(`${key}:${userId}`).digest().readUInt16BE(0) % 100;

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s, 'accreditation');
  await createScopes(s, admin, WORLD);
  tenantAdmin = await person(s, admin, 'Tenant Admin', [{ role: 'tenant_admin', scopeId: 'tenant-a' }]);
  eventManager = await person(s, admin, 'Event Manager', [{ role: 'event_manager', scopeId: 'event-a1' }]);
  member = await person(s, admin, 'Member', [{ role: 'member', scopeId: 'tenant-a' }]);
});
afterAll(async () => {
  await s?.close();
});

describe('the accreditation catalog', () => {
  it("brings seed 003 Appendix B's flags at global, audited", async () => {
    const list = expectStatus(await flags('GET', '?limit=500'), 200);
    expect(list.total).toBe(16);
    expect(list.flags.map((f: { key: string }) => f.key)).toEqual(accreditationCatalog.flags!.map((f) => f.key).sort());
    expect(list.flags.find((f: { key: string }) => f.key === 'feature.cateringModule')).toMatchObject({ enabled: true, flagType: 'boolean', scope: 'global', inherited: false, version: 1 });
    expect(list.flags.find((f: { key: string }) => f.key === 'feature.bilateralScheduler')).toMatchObject({ enabled: false, flagType: 'tenant_targeted' });
    const audit = await s.app.db.select().from(auditLog).where(eq(auditLog.action, 'flag.create'));
    expect(audit).toHaveLength(16);
    expect(audit[0]).toMatchObject({ source: 'catalog', scopeId: 'global', details: { catalog: 'accreditation' } });
    expect(expectStatus(await s.api('GET', '/api/v1/stats', { token: admin }), 200).flags).toBe(16);
  });

  it('keeps what an admin changed when the catalog is loaded again', async () => {
    expectStatus(await update('feature.kioskMode', { enabled: false }), 200);
    expect(expectStatus(await s.api('POST', '/api/v1/catalogs/accreditation', { token: admin }), 200).flags).toBe(0);
    expect((await evaluate('feature.kioskMode')).enabled).toBe(false);
    expectStatus(await update('feature.kioskMode', { enabled: true }), 200);
  });
});

describe('seed 003 §9.2 over HTTP', () => {
  it('answers false for a flag that does not exist', async () => {
    expect(await evaluate('feature.nonExistent', 'tenantId=tenant-a')).toEqual({ key: 'feature.nonExistent', enabled: false, reason: 'NOT_FOUND' });
  });

  it("prefers the tenant's own row over the global one", async () => {
    expectStatus(await create({ key: 'feature.catering', enabled: false }), 201);
    expectStatus(await create({ key: 'feature.catering', enabled: true, scope: 'tenant-a' }), 201);
    expect(await evaluate('feature.catering', 'tenantId=tenant-a')).toEqual({ key: 'feature.catering', enabled: true, reason: 'ENABLED' });
    expect(await evaluate('feature.catering', 'tenantId=tenant-b')).toMatchObject({ enabled: false, reason: 'DISABLED' });
  });

  it('rolls out a percentage deterministically, by the SHA-256 rule', async () => {
    expectStatus(await create({ key: 'feature.newDashboard2', enabled: true, rolloutPercentage: 50, flagType: 'percentage' }), 201);
    const users = Array.from({ length: 40 }, (_, i) => `user${i}`);
    const first = await Promise.all(users.map((u) => evaluate('feature.newDashboard2', `userId=${u}`)));
    const again = await Promise.all(users.map((u) => evaluate('feature.newDashboard2', `userId=${u}`)));
    expect(again).toEqual(first);
    expect(first.map((r) => r.enabled)).toEqual(users.map((u) => bucket('feature.newDashboard2', u) < 50));
    expect(new Set(first.map((r) => r.reason))).toEqual(new Set(['ROLLOUT_INCLUDED', 'ROLLOUT_EXCLUDED']));
  });

  it('checks dependency flags', async () => {
    expectStatus(await create({ key: 'feature.badgeModule', enabled: false }), 201);
    expectStatus(await create({ key: 'feature.digitalBadge2', enabled: true, dependsOnFlag: 'feature.badgeModule' }), 201);
    expect(await evaluate('feature.digitalBadge2', 'tenantId=tenant-a')).toMatchObject({ enabled: false, reason: 'DEPENDENCY_DISABLED' });
    // a tenant that has the module gets the dependant too
    expectStatus(await update('feature.badgeModule', { scope: 'tenant-a', enabled: true }), 200);
    expect(await evaluate('feature.digitalBadge2', 'tenantId=tenant-a')).toMatchObject({ enabled: true, reason: 'ENABLED' });
  });

  it('respects the expiry date', async () => {
    expectStatus(await create({ key: 'feature.tempPromo', enabled: true, expiresAt: '2025-01-01T00:00:00Z' }), 201);
    expect(await evaluate('feature.tempPromo', 'tenantId=tenant-a')).toMatchObject({ enabled: false, reason: 'EXPIRED' });
  });
});

describe('evaluation', () => {
  beforeAll(async () => {
    expectStatus(await create({ key: 'feature.beta', enabled: true, flagType: 'user_targeted', enabledForUsers: ['u-1'] }), 201);
    expectStatus(await create({ key: 'feature.staff', enabled: true, flagType: 'role_targeted', enabledForRoles: ['VALIDATOR'] }), 201);
    expectStatus(
      await create({
        key: 'feature.layout',
        enabled: true,
        variants: [
          { key: 'classic', value: 'classic', weight: 50 },
          { key: 'compact', value: 'compact', weight: 50 },
        ],
      }),
      201,
    );
  });

  it('targets users and roles', async () => {
    expect(await evaluate('feature.beta', 'userId=u-1')).toEqual({ key: 'feature.beta', enabled: true, reason: 'USER_TARGETED' });
    expect(await evaluate('feature.beta', 'userId=u-2')).toMatchObject({ enabled: false, reason: 'USER_NOT_TARGETED' });
    expect(await evaluate('feature.staff', 'role=VALIDATOR')).toMatchObject({ enabled: true, reason: 'ROLE_TARGETED' });
    expect(await evaluate('feature.staff', 'role=FOCAL_POINT')).toMatchObject({ enabled: false, reason: 'ROLE_NOT_TARGETED' });
  });

  it('assigns variants by the variant bucket (bytes 2–3 of the same hash)', async () => {
    for (const u of ['alice', 'bob', 'carol', 'dave']) {
      const expected = createHash('sha256').update(`feature.layout:${u}`).digest().readUInt16BE(2) % 100 < 50 ? 'classic' : 'compact';
      expect(await evaluate('feature.layout', `userId=${u}`)).toEqual({ key: 'feature.layout', enabled: true, reason: 'ENABLED', variant: expected, value: expected });
    }
  });

  it('takes userId=me as the caller', async () => {
    expectStatus(await update('feature.beta', { enabledForUsers: ['u-1', member.id] }), 200);
    expect(await evaluate('feature.beta', 'userId=me&tenantId=tenant-a', member.token)).toMatchObject({ enabled: true, reason: 'USER_TARGETED' });
  });

  it('follows the whole hierarchy: event over tenant over global', async () => {
    expectStatus(await create({ key: 'feature.levels', enabled: false }), 201);
    expectStatus(await update('feature.levels', { scope: 'tenant-a', enabled: true }), 200);
    expect((await evaluate('feature.levels', 'eventId=event-a1')).enabled).toBe(true);
    expectStatus(await update('feature.levels', { scope: 'event-a1', enabled: false }), 200);
    expect((await evaluate('feature.levels', 'tenantId=tenant-a&eventId=event-a1')).enabled).toBe(false);
    expect((await evaluate('feature.levels', 'scope=tenant-a')).enabled).toBe(true);
    expect((await evaluate('feature.levels', 'scope=event-b1')).enabled).toBe(false);
  });

  it('sees a change at once (the in-memory table is dropped on every flag write)', async () => {
    expect((await evaluate('feature.staff', 'role=VALIDATOR')).enabled).toBe(true);
    expectStatus(await update('feature.staff', { enabled: false }), 200);
    expect(await evaluate('feature.staff', 'role=VALIDATOR')).toMatchObject({ enabled: false, reason: 'DISABLED' });
    expectStatus(await update('feature.staff', { enabled: true }), 200);
  });

  it('records when a flag was last evaluated, without a version or audit entry', async () => {
    const before = expectStatus(await flags('GET', '/feature.staff'), 200);
    const audits = (await s.app.db.select().from(auditLog)).length;
    await evaluate('feature.staff');
    await flushEvaluated(s.app);
    const after = expectStatus(await flags('GET', '/feature.staff'), 200);
    expect(Date.parse(after.lastEvaluatedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(after.version).toBe(before.version);
    expect((await s.app.db.select().from(auditLog)).length).toBe(audits);
  });
});

describe('writes', () => {
  it('create: 201 with the flag, an ETag and an audit entry', async () => {
    const res = await create({ key: 'feature.carbon2', description: 'Carbon tracking', metadata: { jiraTicket: 'ACCR-1234' }, reason: 'new module' });
    const flag = expectStatus(res, 201);
    expect(flag).toMatchObject({ key: 'feature.carbon2', scope: 'global', enabled: false, flagType: 'boolean', rolloutPercentage: null, enabledForRoles: [], variants: null, metadata: { jiraTicket: 'ACCR-1234' }, version: 1 });
    expect(res.headers.get('etag')).toBe('"1"');
    const [entry] = await s.app.db.select().from(auditLog).where(and(eq(auditLog.key, 'feature.carbon2'), eq(auditLog.action, 'flag.create')));
    expect(entry).toMatchObject({ scopeId: 'global', level: 'global', reason: 'new module', version: 1, actorName: 'Ada Admin', source: 'api' });
    expect(entry.newValue).toMatchObject({ enabled: false, description: 'Carbon tracking' });
  });

  it('update: a partial change with If-Match, audited with before and after', async () => {
    await refused(s, () => update('feature.carbon2', { enabled: true }, { 'if-match': '"7"' }), 412, 'VERSION_CONFLICT');
    const res = await update('feature.carbon2', { enabled: true, reason: 'launch' }, { 'if-match': '"1"' });
    expect(expectStatus(res, 200)).toMatchObject({ enabled: true, description: 'Carbon tracking', version: 2 });
    expect(res.headers.get('etag')).toBe('"2"');
    const [entry] = await s.app.db.select().from(auditLog).where(and(eq(auditLog.key, 'feature.carbon2'), eq(auditLog.action, 'flag.update')));
    expect(entry).toMatchObject({ reason: 'launch', version: 2, oldValue: { enabled: false }, newValue: { enabled: true } });
  });

  it('update at a scope without its own row: an override starting from the inherited flag', async () => {
    const flag = expectStatus(await update('feature.carbon2', { scope: 'tenant-b', enabled: false }), 200);
    expect(flag).toMatchObject({ scope: 'tenant-b', enabled: false, description: 'Carbon tracking', metadata: { jiraTicket: 'ACCR-1234' }, version: 1 });
    const [entry] = await s.app.db.select().from(auditLog).where(and(eq(auditLog.key, 'feature.carbon2'), eq(auditLog.scopeId, 'tenant-b')));
    expect(entry).toMatchObject({ action: 'flag.create', level: 'tenant', details: { overrideOf: 'global' } });
    expect(expectStatus(await flags('GET', '/feature.carbon2?scope=event-b1'), 200)).toMatchObject({ scope: 'tenant-b', inherited: true });
    expect(expectStatus(await flags('GET', '?scope=tenant-b&limit=500'), 200).flags.find((f: { key: string }) => f.key === 'feature.carbon2')).toMatchObject({ enabled: false, inherited: false });
  });

  it('delete: only a disabled flag, audited', async () => {
    const err = await refused(s, () => flags('DELETE', '/feature.carbon2'), 409, 'FLAG_ENABLED');
    expect(err.message).toMatch(/disable it/);
    const gone = expectStatus(await flags('DELETE', '/feature.carbon2?scope=tenant-b&reason=cleanup'), 200);
    expect(gone).toEqual({ deleted: true, key: 'feature.carbon2', scope: 'tenant-b' });
    const [entry] = await s.app.db.select().from(auditLog).where(and(eq(auditLog.key, 'feature.carbon2'), eq(auditLog.action, 'flag.delete')));
    expect(entry).toMatchObject({ scopeId: 'tenant-b', reason: 'cleanup', oldValue: { enabled: false } });
    expect((await s.app.db.select().from(featureFlags).where(eq(featureFlags.key, 'feature.carbon2'))).map((r) => r.scopeId)).toEqual(['global']);
  });

  it('delete: not the last row of a key other flags depend on', async () => {
    // its tenant row may go: the key lives on at global
    expectStatus(await update('feature.badgeModule', { scope: 'tenant-a', enabled: false }), 200);
    expectStatus(await flags('DELETE', '/feature.badgeModule?scope=tenant-a'), 200);
    const err = await refused(s, () => flags('DELETE', '/feature.badgeModule'), 409, 'CONFLICT');
    expect(err.message).toBe('Flags depend on "feature.badgeModule": feature.digitalBadge2@global');
  });

  it('a scope holding flags cannot be deleted', async () => {
    await refused(s, () => s.api('DELETE', '/api/v1/scopes/event-a1', { token: admin }), 409, 'CONFLICT');
  });
});

describe('bad input: a clear 4xx and nothing written', () => {
  it('an unknown flag', async () => {
    await refused(s, () => update('feature.nope', { enabled: true }), 404, 'FLAG_NOT_FOUND');
    await refused(s, () => flags('DELETE', '/feature.nope'), 404, 'FLAG_NOT_FOUND');
    await refused(s, () => flags('GET', '/feature.nope'), 404, 'FLAG_NOT_FOUND');
    // a key that only exists under another tenant is not on this path
    expectStatus(await create({ key: 'feature.onlyA', scope: 'tenant-a' }), 201);
    await refused(s, () => update('feature.onlyA', { scope: 'event-b1', enabled: true }), 404, 'FLAG_NOT_FOUND');
  });

  it('a rollout outside 0–100', async () => {
    for (const rolloutPercentage of [101, -1, 50.5, '50']) {
      const err = await refused(s, () => create({ key: 'feature.bad', flagType: 'percentage', rolloutPercentage }), 400, 'INVALID_REQUEST');
      expect(err.field).toBe('rolloutPercentage');
    }
    await refused(s, () => update('feature.newDashboard2', { rolloutPercentage: 150 }), 400, 'INVALID_REQUEST');
  });

  it('variants whose weights do not sum to 100, or that repeat or mix kinds', async () => {
    const v = (weights: number[], values: unknown[] = weights.map((_, i) => `v${i}`)) => weights.map((weight, i) => ({ key: `k${i}`, value: values[i], weight }));
    expect((await refused(s, () => create({ key: 'feature.bad', variants: v([60, 30]) }), 400, 'INVALID_REQUEST')).field).toBe('variants');
    await refused(s, () => create({ key: 'feature.bad', variants: v([60, 50]) }), 400, 'INVALID_REQUEST');
    await refused(s, () => create({ key: 'feature.bad', variants: v([50, 50], [1, 'one']) }), 400, 'INVALID_REQUEST');
    await refused(s, () => create({ key: 'feature.bad', variants: [{ key: 'a', value: 1, weight: 50 }, { key: 'a', value: 2, weight: 50 }] }), 400, 'INVALID_REQUEST');
    await refused(s, () => create({ key: 'feature.bad', variants: [{ key: 'a', value: null, weight: 100 }] }), 400, 'INVALID_REQUEST');
    await refused(s, () => update('feature.layout', { variants: v([99]) }), 400, 'INVALID_REQUEST');
  });

  it('a dependency on a missing flag, or one that closes a cycle', async () => {
    expect((await refused(s, () => create({ key: 'feature.bad', dependsOnFlag: 'feature.ghost' }), 400, 'INVALID_REQUEST')).field).toBe('dependsOnFlag');
    await refused(s, () => update('feature.badgeModule', { dependsOnFlag: 'feature.badgeModule' }), 400, 'INVALID_REQUEST');
    // digitalBadge2 → badgeModule; badgeModule → digitalBadge2 closes the loop (also from a tenant's row)
    const err = await refused(s, () => update('feature.badgeModule', { dependsOnFlag: 'feature.digitalBadge2' }), 400, 'INVALID_REQUEST');
    expect(err.message).toContain('feature.badgeModule → feature.digitalBadge2 → feature.badgeModule');
    await refused(s, () => update('feature.badgeModule', { scope: 'tenant-b', dependsOnFlag: 'feature.digitalBadge2' }), 400, 'INVALID_REQUEST');
  });

  it('an expiry in an unparsable format', async () => {
    for (const expiresAt of ['next tuesday', '2026-13-01T00:00:00Z', '01/02/2026', 1767225600000]) {
      expect((await refused(s, () => create({ key: 'feature.bad', expiresAt }), 400, 'INVALID_REQUEST')).field).toBe('expiresAt');
    }
  });

  it('everything else a flag write can get wrong', async () => {
    await refused(s, () => create({ key: 'nodots', enabled: true }), 400, 'INVALID_REQUEST');
    await refused(s, () => create({ key: 'feature.bad', flagType: 'sometimes' }), 400, 'INVALID_REQUEST');
    await refused(s, () => create({ key: 'feature.bad', color: 'red' }), 400, 'INVALID_REQUEST');
    await refused(s, () => create({ key: 'feature.bad', scope: 'no-such-scope' }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => create({ key: 'feature.catering', enabled: true }), 409, 'CONFLICT');
    await refused(s, () => s.api('POST', '/api/v1/flags', { token: admin, raw: '{"key": "feature.bad",', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_REQUEST');
    await refused(s, () => flags('GET', '/feature.catering/evaluate?scope=no-such-scope'), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => flags('GET', '/feature.catering/evaluate?tenantId=tenant-a&eventId=event-b1'), 400, 'INVALID_REQUEST');
  });
});

describe('authorization (seed 003 §10.4)', () => {
  it('only platform admins write', async () => {
    for (const p of [tenantAdmin, eventManager, member]) {
      await refused(s, () => flags('POST', '', { token: p.token, body: { key: 'feature.mine', scope: 'tenant-a' } }), 403, 'INSUFFICIENT_PERMISSIONS');
      await refused(s, () => flags('PUT', '/feature.catering', { token: p.token, body: { scope: 'tenant-a', enabled: false } }), 403, 'INSUFFICIENT_PERMISSIONS');
      await refused(s, () => flags('DELETE', '/feature.tempPromo', { token: p.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    }
    await refused(s, () => s.api('GET', '/api/v1/flags'), 401, 'UNAUTHENTICATED');
    await refused(s, () => s.api('POST', '/api/v1/flags', { body: { key: 'feature.anon' } }), 401, 'UNAUTHENTICATED');
  });

  it('tenant admins read their tenant and the global defaults', async () => {
    expect(expectStatus(await flags('GET', '?scope=tenant-a&limit=500', { token: tenantAdmin.token }), 200).total).toBeGreaterThan(16);
    expectStatus(await flags('GET', '?limit=1', { token: tenantAdmin.token }), 200);
    expect(expectStatus(await flags('GET', '/feature.catering?scope=event-a1', { token: tenantAdmin.token }), 200)).toMatchObject({ scope: 'tenant-a', inherited: true });
    await refused(s, () => flags('GET', '?scope=tenant-b', { token: tenantAdmin.token }), 403, 'INSUFFICIENT_PERMISSIONS');
  });

  it('event managers and members do not list flags, but evaluate where they may read', async () => {
    for (const p of [eventManager, member]) await refused(s, () => flags('GET', '?scope=event-a1', { token: p.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => flags('GET', '/matrix', { token: member.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    expect((await evaluate('feature.catering', 'eventId=event-a1', eventManager.token)).enabled).toBe(true);
    expect((await evaluate('feature.catering', 'tenantId=tenant-a', member.token)).enabled).toBe(true);
    await refused(s, () => flags('GET', '/feature.catering/evaluate?tenantId=tenant-b', { token: member.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => flags('GET', '/feature.catering/evaluate', { token: eventManager.token }), 403, 'INSUFFICIENT_PERMISSIONS');
  });
});

describe('GET /flags/matrix', () => {
  it('shows global and every tenant, with inherited cells (seed 003 §6.5)', async () => {
    const matrix = expectStatus(await flags('GET', '/matrix'), 200);
    expect(matrix.scopes).toEqual([
      { id: 'global', name: 'Global' },
      { id: 'tenant-a', name: 'Tenant A' },
      { id: 'tenant-b', name: 'Tenant B' },
    ]);
    const catering = matrix.flags.find((f: { key: string }) => f.key === 'feature.catering');
    expect(catering.cells).toEqual({ global: { enabled: false, inherited: false }, 'tenant-a': { enabled: true, inherited: false }, 'tenant-b': { enabled: false, inherited: true } });
    expect(matrix.flags.find((f: { key: string }) => f.key === 'feature.cateringModule')).toMatchObject({ description: 'Meal planning, dietary aggregation, meal vouchers', flagType: 'boolean', expiresAt: null });
  });

  it("carries what a stale-flags view needs: the global row's type, expiry and creation, and the latest evaluation", async () => {
    expectStatus(await create({ key: 'feature.stale', flagType: 'percentage', expiresAt: '2020-01-01T00:00:00.000Z' }), 201);
    const row = (m: { flags: { key: string; createdAt: string; lastEvaluatedAt: string }[] }) => m.flags.find((f) => f.key === 'feature.stale')!;
    const before = row(expectStatus(await flags('GET', '/matrix'), 200));
    expect(before).toMatchObject({ flagType: 'percentage', expiresAt: '2020-01-01T00:00:00.000Z', lastEvaluatedAt: null });
    expect(Date.parse(before.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    await evaluate('feature.stale', 'tenantId=tenant-a');
    await flushEvaluated(s.app);
    const after = row(expectStatus(await flags('GET', '/matrix', { token: tenantAdmin.token }), 200));
    expect(Date.parse(after.lastEvaluatedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('shows a tenant admin only their own tenants, and no flag that lives only in another tenant', async () => {
    expectStatus(await create({ key: 'feature.onlyInB', scope: 'tenant-b', enabled: true, description: 'B only' }), 201);
    const matrix = expectStatus(await flags('GET', '/matrix', { token: tenantAdmin.token }), 200);
    expect(matrix.scopes.map((c: { id: string }) => c.id)).toEqual(['global', 'tenant-a']);
    expect(matrix.flags.map((f: { key: string }) => f.key)).not.toContain('feature.onlyInB');
    expect(expectStatus(await flags('GET', '/matrix'), 200).flags.map((f: { key: string }) => f.key)).toContain('feature.onlyInB');
  });
});
