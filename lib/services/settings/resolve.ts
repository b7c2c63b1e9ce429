import 'server-only';
import { isSecret, MASK } from '@/lib/engine/secrecy';
import { resolveSetting } from '@/lib/engine/resolve';
import type { Resolution, ScopeRef, StoredValue } from '@/lib/engine/types';
import type { TDefinition } from '@/lib/schemas/definition';
import type { App } from '../kernel/app';
import type { ResolvedContext } from '../scopes/context';
import { pathIds } from '../scopes/path';
import { loadStored, loadStoredMany, selectValueChangesAsOf } from './store';

export const GLOBAL_PATH: ScopeRef[] = [{ scopeId: 'global', level: 'global' }];

/** The user whose values count for `def` (only keys a user may set have user values). */
const userFor = (def: TDefinition, ctx: ResolvedContext) => (def.allowedLevels.includes('user') ? ctx.userId : undefined);
const cacheKeyOf = (ctx: ResolvedContext, userId: string | undefined) => (userId ? `${ctx.path[0].scopeId}\u0000${userId}` : ctx.path[0].scopeId);

function resolveFrom(def: TDefinition, path: ScopeRef[], userId: string | undefined, get: (scopeId: string) => StoredValue | undefined): Resolution {
  return resolveSetting(def, path, get, userId ? { userId, value: get(`user:${userId}`) } : undefined);
}

/** What the cache keeps per (key, scope, user): the resolution, and the value stored at the scope itself (lists show it). */
export interface Resolved {
  resolution: Resolution;
  own: StoredValue | undefined;
}

function resolvedFrom(def: TDefinition, ctx: ResolvedContext, userId: string | undefined, get: (scopeId: string) => StoredValue | undefined): Resolved {
  return { resolution: resolveFrom(def, ctx.path, userId, get), own: get(ctx.path[0].scopeId) };
}

/** Resolves one key for a context, through the in-process cache. The value is NOT masked (the caller authorizes and masks). */
export async function resolveInternal(app: App, def: TDefinition, ctx: ResolvedContext, preloaded?: Map<string, StoredValue>): Promise<Resolution> {
  return (await resolveOne(app, def, ctx, preloaded)).resolution;
}

/** resolveInternal with the value stored at the context's own scope. */
export async function resolveOne(app: App, def: TDefinition, ctx: ResolvedContext, preloaded?: Map<string, StoredValue>): Promise<Resolved> {
  const userId = userFor(def, ctx);
  const cacheKey = cacheKeyOf(ctx, userId);
  const hit = app.caches.getResolved<Resolved>(def.key, cacheKey);
  if (hit) return hit;
  const generation = app.caches.generation(def.key);
  const scopeIds = pathIds(ctx.path);
  if (userId) scopeIds.push(`user:${userId}`);
  const stored = preloaded ?? (await loadStored(app, app.db, def.key, scopeIds));
  const resolved = resolvedFrom(def, ctx, userId, (id) => stored.get(id));
  app.caches.setResolved(def.key, cacheKey, generation, resolved);
  return resolved;
}

/** Resolves many keys for one context with one query for whatever is not cached (SDK getMany, lists, documents). */
export async function resolveMany(app: App, defs: TDefinition[], ctx: ResolvedContext): Promise<Map<string, Resolution>> {
  const out = new Map<string, Resolution>();
  for (const [key, r] of await resolveEach(app, defs, ctx)) out.set(key, r.resolution);
  return out;
}

/** resolveMany with the values stored at the context's own scope. */
export async function resolveEach(app: App, defs: TDefinition[], ctx: ResolvedContext): Promise<Map<string, Resolved>> {
  const out = new Map<string, Resolved>();
  const missing: TDefinition[] = [];
  const gens = new Map<string, number>();
  for (const def of defs) {
    const hit = app.caches.getResolved<Resolved>(def.key, cacheKeyOf(ctx, userFor(def, ctx)));
    if (hit) out.set(def.key, hit);
    else {
      missing.push(def);
      gens.set(def.key, app.caches.generation(def.key));
    }
  }
  if (missing.length === 0) return out;
  const scopeIds = pathIds(ctx.path);
  if (ctx.userId) scopeIds.push(`user:${ctx.userId}`);
  const stored = await loadStoredMany(app, app.db, scopeIds, missing.length < 200 ? missing.map((d) => d.key) : undefined);
  for (const def of missing) {
    const m = stored.get(def.key);
    const userId = userFor(def, ctx);
    const r = resolvedFrom(def, ctx, userId, (id) => m?.get(id));
    app.caches.setResolved(def.key, cacheKeyOf(ctx, userId), gens.get(def.key) ?? -1, r);
    out.set(def.key, r);
  }
  return out;
}

/** Resolution as of a past moment, rebuilt from the audit history of each scope on the path. */
export async function resolveAt(app: App, def: TDefinition, ctx: ResolvedContext, at: Date): Promise<Resolution> {
  const userId = userFor(def, ctx);
  const scopeIds = pathIds(ctx.path);
  if (userId) scopeIds.push(`user:${userId}`);
  const stored = new Map<string, StoredValue>();
  for (const r of await selectValueChangesAsOf(app.db, def.key, scopeIds, at)) {
    if (r.action !== 'setting.set' || !r.scopeId) continue;
    const d = (r.details ?? {}) as { locked?: boolean; skipTo?: string };
    stored.set(r.scopeId, {
      // stored as a secret: decrypted only while the key is secret (the caller masks it); never shown otherwise
      value: r.newCiphertext ? (isSecret(def) ? app.secrets.decrypt(r.newCiphertext) : MASK) : r.newValue,
      locked: d.locked === true,
      version: r.version ?? 1,
      skipTo: d.skipTo ?? null,
    });
  }
  return resolveFrom(def, ctx.path, userId, (id) => stored.get(id));
}

/** Keys with a value stored at one scope (the caller authorizes). */
export async function storedKeysAt(app: App, scopeId: string): Promise<Set<string>> {
  return new Set((await loadStoredMany(app, app.db, [scopeId])).keys());
}
