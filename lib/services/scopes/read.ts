import 'server-only';
import { can, type Action, type Principal } from '@/lib/auth/policy';
import type { Executor } from '@/lib/db/client';
import type { TScope } from '@/lib/schemas/registry';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { pathIds, scopePath } from './path';
import { selectScope, selectScopes, selectSubtreeIds, selectTenants, type ScopeRow } from './store';

export const toScope = (r: ScopeRow): TScope => ({ id: r.id, level: r.level, parentId: r.parentId, name: r.name, createdAt: r.createdAt.toISOString() });

export async function getScope(app: App, principal: Principal, id: string): Promise<TScope> {
  const path = await scopePath(app, id);
  if (!can(principal, 'scopes.read', { scopePath: pathIds(path) })) fail('INSUFFICIENT_PERMISSIONS', `You may not see scope "${id}"`);
  const row = await selectScope(app.db, id);
  if (!row) fail('SCOPE_NOT_FOUND', `No scope "${id}"`, 'scope');
  return toScope(row);
}

export async function listScopes(
  app: App,
  principal: Principal,
  q: { level?: string; parentId?: string; limit: number; offset: number },
): Promise<{ scopes: TScope[]; total: number }> {
  // others see the scopes at or below where they hold a role (and nothing of other tenants)
  const visible = await scopesWhere(app, principal, 'scopes.read');
  const { rows, total } = await selectScopes(app.db, { ...q, within: visible });
  return { scopes: rows.map(toScope), total };
}

/** The given scopes and everything below them. */
export async function subtreeIds(db: Executor, roots: string[]): Promise<string[]> {
  if (roots.length === 0) return [];
  return [...new Set(await selectSubtreeIds(db, roots))];
}

/**
 * Scope ids where the caller may do `action` (the subtrees below their role bindings that grant it),
 * or null for everywhere (a binding at global grants it).
 */
export async function scopesWhere(app: App, principal: Principal, action: Action): Promise<string[] | null> {
  const roots: string[] = [];
  for (const r of principal.roles) {
    const path = await scopePath(app, r.scopeId).catch(() => null); // a binding to a deleted scope grants nothing
    if (path && can(principal, action, { scopePath: pathIds(path) })) roots.push(r.scopeId);
  }
  if (roots.includes('global')) return null;
  return subtreeIds(app.db, roots);
}

/** Every tenant by name (the flag matrix's columns; the caller filters by what it may read). */
export const listTenants = (app: App) => selectTenants(app.db);
