import 'server-only';
import { and, asc, countDistinct, desc, eq, gt, inArray, isNotNull, lt, max, min, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { auditLog } from '@/lib/db/schema';

/** Queries of the versions feature: change sets are groups of audit entries sharing change_set_id. */

export type AuditRow = typeof auditLog.$inferSelect;

/** Configuration changes only: values, flag rows and definitions (not sign-ins, reveals, users …). */
const CONFIG_ACTIONS = ['setting.set', 'setting.revert', 'flag.create', 'flag.update', 'flag.delete', 'definition.create', 'definition.update', 'definition.delete'];
const configEntries = (scopeIn: string[] | null): SQL =>
  and(isNotNull(auditLog.changeSetId), inArray(auditLog.action, CONFIG_ACTIONS), scopeIn === null ? undefined : inArray(auditLog.scopeId, scopeIn.length ? scopeIn : ['\u0000']))!;

export async function listChangeSets(db: Executor, scopeIn: string[] | null, limit: number, offset: number) {
  const where = configEntries(scopeIn);
  const [rows, [{ n }]] = await Promise.all([
    db
      .select({ id: auditLog.changeSetId, first: min(auditLog.id), last: max(auditLog.id), count: sql<number>`count(*)::int` })
      .from(auditLog)
      .where(where)
      .groupBy(auditLog.changeSetId)
      .orderBy(desc(max(auditLog.id)))
      .limit(limit)
      .offset(offset),
    db.select({ n: countDistinct(auditLog.changeSetId) }).from(auditLog).where(where),
  ]);
  return { rows: rows.map((r) => ({ id: r.id!, first: Number(r.first), last: Number(r.last), count: Number(r.count) })), total: Number(n) };
}

/** The first entries of several change sets (who, when, why) and their first keys. */
export async function changeSetHeads(db: Executor, ids: string[], scopeIn: string[] | null) {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(auditLog)
    .where(and(configEntries(scopeIn), inArray(auditLog.changeSetId, ids)))
    .orderBy(asc(auditLog.id))
    .limit(ids.length * 50);
}

export async function changeSetEntries(db: Executor, id: string, scopeIn: string[] | null): Promise<AuditRow[]> {
  return db
    .select()
    .from(auditLog)
    .where(and(configEntries(scopeIn), eq(auditLog.changeSetId, id)))
    .orderBy(asc(auditLog.id));
}

/** The last value / flag entry of each (key, scope) before `beforeId`: the state a revert goes back to. */
export async function stateBefore(db: Executor, pairs: { key: string; scopeId: string }[], beforeId: number, actions: string[]): Promise<AuditRow[]> {
  if (pairs.length === 0) return [];
  const keys = [...new Set(pairs.map((p) => p.key))];
  const scopeIds = [...new Set(pairs.map((p) => p.scopeId))];
  return db
    .selectDistinctOn([auditLog.key, auditLog.scopeId])
    .from(auditLog)
    .where(and(inArray(auditLog.key, keys), inArray(auditLog.scopeId, scopeIds), inArray(auditLog.action, actions), lt(auditLog.id, beforeId)))
    .orderBy(auditLog.key, auditLog.scopeId, desc(auditLog.id));
}

/** Entries after `afterId` that changed the same (key, scope) pairs again. */
export async function laterChanges(db: Executor, pairs: { key: string; scopeId: string }[], afterId: number, actions: string[]): Promise<AuditRow[]> {
  if (pairs.length === 0) return [];
  const keys = [...new Set(pairs.map((p) => p.key))];
  const scopeIds = [...new Set(pairs.map((p) => p.scopeId))];
  return db
    .select()
    .from(auditLog)
    .where(and(inArray(auditLog.key, keys), inArray(auditLog.scopeId, scopeIds), inArray(auditLog.action, actions), gt(auditLog.id, afterId)))
    .orderBy(asc(auditLog.id));
}
