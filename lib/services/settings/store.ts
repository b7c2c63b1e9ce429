import 'server-only';
import { and, count, desc, eq, gte, inArray, isNotNull, lte, max, sql } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { auditLog, settingValues } from '@/lib/db/schema';
import type { StoredValue } from '@/lib/engine/types';
import type { AuditRow } from '../audit/store';
import type { App } from '../kernel/app';

export type ValueRow = typeof settingValues.$inferSelect;
export type ValueInsert = typeof settingValues.$inferInsert;

/** Changes to values, as the audit log names them. */
const VALUE_ACTIONS = ['setting.set', 'setting.revert'];

export function toStored(app: App, r: ValueRow): StoredValue {
  return {
    value: r.ciphertext ? app.secrets.decrypt(r.ciphertext) : r.value,
    locked: r.locked,
    version: r.version,
    skipTo: r.skipTo,
  };
}

/** Stored values of one key at the given scopes, secrets decrypted. */
export async function loadStored(app: App, db: Executor, key: string, scopeIds: string[]): Promise<Map<string, StoredValue>> {
  const rows = await db
    .select()
    .from(settingValues)
    .where(and(eq(settingValues.key, key), inArray(settingValues.scopeId, scopeIds)));
  return new Map(rows.map((r) => [r.scopeId, toStored(app, r)]));
}

/**
 * Like loadStored, after taking a transaction lock on (key, target scope): concurrent writers of the same
 * value queue here, and each then reads what the previous one committed — also when the row does not
 * exist yet, where a row lock would lock nothing.
 */
export async function loadStoredForWrite(app: App, db: Executor, key: string, target: string, others: string[]): Promise<Map<string, StoredValue>> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${key} ${target}`}, 0))`);
  return loadStored(app, db, key, [target, ...others]);
}

/** Stored values of many keys at the given scopes: key → scope → value. One query. */
export async function loadStoredMany(app: App, db: Executor, scopeIds: string[], keys?: string[]): Promise<Map<string, Map<string, StoredValue>>> {
  const rows = await db
    .select()
    .from(settingValues)
    .where(and(inArray(settingValues.scopeId, scopeIds), keys ? inArray(settingValues.key, keys) : undefined));
  const out = new Map<string, Map<string, StoredValue>>();
  for (const r of rows) {
    let m = out.get(r.key);
    if (!m) out.set(r.key, (m = new Map()));
    m.set(r.scopeId, toStored(app, r));
  }
  return out;
}

export async function upsertValue(tx: Executor, row: ValueInsert): Promise<void> {
  await tx.insert(settingValues).values(row).onConflictDoUpdate({ target: [settingValues.key, settingValues.scopeId], set: row });
}

export async function deleteValue(tx: Executor, key: string, scopeId: string): Promise<void> {
  await tx.delete(settingValues).where(and(eq(settingValues.key, key), eq(settingValues.scopeId, scopeId)));
}

/** Keys locked at any of the given scopes. */
export async function selectLockedKeys(db: Executor, scopeIds: string[]): Promise<Set<string>> {
  const rows = await db
    .select({ key: settingValues.key })
    .from(settingValues)
    .where(and(inArray(settingValues.scopeId, scopeIds), eq(settingValues.locked, true)));
  return new Set(rows.map((r) => r.key));
}

/** The last version the audit log knows of (key, scope): versions go on after a revert removed the row. */
export async function lastAuditedVersion(tx: Executor, key: string, scopeId: string): Promise<number> {
  const [row] = await tx
    .select({ version: max(auditLog.version) })
    .from(auditLog)
    .where(and(eq(auditLog.key, key), eq(auditLog.scopeId, scopeId)));
  return row?.version ?? 0;
}

/** The last value change of a key at each of the scopes, as of a moment. */
export function selectValueChangesAsOf(db: Executor, key: string, scopeIds: string[], at: Date): Promise<AuditRow[]> {
  return db
    .selectDistinctOn([auditLog.scopeId])
    .from(auditLog)
    .where(and(eq(auditLog.key, key), inArray(auditLog.scopeId, scopeIds), inArray(auditLog.action, VALUE_ACTIONS), lte(auditLog.at, at)))
    .orderBy(auditLog.scopeId, desc(auditLog.id));
}

/** The audit entry that made version `version` of (key, scope). */
export async function selectVersionEntry(db: Executor, key: string, scopeId: string, version: number): Promise<AuditRow | undefined> {
  const [entry] = await db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.key, key), eq(auditLog.scopeId, scopeId), eq(auditLog.version, version), inArray(auditLog.action, VALUE_ACTIONS)))
    .orderBy(desc(auditLog.id))
    .limit(1);
  return entry;
}

/** Dashboard counts: values stored at scopes (users' excluded) and setting changes since `since`; `readable` null = everywhere. */
export async function countOverridesAndChanges(db: Executor, readable: string[] | null, since: Date): Promise<{ overrides: number; recent: number }> {
  const within = readable === null ? [] : readable.length ? readable : ['\u0000'];
  const [[{ overrides }], [{ recent }]] = await Promise.all([
    db
      .select({ overrides: count() })
      .from(settingValues)
      .where(and(sql`${settingValues.scopeId} not like 'user:%'`, readable === null ? undefined : inArray(settingValues.scopeId, within))),
    db
      .select({ recent: count() })
      .from(auditLog)
      .where(
        and(
          gte(auditLog.at, since),
          sql`${auditLog.action} like 'setting.%'`,
          isNotNull(auditLog.key),
          readable === null ? undefined : inArray(auditLog.scopeId, within),
        ),
      ),
  ]);
  return { overrides: Number(overrides), recent: Number(recent) };
}
