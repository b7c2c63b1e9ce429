import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { operatorPrincipal } from '@/lib/auth/policy';
import { migrateUp } from '@/lib/services/migrations/run';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueDriftCheck } from '@/lib/services/drift/schedule';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { createScopes, expectStatus, person, refused, tableCounts, WORLD } from './support';

/** Drift (issue 10 §8, seed 003 §5.5): out-of-band edits of the values table, found, classified, restored. */
describe('drift', () => {
  let s: TestServer;
  let token: string;
  const put = async (key: string, scope: string, value: unknown) =>
    expectStatus(await s.api('PUT', `/api/v1/settings/${key}`, { token, body: { value, scope, ...(scope === 'global' ? { reason: 'fixture' } : {}) } }), 200);
  // as the database owner, around the service: no audit entry, no version bump
  const outOfBand = (query: ReturnType<typeof sql>) => s.app.db.execute(query);
  const drift = async (scope = 'global') => expectStatus(await s.api('GET', `/api/v1/drift?scope=${scope}`, { token }), 200);

  beforeAll(async () => {
    s = await startTestServer();
    token = await bootstrapped(s, 'accreditation');
    await createScopes(s, token, WORLD);
    await put('auth.maxLoginAttempts', 'tenant-a', 7);
    await put('cache.ttlMinutes', 'global', 10);
    await put('pagination.defaultPageSize', 'tenant-b', 25);
    await put('sms.providerApiKey', 'global', 'sk-live-original');
    await put('catering.bufferPercentage', 'event-a1', 15);
  }, 120_000);
  afterAll(async () => s?.close());

  it('finds nothing while every value is what the audit log recorded', async () => {
    const r = await drift();
    expect(r).toMatchObject({ scope: 'global', drifted: [], missing: [], unexpected: [] });
    expect(r.checked).toBe(5);
    expect(Date.parse(r.checkedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('reports an out-of-band UPDATE with the severity of the catalog drift table', async () => {
    await outOfBand(sql`update setting_values set value = '99' where key = 'auth.maxLoginAttempts' and scope_id = 'tenant-a'`);
    await outOfBand(sql`update setting_values set value = '45' where key = 'cache.ttlMinutes' and scope_id = 'global'`);
    await outOfBand(sql`update setting_values set locked = true where key = 'catering.bufferPercentage' and scope_id = 'event-a1'`);
    const r = await drift();
    expect(r.drifted).toEqual([
      expect.objectContaining({ key: 'auth.maxLoginAttempts', scope: 'tenant-a', tenantId: 'tenant-a', expectedValue: 7, actualValue: 99, severity: 'critical', autoRemediable: false, expectedFrom: 'audit' }),
      expect.objectContaining({ key: 'cache.ttlMinutes', scope: 'global', tenantId: null, expectedValue: 10, actualValue: 45, severity: 'info', autoRemediable: true }),
      expect.objectContaining({ key: 'catering.bufferPercentage', scope: 'event-a1', tenantId: 'tenant-a', expectedValue: 15, actualValue: 15, severity: 'info', autoRemediable: false }),
    ]);
    // a scope narrows the check to its subtree
    expect((await drift('tenant-a')).drifted.map((d: { key: string }) => d.key)).toEqual(['auth.maxLoginAttempts', 'catering.bufferPercentage']);
    expect((await drift('tenant-b')).drifted).toEqual([]);
  });

  it("reports a secret's drift as a warning without ever showing a plaintext", async () => {
    const other = s.app.secrets.encrypt('sk-live-TAMPERED');
    await outOfBand(sql`update setting_values set ciphertext = ${other} where key = 'sms.providerApiKey' and scope_id = 'global'`);
    const res = await s.api('GET', '/api/v1/drift?scope=global', { token });
    const item = res.body.drifted.find((d: { key: string }) => d.key === 'sms.providerApiKey');
    expect(item).toMatchObject({ severity: 'warning', expectedValue: '********', actualValue: '********', autoRemediable: false });
    expect(JSON.stringify(res.body)).not.toMatch(/sk-live/);
  });

  it('reports deleted, inserted and orphaned rows as missing, drifted and unexpected', async () => {
    await outOfBand(sql`delete from setting_values where key = 'pagination.defaultPageSize' and scope_id = 'tenant-b'`);
    await outOfBand(sql`insert into setting_values (key, scope_id, value) values ('badge.defaultDpi', 'tenant-b', '600'), ('ghost.key', 'global', '1'), ('badge.defaultDpi', 'no-such-scope', '300')`);
    const r = await drift();
    expect(r.missing).toEqual([expect.objectContaining({ key: 'pagination.defaultPageSize', scope: 'tenant-b', expectedValue: 25, autoRemediable: true, expectedFrom: 'audit' })]);
    expect(r.drifted).toContainEqual(expect.objectContaining({ key: 'badge.defaultDpi', scope: 'tenant-b', expectedValue: null, actualValue: 600, expectedFrom: 'none', autoRemediable: true }));
    expect(r.unexpected).toEqual([
      { key: 'badge.defaultDpi', scope: 'no-such-scope', actualValue: 300, reason: 'no scope "no-such-scope" exists' },
      { key: 'ghost.key', scope: 'global', actualValue: 1, reason: 'no setting "ghost.key" in the registry' },
    ]);
  });

  it('remediates only auto-remediable keys, audited as auto_remediation in one change set', async () => {
    const res = expectStatus(await s.api('POST', '/api/v1/drift/remediate', { token, body: { scope: 'global' } }), 200);
    expect(res.remediated.sort()).toEqual(['badge.defaultDpi', 'cache.ttlMinutes', 'pagination.defaultPageSize']);
    expect(res.skipped.map((x: { key: string }) => x.key).sort()).toEqual(['auth.maxLoginAttempts', 'catering.bufferPercentage', 'sms.providerApiKey']);
    expect(expectStatus(await s.api('GET', '/api/v1/settings/cache.ttlMinutes?scope=global', { token }), 200).value).toBe(10);
    expect(expectStatus(await s.api('GET', '/api/v1/settings/pagination.defaultPageSize?scope=tenant-b', { token }), 200).value).toBe(25);
    expect(expectStatus(await s.api('GET', '/api/v1/settings/badge.defaultDpi?scope=tenant-b', { token }), 200).value).toBeNull();
    const audit = expectStatus(await s.api('GET', '/api/v1/audit?source=auto_remediation', { token }), 200).entries as { key: string; changeSetId: string; oldValue: unknown; newValue: unknown }[];
    expect(audit.map((e) => e.key).sort()).toEqual(['badge.defaultDpi', 'cache.ttlMinutes', 'pagination.defaultPageSize']);
    expect(new Set(audit.map((e) => e.changeSetId))).toEqual(new Set([res.changeSetId]));
    expect(audit.find((e) => e.key === 'cache.ttlMinutes')).toMatchObject({ oldValue: 45, newValue: 10 });
    const after = await drift();
    expect(after.drifted.map((d: { key: string }) => d.key)).toEqual(['auth.maxLoginAttempts', 'catering.bufferPercentage', 'sms.providerApiKey']);
    expect(after.missing).toEqual([]);
    // nothing left to do: a second call writes nothing
    const before = await tableCounts(s);
    expect(expectStatus(await s.api('POST', '/api/v1/drift/remediate', { token, body: { keys: ['cache.ttlMinutes'] } }), 200)).toMatchObject({ remediated: [], changeSetId: null });
    expect(await tableCounts(s)).toEqual(before);
  });

  it("a person's audited fix of a secret clears its drift", async () => {
    // a person's fix through the API is audited, so the report clears
    await put('sms.providerApiKey', 'global', 'sk-live-original');
    expect((await drift()).drifted.map((d: { key: string }) => d.key)).not.toContain('sms.providerApiKey');
  });

  it('refuses bad input and callers without the right, writing nothing', async () => {
    const tenantAdmin = await person(s, token, 'Tenant Admin D', [{ role: 'tenant_admin', scopeId: 'tenant-a' }]);
    const member = await person(s, token, 'Member D', [{ role: 'member', scopeId: 'tenant-a' }]);
    expect(expectStatus(await s.api('GET', '/api/v1/drift?scope=tenant-a', { token: tenantAdmin.token }), 200).drifted.map((d: { key: string }) => d.key)).toEqual([
      'auth.maxLoginAttempts',
      'catering.bufferPercentage',
    ]);
    await refused(s, () => s.api('GET', '/api/v1/drift?scope=global', { token: tenantAdmin.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('GET', '/api/v1/drift?scope=tenant-b', { token: tenantAdmin.token }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => s.api('GET', '/api/v1/drift?scope=tenant-a', { token: member.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('POST', '/api/v1/drift/remediate', { token: tenantAdmin.token, body: { scope: 'tenant-a' } }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('GET', '/api/v1/drift?scope=nowhere', { token }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => s.api('GET', '/api/v1/drift?scope=Bad!', { token }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('POST', '/api/v1/drift/remediate', { token, body: { scope: 'global', keys: 'cache.ttlMinutes' } }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('POST', '/api/v1/drift/remediate', { token, body: { unknown: 1 } }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('POST', '/api/v1/drift/remediate', { token, raw: '{not json', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('GET', '/api/v1/drift/last', { token: tenantAdmin.token }), 403, 'INSUFFICIENT_PERMISSIONS');
  });

  it('expects what an applied settings migration set, even where it changed nothing the audit log would show', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-drift-migrations-'));
    cpSync(path.resolve('migrations/settings/002-default-sla-48h.ts'), path.join(dir, '002-default-sla-48h.ts'));
    try {
      await put('workflow.defaultSlaHours', 'global', 48); // already what 002 sets: applying it writes no value entry
      const cli = operatorPrincipal('tester@ci');
      expect((await migrateUp(s.app, cli, { dir }, { actor: { id: 'cli', name: cli.name, role: 'platform_admin' }, source: 'migration', ip: null })).applied).toEqual(['002']);
      await outOfBand(sql`update setting_values set value = '30' where key = 'workflow.defaultSlaHours' and scope_id = 'global'`);
      expect((await drift()).drifted).toContainEqual(
        expect.objectContaining({ key: 'workflow.defaultSlaHours', scope: 'global', expectedValue: 48, actualValue: 30, expectedFrom: 'migration', severity: 'info' }),
      );
      await put('workflow.defaultSlaHours', 'global', 48); // a person's audited fix
      expect((await drift()).drifted.map((d: { key: string }) => d.key)).not.toContain('workflow.defaultSlaHours');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the daily job runs when due, once across instances, and records the report the dashboard shows', async () => {
    expect(expectStatus(await s.api('GET', '/api/v1/drift/last', { token }), 200)).toEqual({ report: null });
    const logs: string[] = [];
    const log = { log: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
    const t0 = new Date('2030-01-01T02:00:00Z');
    const first = await runDueDriftCheck(s.app, { now: () => t0, log });
    expect(first?.drifted.length).toBe(2);
    expect(logs.some((m) => /1 critical setting\(s\).*auth.maxLoginAttempts@tenant-a/.test(m))).toBe(true);
    // not due again within the day, due a day later; two instances at once record one report
    expect(await runDueDriftCheck(s.app, { now: () => new Date('2030-01-01T20:00:00Z'), log })).toBeNull();
    const day2 = () => new Date('2030-01-02T02:00:01Z');
    const both = await Promise.all([runDueDriftCheck(s.app, { now: day2, log }), runDueDriftCheck(s.app, { now: day2, log })]);
    expect(both.filter(Boolean)).toHaveLength(1);
    const last = expectStatus(await s.api('GET', '/api/v1/drift/last', { token }), 200).report;
    expect(last).toMatchObject({ trigger: 'schedule', checkedAt: '2030-01-02T02:00:01.000Z', scope: 'global' });
    expect(last.drifted.map((d: { key: string }) => d.key)).toEqual(['auth.maxLoginAttempts', 'catering.bufferPercentage']);
  });
});
