import 'server-only';
import { and, countDistinct, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { featureFlags } from '@/lib/db/schema';

export type FlagRow = typeof featureFlags.$inferSelect;
export type FlagInsert = typeof featureFlags.$inferInsert;
/** Flag rows by key, then by scope id. */
export type FlagTable = Map<string, Map<string, FlagRow>>;

// Flag writes are rare; one lock keeps dependency checks (existence, cycles) true under concurrent writers.
const FLAG_WRITE_LOCK = 0x5b0a7e;

/** Every flag row, in one query. */
export async function loadTable(db: Executor): Promise<FlagTable> {
  const table: FlagTable = new Map();
  for (const row of await db.select().from(featureFlags)) {
    let byScope = table.get(row.key);
    if (!byScope) table.set(row.key, (byScope = new Map()));
    byScope.set(row.scopeId, row);
  }
  return table;
}

export async function lockFlagWrites(tx: Executor): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${FLAG_WRITE_LOCK})`);
}

export function selectFlagRows(db: Executor, key: string): Promise<FlagRow[]> {
  return db.select().from(featureFlags).where(eq(featureFlags.key, key));
}

export async function countFlagKeys(db: Executor): Promise<number> {
  const [{ n }] = await db.select({ n: countDistinct(featureFlags.key) }).from(featureFlags);
  return Number(n);
}

/** last_evaluated_at for many rows in one statement (not a change: no version, audit or notification). */
export async function updateLastEvaluated(db: Executor, rows: { key: string; scopeId: string }[], at: string): Promise<void> {
  const values = rows.map((r) => sql`(${r.key}::text, ${r.scopeId}::text)`);
  await db.execute(sql`
    update feature_flags f set last_evaluated_at = ${at}::timestamptz
    from (values ${sql.join(values, sql`, `)}) as v(key, scope_id)
    where f.key = v.key and f.scope_id = v.scope_id`);
}

export async function insertFlag(tx: Executor, row: FlagInsert): Promise<FlagRow> {
  const [inserted] = await tx.insert(featureFlags).values(row).returning();
  return inserted;
}

export async function updateFlagRow(tx: Executor, key: string, scopeId: string, values: Partial<FlagInsert>): Promise<FlagRow> {
  const [row] = await tx.update(featureFlags).set(values).where(and(eq(featureFlags.key, key), eq(featureFlags.scopeId, scopeId))).returning();
  return row;
}

export async function deleteFlagRow(tx: Executor, key: string, scopeId: string): Promise<void> {
  await tx.delete(featureFlags).where(and(eq(featureFlags.key, key), eq(featureFlags.scopeId, scopeId)));
}

/** Inserts rows that do not exist yet; returns those it inserted. */
export function insertMissingFlags(tx: Executor, rows: FlagInsert[]): Promise<FlagRow[]> {
  return tx.insert(featureFlags).values(rows).onConflictDoNothing().returning();
}
