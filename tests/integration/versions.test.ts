import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { createScopes, expectStatus, person, refused, WORLD } from './support';

/** Versions: change sets, their diff, and reverting one (issue 10 §6). */
describe('versions', () => {
  let s: TestServer;
  let token: string;

  beforeAll(async () => {
    s = await startTestServer();
    token = await bootstrapped(s, 'accreditation');
    await createScopes(s, token, WORLD);
  }, 120_000);
  afterAll(async () => s?.close());

  const put = async (key: string, scope: string, value: unknown) =>
    expectStatus(await s.api('PUT', `/api/v1/settings/${key}`, { token, body: { value, scope, ...(scope === 'global' ? { reason: 'r' } : {}) } }), 200);
  const value = async (key: string, scope: string) => expectStatus(await s.api('GET', `/api/v1/settings/${key}?scope=${scope}`, { token }), 200).value;
  const versions = async () => expectStatus(await s.api('GET', '/api/v1/versions?limit=10', { token }), 200);
  const revert = (id: string, mode: 'preview' | 'confirm', body: unknown, etag?: string) =>
    s.api('POST', `/api/v1/versions/${id}/revert?${mode}=true`, { token, body, headers: etag ? { 'if-match': etag } : {} });

  it('lists a single PUT, a bulk write and an import as one change set each, newest first', async () => {
    const single = await put('catering.bufferPercentage', 'tenant-a', 12);
    expectStatus(
      await s.api('POST', '/api/v1/settings/bulk', {
        token,
        body: { settings: [{ key: 'catering.bufferPercentage', scope: 'tenant-b', value: 7 }, { key: 'badge.maxReprintCount', scope: 'tenant-b', value: 4 }], reason: 'bulk' },
      }),
      200,
    );
    const doc = { version: '1.0', settings: [{ key: 'waitlist.enabled', scope: 'event-a1', value: false }] };
    const diff = expectStatus(await s.api('POST', '/api/v1/settings/import?preview=true', { token, body: doc }), 200);
    const imported = expectStatus(await s.api('POST', '/api/v1/settings/import?confirm=true', { token, body: { ...doc, reason: 'imp' }, headers: { 'if-match': diff.etag } }), 200);
    const list = await versions();
    const [newest, bulk, first] = list.versions;
    expect(newest).toMatchObject({ id: imported.changeSetId, source: 'import', reason: 'imp', changes: 1, keys: ['waitlist.enabled'], actor: { name: 'Ada Admin' } });
    expect(bulk).toMatchObject({ source: 'api', reason: 'bulk', changes: 2, keys: ['catering.bufferPercentage', 'badge.maxReprintCount'] });
    expect(first).toMatchObject({ id: single.audit.changeSetId, changes: 1 });
    expect(list.total).toBeGreaterThanOrEqual(3);
    const detail = expectStatus(await s.api('GET', `/api/v1/versions/${bulk.id}`, { token }), 200);
    expect(detail.changes).toEqual([
      expect.objectContaining({ action: 'setting.set', kind: 'setting', key: 'catering.bufferPercentage', scope: 'tenant-b', oldValue: null, newValue: 7, version: 1 }),
      expect.objectContaining({ action: 'setting.set', key: 'badge.maxReprintCount', scope: 'tenant-b', newValue: 4 }),
    ]);
  });

  it('reverts a whole change set with preview and confirm', async () => {
    await put('catering.bufferPercentage', 'event-b1', 30);
    expectStatus(
      await s.api('POST', '/api/v1/settings/bulk', {
        token,
        body: { settings: [{ key: 'catering.bufferPercentage', scope: 'event-b1', value: 31 }, { key: 'transport.pickupBufferMinutes', scope: 'event-b1', value: 5 }] },
      }),
      200,
    );
    expectStatus(await s.api('PUT', '/api/v1/flags/feature.kioskMode', { token, body: { scope: 'tenant-b', enabled: false } }), 200);
    const [flagSet, bulk] = (await versions()).versions;
    const diff = expectStatus(await revert(bulk.id, 'preview', {}), 200);
    expect(diff.changes).toEqual([
      expect.objectContaining({ key: 'catering.bufferPercentage', scope: 'event-b1', currentValue: 31, newValue: 30, action: 'update' }),
      expect.objectContaining({ key: 'transport.pickupBufferMinutes', scope: 'event-b1', currentValue: 5, action: 'delete' }),
    ]);
    await refused(s, () => revert(bulk.id, 'confirm', {}, diff.etag), 400, 'REASON_REQUIRED');
    await refused(s, () => revert(bulk.id, 'confirm', { reason: 'undo' }, '"other"'), 412, 'VERSION_CONFLICT');
    const done = expectStatus(await revert(bulk.id, 'confirm', { reason: 'undo' }, diff.etag), 200);
    expect(done).toMatchObject({ updated: 1, deleted: 1 });
    expect(await value('catering.bufferPercentage', 'event-b1')).toBe(30);
    expect(await value('transport.pickupBufferMinutes', 'event-b1')).toBeNull();
    const [undo] = (await versions()).versions;
    expect(undo).toMatchObject({ id: done.changeSetId, source: 'rollback', reason: 'undo', changes: 2 });
    // a flag row the change set created goes away again
    const flagDiff = expectStatus(await revert(flagSet.id, 'preview', {}), 200);
    expect(flagDiff.changes).toEqual([expect.objectContaining({ kind: 'flag', key: 'feature.kioskMode', scope: 'tenant-b', action: 'delete' })]);
    expectStatus(await revert(flagSet.id, 'confirm', { reason: 'undo flag' }, flagDiff.etag), 200);
    const flag = expectStatus(await s.api('GET', '/api/v1/flags/feature.kioskMode?scope=tenant-b', { token }), 200);
    expect(flag).toMatchObject({ scope: 'global', inherited: true });
  });

  it('refuses to revert over a later change unless forced', async () => {
    await put('catering.voucherExpiryMinutes', 'tenant-a', 40);
    const first = (await versions()).versions[0];
    await put('catering.voucherExpiryMinutes', 'tenant-a', 50);
    const diff = expectStatus(await revert(first.id, 'preview', {}), 200);
    expect(diff.changes[0]).toMatchObject({ key: 'catering.voucherExpiryMinutes', action: 'invalid', error: { code: 'CONFLICT' } });
    await refused(s, () => revert(first.id, 'confirm', { reason: 'undo' }, diff.etag), 422, 'IMPORT_INVALID');
    const forced = expectStatus(await revert(first.id, 'preview', { force: true }), 200);
    expect(forced.changes[0]).toMatchObject({ currentValue: 50, action: 'delete' });
    expectStatus(await revert(first.id, 'confirm', { reason: 'undo anyway', force: true }, forced.etag), 200);
    expect(await value('catering.voucherExpiryMinutes', 'tenant-a')).toBeNull();
  });

  it('bad input: unknown change sets, no rights, no credentials', async () => {
    await refused(s, () => s.api('GET', '/api/v1/versions/cs_nothing', { token }), 404, 'NOT_FOUND');
    await refused(s, () => revert('cs_nothing', 'preview', {}), 404, 'NOT_FOUND');
    await refused(s, () => revert('cs_nothing', 'preview', { force: 'yes' }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('GET', '/api/v1/versions'), 401, 'UNAUTHENTICATED');
    const member = await person(s, token, 'Mo Member', [{ role: 'member', scopeId: 'tenant-a' }]);
    await refused(s, () => s.api('GET', '/api/v1/versions', { token: member.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    // a tenant admin sees the change sets of their tenant only
    const ta = await person(s, token, 'Tia Tenant', [{ role: 'tenant_admin', scopeId: 'tenant-b' }]);
    const theirs = expectStatus(await s.api('GET', '/api/v1/versions?limit=500', { token: ta.token }), 200);
    expect(theirs.versions.length).toBeGreaterThan(0);
    for (const v of theirs.versions) {
      const d = expectStatus(await s.api('GET', `/api/v1/versions/${v.id}`, { token: ta.token }), 200);
      expect(d.changes.every((c: { scope: string }) => ['global', 'tenant-b', 'event-b1'].includes(c.scope))).toBe(true);
    }
  });
});
