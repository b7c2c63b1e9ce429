import 'server-only';
import type { Executor } from '@/lib/db/client';
import { isValidScopeId, orderLevels } from '@/lib/engine/hierarchy';
import type { ScopeRef, StoredValue } from '@/lib/engine/types';
import type { TLevel } from '@/lib/schemas/registry';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { selectLevels, selectPath, selectPathWithValues } from './store';

export async function getLevels(app: App): Promise<TLevel[]> {
  if (app.caches.levels) return app.caches.levels;
  const levels = orderLevels(await selectLevels(app.db));
  app.caches.levels = levels;
  return levels;
}

/** The scope and its ancestors up to global, most specific first (cached; scopes never move). */
export async function scopePath(app: App, scopeId: string, db: Executor = app.db): Promise<ScopeRef[]> {
  const cached = app.caches.path(scopeId);
  if (cached) return cached;
  if (!isValidScopeId(scopeId)) fail('INVALID_REQUEST', `Scope id "${scopeId}" does not match ^[a-z0-9][a-z0-9_-]{0,62}$`, 'scope');
  const list = await selectPath(db, scopeId);
  if (list.length === 0) fail('SCOPE_NOT_FOUND', `No scope "${scopeId}"`, 'scope');
  const path = list.map((r) => ({ scopeId: r.id, level: r.level }));
  app.caches.setPath(scopeId, path);
  return path;
}

/**
 * A scope's path (cached, as scopePath) together with the values one key has along it (and at a user
 * scope), in one query. Undefined when the scope does not exist: the caller's scopePath says so properly.
 */
export async function loadPathWithValues(app: App, key: string, scopeId: string, userScope?: string) {
  const rows = await selectPathWithValues(app.db, key, scopeId, userScope);
  const path = rows.filter((r) => r.depth >= 0).map((r) => ({ scopeId: r.id, level: r.level }));
  if (path.length === 0) return undefined;
  app.caches.setPath(scopeId, path);
  const stored = new Map<string, StoredValue>();
  for (const r of rows) {
    if (r.version === null) continue;
    stored.set(r.id, { value: r.ciphertext ? app.secrets.decrypt(r.ciphertext) : r.value, locked: r.locked === true, version: r.version, skipTo: r.skip_to });
  }
  return { path, stored };
}

export const pathIds = (path: ScopeRef[]) => path.map((p) => p.scopeId);
