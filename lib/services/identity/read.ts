import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { TUser } from '@/lib/schemas/identity';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { toUser, userReach, visibleRoles, within } from './reach';
import { rolesOf, selectUser, selectUsers } from './store';

export async function listUsers(
  app: App,
  principal: Principal,
  q: { q?: string; scopeId?: string; limit: number; offset: number },
): Promise<{ users: TUser[]; total: number }> {
  const reach = await userReach(app, principal, 'users.read');
  const { rows, total } = await selectUsers(app.db, { ...q, within: reach === null ? null : [...reach] });
  const roles = await rolesOf(app.db, rows.map((r) => r.id));
  return { users: rows.map((r) => toUser(r, visibleRoles(reach, roles.get(r.id) ?? []))), total };
}

/** A user by id (`me`: the caller, who always sees their own account). */
export async function getUser(app: App, principal: Principal, id: string): Promise<TUser> {
  const userId = id === 'me' ? principal.userId : id;
  const reach = userId === principal.userId ? null : await userReach(app, principal, 'users.read');
  const row = await selectUser(app.db, userId);
  const roles = row ? ((await rolesOf(app.db, [userId])).get(userId) ?? []) : [];
  if (!row || !within(reach, roles)) fail('NOT_FOUND', `No user ${id}`);
  return toUser(row, visibleRoles(reach, roles));
}

/** The caller's own account and roles. */
export async function getMe(app: App, principal: Principal) {
  const { roles, ...user } = await getUser(app, principal, principal.userId);
  return { user, roles };
}
