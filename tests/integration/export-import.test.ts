import { randomBytes } from 'node:crypto';
import { asc, ne } from 'drizzle-orm';
import { settingValues } from '@/lib/db/schema';
import { valueRowsWhere } from '@/lib/services/export-import/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapped, startTestServer, usingPostgres, type TestServer } from './harness';
import { seedWorld, snapshot } from './lifecycle-fixture';
import { createScopes, expectStatus, person, refused, tableCounts, WORLD, type Person } from './support';

/**
 * Export / import (issue 10 §1–2): a PGlite instance exports, another instance (PostgreSQL when
 * TEST_DATABASE_URL is set, else a second PGlite) imports, and every resolution is the same there.
 */
describe('export and import', () => {
  const key = randomBytes(32);
  let source: TestServer;
  let target: TestServer;
  let srcToken: string;
  let token: string;
  let tenantAdmin: Person;

  beforeAll(async () => {
    source = await startTestServer({ pglite: true, keys: [key] });
    target = await startTestServer({ keys: [key] });
    srcToken = await bootstrapped(source, 'accreditation');
    token = await bootstrapped(target, 'accreditation');
    await seedWorld(source, srcToken);
    await createScopes(target, token, WORLD);
    tenantAdmin = await person(target, token, 'Tia Tenant', [{ role: 'tenant_admin', scopeId: 'tenant-a' }]);
  }, 240_000);
  afterAll(async () => {
    await source?.close();
    await target?.close();
  });

  const exportDoc = async (s: TestServer, t: string, query: string) => {
    const res = await s.api('GET', `/api/v1/settings/export?${query}`, { token: t });
    expectStatus(res, 200);
    return res;
  };
  const preview = (body: unknown, t = token) => target.api('POST', '/api/v1/settings/import?preview=true', { token: t, body });
  const confirm = (body: unknown, etag: string | null, t = token) =>
    target.api('POST', '/api/v1/settings/import?confirm=true', { token: t, body, headers: etag ? { 'if-match': etag } : {} });

  it('exports a scope with its subtree as an attachment, secrets only encrypted and only when a platform admin asks', async () => {
    const res = await exportDoc(source, srcToken, 'scope=global&includeDescendants=true');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="switchboard-global-\d{8}-\d{6}\.json"$/);
    const doc = res.body;
    expect(doc).toMatchObject({ version: '1.0', scope: 'global', exportedBy: 'admin@example.com', includeDescendants: true });
    expect(doc.settings).toContainEqual({ key: 'catering.bufferPercentage', scope: 'event-a1', value: 15, type: 'number', category: 'catering' });
    expect(doc.settings).toContainEqual(expect.objectContaining({ key: 'ui.theme', scope: 'global', value: 'dark', locked: true }));
    expect(doc.settings.find((s: { key: string }) => s.key === 'sms.providerApiKey')).toBeUndefined();
    expect(doc.flags).toContainEqual(expect.objectContaining({ key: 'feature.digitalBadge', scope: 'tenant-a', enabled: true }));
    const withSecrets = (await exportDoc(source, srcToken, 'scope=global&includeSecrets=true')).body;
    const secret = withSecrets.settings.find((s: { key: string }) => s.key === 'sms.providerApiKey');
    expect(secret.value).toBeUndefined();
    expect(secret.encrypted).toMatch(/^k[0-9a-f]+:/);
    expect(JSON.stringify(withSecrets)).not.toContain('sk-live-123');
    // only this scope without includeDescendants
    const only = (await exportDoc(source, srcToken, 'scope=tenant-a&category=catering')).body;
    expect(only.settings).toEqual([{ key: 'catering.bufferPercentage', scope: 'tenant-a', value: 12, type: 'number', category: 'catering' }]);
    expect(only.flags).toEqual([]);
  });

  it('lets a tenant admin export their own subtree only, and never secrets', async () => {
    expectStatus(await target.api('PUT', '/api/v1/settings/catering.bufferPercentage', { token, body: { scope: 'tenant-b', value: 3 } }), 200);
    const mine = (await exportDoc(target, tenantAdmin.token, 'scope=global&includeDescendants=true')).body;
    expect(mine.settings.map((s: { scope: string }) => s.scope)).not.toContain('tenant-b');
    await refused(target, () => target.api('GET', '/api/v1/settings/export?scope=tenant-b', { token: tenantAdmin.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(target, () => target.api('GET', '/api/v1/settings/export?scope=global&includeSecrets=true', { token: tenantAdmin.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(target, () => target.api('GET', '/api/v1/settings/export?scope=nowhere', { token }), 404, 'SCOPE_NOT_FOUND');
    expectStatus(await target.api('DELETE', '/api/v1/settings/catering.bufferPercentage?scope=tenant-b', { token }), 200);
  });

  it(`reproduces every resolution: PGlite → ${usingPostgres() ? 'PostgreSQL' : 'PGlite'}`, async () => {
    const doc = (await exportDoc(source, srcToken, 'scope=global&includeDescendants=true&includeSecrets=true')).body;
    const p = preview(doc);
    const res = await p;
    const diff = expectStatus(res, 200);
    expect(res.headers.get('etag')).toBe(diff.etag);
    expect(diff.summary).toMatchObject({ invalid: 0, toCreate: doc.settings.length + 2, toUpdate: 1 });
    expect(diff.changes).toContainEqual(expect.objectContaining({ kind: 'setting', key: 'sms.providerApiKey', scope: 'global', currentValue: null, newValue: '********', action: 'create' }));
    expect(diff.changes).toContainEqual(expect.objectContaining({ kind: 'flag', key: 'feature.kioskMode', scope: 'global', action: 'update' }));
    const before = await tableCounts(target);
    expect(before.settingValues).toBe(0);

    const applied = expectStatus(await confirm({ ...doc, reason: 'copy from staging' }, diff.etag), 200);
    expect(applied).toMatchObject({ created: doc.settings.length + 2, updated: 1, imported: doc.settings.length + 3 });
    expect(applied.auditIds).toHaveLength(doc.settings.length + 3);
    expect(await snapshot(target, token)).toEqual(await snapshot(source, srcToken));

    // one audit entry per change, source import, all in one change set, with the reason
    const audit = expectStatus(await target.api('GET', '/api/v1/audit?source=import&limit=500', { token }), 200);
    expect(audit.total).toBe(applied.auditIds.length);
    expect(new Set(audit.entries.map((e: { changeSetId: string }) => e.changeSetId))).toEqual(new Set([applied.changeSetId]));
    expect(audit.entries.every((e: { reason: string }) => e.reason === 'copy from staging')).toBe(true);
    expect(JSON.stringify(audit.entries)).not.toContain('sk-live-123');
    expect(expectStatus(await target.api('GET', '/api/v1/audit/verify', { token }), 200).valid).toBe(true);

    // the same file again: nothing to do
    const again = expectStatus(await preview(doc), 200);
    expect(again.summary).toMatchObject({ toCreate: 0, toUpdate: 0, invalid: 0 });
  }, 240_000);

  it('copies one tenant into another with mapScopes, giving the same resolutions there', async () => {
    const doc = (await exportDoc(target, token, 'scope=tenant-a&includeDescendants=true')).body;
    const body = { ...doc, mapScopes: { 'tenant-a': 'tenant-b', 'event-a1': 'event-b1' } };
    const diff = expectStatus(await preview(body), 200);
    expect(diff.changes.every((c: { scope: string }) => ['tenant-b', 'event-b1'].includes(c.scope))).toBe(true);
    expectStatus(await confirm({ ...body, reason: 'same as tenant A' }, diff.etag), 200);
    const a = await snapshot(target, token, ['tenant-a', 'event-a1']);
    const b = await snapshot(target, token, ['tenant-b', 'event-b1']);
    const rename = (snap: Record<string, unknown>) =>
      JSON.parse(JSON.stringify(snap).replaceAll('tenant-a', 'T').replaceAll('tenant-b', 'T').replaceAll('event-a1', 'E').replaceAll('event-b1', 'E'));
    // B keeps what it stored and A does not have (an import adds, it does not remove): compare the rest
    const ownOfB = /^(waitlist\.enabled|upload\.maxImageSizeMB|flag:.*)@/;
    const kept = (snap: Record<string, unknown>) => Object.fromEntries(Object.entries(rename(snap)).filter(([k]) => !ownOfB.test(k)));
    expect(kept(b)).toEqual(kept(a));
  }, 240_000);

  it('reads stored values in pages that join up exactly, in scope then key order, with or without a filter', async () => {
    const all = await source.app.db.select().from(settingValues).orderBy(asc(settingValues.scopeId), asc(settingValues.key));
    expect(all.length).toBeGreaterThan(10);
    const whole = await valueRowsWhere(source.app.db);
    expect(whole).toEqual(all);
    // pages of 3 (and of exactly the row count, whose last page is empty) give the same rows, none twice
    expect(await valueRowsWhere(source.app.db, undefined, 3)).toEqual(all);
    expect(await valueRowsWhere(source.app.db, undefined, all.length)).toEqual(all);
    const notGlobal = all.filter((r) => r.scopeId !== 'global');
    expect(await valueRowsWhere(source.app.db, ne(settingValues.scopeId, 'global'), 2)).toEqual(notGlobal);
  });

  it('accepts the file as a multipart upload with reason and mapScopes fields', async () => {
    const doc = (await exportDoc(target, token, 'scope=tenant-a')).body;
    doc.settings = [{ key: 'catering.bufferPercentage', scope: 'tenant-a', value: 13 }];
    doc.flags = [];
    const form = () => {
      const f = new FormData();
      f.set('file', new Blob([JSON.stringify(doc)], { type: 'application/json' }), 'tenant-a.json');
      f.set('mapScopes', JSON.stringify({ 'tenant-a': 'tenant-b' }));
      f.set('reason', 'upload');
      return f;
    };
    const headers = { authorization: `Bearer ${token}` };
    const res = await fetch(`${target.url}/api/v1/settings/import?preview=true`, { method: 'POST', headers, body: form() });
    const diff = await res.json();
    expect(res.status, JSON.stringify(diff)).toBe(200);
    expect(diff.changes).toEqual([expect.objectContaining({ key: 'catering.bufferPercentage', scope: 'tenant-b', currentValue: 12, newValue: 13, action: 'update' })]);
    const done = await fetch(`${target.url}/api/v1/settings/import?confirm=true`, { method: 'POST', headers: { ...headers, 'if-match': diff.etag }, body: form() });
    expect(done.status).toBe(200);
    expect(expectStatus(await target.api('GET', '/api/v1/settings/catering.bufferPercentage?scope=tenant-b', { token }), 200).value).toBe(13);
  });

  describe('bad input: a clear 4xx and nothing written', () => {
    const good = () => ({ version: '1.0', settings: [{ key: 'catering.bufferPercentage', scope: 'tenant-a', value: 20 }], flags: [] });

    it('a file that is not JSON (body and upload), `__proto__`, unknown fields', async () => {
      await refused(target, () => target.api('POST', '/api/v1/settings/import?preview=true', { token, raw: '{"version": "1.0", settings: [', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_REQUEST');
      const f = new FormData();
      f.set('file', new Blob(['not json at all']), 'config.json');
      const res = await refused(
        target,
        async () => {
          const r = await fetch(`${target.url}/api/v1/settings/import?preview=true`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: f });
          return { status: r.status, headers: r.headers, body: await r.json() };
        },
        400,
        'INVALID_REQUEST',
      );
      expect(res.message).toMatch(/config\.json" is not JSON/);
      await refused(target, () => target.api('POST', '/api/v1/settings/import?preview=true', { token, raw: '{"version":"1.0","__proto__":{"x":1}}', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_REQUEST');
      const unknown = await refused(target, () => preview({ ...good(), extra: 1 }), 400, 'INVALID_REQUEST');
      expect(unknown.message).toMatch(/Unknown field: extra/);
      await refused(target, () => target.api('POST', '/api/v1/settings/import', { token, body: good() }), 400, 'INVALID_REQUEST');
    });

    it('a wrong version', async () => {
      const e = await refused(target, () => preview({ ...good(), version: '2.0' }), 400, 'INVALID_REQUEST');
      expect(e).toMatchObject({ field: 'version', message: expect.stringContaining('"2.0"') });
    });

    it('unknown keys, wrong types, plaintext secrets, missing or unreachable scopes: listed as invalid, and a confirm refuses all (422)', async () => {
      const doc = {
        version: '1.0',
        settings: [
          { key: 'catering.bufferPercentage', scope: 'tenant-a', value: 20 },
          { key: 'no.such', scope: 'tenant-a', value: 1 },
          { key: 'catering.voucherExpiryMinutes', scope: 'tenant-a', value: 'soon' },
          { key: 'sms.providerApiKey', scope: 'global', value: 'plain-text-secret' },
          { key: 'catering.bufferPercentage', scope: 'tenant-zz', value: 5 },
          { key: 'auth.bcryptSaltRounds', scope: 'tenant-a', value: 12 },
        ],
        flags: [{ key: 'feature.x', scope: 'global', enabled: true, dependsOnFlag: 'feature.nothing' }],
      };
      const diff = expectStatus(await preview(doc), 200);
      const byKey = (k: string, scope?: string) => diff.changes.find((c: { key: string; scope: string }) => c.key === k && (!scope || c.scope === scope));
      expect(byKey('catering.bufferPercentage', 'tenant-a').action).toBe('update');
      expect(byKey('no.such').error.code).toBe('SETTING_NOT_FOUND');
      expect(byKey('catering.voucherExpiryMinutes').error.code).toBe('INVALID_SETTING_VALUE');
      expect(byKey('sms.providerApiKey').error.message).toMatch(/never in plain text/);
      expect(byKey('sms.providerApiKey').newValue).toBe('********');
      expect(byKey('catering.bufferPercentage', 'tenant-zz').error.code).toBe('SCOPE_NOT_FOUND');
      expect(byKey('auth.bcryptSaltRounds').error.code).toBe('SCOPE_NOT_ALLOWED');
      expect(byKey('feature.x').error.message).toMatch(/feature\.nothing/);
      expect(diff.summary).toMatchObject({ toUpdate: 1, invalid: 6 });
      const e = await refused(target, () => confirm({ ...doc, reason: 'try' }, diff.etag), 422, 'IMPORT_INVALID');
      expect(e.message).toMatch(/^6 items are invalid, nothing was applied/);

      // a tenant admin: the other tenant is out of reach; flags are for platform admins
      const mine = { version: '1.0', settings: [{ key: 'catering.bufferPercentage', scope: 'tenant-b', value: 1 }, { key: 'catering.bufferPercentage', scope: 'tenant-a', value: 2 }], flags: [] };
      const theirs = expectStatus(await preview(mine, tenantAdmin.token), 200);
      expect(theirs.changes.map((c: { action: string }) => c.action)).toEqual(['invalid', 'update']);
      expect(theirs.changes[0].error.code).toBe('INSUFFICIENT_PERMISSIONS');
      await refused(target, () => confirm({ ...mine, reason: 'x' }, theirs.etag, tenantAdmin.token), 422, 'IMPORT_INVALID');
    });

    it('a secret encrypted under another key, and a cross-field rule broken by the batch', async () => {
      const other = (await exportDoc(source, srcToken, 'scope=global&includeSecrets=true')).body.settings.find((s: { key: string }) => s.key === 'sms.providerApiKey');
      const forged = { ...other, encrypted: other.encrypted.replace(/:[^:]+$/, ':AAAA') };
      const doc = {
        version: '1.0',
        settings: [forged, { key: 'badge.reprintWarningThreshold', scope: 'tenant-a', value: 9 }],
      };
      const diff = expectStatus(await preview(doc), 200);
      expect(diff.changes[0].error.message).toMatch(/cannot be decrypted/);
      expect(diff.changes[1].error).toMatchObject({ code: 'INVALID_SETTING_VALUE', field: 'badge.reprintWarningThreshold' });
    });

    it('a confirm without a reason, without If-Match, or whose If-Match is not the current preview', async () => {
      const diff = expectStatus(await preview(good()), 200);
      await refused(target, () => confirm(good(), diff.etag), 400, 'REASON_REQUIRED');
      await refused(target, () => confirm({ ...good(), reason: 'r' }, null), 400, 'INVALID_REQUEST');
      await refused(target, () => confirm({ ...good(), reason: 'r' }, '"0123"'), 412, 'VERSION_CONFLICT');
      // someone changes the value between preview and confirm: the previewed diff no longer holds
      expectStatus(await target.api('PUT', '/api/v1/settings/catering.bufferPercentage', { token, body: { scope: 'tenant-a', value: 21 } }), 200);
      const e = await refused(target, () => confirm({ ...good(), reason: 'r' }, diff.etag), 412, 'VERSION_CONFLICT');
      expect(e.message).toMatch(/preview again/);
    });

    it('requests without credentials or rights', async () => {
      await refused(target, () => target.api('POST', '/api/v1/settings/import?preview=true', { body: good() }), 401, 'UNAUTHENTICATED');
      await refused(target, () => target.api('GET', '/api/v1/settings/export?scope=global'), 401, 'UNAUTHENTICATED');
      const member = await person(target, token, 'Mo Member', [{ role: 'member', scopeId: 'tenant-a' }]);
      const diff = expectStatus(await preview(good(), member.token), 200);
      expect(diff.changes[0].error.code).toBe('INSUFFICIENT_PERMISSIONS');
      await refused(target, () => confirm({ ...good(), reason: 'r' }, diff.etag, member.token), 422, 'IMPORT_INVALID');
    });

    // last: the server stops reading an oversized upload and closes that connection
    it('a file over 10 MiB', async () => {
      const raw = JSON.stringify({ version: '1.0', settings: [], flags: [], pad: 'x'.repeat(10 * 1024 * 1024) });
      await refused(target, () => target.api('POST', '/api/v1/settings/import?preview=true', { token, raw, headers: { 'content-type': 'application/json' } }), 413, 'PAYLOAD_TOO_LARGE');
    });
  });
});
