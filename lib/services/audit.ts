import 'server-only';
import { createHash } from 'node:crypto';
import { and, asc, count, desc, eq, gt, gte, inArray, like, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { auditLog, settingDefinitions } from '@/lib/db/schema';
import { boundChainKey, keyedLink } from './audit/chain-key';
import type { SecretBox } from './secrets';

export const AUDIT_SOURCES = ['manual', 'api', 'import', 'migration', 'auto_remediation', 'restore', 'rollback', 'setup', 'catalog'] as const;
export type AuditSource = (typeof AUDIT_SOURCES)[number];

export interface Actor {
  id: string | null;
  name: string | null;
  role: string | null;
}

/** Who is acting and from where: passed from the HTTP layer down to every write. */
export interface ChangeContext {
  actor: Actor;
  source: AuditSource;
  ip?: string | null;
  at?: Date;
}

export interface AuditInput {
  action: string;
  key?: string | null;
  scopeId?: string | null;
  level?: string | null;
  oldValue?: unknown;
  newValue?: unknown;
  newCiphertext?: string | null;
  reason?: string | null;
  version?: number | null;
  details?: Record<string, unknown> | null;
  /** Overrides the context's source (e.g. 'rollback'). */
  source?: AuditSource;
}

export type AuditRow = typeof auditLog.$inferSelect;

/** What the API shows of an entry (API.md "Audit"). The ciphertext and hashes stay inside. */
export interface AuditEntry {
  id: number;
  at: string;
  actorId: string | null;
  actorName: string | null;
  actorRole: string | null;
  action: string;
  key: string | null;
  scopeId: string | null;
  level: string | null;
  oldValue: unknown;
  newValue: unknown;
  reason: string | null;
  source: string;
  ip: string | null;
  version: number | null;
  details: unknown;
}

const GENESIS = '0'.repeat(64);

/** Stable JSON: keys sorted at every depth, so a row read back from jsonb hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

type BodyFields = Omit<AuditRow, 'id' | 'hash' | 'prevHash' | 'bodyHash' | 'chainKeyId' | 'macKey'>;

/** What an entry says, as the API shows it (without its id). */
function entryFields(row: BodyFields): Omit<AuditEntry, 'id'> {
  return {
    at: row.at.toISOString(),
    actorId: row.actorId,
    actorName: row.actorName,
    actorRole: row.actorRole,
    action: row.action,
    key: row.key,
    scopeId: row.scopeId,
    level: row.level,
    oldValue: row.oldValue,
    newValue: row.newValue,
    reason: row.reason,
    source: row.source,
    ip: row.ip,
    version: row.version,
    details: row.details,
  };
}

/** sha256 of the entry's canonical JSON (ciphertext included): what the database chains (see the audit_log_chain trigger). */
export function bodyHash(row: BodyFields): string {
  return createHash('sha256')
    .update(canonicalJson({ ...entryFields(row), newCiphertext: row.newCiphertext }))
    .digest('hex');
}

/** The chain link, as the trigger computes it. */
export const chainHash = (prevHash: string, body: string) => createHash('sha256').update(`${prevHash}\n${body}`).digest('hex');

/**
 * Appends entries to the chain. Call inside the transaction of the change they record. The database
 * assigns ids and links each row to its predecessor under one lock (migration 0003), in this same
 * round trip.
 */
export async function appendAudit(tx: Executor, ctx: ChangeContext, entries: AuditInput[]): Promise<AuditRow[]> {
  if (entries.length === 0) return [];
  const at = ctx.at ?? new Date();
  const chain = boundChainKey(tx);
  const rows = entries.map((e) => {
    const row: BodyFields = {
      at,
      actorId: ctx.actor.id,
      actorName: ctx.actor.name,
      actorRole: ctx.actor.role,
      action: e.action,
      key: e.key ?? null,
      scopeId: e.scopeId ?? null,
      level: e.level ?? null,
      oldValue: e.oldValue === undefined ? null : e.oldValue,
      newValue: e.newValue === undefined ? null : e.newValue,
      newCiphertext: e.newCiphertext ?? null,
      reason: e.reason ?? null,
      source: e.source ?? ctx.source,
      ip: ctx.ip ?? null,
      version: e.version ?? null,
      details: e.details ?? null,
    };
    // prev_hash and hash are set by the trigger, keyed with mac_key (which it clears)
    return { ...row, bodyHash: bodyHash(row), prevHash: '', hash: '', chainKeyId: chain.id, macKey: chain.pads };
  });
  const inserted = await tx.insert(auditLog).values(rows).returning();
  return inserted.sort((a, b) => a.id - b.id);
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  return { id: row.id, ...entryFields(row) };
}

/**
 * Walks the whole chain in id order and recomputes every link: HMAC with the ring key a row names, or
 * SHA-256 for rows from before keyed chaining (counted in `unkeyed`). An unkeyed row after a keyed one
 * is a break: the chain cannot fall back.
 */
export async function verifyAuditChain(
  db: Executor,
  secrets: SecretBox,
): Promise<{ valid: boolean; checked: number; brokenAt?: number; unkeyed?: number }> {
  let prevHash = GENESIS;
  let checked = 0;
  let unkeyed = 0;
  let afterId = 0;
  const page = 2000;
  const done = (valid: boolean, brokenAt?: number) => ({ valid, checked, ...(brokenAt ? { brokenAt } : {}), ...(unkeyed ? { unkeyed } : {}) });
  for (;;) {
    const rows = await db.select().from(auditLog).where(gt(auditLog.id, afterId)).orderBy(asc(auditLog.id)).limit(page);
    for (const row of rows) {
      const body = bodyHash(row);
      const link = row.chainKeyId ? keyedLink(secrets, row.chainKeyId, prevHash, body) : checked === unkeyed ? chainHash(prevHash, body) : null;
      if (row.prevHash !== prevHash || link === null || link !== row.hash) return done(false, row.id);
      if (!row.chainKeyId) unkeyed++;
      prevHash = row.hash;
      checked++;
    }
    if (rows.length < page) return done(true);
    afterId = rows[rows.length - 1].id;
  }
}

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

export async function queryAudit(db: Executor, q: AuditQuery): Promise<{ entries: AuditEntry[]; total: number }> {
  const where: SQL[] = [];
  if (q.key) where.push(eq(auditLog.key, q.key));
  if (q.category) {
    const keysInCategory = db.select({ key: settingDefinitions.key }).from(settingDefinitions).where(eq(settingDefinitions.category, q.category));
    where.push(or(inArray(auditLog.key, keysInCategory), like(auditLog.key, `${q.category}.%`))!);
  }
  if (q.actor) where.push(or(eq(auditLog.actorId, q.actor), eq(auditLog.actorName, q.actor))!);
  if (q.scope) where.push(eq(auditLog.scopeId, q.scope));
  if (q.scopeIn) where.push(q.scopeIn.length ? inArray(auditLog.scopeId, q.scopeIn) : sql`false`);
  if (q.source) where.push(eq(auditLog.source, q.source));
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.from) where.push(gte(auditLog.at, q.from));
  if (q.to) where.push(lte(auditLog.at, q.to));
  const cond = where.length ? and(...where) : undefined;
  const [rows, [{ n }]] = await Promise.all([
    db.select().from(auditLog).where(cond).orderBy(desc(auditLog.id)).limit(q.limit).offset(q.offset),
    db.select({ n: count() }).from(auditLog).where(cond),
  ]);
  return { entries: rows.map(toAuditEntry), total: Number(n) };
}
