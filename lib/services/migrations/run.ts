import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import type { Executor } from '@/lib/db/client';
import type { TMigrateUpResult, TMigrationOperation } from '@/lib/schemas/migrations';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import { previewOrApply } from '../export-import/apply';
import type { TargetState } from '../export-import/plan';
import type { App } from '../kernel/app';
import { fail, ServiceError } from '../kernel/errors';
import { newId } from '../kernel/ids';
import { inTransaction } from '../kernel/transaction';
import { getSetting } from '../settings/read';
import { defaultMigrationsDir, listMigrationFiles, loadMigration, type LoadedMigration, type MigrationFile } from './files';
import { recordSteps } from './record';
import { listMigrations, refuseModified } from './status';
import { lockMigrationRows, markRolledBack, saveMigrationRow } from './store';

/**
 * `settings:migrate up | down`: each migration's step is recorded, then applied through the bulk write
 * protocol (registry rules, validation, locks, authorization) in one transaction with its audit entries
 * (`source: migration`) and its row, as one change set. A failure writes nothing but the failed row.
 */

function mayApply(principal: Principal) {
  if (!can(principal, 'migrations.apply')) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins (and the operator CLI) run settings migrations');
}

const targetOf = (ops: TMigrationOperation[]): TargetState => ({
  values: ops.filter((o) => o.action === 'set').map((o) => ({ key: o.key, scope: o.scope, value: o.value, ...(o.lock !== undefined ? { locked: o.lock } : {}) })),
  removeValues: ops.filter((o) => o.action === 'delete').map((o) => ({ key: o.key, scope: o.scope })),
});

function reader(app: App, principal: Principal) {
  return async (key: string, scope: string) => (await getSetting(app, principal, key, { scope })).value;
}

const reasonOf = (m: LoadedMigration, verb: string) => `${verb} settings migration ${m.version} ${m.name}${m.description ? `: ${m.description}` : ''}`;

/** Applies one migration's up(); throws (having written nothing) when it fails. */
async function applyUp(app: App, principal: Principal, m: LoadedMigration, change: ChangeContext): Promise<void> {
  const ops = await recordSteps(m.up, reader(app, principal));
  const ctx: ChangeContext = { ...change, source: 'migration', changeSetId: newId('cs') };
  await previewOrApply(app, principal, async () => targetOf(ops), {
    confirm: true,
    requireIfMatch: false,
    reason: reasonOf(m, 'Applied'),
    source: 'migration',
    change: ctx,
    beforeApply: async (tx: Executor) => {
      const row = (await lockMigrationRows(tx)).find((r) => Number(r.version) === Number(m.version));
      if (row?.status === 'applied') fail('CONFLICT', `Settings migration ${m.version} was applied meanwhile (by ${row.appliedBy ?? 'another run'})`, 'version');
      const at = new Date();
      await saveMigrationRow(tx, { version: m.version, name: m.name, description: m.description, checksum: m.checksum, status: 'applied', operations: ops, appliedAt: at, appliedBy: principal.name, rolledBackAt: null, error: null });
      await appendAudit(tx, ctx, [{ action: 'migration.apply', details: { version: m.version, name: m.name, checksum: m.checksum, operations: ops.length } }]);
    },
  });
}

function errorText(e: unknown): string {
  if (e instanceof ServiceError && e.code === 'IMPORT_INVALID') return e.message;
  return e instanceof Error ? e.message : String(e);
}

/** A failed migration: its row says so (with the error), and the audit log records the attempt. */
async function recordFailure(app: App, principal: Principal, f: MigrationFile, loaded: LoadedMigration | null, error: string, change: ChangeContext) {
  await inTransaction(app, async (tx) => {
    await saveMigrationRow(tx, {
      version: f.version,
      name: loaded?.name ?? f.name,
      description: loaded?.description ?? '',
      checksum: f.checksum,
      status: 'failed',
      operations: [],
      appliedAt: null,
      appliedBy: principal.name,
      error,
    });
    await appendAudit(tx, { ...change, source: 'migration' }, [{ action: 'migration.fail', details: { version: f.version, name: loaded?.name ?? f.name, error } }]);
  });
}

