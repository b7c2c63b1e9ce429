import 'server-only';
import { and, asc, count, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { roleAssignments, users } from '@/lib/db/schema';
import { hashPassword } from '@/lib/auth/passwords';
import { can, ROLE_LEVEL, type Principal, type Role, type RoleBinding } from '@/lib/auth/policy';
import type { TCreateUser, TUpdateUser } from '@/lib/schemas/identity';
import type { App } from './app';
import { appendAudit, type ChangeContext } from './audit';
import { inTransaction } from './changes';
import { fail, ServiceError } from './errors';
import { newId } from './ids';
import { pathIds, scopePath, scopesWhere } from './scopes';
import { clearLockout, endSessions } from './sessions';
import { forgetSignInFailures } from './throttle';

/** A user as the API shows it: never the password hash. */
export interface User {
  id: string;
  email: string;
  name: string;
  disabled: boolean;
  roles: RoleBinding[];
  createdAt: string;
  updatedAt: string;
}

type UserRow = typeof users.$inferSelect;

const toUser = (r: UserRow, roles: RoleBinding[]): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  disabled: r.disabled,
  roles,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

async function rolesOf(db: Executor, userIds: string[]): Promise<Map<string, RoleBinding[]>> {
  const out = new Map<string, RoleBinding[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return out;
  const rows = await db
    .select({ userId: roleAssignments.userId, role: roleAssignments.role, scopeId: roleAssignments.scopeId })
    .from(roleAssignments)
    .where(inArray(roleAssignments.userId, userIds))
    .orderBy(asc(roleAssignments.createdAt), asc(roleAssignments.scopeId));
  for (const r of rows) out.get(r.userId)!.push({ role: r.role as Role, scopeId: r.scopeId });
  return out;
}

/** Each binding names an existing scope of the right level, inside the caller's reach. */
async function checkGrants(app: App, principal: Principal, roles: RoleBinding[]): Promise<RoleBinding[]> {
  const unique = [...new Map(roles.map((r) => [`${r.role}@${r.scopeId}`, r])).values()];
  for (const r of unique) {
    const field = `roles.${roles.indexOf(r)}.scopeId`;
    const path = await scopePath(app, r.scopeId).catch((e) => {
      throw e instanceof ServiceError && e.code === 'SCOPE_NOT_FOUND' ? new ServiceError('SCOPE_NOT_FOUND', `No scope "${r.scopeId}"`, field) : e;
    });
    if (!can(principal, 'users.write', { scopePath: pathIds(path) })) fail('INSUFFICIENT_PERMISSIONS', `You may not grant roles at scope "${r.scopeId}"`, field);
    const level = ROLE_LEVEL[r.role];
    if (level && path[0].level !== level) {
      fail('INVALID_REQUEST', `${r.role} is bound to a ${level} scope; "${r.scopeId}" is a ${path[0].level}`, field);
    }
  }
  return unique;
}

/** Scope ids where the caller may do `action` to users, or null for everywhere; 403 when nowhere. */
async function userReach(app: App, principal: Principal, action: 'users.read' | 'users.write'): Promise<Set<string> | null> {
  const ids = await scopesWhere(app, principal, action);
  if (ids === null) return null;
  if (ids.length === 0) fail('INSUFFICIENT_PERMISSIONS', action === 'users.read' ? 'You may not see other users' : 'You may not manage users');
  return new Set(ids);
}

const within = (reach: Set<string> | null, roles: RoleBinding[]) => reach === null || roles.some((r) => reach.has(r.scopeId));

/** The scope an entry about a user is filed under (the first candidate), so tenant admins find it in their audit log. */
const auditScope = (candidates: RoleBinding[]) => candidates[0]?.scopeId ?? null;

const isUniqueViolation = (e: unknown): boolean => {
  const err = e as { code?: string; cause?: unknown } | null;
  return err?.code === '23505' || (!!err?.cause && isUniqueViolation(err.cause));
};

export async function createUser(app: App, principal: Principal, input: TCreateUser, ctx: ChangeContext): Promise<User> {
  const roles = await checkGrants(app, principal, input.roles);
  // a user without roles is visible to platform admins only
  if (roles.length === 0 && (await userReach(app, principal, 'users.write')) !== null) {
    fail('INSUFFICIENT_PERMISSIONS', 'Give the new user at least one role within your reach', 'roles');
  }
  const email = input.email.toLowerCase();
  const passwordHash = await hashPassword(input.password);
  try {
    return await inTransaction(app, async (tx, changed) => {
      const [taken] = await tx.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, email));
      if (taken) fail('CONFLICT', `A user with email ${email} already exists`, 'email');
      const id = newId('usr');
      const [row] = await tx.insert(users).values({ id, email, name: input.name, passwordHash }).returning();
      if (roles.length) await tx.insert(roleAssignments).values(roles.map((r) => ({ userId: id, ...r })));
      await appendAudit(tx, ctx, [{ action: 'user.create', scopeId: auditScope(roles), newValue: { email, name: input.name, roles }, details: { userId: id } }]);
      changed({ type: 'principals' });
      return toUser(row, roles);
    });
  } catch (e) {
    if (isUniqueViolation(e)) fail('CONFLICT', `A user with email ${email} already exists`, 'email');
    throw e;
  }
}

