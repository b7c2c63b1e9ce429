import 'server-only';
import { createHash } from 'node:crypto';
import { can, type Principal } from '@/lib/auth/policy';
import { isSecret } from '@/lib/engine/secrecy';
import type { TSdkFlagRow, TSdkSetting, TSdkSnapshot, TSdkSnapshotQuery } from '@/lib/schemas/sdk';
import type { App } from '../kernel/app';
import { cachedTable } from '../flags/table';
import { getRegistry } from '../registry/read';
import { resolveContext } from '../scopes/context';
import { pathIds } from '../scopes/path';
import { resolveMany } from '../settings/resolve';

/** A built snapshot: its body serialized once and its ETag, served as they are until a change drops them. */
export interface SnapshotAnswer {
  body: string;
  etag: string;
}

// one entry per (scope, user, may-evaluate-flags); a service fleet asks for few contexts, so a small bound
const MAX_SNAPSHOTS = 1_000;

interface SnapshotCache {
  entries: Map<string, SnapshotAnswer>;
  generation: number;
}
const caches = new WeakMap<App, SnapshotCache>();

function cacheOf(app: App): SnapshotCache {
  let cache = caches.get(app);
  if (!cache) {
    const c: SnapshotCache = { entries: new Map(), generation: 0 };
    // every kind of change can alter some snapshot (values, definitions, scopes, flags); models do not
    app.caches.onChange((change) => {
      if (change.type === 'models' || change.type === 'principals') return;
      c.entries.clear();
      c.generation++;
    });
    caches.set(app, (cache = c));
  }
  return cache;
}

/**
 * `GET /sdk/snapshot`: the resolved settings (never secrets) of a context, every flag row on its scope path
 * (when the caller may evaluate flags there) and the registry's types. The caller must read settings at the
 * scope (`resolveContext` asks the policy); another user's values need the right to read them.
 */
export async function sdkSnapshot(app: App, principal: Principal, query: TSdkSnapshotQuery): Promise<SnapshotAnswer> {
  const cache = cacheOf(app);
  const ctx = await resolveContext(app, principal, query);
  const ids = pathIds(ctx.path);
  const withFlags = can(principal, 'flags.evaluate', { scopePath: ids });
  const cacheKey = `${ids[0]}\u0000${ctx.userId ?? ''}\u0000${withFlags ? 1 : 0}`;
  const hit = cache.entries.get(cacheKey);
  if (hit) return hit;

  const generation = cache.generation;
  const registry = await getRegistry(app);
  const shown = registry.definitions.filter((d) => !isSecret(d));
  const [resolved, table] = await Promise.all([resolveMany(app, shown, ctx), withFlags ? cachedTable(app) : undefined]);
  const settings: Record<string, TSdkSetting> = {};
  for (const def of shown) {
    const r = resolved.get(def.key);
    if (r) settings[def.key] = { value: r.value, version: r.version, resolvedScopeId: r.resolvedScopeId };
  }
  const flags: TSdkFlagRow[] = [];
  for (const byScope of table?.values() ?? []) {
    for (const id of ids) {
      const row = byScope.get(id);
      if (!row) continue;
      const { key, scopeId, enabled, flagType, rolloutPercentage, enabledForRoles, enabledForUsers, dependsOnFlag, expiresAt, variants, version } = row;
      flags.push({ key, scopeId, enabled, flagType, rolloutPercentage, enabledForRoles, enabledForUsers, dependsOnFlag, expiresAt: expiresAt?.toISOString() ?? null, variants, version });
    }
  }
  const content = { scopePath: ids, userId: ctx.userId ?? null, types: Object.fromEntries(registry.definitions.map((d) => [d.key, d.type])), settings, flags };
  const json = JSON.stringify(content);
  const version = createHash('sha1').update(json).digest('base64url');
  const snapshot: TSdkSnapshot = { version, ...content };
  const answer = { body: JSON.stringify(snapshot), etag: `"${version}"` };
  // a change committed while building makes this snapshot stale: answer it, do not keep it
  if (cache.generation === generation) {
    if (cache.entries.size >= MAX_SNAPSHOTS) cache.entries.clear();
    cache.entries.set(cacheKey, answer);
  }
  return answer;
}