/** Pending migrations, in version order; the first that fails stops the run. `dryRun`: each one's diff, nothing written. */
export async function migrateUp(app: App, principal: Principal, opts: { dir?: string; dryRun?: boolean }, change: ChangeContext): Promise<TMigrateUpResult> {
  mayApply(principal);
  const dir = opts.dir ?? defaultMigrationsDir();
  const list = await listMigrations(app, principal, dir);
  refuseModified(list);
  const files = listMigrationFiles(dir).filter((f) => list.pending.includes(f.version));
  if (opts.dryRun) {
    const dryRun: NonNullable<TMigrateUpResult['dryRun']> = [];
    for (const f of files) {
      const m = await loadMigration(f);
      const operations = await recordSteps(m.up, reader(app, principal));
      const diff = await previewOrApply(app, principal, async () => targetOf(operations), { confirm: false, source: 'migration', change });
      if (diff.preview) dryRun.push({ version: m.version, name: m.name, operations, changes: diff.changes, summary: diff.summary });
    }
    return { applied: [], failed: null, dryRun };
  }
  const applied: string[] = [];
  for (const f of files) {
    let loaded: LoadedMigration | null = null;
    try {
      loaded = await loadMigration(f);
      await applyUp(app, principal, loaded, change);
      applied.push(f.version);
    } catch (e) {
      if (e instanceof ServiceError && e.code === 'CONFLICT') throw e;
      const error = errorText(e);
      await recordFailure(app, principal, f, loaded, error, change);
      return { applied, failed: { version: f.version, error }, dryRun: null };
    }
  }
  return { applied, failed: null, dryRun: null };
}

/** Rolls back the newest applied migration (`version` must name it) with its down(), in one transaction. */
export async function migrateDown(app: App, principal: Principal, version: string, opts: { dir?: string }, change: ChangeContext): Promise<{ rolledBack: string; changeSetId: string | null }> {
  mayApply(principal);
  const dir = opts.dir ?? defaultMigrationsDir();
  const list = await listMigrations(app, principal, dir);
  const item = list.migrations.find((m) => Number(m.version) === Number(version));
  if (!item || item.status !== 'applied') fail('NOT_FOUND', `Settings migration ${version} is not applied${item ? ` (it is ${item.status})` : ''}; applied: ${list.applied.join(', ') || 'none'}`, 'version');
  const later = list.applied.filter((v) => Number(v) > Number(version));
  if (later.length) fail('CONFLICT', `Roll back ${later.reverse().join(', then ')} first: migrations are undone newest first`, 'version');
  refuseModified({ ...list, modified: list.modified.filter((v) => v === item.version) });
  const m = await loadMigration(listMigrationFiles(dir).find((f) => f.version === item.version)!);
  const ops = await recordSteps(m.down, reader(app, principal));
  const ctx: ChangeContext = { ...change, source: 'migration', changeSetId: newId('cs') };
  const out = await previewOrApply(app, principal, async () => targetOf(ops), {
    confirm: true,
    requireIfMatch: false,
    reason: reasonOf(m, 'Rolled back'),
    source: 'migration',
    change: ctx,
    beforeApply: async (tx: Executor) => {
      const row = (await lockMigrationRows(tx)).find((r) => Number(r.version) === Number(m.version));
      if (row?.status !== 'applied') fail('CONFLICT', `Settings migration ${m.version} was rolled back meanwhile`, 'version');
      await markRolledBack(tx, row.version, principal.name, new Date());
      await appendAudit(tx, ctx, [{ action: 'migration.rollback', details: { version: m.version, name: m.name, operations: ops.length } }]);
    },
  });
  return { rolledBack: m.version, changeSetId: out.preview ? null : ctx.changeSetId! };
}
