import 'server-only';
import { createHash } from 'node:crypto';
import { and, asc, count, desc, eq, gt, gte, inArray, like, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { auditLog, settingDefinitions } from '@/lib/db/schema';
import { newId } from './ids';

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
  /** Groups the entries of one logical change (import, restore …) written in several calls; else each call is one change set. */
  changeSetId?: string;
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
  /** Present on entries written since change sets exist (GET /versions). */
  changeSetId?: string;
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

type BodyFields = Omit<AuditRow, 'id' | 'hash' | 'prevHash' | 'bodyHash'>;

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
    // only when set, so entries written before change sets existed hash as they did
    ...(row.changeSetId ? { changeSetId: row.changeSetId } : {}),
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
  const changeSetId = ctx.changeSetId ?? newId('cs');
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
      changeSetId,
    };
    // prev_hash and hash are set by the trigger
    return { ...row, bodyHash: bodyHash(row), prevHash: '', hash: '' };
  });
  const inserted = await tx.insert(auditLog).values(rows).returning();
  return inserted.sort((a, b) => a.id - b.id);
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  return { id: row.id, ...entryFields(row) };
}

/** Walks the whole chain in id order and recomputes every hash. */
export async function verifyAuditChain(db: Executor): Promise<{ valid: boolean; checked: number; brokenAt?: number }> {
  let prevHash = GENESIS;
  let checked = 0;
  let afterId = 0;
  const page = 2000;
  for (;;) {
    const rows = await db.select().from(auditLog).where(gt(auditLog.id, afterId)).orderBy(asc(auditLog.id)).limit(page);
    for (const row of rows) {
      if (row.prevHash !== prevHash || chainHash(prevHash, bodyHash(row)) !== row.hash) return { valid: false, checked, brokenAt: row.id };
      prevHash = row.hash;
      checked++;
    }
    if (rows.length < page) return { valid: true, checked };
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
