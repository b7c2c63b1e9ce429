import 'server-only';
import { and, asc, count, desc, eq, gt, gte, inArray, like, lte, or, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Executor } from '@/lib/db/client';
import { auditLog, settingDefinitions } from '@/lib/db/schema';
import { unnestRows, type Column } from '@/lib/db/rows';

export type AuditRow = typeof auditLog.$inferSelect;
/** A row before the database chains it (id and hashes are set there). */
export type AuditBody = Omit<AuditRow, 'id' | 'hash' | 'prevHash' | 'bodyHash' | 'chainKeyId' | 'macKey'>;

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

/** A row as the writer sends it: its body and body hash; the database assigns id, prev_hash and hash. */
export type AuditInsertRow = AuditBody & { bodyHash: string };

/** The columns an INSERT sends per row (unnestRows); id and links are the trigger's. */
const AUDIT_COLUMNS: Record<string, Column<AuditInsertRow>> = {
  at: ['timestamptz', (r) => r.at],
  actor_id: ['text', (r) => r.actorId],
  actor_name: ['text', (r) => r.actorName],
  actor_role: ['text', (r) => r.actorRole],
  action: ['text', (r) => r.action],
  key: ['text', (r) => r.key],
  scope_id: ['text', (r) => r.scopeId],
  level: ['text', (r) => r.level],
  old_value: ['jsonb', (r) => r.oldValue],
  new_value: ['jsonb', (r) => r.newValue],
  new_ciphertext: ['text', (r) => r.newCiphertext],
  reason: ['text', (r) => r.reason],
  source: ['text', (r) => r.source],
  ip: ['text', (r) => r.ip],
  version: ['int', (r) => r.version],
  details: ['jsonb', (r) => r.details],
  change_set_id: ['text', (r) => r.changeSetId],
  body_hash: ['text', (r) => r.bodyHash],
};
const AUDIT_COLUMN_LIST = sql.raw(Object.keys(AUDIT_COLUMNS).join(', '));
const AUDIT_SELECT_LIST = sql.raw(Object.keys(AUDIT_COLUMNS).map((c) => `r.${c}`).join(', '));

/**
 * One INSERT for many rows (one array parameter per column, lib/db/rows.ts), inserted in the given order;
 * the chain trigger (migrations 0006, 0014) links each with the HMAC pads in mac_key and clears them.
 * Answers `id`, `prev_hash`, `hash`.
 */
export function auditInsertStatement(rows: AuditInsertRow[], chain: { id: string; pads: string }): SQL {
  return sql`
    insert into audit_log (${AUDIT_COLUMN_LIST}, prev_hash, hash, chain_key_id, mac_key)
    select ${AUDIT_SELECT_LIST}, '', '', ${chain.id}, ${chain.pads}
    from ${unnestRows(rows, AUDIT_COLUMNS)}
    order by r.ord
    returning id, prev_hash, hash`;
}

/** What the insert answers per row. */
export type AuditLink = { id: number | string; prev_hash: string; hash: string };

/** Runs an insert statement (auditInsertStatement) and answers its links in id (= chain) order. */
export async function runAuditInsert(tx: Executor, statement: SQL): Promise<AuditLink[]> {
  return rowsOf<AuditLink>(await tx.execute(statement));
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