export async function listUsers(
  app: App,
  principal: Principal,
  q: { q?: string; scopeId?: string; limit: number; offset: number },
): Promise<{ users: User[]; total: number }> {
  const reach = await userReach(app, principal, 'users.read');
  const holding = (scopeIds: string[]) => inArray(users.id, app.db.select({ id: roleAssignments.userId }).from(roleAssignments).where(inArray(roleAssignments.scopeId, scopeIds)));
  const needle = q.q ? `%${q.q.replace(/[\\%_]/g, '\\$&')}%` : undefined;
  const where = and(
    reach === null ? undefined : holding([...reach]),
    q.scopeId ? holding([q.scopeId]) : undefined,
    needle ? or(ilike(users.email, needle), ilike(users.name, needle)) : undefined,
  );
  const [rows, [{ n }]] = await Promise.all([
    app.db.select().from(users).where(where).orderBy(asc(users.email)).limit(q.limit).offset(q.offset),
    app.db.select({ n: count() }).from(users).where(where),
  ]);
  const roles = await rolesOf(app.db, rows.map((r) => r.id));
  // roles outside the caller's reach (e.g. in another tenant) are not theirs to see
  const shown = (list: RoleBinding[]) => (reach === null ? list : list.filter((r) => reach.has(r.scopeId)));
  return { users: rows.map((r) => toUser(r, shown(roles.get(r.id)!))), total: Number(n) };
}

export async function getUser(app: App, principal: Principal, id: string): Promise<User> {
  const userId = id === 'me' ? principal.userId : id;
  const reach = userId === principal.userId ? null : await userReach(app, principal, 'users.read');
  const [row] = await app.db.select().from(users).where(eq(users.id, userId));
  const roles = row ? (await rolesOf(app.db, [userId])).get(userId)! : [];
  if (!row || !within(reach, roles)) return fail('NOT_FOUND', `No user ${id}`);
  return toUser(row, reach === null ? roles : roles.filter((r) => reach.has(r.scopeId)));
}

export async function getMe(app: App, principal: Principal) {
  const { roles, ...user } = await getUser(app, principal, principal.userId);
  return { user, roles };
}

/**
 * Name, password and disabled change the whole account, so on someone else they need reach over every
 * role the user holds; `roles` replaces the bindings within the caller's reach and keeps the others.
 * Nobody changes their own roles or disables themselves (no admin locks the door behind them).
 */
