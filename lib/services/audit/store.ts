import 'server-only';
import { and, asc, count, desc, eq, gt, gte, inArray, like, lte, or, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Executor } from '@/lib/db/client';
import { auditLog, settingDefinitions } from '@/lib/db/schema';

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

/**
 * One INSERT for many rows: they travel as one jsonb parameter unpacked by the server (several times faster
 * than thousands of bound parameters), inserted in the given order; the chain trigger (migrations 0006,
 * 0014) links each with the HMAC pads in mac_key and clears them. Answers `id`, `prev_hash`, `hash`.
 */
export function auditInsertStatement(rows: AuditInsertRow[], chain: { id: string; pads: string }): SQL {
  const json = JSON.stringify(
    rows.map((r, i) => ({
      n: i,
      at: r.at.toISOString(),
      ai: r.actorId,
      an: r.actorName,
      ar: r.actorRole,
      a: r.action,
      k: r.key,
      s: r.scopeId,
      l: r.level,
      o: r.oldValue ?? null,
      nv: r.newValue ?? null,
      nc: r.newCiphertext,
      re: r.reason,
      so: r.source,
      ip: r.ip,
      v: r.version,
      d: r.details ?? null,
      cs: r.changeSetId,
      bh: r.bodyHash,
    })),
  );
  return sql`
    insert into audit_log (at, actor_id, actor_name, actor_role, action, key, scope_id, level, old_value, new_value, new_ciphertext, reason, source, ip, version, details, change_set_id, body_hash, prev_hash, hash, chain_key_id, mac_key)
    select r.at, r.ai, r.an, r.ar, r.a, r.k, r.s, r.l, r.o, r.nv, r.nc, r.re, r.so, r.ip, r.v, r.d, r.cs, r.bh, '', '', ${chain.id}, ${chain.pads}
    from jsonb_to_recordset(${json}::jsonb) as r(n int, at timestamptz, ai text, an text, ar text, a text, k text, s text, l text, o jsonb, nv jsonb, nc text, re text, so text, ip text, v int, d jsonb, cs text, bh text)
    order by r.n
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
