import 'server-only';
import { and, eq, inArray, max, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { selectJson, unnestRows, type Column } from '@/lib/db/rows';
import { auditLog, featureFlags, hierarchyLevels, scopes, settingCategories, settingDefinitions, settingValues } from '@/lib/db/schema';

/**
 * Every query of export / import and of the other bulk configuration writes built on it (restore,
 * promote, revert): batched, so ten thousand values cost a handful of round trips, not three each.
 */

export type ValueRow = typeof settingValues.$inferSelect;
export type FlagRow = typeof featureFlags.$inferSelect;
export type NewValueRow = typeof settingValues.$inferInsert;
export type NewFlagRow = typeof featureFlags.$inferInsert;
export type DefinitionRow = typeof settingDefinitions.$inferInsert;

/** Rows per statement: 1,000 rows × ~10 columns stays far below PostgreSQL's 65,535 parameters. */
const CHUNK = 1000;
// Flag writes share this lock with the flags service, so dependency checks stay true.
const FLAG_WRITE_LOCK = 0x5b0a7e;
/** Above this many (key, scope) pairs one table lock replaces the per-value advisory locks (the shared lock table is finite). */
const MAX_VALUE_LOCKS = 1000;

export function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function loadAllScopes(db: Executor) {
  return db.select({ id: scopes.id, level: scopes.level, parentId: scopes.parentId }).from(scopes);
}

export async function loadLevelKeys(db: Executor): Promise<string[]> {
  return (await db.select({ key: hierarchyLevels.key }).from(hierarchyLevels)).map((r) => r.key);
}

export async function loadCategoryKeys(db: Executor): Promise<string[]> {
  return (await db.select({ key: settingCategories.key }).from(settingCategories)).map((r) => r.key);
}

const VALUE_FIELDS = {
  key: sql`key`,
  scopeId: sql`scope_id`,
  value: sql`value`,
  ciphertext: sql`ciphertext`,
  keyVersion: sql`key_version`,
  locked: sql`locked`,
  skipTo: sql`skip_to`,
  version: sql`version`,
  updatedAt: sql`updated_at`,
  updatedBy: sql`updated_by`,
};
/** Values per read: each page's JSON document stays a few MB (and far below one value's 1 GB), however many values there are. */
const VALUE_PAGE = 20_000;

/**
 * Stored values as rows, in scope then key order: read through one JSON document per page (selectJson),
 * paged by (scope, key) after the last row of the page before.
 */
export async function valueRowsWhere(db: Executor, where?: SQL, pageSize = VALUE_PAGE): Promise<ValueRow[]> {
  const out: ValueRow[] = [];
  await eachValuePage(
    db,
    where,
    (page) => {
      for (const r of page) out.push(r);
    },
    pageSize,
  );
  return out;
}

/** valueRowsWhere a page at a time: a caller that keeps less than the rows (a backup's items) never holds them all. */
export async function eachValuePage(db: Executor, where: SQL | undefined, onPage: (rows: ValueRow[]) => void | Promise<void>, pageSize = VALUE_PAGE): Promise<void> {
  let last: ValueRow | undefined;
  for (;;) {
    // one range scan of the (scope, key) index from where the page before ended (migration 0015)
    const after = last ? sql`(scope_id, key) > (${last.scopeId}, ${last.key})` : undefined;
    const cond = and(where, after);
    const page = await selectJson<Omit<ValueRow, 'updatedAt'> & { updatedAt: string | Date }>(
      db,
      VALUE_FIELDS,
      sql`from (select * from setting_values ${cond ? sql`where ${cond}` : sql``} order by scope_id, key limit ${pageSize}) v`,
      sql`scope_id, key`,
    );
    for (const r of page) r.updatedAt = new Date(r.updatedAt);
    if (page.length) await onPage(page as ValueRow[]);
    if (page.length < pageSize) return;
    last = page[page.length - 1] as ValueRow;
  }
}

/** Every stored value at the given scopes (optionally of some keys only), in scope then key order. */
export async function loadValuesAt(db: Executor, scopeIds: string[], keys?: string[]): Promise<ValueRow[]> {
  if (scopeIds.length === 0) return [];
  const out: ValueRow[] = [];
  for (const part of chunks(scopeIds, 5000)) {
    out.push(...(await valueRowsWhere(db, and(inArray(settingValues.scopeId, part), keys ? inArray(settingValues.key, keys) : undefined))));
  }
  return out;
}

export async function loadAllFlags(db: Executor): Promise<FlagRow[]> {
  return db.select().from(featureFlags).orderBy(featureFlags.key, featureFlags.scopeId);
}

/**
 * Serialises with every other writer of these values: the same per-(key, scope) advisory locks the single
 * write path takes (one statement), or for big batches a table lock that lets reads through.
 */
export async function lockForBulkWrite(tx: Executor, pairs: { key: string; scopeId: string }[], flags: boolean) {
  if (flags) await tx.execute(sql`select pg_advisory_xact_lock(${FLAG_WRITE_LOCK})`);
  if (pairs.length === 0) return;
  if (pairs.length > MAX_VALUE_LOCKS) {
    await tx.execute(sql`lock table setting_values in share row exclusive mode`);
    return;
  }
  const sorted = [...new Set(pairs.map((p) => `${p.key} ${p.scopeId}`))].sort();
  const list = sql.join(
    sorted.map((k) => sql`(${k})`),
    sql`, `,
  );
  await tx.execute(sql`select count(pg_advisory_xact_lock(hashtextextended(v.k, 0))) from (values ${list}) as v(k)`);
}

/** The highest version the audit log knows for each (key, scope): versions go on after a revert removed the row. */
export async function lastAuditedVersions(tx: Executor, pairs: { key: string; scopeId: string }[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const part of chunks(pairs)) {
    const keys = [...new Set(part.map((p) => p.key))];
    const scopeIds = [...new Set(part.map((p) => p.scopeId))];
    const rows = await tx
      .select({ key: auditLog.key, scopeId: auditLog.scopeId, version: max(auditLog.version) })
      .from(auditLog)
      .where(and(inArray(auditLog.key, keys), inArray(auditLog.scopeId, scopeIds)))
      .groupBy(auditLog.key, auditLog.scopeId);
    for (const r of rows) out.set(`${r.key}\u0000${r.scopeId}`, r.version ?? 0);
  }
  return out;
}

/** Rows per upsert statement (one array parameter per column, lib/db/rows.ts). */
const BIG_CHUNK = 5000;

const VALUE_COLUMNS: Record<string, Column<NewValueRow>> = {
  key: ['text', (r) => r.key],
  scope_id: ['text', (r) => r.scopeId],
  value: ['jsonb', (r) => r.value],
  ciphertext: ['text', (r) => r.ciphertext],
  key_version: ['int', (r) => r.keyVersion],
  locked: ['boolean', (r) => r.locked ?? false],
  skip_to: ['text', (r) => r.skipTo],
  version: ['int', (r) => r.version],
  updated_by: ['text', (r) => r.updatedBy],
};

export async function upsertValues(tx: Executor, rows: NewValueRow[]) {
  for (const part of chunks(rows, BIG_CHUNK)) {
    await tx.execute(sql`
      insert into setting_values (key, scope_id, value, ciphertext, key_version, locked, skip_to, version, updated_at, updated_by)
      select r.key, r.scope_id, r.value, r.ciphertext, r.key_version, r.locked, r.skip_to, r.version, now(), r.updated_by
      from ${unnestRows(part, VALUE_COLUMNS)}
      on conflict (key, scope_id) do update set value = excluded.value, ciphertext = excluded.ciphertext, key_version = excluded.key_version,
        locked = excluded.locked, skip_to = excluded.skip_to, version = excluded.version, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
  }
}

const pairIn = (keyCol: SQL, scopeCol: SQL, part: { key: string; scopeId: string }[]) =>
  sql`(${keyCol}, ${scopeCol}) in (${sql.join(
    part.map((p) => sql`(${p.key}, ${p.scopeId})`),
    sql`, `,
  )})`;

export async function deleteValues(tx: Executor, pairs: { key: string; scopeId: string }[]) {
  for (const part of chunks(pairs)) await tx.delete(settingValues).where(pairIn(sql`${settingValues.key}`, sql`${settingValues.scopeId}`, part));
}

export async function upsertFlags(tx: Executor, rows: NewFlagRow[]) {
  for (const row of rows) {
    await tx
      .insert(featureFlags)
      .values(row)
      .onConflictDoUpdate({ target: [featureFlags.key, featureFlags.scopeId], set: { ...row, createdAt: undefined } });
  }
}

export async function deleteFlags(tx: Executor, pairs: { key: string; scopeId: string }[]) {
  for (const part of chunks(pairs)) await tx.delete(featureFlags).where(pairIn(sql`${featureFlags.key}`, sql`${featureFlags.scopeId}`, part));
}

export async function insertCategories(tx: Executor, keys: string[]) {
  if (keys.length === 0) return;
  const [{ top }] = await tx.select({ top: max(settingCategories.position) }).from(settingCategories);
  await tx
    .insert(settingCategories)
    .values(keys.map((key, i) => ({ key, label: key.charAt(0).toUpperCase() + key.slice(1), position: (top ?? -1) + 1 + i })))
    .onConflictDoNothing();
}

export async function insertDefinitions(tx: Executor, rows: DefinitionRow[]) {
  for (const part of chunks(rows)) await tx.insert(settingDefinitions).values(part);
}

export async function definitionSource(db: Executor, key: string): Promise<string | undefined> {
  const [row] = await db.select({ source: settingDefinitions.source }).from(settingDefinitions).where(eq(settingDefinitions.key, key));
  return row?.source;
}
