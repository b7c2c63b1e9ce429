import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { App } from '../kernel/app';
import { shown } from '../kernel/secrecy';
import { getRegistry } from '../registry/read';
import type { ContextInput } from '../scopes/context';
import { resolveInternal, resolveMany } from '../settings/resolve';
import { preference, preferenceContext, preferenceDefs } from './keys';

/** Resolved preferences (defaults included) for the caller, under an optional scope context. */
export async function listPreferences(app: App, principal: Principal, context: ContextInput) {
  const ctx = await preferenceContext(app, principal, context);
  const defs = await preferenceDefs(app);
  const resolved = await resolveMany(app, defs, ctx);
  const preferences: Record<string, unknown> = {};
  const resolvedFrom: Record<string, string> = {};
  for (const d of defs) {
    const r = resolved.get(d.key);
    if (!r) continue;
    preferences[d.key] = shown(d, r.value);
    resolvedFrom[d.key] = r.resolvedFrom;
  }
  return { preferences, resolvedFrom };
}

export async function getPreference(app: App, principal: Principal, key: string, context: ContextInput) {
  const def = await preference(app, key);
  const r = await resolveInternal(app, def, await preferenceContext(app, principal, context));
  return { key, value: shown(def, r.value), default: shown(def, def.defaultValue), resolvedFrom: r.resolvedFrom, version: r.resolvedFrom === 'user' ? r.version : 0 };
}

/** Rows per page of the web app's lists: the caller's `ui.defaultPageSize` preference where the registry defines one. */
export async function preferredPageSize(app: App, principal: Principal, fallback = 25): Promise<number> {
  const def = (await getRegistry(app)).byKey.get('ui.defaultPageSize');
  if (!def?.allowedLevels.includes('user')) return fallback;
  const { value } = await getPreference(app, principal, def.key, {});
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 500 ? value : fallback;
}
