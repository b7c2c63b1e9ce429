import 'server-only';
import { eq, sql } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { settingsMigrations } from '@/lib/db/schema';

/** Queries of the settings migrations feature: its one table. */

export type MigrationRow = typeof settingsMigrations.$inferSelect;
export type MigrationRowInput = typeof settingsMigrations.$inferInsert;

export async function selectMigrationRows(db: Executor): Promise<MigrationRow[]> {
  return db.select().from(settingsMigrations);
}

/** Serializes migration runs (two operators at once): held until the transaction ends; then reads the rows. */
export async function lockMigrationRows(tx: Executor): Promise<MigrationRow[]> {
  await tx.execute(sql`lock table settings_migrations in exclusive mode`);
  return tx.select().from(settingsMigrations);
}

export async function saveMigrationRow(tx: Executor, row: MigrationRowInput): Promise<void> {
  const { version: _key, ...rest } = row;
  void _key;
  await tx
    .insert(settingsMigrations)
    .values(row)
    .onConflictDoUpdate({ target: settingsMigrations.version, set: { ...rest, updatedAt: new Date() } });
}

export async function markRolledBack(tx: Executor, version: string, by: string, at: Date): Promise<void> {
  await tx.update(settingsMigrations).set({ status: 'rolled_back', rolledBackAt: at, appliedBy: by, updatedAt: at }).where(eq(settingsMigrations.version, version));
}
