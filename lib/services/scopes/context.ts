import 'server-only';
import { can, reachableRoots, type Action, type Principal } from '@/lib/auth/policy';
import { parseUserScope } from '@/lib/engine/hierarchy';
import type { ScopeRef } from '@/lib/engine/types';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { pathIds, scopePath } from './path';
import { subtreeIds } from './read';

/** A resolution context as the API takes it (API.md "Scopes and the hierarchy"). */
export interface ContextInput {
  scope?: string;
  userId?: string;
  tenantId?: string;
  eventId?: string;
  projectId?: string;
}

export interface ResolvedContext {
  /** The most specific scope and its ancestors up to global. */
  path: ScopeRef[];
  /** Whose user-level values count (`me` already replaced by the caller's id). */
  userId?: string;
}

const DOING: Partial<Record<Action, string>> = { 'settings.read': 'read settings', 'flags.read': 'read flags', 'flags.evaluate': 'evaluate flags' };

/**
 * Turns `scope` / aliases / `userId=me` into a scope path, checking that aliases agree with each other and
 * that the caller may read there. `ownPreferences`: the caller reads only their own preference keys, so
 * without a named scope the chain user → global → default needs no read right at global. `action` is the
 * right needed along the path (flags: `flags.evaluate`).
 */
export async function resolveContext(
  app: App,
  principal: Principal,
  input: ContextInput,
  opts: { ownPreferences?: boolean; action?: Action } = {},
): Promise<ResolvedContext> {
  const named = [input.scope, input.eventId, input.projectId, input.tenantId].filter((s): s is string => !!s);
  if (input.scope && parseUserScope(input.scope) !== null) fail('INVALID_REQUEST', 'Use userId= to address a user; scope names a scope node', 'scope');
  const paths = await Promise.all(named.map((id) => scopePath(app, id)));
  // the most specific named scope is the one with the longest path; every other must lie on it
  const path = paths.reduce<ScopeRef[] | undefined>((best, p) => (!best || p.length > best.length ? p : best), undefined) ?? (await scopePath(app, 'global'));
  const ids = pathIds(path);
  for (const id of named) if (!ids.includes(id)) fail('INVALID_REQUEST', `Scope "${id}" is not on the path of "${ids[0]}"`, 'scope');
  const ownOnly = opts.ownPreferences && named.length === 0;
  const action = opts.action ?? 'settings.read';
  // own preferences only: the policy's "everyone reads their own values" rule decides, not the path
  const allowed = ownOnly ? can(principal, 'settings.read', { userId: principal.userId }) : can(principal, action, { scopePath: ids });
  if (!allowed) fail('INSUFFICIENT_PERMISSIONS', `You may not ${DOING[action] ?? action} at scope "${ids[0]}"`);
  let userId: string | undefined;
  if (input.userId) {
    userId = input.userId === 'me' ? principal.userId : input.userId;
    if (!can(principal, 'settings.read', { userId })) fail('INSUFFICIENT_PERMISSIONS', 'You may read only your own preferences');
  }
  return { path, userId };
}

/**
 * Every scope id whose values and audit entries the caller may see, or null for "all" (platform admins).
 * Includes `global` where the policy lets the caller read it (tenant admins' read-only view) and the
 * caller's own user scope.
 */
export async function readableScopeIds(app: App, principal: Principal): Promise<string[] | null> {
  const roots = reachableRoots(principal);
  if (roots === null) return null;
  const ids = new Set<string>([`user:${principal.userId}`]);
  if (can(principal, 'settings.read', { scopePath: ['global'] })) ids.add('global');
  for (const id of await subtreeIds(app.db, roots)) ids.add(id);
  return [...ids];
}
