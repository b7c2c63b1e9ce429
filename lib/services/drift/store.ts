import 'server-only';
import { and, desc, eq, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '@/lib/db/client';
import { auditLog, driftReports, settingsMigrations, settingValues } from '@/lib/db/schema';

/** Queries of the drift feature: stored values, what the audit log last recorded of each, recorded reports. */

export type StoredRow = typeof settingValues.$inferSelect;
export type DriftReportRow = typeof driftReports.$inferSelect;

/** Value actions: what the audit log records of a (key, scope)'s stored state. */
const VALUE_ACTIONS = ['setting.set', 'setting.revert'];
/** One instance at a time runs the scheduled check (pg_try_advisory_xact_lock). */
const DRIFT_JOB_LOCK = 0x5b_d71f7;

/** Stored values at these scopes (null: everywhere, users' own values too). */
export async function selectValues(db: Executor, scopeIds: string[] | null): Promise<StoredRow[]> {
  if (scopeIds && scopeIds.length === 0) return [];
  return db
    .select()
    .from(settingValues)
    .where(scopeIds ? inArray(settingValues.scopeId, scopeIds) : undefined)
    .orderBy(settingValues.key, settingValues.scopeId);
}

/** The newest value entry of each (key, scope) the audit log has, at these scopes (null: everywhere). */
export async function selectLastValueEntries(db: Executor, scopeIds: string[] | null) {
  if (scopeIds && scopeIds.length === 0) return [];
  return db
    .selectDistinctOn([auditLog.key, auditLog.scopeId], {
      id: auditLog.id,
      at: auditLog.at,
      action: auditLog.action,
      key: auditLog.key,
      scopeId: auditLog.scopeId,
      newValue: auditLog.newValue,
      newCiphertext: auditLog.newCiphertext,
      details: auditLog.details,
    })
    .from(auditLog)
    .where(and(inArray(auditLog.action, VALUE_ACTIONS), isNotNull(auditLog.key), isNotNull(auditLog.scopeId), scopeIds ? inArray(auditLog.scopeId, scopeIds) : undefined))
    .orderBy(auditLog.key, auditLog.scopeId, desc(auditLog.id));
}

export async function selectAppliedMigrations(db: Executor) {
  return db
    .select({ version: settingsMigrations.version, appliedAt: settingsMigrations.appliedAt, operations: settingsMigrations.operations })
    .from(settingsMigrations)
    .where(eq(settingsMigrations.status, 'applied'));
}

/** True when this transaction holds the drift job's lock (released at its end); false when another instance does. */
export async function tryDriftJobLock(tx: Executor): Promise<boolean> {
  const [row] = rowsOf<{ ok: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${DRIFT_JOB_LOCK}) as ok`));
  return row?.ok === true;
}

export async function insertDriftReport(tx: Executor, row: typeof driftReports.$inferInsert): Promise<number> {
  const [r] = await tx.insert(driftReports).values(row).returning({ id: driftReports.id });
  return r.id;
}

export async function latestDriftReport(db: Executor, scopeIds?: string[]): Promise<DriftReportRow | undefined> {
  const [r] = await db
    .select()
    .from(driftReports)
    .where(scopeIds ? inArray(driftReports.scopeId, scopeIds) : undefined)
    .orderBy(desc(driftReports.checkedAt), desc(driftReports.id))
    .limit(1);
  return r;
}

export async function pruneDriftReports(tx: Executor, before: Date): Promise<void> {
  await tx.delete(driftReports).where(lt(driftReports.checkedAt, before));
}
