import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, backups, settingValues } from '@/lib/db/schema';
import { runScheduledBackups } from '@/lib/services/backups/schedule';
import { bootstrapped, startTestServer, usingPostgres, type TestServer } from './harness';
import { seedWorld, snapshot } from './lifecycle-fixture';
import { expectStatus, person, refused, tableCounts, type Person } from './support';

/**
 * Backups and restore (issue 10 §4–5): backups of each type, their list / download / delete, restore with
 * its preview, a backup restored into a fresh instance, damaged backups, and the automated job.
 */
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('backups and restore', () => {
  const key = randomBytes(32);
  let s: TestServer;
  let token: string;
  let tenantAdmin: Person;

  beforeAll(async () => {
    s = await startTestServer({ pglite: true, keys: [key] });
    token = await bootstrapped(s, 'accreditation');
    await seedWorld(s, token);
    tenantAdmin = await person(s, token, 'Tia Tenant', [{ role: 'tenant_admin', scopeId: 'tenant-a' }]);
    // a user's own value (scope user:<id>), and AI model configuration
    expectStatus(await s.api('PUT', '/api/v1/users/me/preferences/ui.language', { token, body: { value: 'pt' } }), 200);
    expectStatus(await s.api('PUT', '/api/v1/models/openai', { token, body: { scope: 'global', model: 'gpt-4o-mini', status: 'active', apiKey: 'sk-model-key-1' } }), 200);
  }, 240_000);
  afterAll(async () => {
    await s?.close();
  });

  const create = async (type: string, note?: string) => expectStatus(await s.api('POST', '/api/v1/backups', { token, body: { type, ...(note ? { note } : {}) } }), 201);
  const download = async (id: string) => {
    const res = await s.api('GET', `/api/v1/backups/${id}`, { token });
    expectStatus(res, 200);
    return res;
  };
  const restore = (body: Record<string, unknown>, t = token) => s.api('POST', '/api/v1/restore', { token: t, body });
  const value = async (k: string, scope: string) => expectStatus(await s.api('GET', `/api/v1/settings/${k}?scope=${scope}`, { token }), 200).value;

  it('takes a full backup: SHA-256 of the content, stored compressed, secrets encrypted, audited', async () => {
    const b = await create('full', 'before the season');
    expect(b).toMatchObject({ id: expect.stringMatching(/^bk/), type: 'full', origin: 'manual', note: 'before the season', checksum: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(new Date(b.createdAt).toISOString()).toBe(b.createdAt);
    const res = await download(b.id);
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="switchboard-backup-full-\\d{8}-\\d{6}-${b.id}\\.json"$`));
    expect(res.headers.get('x-switchboard-checksum')).toBe(b.checksum);
    const text = JSON.stringify(res.body);
    expect(sha256(text)).toBe(b.checksum);
    expect(Buffer.byteLength(text)).toBe(b.size);
    const doc = res.body;
    expect(doc).toMatchObject({ format: 'switchboard-backup', version: '1.0', type: 'full', note: 'before the season' });
    expect(doc.settings).toContainEqual({ key: 'catering.bufferPercentage', scope: 'event-a1', value: 15 });
    expect(doc.settings).toContainEqual(expect.objectContaining({ key: 'ui.language', scope: expect.stringMatching(/^user:/), value: 'pt' }));
    expect(doc.settings.find((v: { key: string }) => v.key === 'sms.providerApiKey').encrypted).toMatch(/^k[0-9a-f]+:/);
    expect(doc.scopes.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining(['global', 'tenant-a', 'event-b1']));
    expect(doc.flags).toContainEqual(expect.objectContaining({ key: 'feature.surveyModule', scope: 'event-b1', rolloutPercentage: 40 }));
    expect(doc.models.configurations).toContainEqual(expect.objectContaining({ provider: 'openai', scopeId: 'global', model: 'gpt-4o-mini' }));
    expect(text).not.toContain('sk-live-123');
    expect(text).not.toContain('sk-model-key-1');
    // stored gzip-compressed, smaller than the content
    const [row] = await s.app.db.select().from(backups).where(eq(backups.id, b.id));
    expect(row.compressedSize).toBeLessThan(row.size);
    expect(sha256(gunzipSync(row.content).toString('utf8'))).toBe(b.checksum);
    const audit = await s.app.db.select().from(auditLog).where(eq(auditLog.action, 'backup.create'));
    expect(audit.at(-1)).toMatchObject({ actorName: 'Ada Admin', details: expect.objectContaining({ id: b.id, checksum: b.checksum }) });
  });

  it('covers what each type says: system (scope tree), user (own values), model (AI configuration)', async () => {
    const system = (await download((await create('system')).id)).body;
    expect(system.settings.some((v: { scope: string }) => v.scope.startsWith('user:'))).toBe(false);
    expect(system.settings.length).toBeGreaterThan(10);
    expect(system.flags.length).toBeGreaterThan(0);
    expect(system.models).toBeNull();
    const user = (await download((await create('user')).id)).body;
    expect(user.settings).toEqual([expect.objectContaining({ key: 'ui.language', value: 'pt' })]);
    expect(user.flags).toEqual([]);
    expect(user.scopes).toEqual([]);
    const model = (await download((await create('model')).id)).body;
    expect(model.settings).toEqual([]);
    expect(model.models.type).toBe('model');
  });

  it('lists backups newest first, paged, filtered by type', async () => {
    const all = expectStatus(await s.api('GET', '/api/v1/backups?limit=2', { token }), 200);
    expect(all).toMatchObject({ total: 4, limit: 2, offset: 0 });
    expect(all.backups.map((b: { type: string }) => b.type)).toEqual(['model', 'user']);
    const next = expectStatus(await s.api('GET', '/api/v1/backups?limit=2&offset=2', { token }), 200);
    expect(next.backups.map((b: { type: string }) => b.type)).toEqual(['system', 'full']);
    expect(next.backups[0]).not.toHaveProperty('content');
    const fulls = expectStatus(await s.api('GET', '/api/v1/backups?type=full', { token }), 200);
    expect(fulls.total).toBe(1);
  });

  it('restores a full backup: preview is the diff, confirm takes a pre-restore backup and applies it as one change set', async () => {
    const b = await create('full');
    expectStatus(await s.api('PUT', '/api/v1/settings/catering.bufferPercentage', { token, body: { scope: 'tenant-a', value: 40 } }), 200);
    expectStatus(await s.api('PUT', '/api/v1/settings/catering.bufferPercentage', { token, body: { scope: 'tenant-b', value: 41 } }), 200);
    expectStatus(await s.api('DELETE', '/api/v1/settings/waitlist.enabled?scope=tenant-b', { token }), 200);
    expectStatus(await s.api('PUT', '/api/v1/flags/feature.digitalBadge', { token, body: { scope: 'tenant-a', enabled: false } }), 200);
    expectStatus(await s.api('PUT', '/api/v1/models/openai', { token, body: { scope: 'global', model: 'gpt-4o' } }), 200);
    const before = await tableCounts(s);

    const diff = expectStatus(await restore({ backupId: b.id, preview: true }), 200);
    expect(await tableCounts(s)).toEqual(before);
    expect(diff).toMatchObject({ preview: true, summary: { toCreate: 1, toUpdate: 2, toDelete: 1, invalid: 0 }, models: { configurations: 1 } });
    expect(diff.changes).toContainEqual(expect.objectContaining({ kind: 'setting', key: 'catering.bufferPercentage', scope: 'tenant-a', currentValue: 40, newValue: 12, action: 'update' }));
    expect(diff.changes).toContainEqual(expect.objectContaining({ kind: 'setting', key: 'catering.bufferPercentage', scope: 'tenant-b', currentValue: 41, action: 'delete' }));
    expect(diff.changes).toContainEqual(expect.objectContaining({ kind: 'setting', key: 'waitlist.enabled', scope: 'tenant-b', newValue: false, action: 'create' }));
    expect(diff.changes).toContainEqual(expect.objectContaining({ kind: 'flag', key: 'feature.digitalBadge', scope: 'tenant-a', action: 'update' }));

    const done = expectStatus(await restore({ backupId: b.id, reason: 'undo the experiment' }), 200);
    expect(done).toMatchObject({ preview: false, created: 1, updated: 2, deleted: 1, models: { configurations: 1 }, preRestoreBackup: { type: 'full', origin: 'pre-restore' } });
    expect(await value('catering.bufferPercentage', 'tenant-a')).toBe(12);
    expect(await value('catering.bufferPercentage', 'tenant-b')).toBeNull();
    expect(await value('waitlist.enabled', 'tenant-b')).toBe(false);
    const models = expectStatus(await s.api('GET', '/api/v1/models?scope=global', { token }), 200);
    expect(models.providers.find((p: { provider: string }) => p.provider === 'openai').model.value).toBe('gpt-4o-mini');
    // the pre-restore backup holds what was there before
    const pre = (await download(done.preRestoreBackup.id)).body;
    expect(pre.settings).toContainEqual({ key: 'catering.bufferPercentage', scope: 'tenant-a', value: 40 });
    // one change set, source restore, with the reason; the chain still verifies
    const audit = await s.app.db.select().from(auditLog).where(eq(auditLog.changeSetId, done.changeSetId));
    expect(audit.length).toBe(done.auditIds.length + 2); // + the pre-restore backup and the model restore
    expect(new Set(audit.map((e) => e.source))).toEqual(new Set(['restore']));
    expect(audit.every((e) => e.reason?.startsWith('undo the experiment') || e.reason?.startsWith('Before restoring'))).toBe(true);
    expect(expectStatus(await s.api('GET', '/api/v1/audit/verify', { token }), 200).valid).toBe(true);
    // restoring again: nothing left to do
    expect(expectStatus(await restore({ backupId: b.id, preview: true }), 200).summary).toMatchObject({ toCreate: 0, toUpdate: 0, toDelete: 0 });
  });

  it('deletes a backup, audited', async () => {
    const b = await create('user');
    expect(expectStatus(await s.api('DELETE', `/api/v1/backups/${b.id}`, { token }), 200)).toEqual({ deleted: true, id: b.id });
    await refused(s, () => s.api('GET', `/api/v1/backups/${b.id}`, { token }), 404, 'NOT_FOUND');
    const audit = await s.app.db.select().from(auditLog).where(eq(auditLog.action, 'backup.delete'));
    expect(audit.at(-1)?.details).toMatchObject({ id: b.id, type: 'user' });
  });

  describe('bad input: a clear 4xx and nothing written', () => {
    it('unknown backup id: 404 NOT_FOUND', async () => {
      await refused(s, () => restore({ backupId: 'bk_nope', reason: 'x' }), 404, 'NOT_FOUND');
      await refused(s, () => restore({ backupId: 'bk_nope', preview: true }), 404, 'NOT_FOUND');
      await refused(s, () => s.api('GET', '/api/v1/backups/bk_nope', { token }), 404, 'NOT_FOUND');
      await refused(s, () => s.api('DELETE', '/api/v1/backups/bk_nope', { token }), 404, 'NOT_FOUND');
    });

    it('bad type, unknown fields, malformed JSON: 400 INVALID_REQUEST', async () => {
      const e = await refused(s, () => s.api('POST', '/api/v1/backups', { token, body: { type: 'everything' } }), 400, 'INVALID_REQUEST');
      expect(e.field).toBe('type');
      await refused(s, () => s.api('POST', '/api/v1/backups', { token, body: {} }), 400, 'INVALID_REQUEST');
      await refused(s, () => s.api('POST', '/api/v1/backups', { token, body: { type: 'full', extra: 1 } }), 400, 'INVALID_REQUEST');
      await refused(s, () => s.api('POST', '/api/v1/backups', { token, raw: '{"type":', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_REQUEST');
      await refused(s, () => s.api('GET', '/api/v1/backups?type=bogus', { token }), 400, 'INVALID_REQUEST');
      await refused(s, () => restore({ backupId: 7 }), 400, 'INVALID_REQUEST');
    });

    it('a restore without a reason: 400 REASON_REQUIRED', async () => {
      const b = (await s.app.db.select({ id: backups.id }).from(backups).limit(1))[0];
      const e = await refused(s, () => restore({ backupId: b.id }), 400, 'REASON_REQUIRED');
      expect(e.field).toBe('reason');
      await refused(s, () => restore({ backupId: b.id, reason: '   ' }), 400, 'REASON_REQUIRED');
    });

    it('no rights: 403 for everyone but platform admins', async () => {
      const b = (await s.app.db.select({ id: backups.id }).from(backups).limit(1))[0];
      const t = tenantAdmin.token;
      await refused(s, () => s.api('POST', '/api/v1/backups', { token: t, body: { type: 'full' } }), 403, 'INSUFFICIENT_PERMISSIONS');
      await refused(s, () => s.api('GET', '/api/v1/backups', { token: t }), 403, 'INSUFFICIENT_PERMISSIONS');
      await refused(s, () => s.api('GET', `/api/v1/backups/${b.id}`, { token: t }), 403, 'INSUFFICIENT_PERMISSIONS');
      await refused(s, () => s.api('DELETE', `/api/v1/backups/${b.id}`, { token: t }), 403, 'INSUFFICIENT_PERMISSIONS');
      await refused(s, () => restore({ backupId: b.id, reason: 'mine now' }, t), 403, 'INSUFFICIENT_PERMISSIONS');
      await refused(s, () => restore({ backupId: b.id, preview: true }, t), 403, 'INSUFFICIENT_PERMISSIONS');
      await refused(s, () => s.api('POST', '/api/v1/backups/upload', { token: t, body: {} }), 403, 'INSUFFICIENT_PERMISSIONS');
      await refused(s, () => s.api('GET', '/api/v1/backups'), 401, 'UNAUTHENTICATED');
    });

    it('a backup whose content no longer matches its checksum: 409 BACKUP_CORRUPT, never restored', async () => {
      const b = await create('system');
      const [row] = await s.app.db.select().from(backups).where(eq(backups.id, b.id));
      const altered = gunzipSync(row.content).toString('utf8').replace('"value":15', '"value":99');
      await s.app.db.update(backups).set({ content: gzipSync(altered) }).where(eq(backups.id, b.id));
      const e = await refused(s, () => restore({ backupId: b.id, reason: 'x' }), 409, 'BACKUP_CORRUPT');
      expect(e.message).toMatch(/does not match its checksum/);
      await refused(s, () => restore({ backupId: b.id, preview: true }), 409, 'BACKUP_CORRUPT');
      await refused(s, () => s.api('GET', `/api/v1/backups/${b.id}`, { token }), 409, 'BACKUP_CORRUPT');
      // not even gzip any more
      await s.app.db.update(backups).set({ content: Buffer.from('garbage') }).where(eq(backups.id, b.id));
      expect((await refused(s, () => restore({ backupId: b.id, reason: 'x' }), 409, 'BACKUP_CORRUPT')).message).toMatch(/not valid gzip/);
      await s.app.db.delete(backups).where(eq(backups.id, b.id));
    });

    it('an upload: not JSON, not a backup, a damaged transfer', async () => {
      await refused(s, () => s.api('POST', '/api/v1/backups/upload', { token, raw: '{nope', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_REQUEST');
      await refused(s, () => s.api('POST', '/api/v1/backups/upload', { token, body: { version: '1.0', settings: [] } }), 400, 'INVALID_REQUEST');
      const file = JSON.stringify((await download((await create('user')).id)).body);
      const wrong = sha256(file + ' ');
      await refused(s, () => s.api('POST', `/api/v1/backups/upload?checksum=${wrong}`, { token, raw: file, headers: { 'content-type': 'application/json' } }), 409, 'BACKUP_CORRUPT');
      await refused(s, () => s.api('POST', '/api/v1/backups/upload', { token, body: { ...JSON.parse(file), version: '9.9' } }), 400, 'INVALID_REQUEST');
    });

    it('keys this registry no longer has are listed as invalid, and the restore is refused as a whole', async () => {
      const doc = (await download((await create('system')).id)).body;
      doc.settings.push({ key: 'legacy.removedKey', scope: 'global', value: 1 });
      doc.settings.find((v: { key: string; scope: string }) => v.key === 'catering.bufferPercentage' && v.scope === 'tenant-a').value = 33;
      doc.registry = { keys: 1, fingerprint: 'older' };
      const up = expectStatus(await s.api('POST', '/api/v1/backups/upload', { token, body: doc }), 201);
      expect(up).toMatchObject({ type: 'system', origin: 'upload' });
      const diff = expectStatus(await restore({ backupId: up.id, preview: true }), 200);
      expect(diff.summary.invalid).toBe(1);
      expect(diff.changes).toContainEqual(expect.objectContaining({ key: 'legacy.removedKey', scope: 'global', action: 'invalid', error: expect.objectContaining({ code: 'SETTING_NOT_FOUND' }) }));
      const before = await tableCounts(s);
      const res = await restore({ backupId: up.id, reason: 'old backup' });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'IMPORT_INVALID', details: { invalid: [expect.objectContaining({ key: 'legacy.removedKey' })] } });
      expect(await tableCounts(s)).toEqual(before);
      expect(await value('catering.bufferPercentage', 'tenant-a')).toBe(12);
    });
  });

  it(`restores into a fresh instance (PGlite → ${usingPostgres() ? 'PostgreSQL' : 'PGlite'}): every resolution the same, scopes included`, async () => {
    const fresh = await startTestServer({ keys: [key] });
    try {
      const freshToken = await bootstrapped(fresh, 'accreditation');
      const b = await create('system', 'to the new instance');
      const file = await download(b.id);
      const text = JSON.stringify(file.body);
      const up = expectStatus(await fresh.api('POST', `/api/v1/backups/upload?checksum=${sha256(text)}`, { token: freshToken, raw: text, headers: { 'content-type': 'application/json' } }), 201);
      const diff = expectStatus(await fresh.api('POST', '/api/v1/restore', { token: freshToken, body: { backupId: up.id, preview: true } }), 200);
      expect(diff.summary.invalid).toBe(0);
      expectStatus(await fresh.api('POST', '/api/v1/restore', { token: freshToken, body: { backupId: up.id, reason: 'move to the new instance' } }), 200);
      expect(await snapshot(fresh, freshToken)).toEqual(await snapshot(s, token));
      expect(expectStatus(await fresh.api('GET', '/api/v1/audit/verify', { token: freshToken }), 200).valid).toBe(true);
    } finally {
      await fresh.close();
    }
  }, 240_000);

  describe('automated backups', () => {
    const day = 86_400_000;
    const since = new Date('2027-01-01T00:00:00Z');
    const at = (d: number) => new Date(since.getTime() + d * day);
    const scheduled = async () => (await s.app.db.select().from(backups).where(eq(backups.origin, 'scheduled'))).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    const put = async (k: string, v: unknown) => expectStatus(await s.api('PUT', `/api/v1/settings/${k}`, { token, body: { scope: 'global', value: v, reason: 'backup policy' } }), 200);

    it('backs up when due (daily by default), once, however many ticks run at the same time', async () => {
      const first = await Promise.all([runScheduledBackups(s.app, at(0), since), runScheduledBackups(s.app, at(0), since)]);
      expect(first.filter((r) => r.backup).length).toBe(1);
      expect(await scheduled()).toHaveLength(1);
      expect((await runScheduledBackups(s.app, at(0.5), since)).backup).toBeNull();
      expect((await runScheduledBackups(s.app, at(1), since)).backup).toMatchObject({ type: 'full', origin: 'scheduled' });
      const rows = await scheduled();
      expect(rows.map((r) => r.createdAt)).toEqual([at(0), at(1)]);
      const audit = await s.app.db.select().from(auditLog).where(eq(auditLog.source, 'schedule'));
      expect(audit.filter((e) => e.action === 'backup.create')).toHaveLength(2);
      expect(audit[0]).toMatchObject({ actorName: 'backup scheduler', actorRole: 'system' });
    });

    it('follows backup.schedule (cron) and prunes by backup.maxCount and backup.retentionDays, audited', async () => {
      await put('backup.schedule', '0 3 * * *');
      await put('backup.maxCount', 3);
      expect((await runScheduledBackups(s.app, new Date(at(1).getTime() + 2 * 3_600_000), since)).backup).toBeNull(); // 02:00: not yet
      expect((await runScheduledBackups(s.app, new Date(at(1).getTime() + 3 * 3_600_000), since)).backup).not.toBeNull();
      for (const d of [2, 3]) await runScheduledBackups(s.app, new Date(at(d).getTime() + 3 * 3_600_000 + 60_000), since);
      const kept = await scheduled();
      expect(kept).toHaveLength(3);
      expect(kept[0].createdAt.getTime()).toBe(at(1).getTime() + 3 * 3_600_000);
      await put('backup.retentionDays', 1);
      const run = await runScheduledBackups(s.app, new Date(at(3).getTime() + 4 * 3_600_000), since);
      expect(run.backup).toBeNull();
      // a day's retention at 04:00 on day 3 keeps only that day's 03:00 backup
      expect(run.pruned).toHaveLength(2);
      expect((await scheduled()).map((r) => r.createdAt)).toEqual([new Date(at(3).getTime() + 3 * 3_600_000 + 60_000)]);
      const pruned = await s.app.db.select().from(auditLog).where(eq(auditLog.action, 'backup.delete'));
      expect(pruned.filter((e) => e.source === 'schedule' && (e.details as { pruned?: boolean }).pruned).length).toBe(4);
      // manual backups are never pruned by the job
      expect((await s.app.db.select().from(backups).where(eq(backups.origin, 'manual'))).length).toBeGreaterThan(3);
    });

    it('a bad backup.schedule is refused on write, saying why; one stored before that check keeps the default and says why', async () => {
      const err = await refused(s, () => s.api('PUT', '/api/v1/settings/backup.schedule', { token, body: { scope: 'global', value: 'whenever', reason: 'typo' } }), 400, 'INVALID_SETTING_VALUE');
      expect(err).toMatchObject({ field: 'backup.schedule', message: expect.stringMatching(/is not a schedule: "whenever" is neither an interval/) });
      // out of band, as a value written before the rule existed would be
      await s.app.db.update(settingValues).set({ value: 'whenever' }).where(and(eq(settingValues.key, 'backup.schedule'), eq(settingValues.scopeId, 'global')));
      s.app.caches.invalidate({ type: 'value', key: 'backup.schedule', scopeId: 'global', version: 0 });
      const run = await runScheduledBackups(s.app, at(10), since);
      expect(run.problem).toMatch(/backup\.schedule: "whenever" is neither an interval/);
      expect(run.backup).not.toBeNull();
    });
  });
});
