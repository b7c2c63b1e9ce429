import 'server-only';
import { and, asc, count, desc, eq, gt, gte, inArray, like, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { auditLog, settingDefinitions } from '@/lib/db/schema';

export type AuditRow = typeof auditLog.$inferSelect;
/** A row before the database chains it (id and hashes are set there). */
export type AuditBody = Omit<AuditRow, 'id' | 'hash' | 'prevHash' | 'bodyHash'>;

export interface AuditQuery {
  key?: string;
  category?: string;
  actor?: string;
  scope?: string;
  /** Restrict to these scope ids (authorization: what the caller may see); undefined = all. */
  scopeIn?: string[];
  source?: string;
  action?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** Inserts chained rows; the database assigns ids and links each row to its predecessor (migration 0003). */
export async function insertAuditRows(tx: Executor, rows: (typeof auditLog.$inferInsert)[]): Promise<AuditRow[]> {
  const inserted = await tx.insert(auditLog).values(rows).returning();
  return inserted.sort((a, b) => a.id - b.id);
}

/** Rows after `afterId` in id order, for walking the chain. */
export function auditRowsAfter(db: Executor, afterId: number, limit: number): Promise<AuditRow[]> {
  return db.select().from(auditLog).where(gt(auditLog.id, afterId)).orderBy(asc(auditLog.id)).limit(limit);
}

function auditWhere(db: Executor, q: Omit<AuditQuery, 'limit' | 'offset'>): SQL | undefined {
  const where: SQL[] = [];
  if (q.key) where.push(eq(auditLog.key, q.key));
  if (q.category) {
    const keysInCategory = db.select({ key: settingDefinitions.key }).from(settingDefinitions).where(eq(settingDefinitions.category, q.category));
    where.push(or(inArray(auditLog.key, keysInCategory), like(auditLog.key, `${q.category}.%`)) as SQL);
  }
  if (q.actor) where.push(or(eq(auditLog.actorId, q.actor), eq(auditLog.actorName, q.actor)) as SQL);
  if (q.scope) where.push(eq(auditLog.scopeId, q.scope));
  if (q.scopeIn) where.push(q.scopeIn.length ? inArray(auditLog.scopeId, q.scopeIn) : sql`false`);
  if (q.source) where.push(eq(auditLog.source, q.source));
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.from) where.push(gte(auditLog.at, q.from));
  if (q.to) where.push(lte(auditLog.at, q.to));
  return where.length ? and(...where) : undefined;
}

/** One page of entries matching the filters, newest first, with the total. */
export async function selectAudit(db: Executor, q: AuditQuery): Promise<{ rows: AuditRow[]; total: number }> {
  const cond = auditWhere(db, q);
  const [rows, [{ n }]] = await Promise.all([
    db.select().from(auditLog).where(cond).orderBy(desc(auditLog.id)).limit(q.limit).offset(q.offset),
    db.select({ n: count() }).from(auditLog).where(cond),
  ]);
  return { rows, total: Number(n) };
}
