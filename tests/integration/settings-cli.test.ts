import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf } from '@/lib/db/client';

/**
 * The operator CLIs (issue 10 §7, §10) as an operator runs them: child processes on an embedded data
 * directory (no server running), through the same services as the API.
 */
const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

describe('settings CLI', () => {
  let dataDir: string;
  const env = () => ({ ...process.env, SWITCHBOARD_DATA_DIR: dataDir, DATABASE_URL: '', ENCRYPTION_KEY: '', ENCRYPTION_KEYS: '', SETTINGS_MIGRATIONS_DIR: path.join(root, 'migrations/settings') });
  const cli = async (script: string, args: string[]) => {
    try {
      const { stdout, stderr } = await run(tsx, ['--tsconfig', 'tsconfig.server.json', `scripts/${script}.ts`, ...args], { cwd: root, env: env(), timeout: 120_000 });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  };
  /** Between commands the test opens the data directory itself, as the database owner would. */
  const withDb = async <T>(work: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>) => {
    const database = await openDatabase({ dataDir });
    try {
      return await work(database.db);
    } finally {
      await database.close();
    }
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sb-cli-'));
    expect((await cli('catalog-load', ['accreditation'])).code).toBe(0);
  }, 180_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses bad usage with exit code 2 and the usage text', async () => {
    const r = await cli('settings', ['bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown command "bogus"');
    expect(r.stderr).toContain('export  --scope');
    expect(r.stderr).toContain('restore (--id');
    const m = await cli('settings-migrate', ['up', '--bogus']);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/Unknown option '--bogus'/);
  }, 120_000);

  it('applies the settings migrations, exports, imports with a reason and reports drift, audited as the CLI', async () => {
    const up = await cli('settings-migrate', ['up', '--json']);
    expect(up.code, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout)).toEqual({ applied: ['001', '002'], failed: null, dryRun: null });

    const file = path.join(dataDir, 'export.json');
    const exp = await cli('settings', ['export', '--scope', 'global', '--file', file]);
    expect(exp.code, exp.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.settings).toContainEqual(expect.objectContaining({ key: 'workflow.defaultSlaHours', scope: 'global', value: 48 }));

    writeFileSync(path.join(dataDir, 'broken.json'), '{"version": "1.0", ');
    const broken = await cli('settings', ['import', '--file', path.join(dataDir, 'broken.json'), '--preview']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/error INVALID_REQUEST: .*broken.json is not JSON/);

    doc.settings = doc.settings.map((s: { key: string; value: unknown }) => (s.key === 'workflow.defaultSlaHours' ? { ...s, value: 36 } : s));
    writeFileSync(file, JSON.stringify(doc));
    const noReason = await cli('settings', ['import', '--file', file, '--confirm']);
    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toContain('REASON_REQUIRED');
    const imp = await cli('settings', ['import', '--file', file, '--confirm', '--reason', 'ops review']);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(/update +workflow.defaultSlaHours @ global: 48 → 36/);
    expect(imp.stdout).toMatch(/Imported: 0 created, 1 updated/);

    const audit = await withDb(async (db) => {
      await db.execute(sql`update setting_values set value = '99' where key = 'auth.passwordMinLength' and scope_id = 'global'`);
      return rowsOf<{ actor_id: string; actor_name: string; source: string; reason: string }>(
        await db.execute(sql`select actor_id, actor_name, source, reason from audit_log where key = 'workflow.defaultSlaHours' and action = 'setting.set' order by id`),
      );
    });
    expect(audit.map((a) => [a.actor_id, a.source])).toEqual([
      ['cli', 'migration'],
      ['cli', 'import'],
    ]);
    expect(audit[1].actor_name).toMatch(/^cli \(.+@.+\)$/);
    expect(audit[1].reason).toBe('ops review');

    const drift = await cli('settings', ['drift', '--json']);
    expect(drift.code, drift.stderr).toBe(3);
    const report = JSON.parse(drift.stdout);
    expect(report.drifted).toEqual([expect.objectContaining({ key: 'auth.passwordMinLength', expectedValue: 12, actualValue: 99, severity: 'critical', autoRemediable: false })]);
    const recorded = await withDb(async (db) => rowsOf<{ trigger: string }>(await db.execute(sql`select trigger from drift_reports`)));
    expect(recorded).toEqual([{ trigger: 'cli' }]);
  }, 600_000);

  it('backs up to a file and restores it (preview, then confirm with a reason), keeping a pre-restore backup', async () => {
    const file = path.join(dataDir, 'backup.json');
    const backup = await cli('settings', ['backup', '--type', 'system', '--note', 'before the change', '--file', file]);
    expect(backup.code, backup.stderr).toBe(0);
    const id = /^Backup (\S+) \(system\)/.exec(backup.stdout)?.[1];
    expect(id, backup.stdout).toBeTruthy();
    const content = JSON.parse(readFileSync(file, 'utf8'));
    expect(content).toMatchObject({ format: 'switchboard-backup', type: 'system', note: 'before the change' });
    expect(content.settings).toContainEqual(expect.objectContaining({ key: 'workflow.defaultSlaHours', scope: 'global', value: 36 }));

    // an out-of-band edit the restore puts back
    await withDb((db) => db.execute(sql`update setting_values set value = '12' where key = 'workflow.defaultSlaHours' and scope_id = 'global'`));

    const preview = await cli('settings', ['restore', '--file', file, '--preview']);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toMatch(/^Stored .*backup.json as backup \S+ \(system, \d+ item\(s\)\)/m);
    expect(preview.stdout).toMatch(/update +workflow.defaultSlaHours @ global: 12 → 36/);
    expect(preview.stdout).toMatch(/0 to create, 1 to update, 0 to delete/);

    const noReason = await cli('settings', ['restore', '--id', id!, '--confirm']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason');
    const unknown = await cli('settings', ['restore', '--id', 'bk_missing', '--preview']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('error NOT_FOUND: No backup "bk_missing"');

    const done = await cli('settings', ['restore', '--id', id!, '--confirm', '--reason', 'undo the edit']);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/Restored: 0 created, 1 updated, 0 deleted/);
    const { value, audit } = await withDb(async (db) => ({
      value: rowsOf<{ value: unknown }>(await db.execute(sql`select value from setting_values where key = 'workflow.defaultSlaHours' and scope_id = 'global'`))[0].value,
      audit: rowsOf<{ source: string; reason: string }>(await db.execute(sql`select source, reason from audit_log where key = 'workflow.defaultSlaHours' order by id desc limit 1`))[0],
    }));
    expect(value).toBe(36);
    expect(audit).toEqual({ source: 'restore', reason: 'undo the edit' });

    const list = await cli('settings', ['backup', '--list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).backups.map((b: { origin: string }) => b.origin).sort()).toEqual(['manual', 'pre-restore', 'upload']);
  }, 600_000);
});
