import 'server-only';
import { and, asc, count, desc, eq, ilike, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { apiTokens, revokedSessions, roleAssignments, users } from '@/lib/db/schema';
import type { Role, RoleBinding } from '@/lib/auth/policy';

export type UserRow = typeof users.$inferSelect;
export type TokenRow = typeof apiTokens.$inferSelect;

// ------------------------------------------------------------------ users and roles

export async function selectUser(db: Executor, id: string, opts: { forUpdate?: boolean } = {}): Promise<UserRow | undefined> {
  const q = db.select().from(users).where(eq(users.id, id));
  const [row] = opts.forUpdate ? await q.for('update') : await q;
  return row;
}

export async function selectEnabledUser(db: Executor, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(and(eq(users.id, id), eq(users.disabled, false)));
  return row;
}

/** By e-mail, case-insensitively. */
export async function selectUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(sql`lower(${users.email})`, email));
  return row;
}

export async function selectUsers(
  db: Executor,
  q: { within: string[] | null; scopeId?: string; q?: string; limit: number; offset: number },
): Promise<{ rows: UserRow[]; total: number }> {
  const holding = (scopeIds: string[]) => inArray(users.id, db.select({ id: roleAssignments.userId }).from(roleAssignments).where(inArray(roleAssignments.scopeId, scopeIds)));
  const needle = q.q ? `%${q.q.replace(/[\\%_]/g, '\\$&')}%` : undefined;
  const where = and(
    q.within === null ? undefined : holding(q.within),
    q.scopeId ? holding([q.scopeId]) : undefined,
    needle ? or(ilike(users.email, needle), ilike(users.name, needle)) : undefined,
  );
  const [rows, [{ n }]] = await Promise.all([
    db.select().from(users).where(where).orderBy(asc(users.email)).limit(q.limit).offset(q.offset),
    db.select({ n: count() }).from(users).where(where),
  ]);
  return { rows, total: Number(n) };
}

export async function insertUser(tx: Executor, row: { id: string; email: string; name: string; passwordHash: string }): Promise<UserRow> {
  const [inserted] = await tx.insert(users).values(row).returning();
  return inserted;
}

export async function updateUserRow(tx: Executor, id: string, set: Partial<UserRow>): Promise<UserRow> {
  const [row] = await tx.update(users).set(set).where(eq(users.id, id)).returning();
  return row;
}

/** Role bindings of many users, oldest first. */
export async function rolesOf(db: Executor, userIds: string[]): Promise<Map<string, RoleBinding[]>> {
  const out = new Map<string, RoleBinding[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return out;
  const rows = await db
    .select({ userId: roleAssignments.userId, role: roleAssignments.role, scopeId: roleAssignments.scopeId })
    .from(roleAssignments)
    .where(inArray(roleAssignments.userId, userIds))
    .orderBy(asc(roleAssignments.createdAt), asc(roleAssignments.scopeId));
  for (const r of rows) out.get(r.userId)?.push({ role: r.role as Role, scopeId: r.scopeId });
  return out;
}

/** A user's bindings, in no particular order (principals). */
export async function selectRoleBindings(db: Executor, userId: string): Promise<RoleBinding[]> {
  const rows = await db.select({ role: roleAssignments.role, scopeId: roleAssignments.scopeId }).from(roleAssignments).where(eq(roleAssignments.userId, userId));
  return rows.map((r) => ({ role: r.role as Role, scopeId: r.scopeId }));
}

export async function insertRoleBindings(tx: Executor, userId: string, roles: RoleBinding[]): Promise<void> {
  if (roles.length) await tx.insert(roleAssignments).values(roles.map((r) => ({ userId, ...r })));
}

export async function deleteRoleBinding(tx: Executor, userId: string, r: RoleBinding): Promise<void> {
  await tx.delete(roleAssignments).where(and(eq(roleAssignments.userId, userId), eq(roleAssignments.role, r.role), eq(roleAssignments.scopeId, r.scopeId)));
}

// ------------------------------------------------------------------ tokens

export async function insertTokenRow(tx: Executor, row: { id: string; userId: string; name: string; prefix: string; tokenHash: string; expiresAt: Date | null }): Promise<void> {
  await tx.insert(apiTokens).values(row);
}

export async function selectTokens(db: Executor, userId: string, limit: number, offset: number): Promise<{ rows: TokenRow[]; total: number }> {
  const [rows, [{ n }]] = await Promise.all([
    db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt), desc(apiTokens.id)).limit(limit).offset(offset),
    db.select({ n: count() }).from(apiTokens).where(eq(apiTokens.userId, userId)),
  ]);
  return { rows, total: Number(n) };
}

export async function selectToken(db: Executor, id: string): Promise<TokenRow | undefined> {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id));
  return row;
}

export async function selectLiveTokenByHash(db: Executor, tokenHash: string): Promise<TokenRow | undefined> {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)));
  return row;
}

export async function updateTokenRow(db: Executor, id: string, set: Partial<TokenRow>): Promise<TokenRow> {
  const [row] = await db.update(apiTokens).set(set).where(eq(apiTokens.id, id)).returning();
  return row;
}

// ------------------------------------------------------------------ sessions and lockouts

/** Ends every browser session of the user: sessions carry the epoch they began in. */
export async function bumpSessionEpoch(tx: Executor, id: string): Promise<void> {
  await tx.update(users).set({ sessionEpoch: sql`${users.sessionEpoch} + 1` }).where(eq(users.id, id));
}

/** The user's session epoch and whether the session `sid` was signed out, in one query; undefined for no such user. */
export async function selectSessionState(db: Executor, id: string, sid: string): Promise<{ epoch: number; revoked: boolean } | undefined> {
  const revoked = sql<boolean>`exists (select 1 from ${revokedSessions} where ${revokedSessions.id} = ${sid})`;
  const [row] = await db.select({ epoch: users.sessionEpoch, revoked }).from(users).where(eq(users.id, id));
  return row;
}

/** Records a signed-out session (idempotent) and prunes rows whose tokens have expired on their own. */
export async function insertRevokedSession(tx: Executor, row: { id: string; userId: string; expiresAt: Date }): Promise<void> {
  await tx.delete(revokedSessions).where(lt(revokedSessions.expiresAt, new Date()));
  await tx.insert(revokedSessions).values(row).onConflictDoNothing();
}

/** Replaces a password hash only if it is still `expected` (a concurrent password change wins). */
export async function replacePasswordHash(db: Executor, id: string, expected: string, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash }).where(and(eq(users.id, id), eq(users.passwordHash, expected)));
}

/** Revokes every live token of a user; returns how many. */
export async function revokeTokensOf(tx: Executor, userId: string, at: Date): Promise<number> {
  const rows = await tx.update(apiTokens).set({ revokedAt: at }).where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt))).returning({ id: apiTokens.id });
  return rows.length;
}
