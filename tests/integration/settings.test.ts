import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, settingValues } from '@/lib/db/schema';
import { ADMIN, bootstrapped, startTestServer, type ApiResponse, type TestServer } from './harness';
import { refused as refusedBy } from './support';

let s: TestServer;
let token: string;

const put = (key: string, body: unknown, headers?: Record<string, string>) => s.api('PUT', `/api/v1/settings/${key}`, { token, body, headers });
const resolve = (key: string, query: string) => s.api('GET', `/api/v1/settings/${key}/resolve?${query}`, { token });

const refused = (request: () => Promise<ApiResponse>, status: number, code: string) => refusedBy(s, request, status, code);

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

describe('before setup', () => {
  it('answers 503 SETUP_REQUIRED everywhere but setup', async () => {
    const res = await s.api('GET', '/api/v1/settings');
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('SETUP_REQUIRED');
    const status = await s.api('GET', '/api/v1/setup/status');
    expect(status.body).toMatchObject({ setupComplete: false });
  });

  it('refuses a short password and an unknown catalog, writing nothing', async () => {
    await refused(() => s.api('POST', '/api/v1/setup/bootstrap', { body: { admin: { ...ADMIN, password: 'short' } } }), 400, 'INVALID_REQUEST');
    await refused(() => s.api('POST', '/api/v1/setup/bootstrap', { body: { admin: ADMIN, catalog: 'nope' } }), 404, 'NOT_FOUND');
    expect((await s.api('GET', '/api/v1/setup/status')).body.setupComplete).toBe(false);
  });
});

