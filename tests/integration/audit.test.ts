import { sql } from 'drizzle-orm';
import { rowsOf } from '@/lib/db/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { createScopes, expectStatus, person, refused, tableCounts, WORLD, type Person } from './support';

let s: TestServer;
let admin: string;
let tenantAdmin: Person;
let eventManager: Person;
let member: Person;
let plain: Person;
let startedAt: string;

const put = (token: string, key: string, body: Record<string, unknown>) => s.api('PUT', `/api/v1/settings/${key}`, { token, body });
type Entry = { id: number; action: string; key: string | null; scopeId: string | null; source: string; actorId: string | null; reason: string | null };

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s, 'accreditation');
  startedAt = new Date().toISOString();
  await createScopes(s, admin, WORLD);
  tenantAdmin = await person(s, admin, 'Tenant Admin', [{ role: 'tenant_admin', scopeId: 'tenant-a' }]);
  eventManager = await person(s, admin, 'Event Manager', [{ role: 'event_manager', scopeId: 'event-a1' }]);
  member = await person(s, admin, 'Member', [{ role: 'member', scopeId: 'tenant-a' }]);
  plain = await person(s, admin, 'Plain', []);
  expectStatus(await put(admin, 'catering.bufferPercentage', { value: 10, scope: 'global', reason: 'Baseline, "agreed" with ops\nsee ticket 42' }), 200);
  expectStatus(await put(tenantAdmin.token, 'catering.bufferPercentage', { value: 12, scope: 'tenant-a', reason: '=HYPERLINK("http://evil")' }), 200);
  expectStatus(await put(eventManager.token, 'catering.bufferPercentage', { value: 15, scope: 'event-a1' }), 200);
  expectStatus(await put(admin, 'catering.bufferPercentage', { value: 8, scope: 'tenant-b' }), 200);
  expectStatus(await put(admin, 'sms.providerApiKey', { value: 'very-secret-key', scope: 'global', reason: 'rotate' }), 200);
  expectStatus(await s.api('PUT', '/api/v1/users/me/preferences/ui.theme', { token: member.token, body: { value: 'dark' } }), 200);
});
afterAll(async () => {
  await s?.close();
});

