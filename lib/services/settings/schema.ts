import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import type { Resolution, ScopeRef, StoredValue } from '@/lib/engine/types';
import type { TDefinition } from '@/lib/schemas/definition';
import type { App } from '../kernel/app';
import type { Registry } from '../kernel/cache';
import { fail } from '../kernel/errors';
import { publicDefinition, shown } from '../kernel/secrecy';
import { getRegistry } from '../registry/read';
import { resolveContext, type ContextInput } from '../scopes/context';
import { getLevels, pathIds } from '../scopes/path';
import { resolveMany } from './resolve';
import { loadStoredMany, selectLockedKeys } from './store';

/**
 * What one scope on the path stores for a setting, whether or not resolution got that far: the web app
 * shows every level (the inheritance chain stops at the winner) and writes with the scope's own version.
 */
function valueOnPath(def: TDefinition, p: ScopeRef, e: StoredValue | undefined) {
  return { level: p.level, scopeId: p.scopeId, stored: !!e, value: e ? shown(def, e.value) : null, locked: e?.locked ?? false, version: e?.version ?? 0 };
}

interface PageState {
  principal: Principal;
  path: ScopeRef[];
  resolved: Map<string, Resolution>;
  lockedAbove: Set<string>;
  onPath: Map<string, Map<string, StoredValue>>;
}

/** One setting as the settings page shows it at the scope: its value, where it comes from, whether the caller may override it here. */
function pageSetting(d: TDefinition, security: boolean, s: PageState) {
  const r = s.resolved.get(d.key);
  if (!r) return fail('INTERNAL', `"${d.key}" did not resolve`);
  const allowedHere = d.allowedLevels.includes(s.path[0].level);
  return {
    ...publicDefinition(d),
    currentValue: shown(d, r.value),
    resolvedFrom: r.resolvedFrom,
    resolvedScopeId: r.resolvedScopeId,
    version: r.version,
    canOverride: allowedHere && !d.readonly && !s.lockedAbove.has(d.key) && can(s.principal, 'settings.write', { scopePath: pathIds(s.path), securityCategory: security }),
    valuesOnPath: s.path.map((p) => valueOnPath(d, p, s.onPath.get(d.key)?.get(p.scopeId))),
  };
}

function pageCategory(c: Registry['categories'][number], registry: Registry, s: PageState) {
  const defs = registry.definitions.filter((d) => d.category === c.key);
  const groups = new Map<string, TDefinition[]>();
  for (const d of defs) groups.set(d.group ?? '', [...(groups.get(d.group ?? '') ?? []), d]);
  return {
    key: c.key,
    label: c.label,
    description: c.description,
    security: c.security,
    count: defs.length,
    groups: [...groups].map(([key, gdefs]) => ({ key: key || 'general', label: key ? key : 'General', settings: gdefs.map((d) => pageSetting(d, c.security, s)) })),
  };
}

/** The settings page at one scope (seed 004 §11): every category, group and setting, with the hierarchy levels. */
export async function settingsSchema(app: App, principal: Principal, input: ContextInput) {
  const ctx = await resolveContext(app, principal, input);
  const registry = await getRegistry(app);
  const above = pathIds(ctx.path).slice(1);
  const [resolved, levels, lockedAbove, onPath] = await Promise.all([
    resolveMany(app, registry.definitions, ctx),
    getLevels(app),
    above.length ? selectLockedKeys(app.db, above) : Promise.resolve(new Set<string>()),
    loadStoredMany(app, app.db, pathIds(ctx.path)),
  ]);
  const state: PageState = { principal, path: ctx.path, resolved, lockedAbove, onPath };
  const here = ctx.path[0];
  return {
    scope: { id: here.scopeId, level: here.level },
    categories: registry.categories.map((c) => pageCategory(c, registry, state)),
    hierarchyLevels: [...levels.map((l) => ({ key: l.key, label: l.label, parentKey: l.parentKey, position: l.position })), { key: 'user', label: 'User', parentKey: null, position: 1000 }],
  };
}