describe('settings API', () => {
  beforeAll(async () => {
    token = await bootstrapped(s, 'accreditation');
    for (const scope of [
      { id: 'tenant_au', level: 'tenant', parentId: 'global', name: 'AU Commission' },
      { id: 'event_summit38', level: 'event', parentId: 'tenant_au', name: '38th AU Summit' },
      { id: 'tenant_ecowas', level: 'tenant', parentId: 'global', name: 'ECOWAS' },
      { id: 'event_meeting5', level: 'event', parentId: 'tenant_ecowas', name: 'Meeting 5' },
    ]) {
      const res = await s.api('POST', '/api/v1/scopes', { token, body: scope });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
  });

  it('refuses a second bootstrap', async () => {
    await refused(() => s.api('POST', '/api/v1/setup/bootstrap', { body: { admin: ADMIN } }), 409, 'ALREADY_SETUP');
  });

  it('resolves seed 003 §5.1.5 examples with their chains', async () => {
    expect((await put('catering.bufferPercentage', { value: 10, scope: 'global', reason: 'baseline' })).status).toBe(200);
    expect((await put('catering.bufferPercentage', { value: 12, scope: 'tenant_au' })).status).toBe(200);
    const ev = await put('catering.bufferPercentage', { value: '15', scope: 'event_summit38' });
    expect(ev.status).toBe(200);
    expect(ev.body.value).toBe(15); // "15" coerced to a number
    expect(ev.headers.get('etag')).toBe('"1"');

    const summit = await resolve('catering.bufferPercentage', 'tenantId=tenant_au&eventId=event_summit38');
    expect(summit.body).toMatchObject({ value: 15, resolvedFrom: 'event', resolvedScopeId: 'event_summit38' });
    expect(summit.body.inheritanceChain).toEqual([{ level: 'event', scopeId: 'event_summit38', value: 15 }]);

    const put5 = await put('auth.maxLoginAttempts', { value: 5, scope: 'global', reason: 'policy' });
    expect(put5.status).toBe(200);
    const ecowas = await resolve('auth.maxLoginAttempts', 'tenantId=tenant_ecowas&eventId=event_meeting5');
    expect(ecowas.body).toMatchObject({ value: 5, resolvedFrom: 'global' });
    expect(ecowas.body.inheritanceChain.map((l: { level: string; value: unknown }) => [l.level, l.value])).toEqual([
      ['event', null],
      ['tenant', null],
      ['global', 5],
    ]);

    // tenant fallback, and the default when nothing is stored anywhere
    expect((await resolve('catering.bufferPercentage', 'scope=event_meeting5')).body).toMatchObject({ value: 10, resolvedFrom: 'global' });
    const def = await resolve('transport.pickupBufferMinutes', 'scope=event_summit38');
    expect(def.body).toMatchObject({ resolvedFrom: 'default', resolvedScopeId: null });
    expect(def.body.inheritanceChain.map((l: { level: string }) => l.level)).toEqual(['event', 'tenant', 'global', 'default']);
  });

  it('lists settings with stored and resolved values', async () => {
    const res = await s.api('GET', '/api/v1/settings?scope=tenant_au&category=catering', { token });
    expect(res.status).toBe(200);
    const buffer = res.body.settings.find((x: { key: string }) => x.key === 'catering.bufferPercentage');
    expect(buffer).toMatchObject({ value: 12, isOverridden: true, resolvedValue: 12, resolvedFrom: 'tenant', version: 1 });
    expect(res.body.total).toBeGreaterThanOrEqual(res.body.settings.length);
  });

  it("a cached list (and get) shows the scope's own value as a write at the scope leaves it", async () => {
    const list = async () =>
      (await s.api('GET', '/api/v1/settings?scope=tenant_au&category=catering', { token })).body.settings.find((x: { key: string }) => x.key === 'catering.bufferPercentage');
    const get = async () => (await s.api('GET', '/api/v1/settings/catering.bufferPercentage?scope=tenant_au', { token })).body;
    expect(await list()).toMatchObject({ value: 12, version: 1, locked: false }); // warm: answered from the cache
    expect(await get()).toMatchObject({ value: 12, version: 1, locked: false, resolvedFrom: 'tenant' });
    expect((await put('catering.bufferPercentage', { value: 13, scope: 'tenant_au', lock: true })).status).toBe(200);
    expect(await list()).toMatchObject({ value: 13, isOverridden: true, version: 2, locked: true, resolvedValue: 13 });
    expect(await get()).toMatchObject({ value: 13, version: 2, locked: true, resolvedValue: 13 });
    // a value only above the scope: not overridden here
    const atEvent = (await s.api('GET', '/api/v1/settings?scope=event_meeting5&category=catering', { token })).body.settings.find(
      (x: { key: string }) => x.key === 'catering.bufferPercentage',
    );
    expect(atEvent).toMatchObject({ value: null, isOverridden: false, version: 0, locked: false, resolvedValue: 10, resolvedFrom: 'global' });
    expect((await put('catering.bufferPercentage', { value: 12, scope: 'tenant_au', lock: false })).status).toBe(200);
    expect(await list()).toMatchObject({ value: 12, version: 3, locked: false });
  });

  it('reverts an override to the parent value', async () => {
    const res = await s.api('DELETE', '/api/v1/settings/catering.bufferPercentage?scope=event_summit38', { token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ reverted: true, newResolvedValue: 12, resolvedFrom: 'tenant' });
    await refused(() => s.api('DELETE', '/api/v1/settings/catering.bufferPercentage?scope=event_summit38', { token }), 404, 'NOT_FOUND');
    // a value set again after a revert continues the version sequence, so versions name one state each
    const again = await put('catering.bufferPercentage', { value: 16, scope: 'event_summit38' }, { 'if-match': '"0"' });
    expect(again.body.version).toBe(3);
    expect((await s.api('DELETE', '/api/v1/settings/catering.bufferPercentage?scope=event_summit38', { token })).body.version).toBe(4);
  });

  it('keeps history, audit entries and a valid chain', async () => {
    const h = await s.api('GET', '/api/v1/settings/catering.bufferPercentage/history?scope=event_summit38', { token });
    expect(h.status).toBe(200);
    expect(h.body.history.map((e: { action: string }) => e.action)).toEqual(['setting.revert', 'setting.set', 'setting.revert', 'setting.set']);
    expect(h.body.history[3]).toMatchObject({ oldValue: null, newValue: 15, actorName: ADMIN.name, actorRole: 'platform_admin', source: 'api' });
    const v = await s.api('GET', '/api/v1/audit/verify', { token });
    expect(v.body).toMatchObject({ valid: true });
    expect(v.body.checked).toBeGreaterThan(5);
  });

  it('locks a value for lower scopes', async () => {
    const lock = await put('upload.maxImageSizeMB', { value: 3, scope: 'global', reason: 'cap', lock: true });
    expect(lock.status).toBe(200);
    const err = await refused(() => put('upload.maxImageSizeMB', { value: 5, scope: 'tenant_au' }), 409, 'SETTING_LOCKED');
    expect(err.field).toBe('scope');
    const r = await resolve('upload.maxImageSizeMB', 'scope=event_summit38');
    expect(r.body).toMatchObject({ value: 3, resolvedFrom: 'global' });
  });

  it('records the previous value of every type in the audit entry', async () => {
    await put('email.senderName', { value: 'First', scope: 'global', reason: 'x' });
    expect((await put('email.senderName', { value: 'Second', scope: 'global', reason: 'x' })).body.audit).toMatchObject({ oldValue: 'First', newValue: 'Second', version: 2 });
    await put('upload.allowedImageTypes', { value: ['png'], scope: 'global', reason: 'x' });
    expect((await put('upload.allowedImageTypes', { value: ['jpeg'], scope: 'global', reason: 'x' })).body.audit.oldValue).toEqual(['png']);
  });

  it('uses optimistic concurrency with If-Match', async () => {
    const first = await put('catering.bufferPercentage', { value: 20, scope: 'tenant_ecowas' });
    expect(first.body.version).toBe(1);
    await refused(() => put('catering.bufferPercentage', { value: 21, scope: 'tenant_ecowas' }, { 'if-match': '"0"' }), 412, 'VERSION_CONFLICT');
    const ok = await put('catering.bufferPercentage', { value: 21, scope: 'tenant_ecowas' }, { 'if-match': '"1"' });
    expect(ok.status).toBe(200);
    expect(ok.body.version).toBe(2);
  });

  it('loses no update and keeps the audit chain whole under concurrent writers', async () => {
    expect((await s.api('POST', '/api/v1/scopes', { token, body: { id: 'event_busy', level: 'event', parentId: 'tenant_au', name: 'Busy' } })).status).toBe(201);
    const writes = Array.from({ length: 12 }, (_, i) => put('catering.bufferPercentage', { value: 40 + i, scope: 'event_busy' }));
    const others = Array.from({ length: 8 }, (_, i) => put('transport.pickupBufferMinutes', { value: 10 + i, scope: i % 2 ? 'tenant_au' : 'tenant_ecowas' }));
    const results = await Promise.all([...writes, ...others]);
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    // every write to the same row got its own version: 1..12, none lost
    expect(results.slice(0, 12).map((r) => r.body.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const h = await s.api('GET', '/api/v1/settings/catering.bufferPercentage/history?scope=event_busy&limit=100', { token });
    // each entry names the value the one before it wrote
    const sets = h.body.history.filter((e: { action: string }) => e.action === 'setting.set').reverse();
    expect(sets).toHaveLength(12);
    sets.slice(1).forEach((e: { oldValue: unknown }, i: number) => expect(e.oldValue).toBe(sets[i].newValue));
    expect((await s.api('GET', '/api/v1/audit/verify', { token })).body.valid).toBe(true);
  });

  it('resolves as of a past moment and rolls back to a version', async () => {
    const before = await put('catering.bufferPercentage', { value: 30, scope: 'tenant_au' });
    const at = before.body.audit.at;
    await new Promise((r) => setTimeout(r, 20));
    await put('catering.bufferPercentage', { value: 31, scope: 'tenant_au' });
    expect((await resolve('catering.bufferPercentage', `scope=tenant_au&at=${encodeURIComponent(at)}`)).body.value).toBe(30);
    expect((await resolve('catering.bufferPercentage', 'scope=tenant_au')).body.value).toBe(31);
    const rb = await s.api('POST', '/api/v1/settings/catering.bufferPercentage/rollback', { token, body: { scope: 'tenant_au', toVersion: 1, reason: 'undo' } });
    expect(rb.status, JSON.stringify(rb.body)).toBe(200);
    expect(rb.body.value).toBe(12);
    expect(rb.body.audit.source).toBe('rollback');
  });

  it('encrypts, masks and redacts secrets, and reveals them to an admin with a password', async () => {
    const res = await put('sms.providerApiKey', { value: 'sk-live-123456', scope: 'global', reason: 'rotate' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.value).toBe('********');
    expect(res.body.audit.newValue).toBe('[REDACTED]');
    const [row] = await s.app.db.select().from(settingValues).where(eq(settingValues.key, 'sms.providerApiKey'));
    expect(row.value).toBeNull();
    expect(row.ciphertext).not.toContain('sk-live');
    expect(JSON.stringify(await s.app.db.select().from(auditLog))).not.toContain('sk-live');
    expect((await resolve('sms.providerApiKey', 'scope=global')).body.value).toBe('********');
    // a wrong password is refused and audited (issue 8 item 4), nothing else is written
    const wrong = await s.api('POST', '/api/v1/settings/sms.providerApiKey/reveal', { token, body: { scope: 'global', password: 'wrong password!' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('UNAUTHENTICATED');
    const reveal = await s.api('POST', '/api/v1/settings/sms.providerApiKey/reveal', { token, body: { scope: 'global', password: ADMIN.password } });
    expect(reveal.body.value).toBe('sk-live-123456');
  });

  it('writes bulk changes atomically unless asked not to', async () => {
    const bad = { settings: [{ key: 'catering.bufferPercentage', value: 5, scope: 'event_meeting5' }, { key: 'auth.maxLoginAttempts', value: 0, scope: 'tenant_au' }] };
    await refused(() => s.api('POST', '/api/v1/settings/bulk', { token, body: bad }), 400, 'INVALID_SETTING_VALUE');
    const partial = await s.api('POST', '/api/v1/settings/bulk', { token, body: { ...bad, atomic: false } });
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ created: 1, updated: 0 });
    expect(partial.body.errors).toEqual([expect.objectContaining({ key: 'auth.maxLoginAttempts', error: expect.objectContaining({ code: 'INVALID_SETTING_VALUE' }) })]);
  });

  it('validates without storing', async () => {
    const ok = await s.api('POST', '/api/v1/settings/validate', { token, body: { key: 'auth.maxLoginAttempts', value: '7' } });
    expect(ok.body).toEqual({ valid: true, parsedValue: 7 });
    const bad = await s.api('POST', '/api/v1/settings/validate', { token, body: { key: 'email.senderAddress', value: 'not-an-email' } });
    expect(bad.body.valid).toBe(false);
  });

  describe('bad input writes nothing', () => {
    it('malformed JSON', () => refused(() => s.api('PUT', '/api/v1/settings/catering.bufferPercentage', { token, raw: '{"value": 1,', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_REQUEST'));
    it('a body over 1 MiB', () => refused(() => put('catering.bufferPercentage', { value: 1, scope: 'tenant_au', reason: 'x'.repeat(1024 * 1024) }), 413, 'PAYLOAD_TOO_LARGE'));
    it('an unknown setting key', () => refused(() => put('catering.noSuchThing', { value: 1, scope: 'tenant_au' }), 404, 'SETTING_NOT_FOUND'));
    it('an unknown body field', () => refused(() => put('catering.bufferPercentage', { value: 1, scope: 'tenant_au', colour: 'red' }), 400, 'INVALID_REQUEST'));
    it('a value of the wrong type', async () => {
      const e = await refused(() => put('catering.bufferPercentage', { value: 'lots', scope: 'tenant_au' }), 400, 'INVALID_SETTING_VALUE');
      expect(e.field).toBe('catering.bufferPercentage');
    });
    it('a value outside its rule', () => refused(() => put('auth.maxLoginAttempts', { value: 0, scope: 'tenant_au' }), 400, 'INVALID_SETTING_VALUE'));
    it('an invalid email', () => refused(() => put('email.senderAddress', { value: 'not-an-email', scope: 'global', reason: 'x' }), 400, 'INVALID_SETTING_VALUE'));
    it('a level the setting does not allow', () => refused(() => put('auth.maxLoginAttempts', { value: 3, scope: 'event_summit38' }), 400, 'SCOPE_NOT_ALLOWED'));
    it('a global write without reason', () => refused(() => put('catering.bufferPercentage', { value: 11, scope: 'global' }), 400, 'REASON_REQUIRED'));
    it('a scope that does not exist', () => refused(() => put('catering.bufferPercentage', { value: 11, scope: 'tenant_nope' }), 404, 'SCOPE_NOT_FOUND'));
    it('a scope id that does not match the pattern', () => refused(() => put('catering.bufferPercentage', { value: 11, scope: 'Tenant AU!' }), 400, 'INVALID_REQUEST'));
    it('__proto__ in a body', () => refused(() => s.api('PUT', '/api/v1/settings/catering.bufferPercentage', { token, raw: '{"value":1,"scope":"tenant_au","__proto__":{"admin":true}}', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_REQUEST'));
    it('no token', () => refused(() => s.api('PUT', '/api/v1/settings/catering.bufferPercentage', { body: { value: 1, scope: 'tenant_au' } }), 401, 'UNAUTHENTICATED'));
    it('a bad token', () => refused(() => s.api('GET', '/api/v1/settings', { token: 'sb_not-a-real-token' }), 401, 'UNAUTHENTICATED'));
    it('the same value twice in one bulk request', () =>
      refused(() => s.api('POST', '/api/v1/settings/bulk', { token, body: { settings: [1, 2].map((value) => ({ key: 'catering.bufferPercentage', value, scope: 'tenant_au' })) } }), 400, 'INVALID_REQUEST'));
    it('a malformed If-Match', () => refused(() => put('catering.bufferPercentage', { value: 1, scope: 'tenant_au' }, { 'if-match': 'yesterday' }), 400, 'INVALID_REQUEST'));
    it('a bad at= timestamp', async () => {
      const res = await resolve('catering.bufferPercentage', 'scope=tenant_au&at=last-tuesday');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_REQUEST');
    });
    it('an unknown endpoint and a wrong method', async () => {
      expect((await s.api('GET', '/api/v1/nothing-here', { token })).status).toBe(404);
      const m = await s.api('PATCH', '/api/v1/settings/catering.bufferPercentage', { token, body: {} });
      expect(m.status).toBe(405);
    });
  });

  describe('override behaviours (seed 004 §8)', () => {
    const define = (key: string, overrideBehavior: string) =>
      s.api('POST', '/api/v1/definitions', {
        token,
        body: { key, label: key, category: 'catering', type: 'integer', defaultValue: 1, allowedLevels: ['global', 'tenant', 'event'], overrideBehavior },
      });

    it('explicitOnly: a scope uses only its own value, else the default', async () => {
      expect((await define('catering.explicitLimit', 'explicitOnly')).status).toBe(201);
      await put('catering.explicitLimit', { value: 5, scope: 'global', reason: 'x' });
      await put('catering.explicitLimit', { value: 7, scope: 'tenant_au' });
      const ev = await resolve('catering.explicitLimit', 'scope=event_summit38');
      expect(ev.body).toMatchObject({ value: 1, resolvedFrom: 'default' });
      expect(ev.body.inheritanceChain.filter((l: { skipped?: boolean }) => l.skipped).map((l: { level: string }) => l.level)).toEqual(['tenant', 'global']);
      expect((await resolve('catering.explicitLimit', 'scope=tenant_au')).body).toMatchObject({ value: 7, resolvedFrom: 'tenant' });
    });

    it('allowSkipLevel: an event may skip its tenant and inherit from global', async () => {
      expect((await define('catering.skippableLimit', 'allowSkipLevel')).status).toBe(201);
      await put('catering.skippableLimit', { value: 5, scope: 'global', reason: 'x' });
      await put('catering.skippableLimit', { value: 7, scope: 'tenant_au' });
      expect((await resolve('catering.skippableLimit', 'scope=event_summit38')).body).toMatchObject({ value: 7, resolvedFrom: 'tenant' });
      const skip = await put('catering.skippableLimit', { skipTo: 'global', scope: 'event_summit38' });
      expect(skip.status, JSON.stringify(skip.body)).toBe(200);
      const r = await resolve('catering.skippableLimit', 'scope=event_summit38');
      expect(r.body).toMatchObject({ value: 5, resolvedFrom: 'global' });
      expect(r.body.inheritanceChain[0]).toMatchObject({ level: 'event', skipTo: 'global' });
      // only allowSkipLevel settings skip, and only to a level above
      await refused(() => put('catering.bufferPercentage', { skipTo: 'global', scope: 'event_summit38' }), 400, 'INVALID_REQUEST');
      await refused(() => put('catering.skippableLimit', { skipTo: 'event', scope: 'tenant_au' }), 400, 'INVALID_REQUEST');
    });
  });

  describe('settings schema (seed 004 §11)', () => {
    it('groups settings by category with current values and hierarchy levels', async () => {
      const res = await s.api('GET', '/api/v1/settings/schema?scope=tenant_au', { token });
      expect(res.status).toBe(200);
      const catering = res.body.categories.find((c: { key: string }) => c.key === 'catering');
      const buffer = catering.groups.flatMap((g: { settings: unknown[] }) => g.settings).find((x: { key: string }) => x.key === 'catering.bufferPercentage');
      expect(buffer).toMatchObject({ currentValue: 12, resolvedFrom: 'tenant', canOverride: true });
      // every scope on the path with what it stores, for the web app's chain and its If-Match
      expect(buffer.valuesOnPath).toEqual([
        { level: 'tenant', scopeId: 'tenant_au', stored: true, value: 12, locked: false, version: expect.any(Number) },
        { level: 'global', scopeId: 'global', stored: true, value: 10, locked: false, version: 1 },
      ]);
      expect(res.body.hierarchyLevels.map((l: { key: string }) => l.key)).toEqual(expect.arrayContaining(['global', 'tenant', 'event', 'user']));
    });
  });
});
