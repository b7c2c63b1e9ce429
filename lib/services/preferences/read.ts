import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { TDefinition } from '@/lib/schemas/definition';
import type { App } from './app';
import type { ChangeContext } from './audit';
import { resolveContext, type ContextInput, type ResolvedContext } from './context';
import { getRegistry } from './definitions';
import { fail } from './errors';
import { applyWrites, resolveInternal, resolveMany } from './settings';
import { shown } from './values';

/** A preference is any setting whose allowedLevels include `user` (API.md "Preferences"). */
async function preferenceDefs(app: App): Promise<TDefinition[]> {
  return (await getRegistry(app)).definitions.filter((d) => d.allowedLevels.includes('user'));
}

async function preference(app: App, key: string): Promise<TDefinition> {
  const def = (await getRegistry(app)).byKey.get(key);
  if (!def) return fail('SETTING_NOT_FOUND', `No setting "${key}"`, 'key');
  if (!def.allowedLevels.includes('user')) fail('SCOPE_NOT_ALLOWED', `"${key}" is not a user preference`, 'key');
  return def;
}

const own = (p: Principal) => `user:${p.userId}`;

/** The chain a caller's own preferences resolve along (see resolveContext's ownPreferences). */
async function preferenceContext(app: App, principal: Principal, context: ContextInput): Promise<ResolvedContext> {
  const { path } = await resolveContext(app, principal, { ...context, userId: undefined }, { ownPreferences: true });
  return { path, userId: principal.userId };
}

/** Resolved preferences (defaults included) for the caller, under an optional scope context. */
export async function listPreferences(app: App, principal: Principal, context: ContextInput) {
  const ctx = await preferenceContext(app, principal, context);
  const defs = await preferenceDefs(app);
  const resolved = await resolveMany(app, defs, ctx);
  const preferences: Record<string, unknown> = {};
  const resolvedFrom: Record<string, string> = {};
  for (const d of defs) {
    const r = resolved.get(d.key)!;
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

export async function setPreference(app: App, principal: Principal, key: string, value: unknown, ctx: ChangeContext, ifMatch?: number) {
  const def = await preference(app, key);
  if (value === undefined) fail('INVALID_REQUEST', 'value is required', 'value');
  const outcome = await applyWrites(app, principal, [{ kind: 'set', key, scope: own(principal), value, ifMatch }], {}, ctx);
  const r = outcome.results[0];
  return { key, value: shown(def, r.value), version: r.version };
}

export async function setPreferences(app: App, principal: Principal, values: Record<string, unknown>, ctx: ChangeContext) {
  const keys = Object.keys(values);
  if (keys.length === 0) fail('INVALID_REQUEST', 'preferences must name at least one key', 'preferences');
  for (const key of keys) await preference(app, key);
  const outcome = await applyWrites(app, principal, keys.map((key) => ({ kind: 'set' as const, key, scope: own(principal), value: values[key] })), {}, ctx);
  return { updated: outcome.results.length, versions: Object.fromEntries(outcome.results.map((r) => [r.key, r.version])) };
}

export async function resetPreference(app: App, principal: Principal, key: string, ctx: ChangeContext) {
  const def = await preference(app, key);
  await applyWrites(app, principal, [{ kind: 'revert', key, scope: own(principal) }], {}, ctx);
  return { reverted: true as const, key, defaultValue: shown(def, def.defaultValue) };
}

/** Rows per page of the web app's lists: the caller's `ui.defaultPageSize` preference where the registry defines one. */
export async function preferredPageSize(app: App, principal: Principal, fallback = 25): Promise<number> {
  const def = (await getRegistry(app)).byKey.get('ui.defaultPageSize');
  if (!def?.allowedLevels.includes('user')) return fallback;
  const { value } = await getPreference(app, principal, def.key, {});
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 500 ? value : fallback;
}