describe('GET /audit', () => {
  it('shows a platform admin every entry, newest first, paged with total', async () => {
    const all = expectStatus(await s.api('GET', '/api/v1/audit?limit=500', { token: admin }), 200);
    expect(all.total).toBe((await tableCounts(s)).auditLog);
    expect(all.entries).toHaveLength(all.total);
    const ids = all.entries.map((e: Entry) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const page = expectStatus(await s.api('GET', '/api/v1/audit?limit=2&offset=1', { token: admin }), 200);
    expect(page.entries.map((e: Entry) => e.id)).toEqual(ids.slice(1, 3));
    const fields = ['id', 'at', 'actorId', 'actorName', 'actorRole', 'action', 'key', 'scopeId', 'level', 'oldValue', 'newValue', 'reason', 'source', 'ip', 'version', 'details', 'changeSetId'];
    expect(Object.keys(page.entries[0]).sort()).toEqual(fields.sort());
    expect(page.entries[0].at).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
  });

  it('filters by key, category, actor, scope, source, action and time', async () => {
    const q = async (query: string) => expectStatus(await s.api('GET', `/api/v1/audit?${query}`, { token: admin }), 200) as { entries: Entry[]; total: number };
    const byKey = await q('key=catering.bufferPercentage');
    expect(byKey.entries.map((e) => `${e.action}@${e.scopeId}`)).toEqual([
      'setting.set@tenant-b',
      'setting.set@event-a1',
      'setting.set@tenant-a',
      'setting.set@global',
      'definition.create@null', // the catalog loaded at setup
    ]);
    expect((await q('category=catering&action=setting.set')).total).toBe(4);
    expect((await q('scope=tenant-a&key=catering.bufferPercentage')).entries.map((e) => e.actorId)).toEqual([tenantAdmin.id]);
    expect((await q(`actor=${eventManager.id}`)).entries.map((e) => e.scopeId)).toEqual(['event-a1']);
    expect((await q('actor=Event%20Manager')).total).toBe(1);
    expect((await q('source=setup')).entries.map((e) => e.action)).toEqual(expect.arrayContaining(['setup.bootstrap', 'user.create']));
    expect((await q('action=scope.create')).total).toBe(WORLD.length);
    expect((await q(`from=${encodeURIComponent(startedAt)}&action=setup.bootstrap`)).total).toBe(0);
    expect((await q(`to=${encodeURIComponent(startedAt)}&action=setup.bootstrap`)).total).toBe(1);
    expect((await q('key=no.such.key')).total).toBe(0);
  });

  it('redacts secrets', async () => {
    const [entry] = (await s.api('GET', '/api/v1/audit?key=sms.providerApiKey', { token: admin })).body.entries;
    expect(entry.newValue).toBe('[REDACTED]');
    const everything = await s.api('GET', '/api/v1/audit?limit=500', { token: admin });
    expect(JSON.stringify(everything.body)).not.toContain('very-secret-key');
  });

  it('shows others only the scopes where they hold audit.read', async () => {
    const seen = expectStatus(await s.api('GET', '/api/v1/audit?limit=500', { token: tenantAdmin.token }), 200);
    // a tenant admin may read the global settings, but not the global audit log (issue 8 item 10)
    const readable = ['tenant-a', 'event-a1', `user:${tenantAdmin.id}`];
    for (const e of seen.entries) expect(readable).toContain(e.scopeId);
    expect(seen.entries.filter((e: Entry) => e.key === 'catering.bufferPercentage').map((e: Entry) => e.scopeId)).toEqual(['event-a1', 'tenant-a']);

    const em = expectStatus(await s.api('GET', '/api/v1/audit', { token: eventManager.token }), 200);
    expect(em.entries.map((e: Entry) => `${e.action}@${e.scopeId}`)).toEqual(['setting.set@event-a1', 'user.create@event-a1', 'scope.create@event-a1']);
    expect(em.total).toBe(3);
  });

  it('refuses those without audit rights and scopes beyond reach', async () => {
    await refused(s, () => s.api('GET', '/api/v1/audit', { token: member.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('GET', '/api/v1/audit', { token: plain.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('GET', '/api/v1/audit?scope=tenant-b', { token: tenantAdmin.token }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => s.api('GET', `/api/v1/audit?scope=user:${member.id}`, { token: tenantAdmin.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('GET', '/api/v1/audit'), 401, 'UNAUTHENTICATED');
  });

  it('refuses bad filters', async () => {
    for (const query of ['from=yesterday', 'to=2026-13-01T00:00:00Z', 'limit=0', 'limit=501', 'offset=-1', 'scope=Bad%20Scope!', 'colour=red', 'format=csv']) {
      await refused(s, () => s.api('GET', `/api/v1/audit?${query}`, { token: admin }), 400, 'INVALID_REQUEST');
    }
  });
});

describe('GET /audit/export', () => {
  it('exports CSV as an attachment, quoted and safe to open in a spreadsheet', async () => {
    const res = await s.api('GET', '/api/v1/audit/export?format=csv&key=catering.bufferPercentage&action=setting.set', { token: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-.*\.csv"$/);
    expect(res.headers.get('x-total-count')).toBe('4');
    const text = res.body as string;
    const [header] = text.split('\r\n');
    expect(header).toBe('id,at,actorId,actorName,actorRole,action,key,scopeId,level,oldValue,newValue,reason,source,ip,version,details');
    expect(text).toContain('"Baseline, ""agreed"" with ops\nsee ticket 42"');
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(text.endsWith('\r\n')).toBe(true);
    // header + 4 records; one record spans two lines because of its quoted newline
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(5);
  });

  it('exports JSON with the same filters and reach', async () => {
    const res = await s.api('GET', '/api/v1/audit/export?format=json&scope=event-a1&action=setting.set', { token: tenantAdmin.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-.*\.json"$/);
    expect(res.body).toMatchObject({ exportedAt: expect.any(String), exportedBy: tenantAdmin.id, total: 1, entries: [{ scopeId: 'event-a1', newValue: 15 }] });
    const everything = await s.api('GET', '/api/v1/audit/export', { token: tenantAdmin.token });
    expect(everything.body.entries.map((e: Entry) => e.scopeId)).not.toContain('tenant-b');
  });

  it('refuses bad formats and callers without rights', async () => {
    await refused(s, () => s.api('GET', '/api/v1/audit/export?format=xml', { token: admin }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('GET', '/api/v1/audit/export?limit=5', { token: admin }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('GET', '/api/v1/audit/export?format=csv', { token: member.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('GET', '/api/v1/audit/export?format=csv&scope=tenant-b', { token: tenantAdmin.token }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => s.api('GET', '/api/v1/audit/export?format=csv'), 401, 'UNAUTHENTICATED');
  });
});

describe('integrity', () => {
  it('verifies the hash chain end to end', async () => {
    const res = expectStatus(await s.api('GET', '/api/v1/audit/verify', { token: admin }), 200);
    expect(res).toEqual({ valid: true, checked: (await tableCounts(s)).auditLog });
    expect(res.checked).toBeGreaterThan(0);
    await refused(s, () => s.api('GET', '/api/v1/audit/verify', { token: tenantAdmin.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('GET', '/api/v1/audit/verify'), 401, 'UNAUTHENTICATED');
  });

  it('is refused UPDATE, DELETE and TRUNCATE by the database itself', async () => {
    const before = await tableCounts(s);
    await expect(s.app.db.execute(sql`delete from audit_log`)).rejects.toThrow();
    await expect(s.app.db.execute(sql`update audit_log set reason = 'rewritten'`)).rejects.toThrow();
    await expect(s.app.db.execute(sql`truncate audit_log`)).rejects.toThrow();
    expect(await tableCounts(s)).toEqual(before);
    expect((await s.api('GET', '/api/v1/audit/verify', { token: admin })).body.valid).toBe(true);
  });

  // last: it tampers with the log (as a superuser who switched the trigger off) and leaves it broken
  it('detects a tampered entry and names where the chain breaks', async () => {
    const [victim] = rowsOf<{ id: number }>(await s.app.db.execute(sql`select id from audit_log order by id limit 1 offset 2`));
    await s.app.db.execute(sql`alter table audit_log disable trigger audit_log_no_update`);
    await s.app.db.execute(sql`update audit_log set reason = 'rewritten history' where id = ${victim.id}`);
    await s.app.db.execute(sql`alter table audit_log enable trigger audit_log_no_update`);
    const res = expectStatus(await s.api('GET', '/api/v1/audit/verify', { token: admin }), 200);
    expect(res).toEqual({ valid: false, checked: 2, brokenAt: Number(victim.id) });
  });
});
