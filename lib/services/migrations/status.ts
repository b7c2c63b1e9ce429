import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import type { TMigrationItem, TMigrationList } from '@/lib/schemas/migrations';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { byVersion, defaultMigrationsDir, listMigrationFiles, type MigrationFile } from './files';
import { selectMigrationRows, type MigrationRow } from './store';

/** One line per migration known from its file, its row, or both. */
export function migrationItems(files: MigrationFile[], rows: MigrationRow[]): TMigrationItem[] {
  const byFile = new Map(files.map((f) => [Number(f.version), f]));
  const byRow = new Map(rows.map((r) => [Number(r.version), r]));
  const versions = [...new Set([...byFile.keys(), ...byRow.keys()])].sort((a, b) => a - b);
  const items = versions.map((v): TMigrationItem => {
    const f = byFile.get(v);
    const r = byRow.get(v);
    return {
      version: f?.version ?? r!.version,
      name: r?.name ?? f!.name,
      description: r?.description ?? '',
      status: r?.status ?? 'pending',
      file: f?.file ?? null,
      checksum: f?.checksum ?? null,
      appliedChecksum: r?.checksum ?? null,
      modified: r?.status === 'applied' && r.checksum !== f?.checksum,
      appliedAt: r?.appliedAt?.toISOString() ?? null,
      appliedBy: r?.appliedBy ?? null,
      rolledBackAt: r?.rolledBackAt?.toISOString() ?? null,
      error: r?.error ?? null,
      operations: r?.status === 'applied' ? r.operations : [],
    };
  });
  return items.sort(byVersion);
}

export function summarizeMigrations(directory: string, migrations: TMigrationItem[]): TMigrationList {
  const with_ = (p: (m: TMigrationItem) => boolean) => migrations.filter(p).map((m) => m.version);
  return {
    directory,
    migrations,
    applied: with_((m) => m.status === 'applied'),
    pending: with_((m) => m.status !== 'applied' && m.file !== null),
    failed: with_((m) => m.status === 'failed'),
    modified: with_((m) => m.modified),
  };
}

/** `GET /migrations`, `settings:migrate status`: applied, pending and failed migrations with their checksums. */
export async function listMigrations(app: App, principal: Principal, dir: string = defaultMigrationsDir()): Promise<TMigrationList> {
  if (!can(principal, 'migrations.read')) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins see settings migrations');
  const [files, rows] = [listMigrationFiles(dir), await selectMigrationRows(app.db)];
  return summarizeMigrations(dir, migrationItems(files, rows));
}

/** `settings:migrate verify`: every applied migration's file is still what was applied. */
export async function verifyMigrations(app: App, principal: Principal, dir: string = defaultMigrationsDir()) {
  const list = await listMigrations(app, principal, dir);
  return { ok: list.modified.length === 0, modified: list.migrations.filter((m) => m.modified), list };
}

/** Refuses to go on while an applied migration's file changed: what ran is no longer what the folder says. */
export function refuseModified(list: TMigrationList) {
  if (list.modified.length === 0) return;
  const m = list.migrations.find((x) => x.modified)!;
  const what = m.file ? `its file ${m.file} changed since it was applied (checksum ${m.appliedChecksum?.slice(0, 12)}… → ${m.checksum?.slice(0, 12)}…)` : 'its file is gone';
  fail(
    'CONFLICT',
    `Settings migration ${m.version} (${m.name}) was applied, but ${what}: put the applied file back, and make further changes in a new migration${list.modified.length > 1 ? ` (also: ${list.modified.slice(1).join(', ')})` : ''}`,
    'checksum',
    { modified: list.modified },
  );
}
