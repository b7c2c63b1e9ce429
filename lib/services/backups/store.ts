import 'server-only';
import { and, asc, count, desc, eq, inArray, like, lt, notLike, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Executor } from '@/lib/db/client';
import { backups, featureFlags, hierarchyLevels, scopes, settingValues } from '@/lib/db/schema';
import { selectJson } from '@/lib/db/rows';
import { eachValuePage, type ValueRow } from '../export-import/store';

/** Queries of the backups feature: the backups table, and the whole configuration read for a backup's content. */

export type BackupRow = typeof backups.$inferSelect;
export type NewBackupRow = typeof backups.$inferInsert;
export type BackupMeta = Omit<BackupRow, 'content'>;

const META = {
  id: backups.id,
  type: backups.type,
  origin: backups.origin,
  note: backups.note,
  createdAt: backups.createdAt,
  createdBy: backups.createdBy,
  size: backups.size,
  compressedSize: backups.compressedSize,
  checksum: backups.checksum,
  items: backups.items,
};

/** The advisory lock of the automated backups: one instance runs the job at a time (any key unique to it). */
const SCHEDULE_LOCK = 0x5b0a7e + 10;

export async function insertBackup(tx: Executor, row: NewBackupRow): Promise<BackupMeta> {
  const [out] = await tx.insert(backups).values(row).returning(META);
  return out;
}

export async function selectBackups(db: Executor, q: { limit: number; offset: number; type?: BackupRow['type'] }) {
  const where = q.type ? eq(backups.type, q.type) : undefined;
  const [rows, [{ n }]] = await Promise.all([
    db.select(META).from(backups).where(where).orderBy(desc(backups.createdAt), desc(backups.id)).limit(q.limit).offset(q.offset),
    db.select({ n: count() }).from(backups).where(where),
  ]);
  return { rows, total: Number(n) };
}

export async function selectBackup(db: Executor, id: string): Promise<BackupRow | undefined> {
  const [row] = await db.select().from(backups).where(eq(backups.id, id));
  return row;
}

export async function selectBackupMeta(db: Executor, id: string): Promise<BackupMeta | undefined> {
  const [row] = await db.select(META).from(backups).where(eq(backups.id, id));
  return row;
}

export async function deleteBackupRows(tx: Executor, ids: string[]): Promise<void> {
  if (ids.length) await tx.delete(backups).where(inArray(backups.id, ids));
}

/** Automated backups, newest first (the pruning reads them all: they number in the tens). */
export async function scheduledBackups(db: Executor): Promise<{ id: string; createdAt: Date }[]> {
  return db.select({ id: backups.id, createdAt: backups.createdAt }).from(backups).where(eq(backups.origin, 'scheduled')).orderBy(desc(backups.createdAt), desc(backups.id));
}

export async function scheduledBefore(db: Executor, cutoff: Date): Promise<string[]> {
  const rows = await db.select({ id: backups.id }).from(backups).where(and(eq(backups.origin, 'scheduled'), lt(backups.createdAt, cutoff)));
  return rows.map((r) => r.id);
}

/** Inside a transaction: true when this instance holds the job's lock until commit, false when another one runs it. */
export async function tryScheduleLock(tx: Executor): Promise<boolean> {
  const rows = rowsOf<{ ok: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${SCHEDULE_LOCK}) as ok`));
  return rows[0]?.ok === true;
}

/** Which values a backup type covers: every scope, the scope tree's only, or users' own (`user:<id>`). */
export type ValueDomain = 'all' | 'scopes' | 'users';
const domainWhere = (d: ValueDomain): SQL | undefined =>
  d === 'all' ? undefined : d === 'users' ? like(settingValues.scopeId, 'user:%') : notLike(settingValues.scopeId, 'user:%');

/** The domain's stored values, a page of rows at a time (a backup keeps only what it needs of each). */
export async function eachValueOf(db: Executor, domain: ValueDomain, onPage: (rows: ValueRow[]) => Promise<void>) {
  await eachValuePage(db, domainWhere(domain), onPage);
}

export async function loadValuePairs(db: Executor, domain: ValueDomain): Promise<{ key: string; scopeId: string }[]> {
  const where = domainWhere(domain);
  return selectJson<{ key: string; scopeId: string }>(db, { key: sql`key`, scopeId: sql`scope_id` }, sql`from setting_values ${where ? sql`where ${where}` : sql``}`, sql`scope_id, key`);
}

export async function loadFlags(db: Executor) {
  return db.select().from(featureFlags).orderBy(asc(featureFlags.key), asc(featureFlags.scopeId));
}

export async function loadLevels(db: Executor) {
  return db.select({ key: hierarchyLevels.key, label: hierarchyLevels.label, parentKey: hierarchyLevels.parentKey, position: hierarchyLevels.position }).from(hierarchyLevels).orderBy(asc(hierarchyLevels.position));
}

export async function loadScopes(db: Executor) {
  return db.select({ id: scopes.id, level: scopes.level, parentId: scopes.parentId, name: scopes.name }).from(scopes).orderBy(asc(scopes.createdAt), asc(scopes.id));
}

export async function insertLevels(tx: Executor, rows: { key: string; label: string; parentKey: string | null; position: number }[]) {
  if (rows.length) await tx.insert(hierarchyLevels).values(rows).onConflictDoNothing();
}

export async function insertScopes(tx: Executor, rows: { id: string; level: string; parentId: string | null; name: string }[]) {
  for (let i = 0; i < rows.length; i += 1000) await tx.insert(scopes).values(rows.slice(i, i + 1000)).onConflictDoNothing();
}
