import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorPrincipal } from '@/lib/auth/policy';
import type { ChangeContext } from '@/lib/services/audit/types';
import { createMigrationFile } from '@/lib/services/migrations/create';
import { migrateDown, migrateUp } from '@/lib/services/migrations/run';
import { listMigrations, verifyMigrations } from '@/lib/services/migrations/status';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { createScopes, expectStatus, person, refused, tableCounts, WORLD } from './support';

/** Settings migrations (issue 10 §7, seed 003 §5.4): the two shipped accreditation migrations and every failure. */
describe('settings migrations', () => {
  let s: TestServer;
  let token: string;
  let dir: string;
  const cli = operatorPrincipal('tester@ci');
  const change: ChangeContext = { actor: { id: 'cli', name: cli.name, role: 'platform_admin' }, source: 'migration', ip: null };
  const sha = (file: string) => createHash('sha256').update(readFileSync(path.join(dir, file))).digest('hex');
  const resolve = async (key: string, scope = 'global') => expectStatus(await s.api('GET', `/api/v1/settings/${key}/resolve?scope=${scope}`, { token }), 200).value;
  const write = (file: string, body: string) => writeFileSync(path.join(dir, file), body);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sb-migrations-'));
    cpSync(path.resolve('migrations/settings'), dir, { recursive: true });
    process.env.SETTINGS_MIGRATIONS_DIR = dir;
    s = await startTestServer();
    token = await bootstrapped(s, 'accreditation');
    await createScopes(s, token, WORLD);
  }, 120_000);
  afterAll(async () => {
    delete process.env.SETTINGS_MIGRATIONS_DIR;
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists both shipped migrations as pending, with the SHA-256 of each file, over the API too', async () => {
    const list = expectStatus(await s.api('GET', '/api/v1/migrations', { token }), 200);
    expect(list.pending).toEqual(['001', '002']);
    expect(list.applied).toEqual([]);
    expect(list.migrations.map((m: { file: string; checksum: string; status: string }) => [m.file, m.checksum, m.status])).toEqual([
      ['001-password-min-length-12.ts', sha('001-password-min-length-12.ts'), 'pending'],
      ['002-default-sla-48h.ts', sha('002-default-sla-48h.ts'), 'pending'],
    ]);
    const admin = await person(s, token, 'Tenant Admin M', [{ role: 'tenant_admin', scopeId: 'tenant-a' }]);
    await refused(s, () => s.api('GET', '/api/v1/migrations', { token: admin.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('GET', '/api/v1/migrations?extra=1', { token }), 400, 'INVALID_REQUEST');
  });

  it('--dry-run shows each diff and writes nothing', async () => {
    const before = await tableCounts(s);
    const out = await migrateUp(s.app, cli, { dir, dryRun: true }, change);
    expect(out.applied).toEqual([]);
    expect(out.dryRun!.map((d) => [d.version, d.summary.toCreate])).toEqual([
      ['001', 2],
      ['002', 2],
    ]);
    expect(out.dryRun![1].changes).toContainEqual(expect.objectContaining({ key: 'workflow.defaultSlaHours', scope: 'global', newValue: 48, action: 'create' }));
    expect(await tableCounts(s)).toEqual(before);
    expect((await listMigrations(s.app, cli, dir)).pending).toEqual(['001', '002']);
  });

  it('applies them in order, each in one change set audited as migration, and records what they set', async () => {
    const out = await migrateUp(s.app, cli, { dir }, change);
    expect(out).toEqual({ applied: ['001', '002'], failed: null, dryRun: null });
    expect(await resolve('auth.passwordMinLength')).toBe(12);
    expect(await resolve('auth.sessionExpirationDays', 'event-a1')).toBe(14);
    expect(await resolve('workflow.defaultSlaHours', 'tenant-b')).toBe(48);
    expect(await resolve('workflow.slaWarningThresholdPercent')).toBe(80);
    const versions = expectStatus(await s.api('GET', '/api/v1/versions?limit=2', { token }), 200).versions;
    expect(versions.map((v: { source: string; changes: number; actor: { name: string } }) => [v.source, v.changes, v.actor.name])).toEqual([
      ['migration', 2, 'cli (tester@ci)'],
      ['migration', 2, 'cli (tester@ci)'],
    ]);
    expect(versions[0].reason).toMatch(/^Applied settings migration 002 default-sla-48h/);
    const detail = expectStatus(await s.api('GET', `/api/v1/audit?source=migration&limit=20`, { token }), 200).entries as { action: string; changeSetId: string; details: { version?: string } }[];
    const own = detail.find((e) => e.action === 'migration.apply' && e.details.version === '002')!;
    expect(detail.filter((e) => e.changeSetId === own.changeSetId).map((e) => e.action).sort()).toEqual(['migration.apply', 'setting.set', 'setting.set']);
    const list = expectStatus(await s.api('GET', '/api/v1/migrations', { token }), 200);
    expect(list.applied).toEqual(['001', '002']);
    expect(list.migrations[1]).toMatchObject({ status: 'applied', appliedBy: 'cli (tester@ci)', appliedChecksum: sha('002-default-sla-48h.ts'), modified: false });
    expect(list.migrations[1].operations).toEqual([
      { action: 'set', key: 'workflow.defaultSlaHours', scope: 'global', value: 48 },
      { action: 'set', key: 'workflow.slaWarningThresholdPercent', scope: 'global', value: 80 },
    ]);
    expect(await migrateUp(s.app, cli, { dir }, change)).toEqual({ applied: [], failed: null, dryRun: null });
  });

  it('verify and up refuse once an applied file changed; the API marks it modified', async () => {
    expect((await verifyMigrations(s.app, cli, dir)).ok).toBe(true);
    const file = path.join(dir, '002-default-sla-48h.ts');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('48, {', '72, {'));
    try {
      const v = await verifyMigrations(s.app, cli, dir);
      expect(v.ok).toBe(false);
      expect(v.modified.map((m) => m.version)).toEqual(['002']);
      await expect(migrateUp(s.app, cli, { dir }, change)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/002 \(default-sla-48h\) was applied, but its file 002-default-sla-48h.ts changed/) });
      expect(expectStatus(await s.api('GET', '/api/v1/migrations', { token }), 200).modified).toEqual(['002']);
    } finally {
      writeFileSync(file, original);
    }
    expect((await verifyMigrations(s.app, cli, dir)).ok).toBe(true);
  });

  it('rolls back newest first with down(), in one change set', async () => {
    await expect(migrateDown(s.app, cli, '001', { dir }, change)).rejects.toMatchObject({ code: 'CONFLICT', message: 'Roll back 002 first: migrations are undone newest first' });
    await expect(migrateDown(s.app, cli, '007', { dir }, change)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const out = await migrateDown(s.app, cli, '002', { dir }, change);
    expect(out.rolledBack).toBe('002');
    expect(await resolve('workflow.defaultSlaHours')).toBe(24);
    expect(await resolve('workflow.slaWarningThresholdPercent')).toBe(75);
    const list = await listMigrations(s.app, cli, dir);
    expect(list.migrations[1]).toMatchObject({ status: 'rolled_back', operations: [] });
    expect(list.pending).toEqual(['002']);
    await expect(migrateDown(s.app, cli, '002', { dir }, change)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('rolled_back') });
    expect((await migrateUp(s.app, cli, { dir }, change)).applied).toEqual(['002']);
    expect(await resolve('workflow.defaultSlaHours')).toBe(48);
  });

  it('a migration that throws halfway writes nothing and is recorded as failed; fixed, it applies', async () => {
    write(
      '003-catering-buffer.ts',
      `export default { version: '003', name: 'catering-buffer', description: 'd',
        async up(ctx) { await ctx.setSetting('catering.bufferPercentage', 20, { scope: 'tenant-a' }); throw new Error('vendor API unreachable'); },
        async down() {} };`,
    );
    const before = await tableCounts(s);
    const out = await migrateUp(s.app, cli, { dir }, change);
    expect(out).toEqual({ applied: [], failed: { version: '003', error: 'vendor API unreachable' }, dryRun: null });
    const after = await tableCounts(s);
    expect(after.settingValues).toBe(before.settingValues);
    expect(after.auditLog).toBe(before.auditLog + 1); // the failure itself
    expect(await resolve('catering.bufferPercentage', 'tenant-a')).not.toBe(20);
    const list = expectStatus(await s.api('GET', '/api/v1/migrations', { token }), 200);
    expect(list.failed).toEqual(['003']);
    expect(list.migrations[2]).toMatchObject({ status: 'failed', error: 'vendor API unreachable', appliedChecksum: sha('003-catering-buffer.ts') });
    const fail = expectStatus(await s.api('GET', '/api/v1/audit?source=migration&limit=1', { token }), 200).entries[0];
    expect(fail).toMatchObject({ action: 'migration.fail', details: { version: '003', error: 'vendor API unreachable' } });
    write('003-catering-buffer.ts', `export default { version: '003', name: 'catering-buffer', async up(ctx) { await ctx.setSetting('catering.bufferPercentage', 20, { scope: 'tenant-a' }); }, async down(ctx) { await ctx.deleteSetting('catering.bufferPercentage', { scope: 'tenant-a' }); } };`);
    expect((await migrateUp(s.app, cli, { dir }, change)).applied).toEqual(['003']);
    expect(await resolve('catering.bufferPercentage', 'tenant-a')).toBe(20);
  });

  it('refuses invalid values, plaintext secrets, unknown keys and scopes as a whole, recording why', async () => {
    const cases: [string, string, RegExp][] = [
      [`await ctx.setSetting('workflow.defaultSlaHours', 10000); await ctx.setSetting('badge.defaultDpi', 300);`, '', /workflow.defaultSlaHours/],
      [`await ctx.setSetting('sms.providerApiKey', 'sk-live-1');`, '', /is a secret/],
      [`await ctx.setSetting('nope.missing', 1);`, '', /No setting "nope.missing"/],
      [`await ctx.setSetting('badge.defaultDpi', 300, { scope: 'tenant-zz' });`, '', /No scope "tenant-zz"/],
      [`await ctx.setSetting('Bad Key', 1);`, '', /not a setting key/],
    ];
    for (const [body] of cases) {
      write('004-bad.ts', `export default { version: '004', name: 'bad', async up(ctx) { ${body} }, async down() {} };`);
      const before = await tableCounts(s);
      const out = await migrateUp(s.app, cli, { dir }, change);
      expect(out.applied).toEqual([]);
      expect(out.failed?.version).toBe('004');
      expect((await tableCounts(s)).settingValues).toBe(before.settingValues);
      expect(await resolve('badge.defaultDpi')).toBe(150);
    }
    const errors: string[] = [];
    for (const [body, , message] of cases) {
      write('004-bad.ts', `export default { version: '004', name: 'bad', async up(ctx) { ${body} }, async down() {} };`);
      const out = await migrateUp(s.app, cli, { dir }, change);
      errors.push(out.failed!.error);
      expect(out.failed!.error).toMatch(message);
    }
    expect(errors).toHaveLength(cases.length);
    rmSync(path.join(dir, '004-bad.ts'));
  });

  it('refuses badly named files, a version that disagrees with the name, and a missing down()', async () => {
    write('5-x.ts.bak', 'ignored: not a .ts file');
    write('notes.ts', 'export {}');
    await expect(listMigrations(s.app, cli, dir)).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('named <version>-<name>.ts') });
    rmSync(path.join(dir, 'notes.ts'));
    write('005-mismatch.ts', `export default { version: '006', name: 'm', async up() {}, async down() {} };`);
    expect((await migrateUp(s.app, cli, { dir }, change)).failed).toEqual({ version: '005', error: expect.stringContaining('says version "006", but its file name says 005') });
    write('005-mismatch.ts', `export default { version: '005', name: 'm', async up() {} };`);
    expect((await migrateUp(s.app, cli, { dir }, change)).failed!.error).toMatch(/down/);
    write('005-mismatch.ts', `export default { version: '005', name: 'm', async up() {}, async down() {} };`);
    write('0005-again.ts', `export default { version: '0005', name: 'a', async up() {}, async down() {} };`);
    await expect(listMigrations(s.app, cli, dir)).rejects.toMatchObject({ message: expect.stringContaining('same version') });
    rmSync(path.join(dir, '0005-again.ts'));
    expect((await migrateUp(s.app, cli, { dir }, change)).applied).toEqual(['005']);
  });

  it('create writes the next numbered file, which applies as it is', async () => {
    const made = createMigrationFile('Raise badge DPI!', dir);
    expect(made).toMatchObject({ version: '006', file: '006-raise-badge-dpi.ts' });
    expect(readFileSync(made.path, 'utf8')).toContain("version: '006'");
    expect((await migrateUp(s.app, cli, { dir }, change)).applied).toEqual(['006']);
    expect(() => createMigrationFile('  !! ', dir)).toThrow(/Name the migration/);
  });
});
