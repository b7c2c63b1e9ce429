import 'server-only';
import { can, ROLE_LEVEL, type Principal, type RoleBinding } from '@/lib/auth/policy';
import type { TUser } from '@/lib/schemas/identity';
import type { App } from '../kernel/app';
import { fail, ServiceError } from '../kernel/errors';
import { pathIds, scopePath } from '../scopes/path';
import { scopesWhere } from '../scopes/read';
import type { UserRow } from './store';

/** A user as the API shows it: never the password hash. */
export const toUser = (r: UserRow, roles: RoleBinding[]): TUser => ({
  id: r.id,
  email: r.email,
  name: r.name,
  disabled: r.disabled,
  roles,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** Each binding names an existing scope of the right level, inside the caller's reach. */
export async function checkGrants(app: App, principal: Principal, roles: RoleBinding[]): Promise<RoleBinding[]> {
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
export async function userReach(app: App, principal: Principal, action: 'users.read' | 'users.write'): Promise<Set<string> | null> {
  const ids = await scopesWhere(app, principal, action);
  if (ids === null) return null;
  if (ids.length === 0) fail('INSUFFICIENT_PERMISSIONS', action === 'users.read' ? 'You may not see other users' : 'You may not manage users');
  return new Set(ids);
}

export const within = (reach: Set<string> | null, roles: RoleBinding[]) => reach === null || roles.some((r) => reach.has(r.scopeId));

/** Roles outside the caller's reach (e.g. in another tenant) are not theirs to see. */
export const visibleRoles = (reach: Set<string> | null, roles: RoleBinding[]) => (reach === null ? roles : roles.filter((r) => reach.has(r.scopeId)));

/** The scope an entry about a user is filed under (the first candidate), so tenant admins find it in their audit log. */
export const auditScope = (candidates: RoleBinding[]) => candidates[0]?.scopeId ?? null;
