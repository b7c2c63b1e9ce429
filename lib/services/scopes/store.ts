import 'server-only';
import { and, asc, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Executor } from '@/lib/db/client';
import { featureFlags, hierarchyLevels, modelAccess, modelConfigurations, modelUsage, modelUsageAllowances, roleAssignments, scopes, settingValues } from '@/lib/db/schema';
import type { TLevel } from '@/lib/schemas/registry';

export type ScopeRow = typeof scopes.$inferSelect;

export async function selectLevels(db: Executor): Promise<TLevel[]> {
  const rows = await db.select().from(hierarchyLevels).orderBy(asc(hierarchyLevels.position));
  return rows.map((r) => ({ key: r.key, label: r.label, parentKey: r.parentKey, position: r.position }));
}

export async function insertLevelRow(tx: Executor, level: TLevel): Promise<void> {
  await tx.insert(hierarchyLevels).values(level);
}

const up = (scopeId: string) => sql`
  with recursive up(id, level, parent_id, depth) as (
    select id, level, parent_id, 0 from scopes where id = ${scopeId}
    union all
    select s.id, s.level, s.parent_id, up.depth + 1 from scopes s join up on s.id = up.parent_id where up.depth < 64
  )`;

/** The scope and its ancestors, most specific first (empty when the scope does not exist). */
export async function selectPath(db: Executor, scopeId: string): Promise<{ id: string; level: string }[]> {
  return rowsOf<{ id: string; level: string }>(await db.execute(sql`${up(scopeId)} select id, level from up order by depth`));
}

export interface PathValueRow {
  id: string;
  level: string;
  depth: number;
  value: unknown;
  ciphertext: string | null;
  locked: boolean | null;
  version: number | null;
  skip_to: string | null;
}

/** The path of a scope with one key's stored values along it (and at a user scope, depth -1), in one query. */
export async function selectPathWithValues(db: Executor, key: string, scopeId: string, userScope?: string): Promise<PathValueRow[]> {
  return rowsOf<PathValueRow>(
    await db.execute(sql`${up(scopeId)}
      select up.id, up.level, up.depth, v.value, v.ciphertext, v.locked, v.version, v.skip_to
      from up left join setting_values v on v.key = ${key} and v.scope_id = up.id
      union all
      select v.scope_id, 'user', -1, v.value, v.ciphertext, v.locked, v.version, v.skip_to
      from setting_values v where v.key = ${key} and v.scope_id = ${userScope ?? null}
      order by 3`),
  );
}

/** The given scopes and everything below them. */
export async function selectSubtreeIds(db: Executor, roots: string[]): Promise<string[]> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      with recursive down(id, depth) as (
        select id, 0 from scopes where id in (${sql.join(roots.map((r) => sql`${r}`), sql`, `)})
        union all
        select s.id, down.depth + 1 from scopes s join down on s.parent_id = down.id where down.depth < 64
      ) select id from down`),
  );
  return rows.map((r) => r.id);
}

export async function selectScope(db: Executor, id: string): Promise<ScopeRow | undefined> {
  const [row] = await db.select().from(scopes).where(eq(scopes.id, id));
  return row;
}

export async function selectScopes(
  db: Executor,
  q: { level?: string; parentId?: string; within: string[] | null; limit: number; offset: number },
): Promise<{ rows: ScopeRow[]; total: number }> {
  const where: SQL | undefined = and(
    q.level ? eq(scopes.level, q.level) : undefined,
    q.parentId ? eq(scopes.parentId, q.parentId) : undefined,
    q.within === null ? undefined : inArray(scopes.id, q.within),
  );
  const [rows, [{ n }]] = await Promise.all([
    db.select().from(scopes).where(where).orderBy(asc(scopes.level), asc(scopes.name), asc(scopes.id)).limit(q.limit).offset(q.offset),
    db.select({ n: count() }).from(scopes).where(where),
  ]);
  return { rows, total: Number(n) };
}

/** Tenants by name (the flag matrix's columns). */
export function selectTenants(db: Executor): Promise<{ id: string; name: string }[]> {
  return db.select({ id: scopes.id, name: scopes.name }).from(scopes).where(eq(scopes.level, 'tenant')).orderBy(asc(scopes.name), asc(scopes.id));
}

export async function insertScope(tx: Executor, row: { id: string; level: string; parentId: string; name: string }): Promise<ScopeRow> {
  const [inserted] = await tx.insert(scopes).values(row).returning();
  return inserted;
}

/** What still refers to a scope (a scope is deleted only when nothing does). */
export async function scopeDependants(tx: Executor, id: string) {
  const n = async (q: Promise<{ n: number }[]>) => Number((await q)[0].n);
  const children = await n(tx.select({ n: count() }).from(scopes).where(eq(scopes.parentId, id)));
  const values = await n(tx.select({ n: count() }).from(settingValues).where(eq(settingValues.scopeId, id)));
  const flags = await n(tx.select({ n: count() }).from(featureFlags).where(eq(featureFlags.scopeId, id)));
  const roles = await n(tx.select({ n: count() }).from(roleAssignments).where(eq(roleAssignments.scopeId, id)));
  // AI model overrides and provider restrictions are configuration like values (no foreign key holds them)
  const models = await n(tx.select({ n: count() }).from(modelConfigurations).where(eq(modelConfigurations.scopeId, id)));
  const modelRestrictions = await n(tx.select({ n: count() }).from(modelAccess).where(eq(modelAccess.scopeId, id)));
  return { children, values, flags, roles, models, modelRestrictions };
}

/**
 * Drops a deleted scope's metering counters: its usage also sits in every ancestor's own counters, which
 * stay; left behind, a new scope given the same id would start its windows with the old usage.
 */
export async function deleteUsageCounters(tx: Executor, id: string): Promise<number> {
  // and the metering allowances held on them (an instance still holding one finds it gone: charged, nothing to settle)
  await tx.delete(modelUsageAllowances).where(eq(modelUsageAllowances.scopeId, id));
  const rows = await tx.delete(modelUsage).where(eq(modelUsage.scopeId, id)).returning({ provider: modelUsage.provider });
  return rows.length;
}

export async function deleteScopeRow(tx: Executor, id: string): Promise<ScopeRow> {
  const [row] = await tx.delete(scopes).where(eq(scopes.id, id)).returning();
  return row;
}
