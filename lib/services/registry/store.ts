import 'server-only';
import { asc, count, eq, max } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { hierarchyLevels, settingCategories, settingDefinitions, settingValues } from '@/lib/db/schema';
import type { TCategory } from '@/lib/schemas/definition';

export type DefinitionRow = typeof settingDefinitions.$inferSelect;
export type DefinitionInsert = typeof settingDefinitions.$inferInsert;
export type CategoryRow = typeof settingCategories.$inferSelect;

export async function selectRegistryRows(db: Executor): Promise<{ cats: CategoryRow[]; defs: DefinitionRow[] }> {
  const [cats, defs] = await Promise.all([
    db.select().from(settingCategories).orderBy(asc(settingCategories.position), asc(settingCategories.key)),
    db.select().from(settingDefinitions),
  ]);
  return { cats, defs };
}

export function selectDefinitionRows(tx: Executor): Promise<DefinitionRow[]> {
  return tx.select().from(settingDefinitions);
}

export async function selectDefinitionKeys(tx: Executor): Promise<Set<string>> {
  return new Set((await tx.select({ key: settingDefinitions.key }).from(settingDefinitions)).map((r) => r.key));
}

export async function selectDefinitionRow(tx: Executor, key: string): Promise<DefinitionRow | undefined> {
  const [row] = await tx.select().from(settingDefinitions).where(eq(settingDefinitions.key, key));
  return row;
}

export async function selectLevelKeys(tx: Executor): Promise<Set<string>> {
  return new Set((await tx.select({ key: hierarchyLevels.key }).from(hierarchyLevels)).map((l) => l.key));
}

export async function countValuesOf(tx: Executor, key: string): Promise<number> {
  const [{ n }] = await tx.select({ n: count() }).from(settingValues).where(eq(settingValues.key, key));
  return Number(n);
}

/** Creates the category (after the others) or, given `input`, updates what it names. */
/** `position`: where a catalog puts it (its own order wins, also over a category that existed before, such as the built-in `system`). */
export async function upsertCategory(tx: Executor, key: string, input?: Partial<TCategory>, position?: number): Promise<void> {
  const [existing] = await tx.select().from(settingCategories).where(eq(settingCategories.key, key));
  if (existing) {
    if (input) {
      await tx
        .update(settingCategories)
        .set({ label: input.label ?? existing.label, description: input.description ?? existing.description, security: input.security ?? existing.security, position: position ?? existing.position })
        .where(eq(settingCategories.key, key));
    }
    return;
  }
  const [{ top }] = position === undefined ? await tx.select({ top: max(settingCategories.position) }).from(settingCategories) : [{ top: position - 1 }];
  const label = input?.label ?? key.charAt(0).toUpperCase() + key.slice(1);
  await tx.insert(settingCategories).values({ key, label, description: input?.description ?? '', security: input?.security ?? false, position: (top ?? -1) + 1 });
}

export async function nextPosition(tx: Executor, category: string): Promise<number> {
  const [{ top }] = await tx.select({ top: max(settingDefinitions.position) }).from(settingDefinitions).where(eq(settingDefinitions.category, category));
  return (top ?? -1) + 1;
}

export async function insertDefinition(tx: Executor, row: DefinitionInsert): Promise<void> {
  await tx.insert(settingDefinitions).values(row);
}

export async function updateDefinitionRow(tx: Executor, key: string, row: DefinitionInsert, version: number): Promise<void> {
  await tx.update(settingDefinitions).set({ ...row, version, updatedAt: new Date() }).where(eq(settingDefinitions.key, key));
}

export async function deleteDefinitionRow(tx: Executor, key: string): Promise<void> {
  await tx.delete(settingDefinitions).where(eq(settingDefinitions.key, key));
}
