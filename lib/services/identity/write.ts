import 'server-only';
import { hashPassword } from '@/lib/auth/passwords';
import { can, type Principal, type RoleBinding } from '@/lib/auth/policy';
import type { Executor } from '@/lib/db/client';
import type { TCreateUser, TUpdateUser, TUser } from '@/lib/schemas/identity';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { newId } from '../kernel/ids';
import { inTransaction } from '../kernel/transaction';
import { pathIds, scopePath } from '../scopes/path';
import { auditScope, checkGrants, toUser, userReach, visibleRoles, within } from './reach';
import { deleteRoleBinding, insertRoleBindings, insertUser, rolesOf, selectUser, selectUserByEmail, updateUserRow, type UserRow } from './store';

const isUniqueViolation = (e: unknown): boolean => {
  const err = e as { code?: string; cause?: unknown } | null;
  return err?.code === '23505' || (!!err?.cause && isUniqueViolation(err.cause));
};

export async function createUser(app: App, principal: Principal, input: TCreateUser, ctx: ChangeContext): Promise<TUser> {
  const roles = await checkGrants(app, principal, input.roles);
  // a user without roles is visible to platform admins only
  if (roles.length === 0 && (await userReach(app, principal, 'users.write')) !== null) {
    fail('INSUFFICIENT_PERMISSIONS', 'Give the new user at least one role within your reach', 'roles');
  }
  const email = input.email.toLowerCase();
  const passwordHash = await hashPassword(input.password);
  try {
    return await inTransaction(app, async (tx, changed) => {
      if (await selectUserByEmail(tx, email)) fail('CONFLICT', `A user with email ${email} already exists`, 'email');
      const id = newId('usr');
      const row = await insertUser(tx, { id, email, name: input.name, passwordHash });
      await insertRoleBindings(tx, id, roles);
      await appendAudit(tx, ctx, [{ action: 'user.create', scopeId: auditScope(roles), newValue: { email, name: input.name, roles }, details: { userId: id } }]);
      changed({ type: 'principals' });
      return toUser(row, roles);
    });
  } catch (e) {
    if (isUniqueViolation(e)) fail('CONFLICT', `A user with email ${email} already exists`, 'email');
    throw e;
  }
}

const sameBinding = (a: RoleBinding, b: RoleBinding) => a.role === b.role && a.scopeId === b.scopeId;

/** Replaces `before` by `after` in the role table, adding and removing only the difference. */
async function replaceRoles(tx: Executor, userId: string, before: RoleBinding[], after: RoleBinding[]) {
  for (const r of before.filter((r) => !after.some((x) => sameBinding(x, r)))) await deleteRoleBinding(tx, userId, r);
  await insertRoleBindings(tx, userId, after.filter((r) => !before.some((x) => sameBinding(x, r))));
}

/** The account fields that change, with their before/after for the audit entry. */
function accountChanges(row: UserRow, input: TUpdateUser, passwordHash: string | undefined) {
  const set: Partial<UserRow> = { updatedAt: new Date() };
  const oldValue: Record<string, unknown> = {};
  const newValue: Record<string, unknown> = {};
  if (input.name !== undefined && input.name !== row.name) [set.name, oldValue.name, newValue.name] = [input.name, row.name, input.name];
  if (input.disabled !== undefined && input.disabled !== row.disabled) [set.disabled, oldValue.disabled, newValue.disabled] = [input.disabled, row.disabled, input.disabled];
  if (passwordHash) set.passwordHash = passwordHash;
  return { set, oldValue, newValue };
}

/**
 * Name, password and disabled change the whole account, so on someone else they need reach over every
 * role the user holds; `roles` replaces the bindings within the caller's reach and keeps the others.
 * Nobody changes their own roles or disables themselves (no admin locks the door behind them).
 */
export async function updateUser(app: App, principal: Principal, id: string, input: TUpdateUser, ctx: ChangeContext): Promise<TUser> {
  const userId = id === 'me' ? principal.userId : id;
  const self = userId === principal.userId;
  if (Object.values(input).every((v) => v === undefined)) fail('INVALID_REQUEST', 'Nothing to change: send name, password, disabled or roles');
  if (self && (input.roles !== undefined || input.disabled !== undefined)) fail('INSUFFICIENT_PERMISSIONS', 'You may not change your own roles or disable yourself');
  const reach = self ? null : await userReach(app, principal, 'users.read');
  const granted = input.roles ? await checkGrants(app, principal, input.roles) : undefined;
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  return inTransaction(app, async (tx, changed) => {
    const row = await selectUser(tx, userId, { forUpdate: true });
    const before = row ? ((await rolesOf(tx, [userId])).get(userId) ?? []) : [];
    if (!row || !within(reach, before)) fail('NOT_FOUND', `No user ${id}`);
    const managed = await Promise.all(before.map(async (r) => can(principal, 'users.write', { scopePath: pathIds(await scopePath(app, r.scopeId)) })));
    const account = input.name !== undefined || input.password !== undefined || input.disabled !== undefined;
    const ownsAccount = before.length ? managed.every(Boolean) : can(principal, 'users.write', { scopePath: ['global'] });
    if (!self && account && !ownsAccount) fail('INSUFFICIENT_PERMISSIONS', 'This user also holds roles outside your reach; only an admin over all of them may change the account');
    const { set, oldValue, newValue } = accountChanges(row, input, passwordHash);
    const updated = await updateUserRow(tx, userId, set);
    if (granted) {
      const after = [...before.filter((_, i) => !managed[i]), ...granted];
      await replaceRoles(tx, userId, before, after);
      [oldValue.roles, newValue.roles] = [before, after];
    }
    // filed where the caller acts: the roles granted, then those they manage
    const scopeId = auditScope([...(granted ?? []), ...before.filter((_, i) => managed[i]), ...before]);
    const details = { userId, ...(passwordHash ? { passwordChanged: true } : {}) };
    await appendAudit(tx, ctx, [{ action: 'user.update', scopeId, oldValue, newValue, details }]);
    changed({ type: 'principals' });
    return toUser(updated, visibleRoles(reach, (await rolesOf(tx, [userId])).get(userId) ?? []));
  });
}

/** The first platform admin (setup's bootstrap, which is authorized by being first; the caller audits). */
export async function insertFirstAdmin(tx: Executor, input: { email: string; name: string; passwordHash: string }): Promise<string> {
  const id = newId('usr');
  await insertUser(tx, { id, ...input });
  await insertRoleBindings(tx, id, [{ role: 'platform_admin', scopeId: 'global' }]);
  return id;
}