export async function updateUser(app: App, principal: Principal, id: string, input: TUpdateUser, ctx: ChangeContext): Promise<User> {
  const userId = id === 'me' ? principal.userId : id;
  const self = userId === principal.userId;
  if (Object.values(input).every((v) => v === undefined)) fail('INVALID_REQUEST', 'Nothing to change: send name, password, disabled or roles');
  if (self && (input.roles !== undefined || input.disabled !== undefined)) fail('INSUFFICIENT_PERMISSIONS', 'You may not change your own roles or disable yourself');
  const reach = self ? null : await userReach(app, principal, 'users.read');
  const granted = input.roles ? await checkGrants(app, principal, input.roles) : undefined;
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  const updated = await inTransaction(app, async (tx, changed) => {
    const [row] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    const before = row ? (await rolesOf(tx, [userId])).get(userId)! : [];
    if (!row || !within(reach, before)) return fail('NOT_FOUND', `No user ${id}`);
    const managed = await Promise.all(before.map(async (r) => can(principal, 'users.write', { scopePath: pathIds(await scopePath(app, r.scopeId)) })));
    const account = input.name !== undefined || input.password !== undefined || input.disabled !== undefined;
    const ownsAccount = before.length ? managed.every(Boolean) : can(principal, 'users.write', { scopePath: ['global'] });
    if (!self && account && !ownsAccount) fail('INSUFFICIENT_PERMISSIONS', 'This user also holds roles outside your reach; only an admin over all of them may change the account');
    const after = granted ? [...before.filter((_, i) => !managed[i]), ...granted] : before;

    const set: Partial<UserRow> = { updatedAt: new Date() };
    const oldValue: Record<string, unknown> = {};
    const newValue: Record<string, unknown> = {};
    if (input.name !== undefined && input.name !== row.name) [set.name, oldValue.name, newValue.name] = [input.name, row.name, input.name];
    if (input.disabled !== undefined && input.disabled !== row.disabled) [set.disabled, oldValue.disabled, newValue.disabled] = [input.disabled, row.disabled, input.disabled];
    if (passwordHash) set.passwordHash = passwordHash;
    const [updated] = await tx.update(users).set(set).where(eq(users.id, userId)).returning();
    if (granted) {
      const has = (list: RoleBinding[], r: RoleBinding) => list.some((x) => x.role === r.role && x.scopeId === r.scopeId);
      for (const r of before.filter((r) => !has(after, r))) {
        await tx.delete(roleAssignments).where(and(eq(roleAssignments.userId, userId), eq(roleAssignments.role, r.role), eq(roleAssignments.scopeId, r.scopeId)));
      }
      const added = after.filter((r) => !has(before, r));
      if (added.length) await tx.insert(roleAssignments).values(added.map((r) => ({ userId, ...r })));
      [oldValue.roles, newValue.roles] = [before, after];
    }
    // a new password, new roles or a disabled account: sessions begun under the old ones end now
    const keys = (list: RoleBinding[]) => list.map((r) => `${r.role}@${r.scopeId}`).sort().join();
    const rolesChanged = !!granted && keys(before) !== keys(after);
    if (passwordHash || set.disabled !== undefined || rolesChanged) await endSessions(tx, userId);
    // an admin's new password is the way back in for a locked account
    if (passwordHash && !self) await clearLockout(tx, userId);
    // filed where the caller acts: the roles granted, then those they manage
    const scopeId = auditScope([...(granted ?? []), ...before.filter((_, i) => managed[i]), ...before]);
    const details = { userId, ...(passwordHash ? { passwordChanged: true } : {}) };
    await appendAudit(tx, ctx, [{ action: 'user.update', scopeId, oldValue, newValue, details }]);
    changed({ type: 'principals' });
    const roles = (await rolesOf(tx, [userId])).get(userId)!;
    return toUser(updated, reach === null ? roles : roles.filter((r) => reach.has(r.scopeId)));
  });
  if (passwordHash && !self) forgetSignInFailures(app, updated.email);
  return updated;
}
