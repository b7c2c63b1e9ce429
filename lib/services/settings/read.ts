import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import { isValidScopeId } from '@/lib/engine/hierarchy';
import { isSecret } from '@/lib/engine/secrecy';
import type { Resolution } from '@/lib/engine/types';
import { validateValue } from '@/lib/engine/value-schema';
import type { TResolveAnswer } from '@/lib/schemas/api';
import type { TDefinition } from '@/lib/schemas/definition';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { publicDefinition, shown } from '../kernel/secrecy';
import { getDefinition, getRegistry } from '../registry/read';
import { resolveContext, type ContextInput } from '../scopes/context';
import { loadPathWithValues } from '../scopes/path';
import { scopesWhere } from '../scopes/read';
import { resolveAt, resolveEach, resolveInternal, resolveOne } from './resolve';

function answer(def: TDefinition, r: Resolution): TResolveAnswer {
  return {
    key: def.key,
    value: shown(def, r.value),
    type: def.type,
    resolvedFrom: r.resolvedFrom,
    resolvedScopeId: r.resolvedScopeId,
    inheritanceChain: r.inheritanceChain.map((l) => ({ ...l, value: shown(def, l.value) })),
    version: r.version,
  };
}

export async function resolveKey(app: App, principal: Principal, key: string, input: ContextInput & { at?: Date }): Promise<TResolveAnswer> {
  const def = await getDefinition(app, key);
  const ownPreferences = def.allowedLevels.includes('user') && (input.userId === 'me' || input.userId === principal.userId);
  // A scope seen for the first time: its path and the key's values come in one query (a cache miss
  // then costs one round trip, not two). Authorization below still runs before anything is answered.
  const named = input.scope ?? input.eventId ?? input.projectId ?? input.tenantId ?? 'global';
  const userId = input.userId === 'me' ? principal.userId : input.userId;
  const preloaded =
    !input.at && !app.caches.path(named) && isValidScopeId(named)
      ? await loadPathWithValues(app, def.key, named, def.allowedLevels.includes('user') && userId ? `user:${userId}` : undefined)
      : undefined;
  const ctx = await resolveContext(app, principal, input, { ownPreferences });
  if (input.at) return answer(def, await resolveAt(app, def, ctx, input.at));
  return answer(def, await resolveInternal(app, def, ctx, preloaded?.path[0].scopeId === ctx.path[0].scopeId ? preloaded.stored : undefined));
}

export async function listSettings(app: App, principal: Principal, q: ContextInput & { category?: string; q?: string; limit: number; offset: number }) {
  const ctx = await resolveContext(app, principal, q);
  const registry = await getRegistry(app);
  const needle = q.q?.toLowerCase();
  const matching = registry.definitions.filter(
    (d) =>
      (!q.category || d.category === q.category) &&
      (!needle || d.key.toLowerCase().includes(needle) || d.label.toLowerCase().includes(needle) || d.description.toLowerCase().includes(needle)),
  );
  const page = matching.slice(q.offset, q.offset + q.limit);
  // the value stored at the scope itself comes with each (cached) resolution: a warm page needs no query
  const resolved = await resolveEach(app, page, ctx);
  const settings = page.map((def) => {
    const found = resolved.get(def.key);
    if (!found) return fail('INTERNAL', `"${def.key}" did not resolve`);
    const { resolution: r, own } = found;
    return {
      key: def.key,
      label: def.label,
      description: def.description,
      category: def.category,
      group: def.group ?? null,
      type: def.type,
      value: own ? shown(def, own.value) : null,
      isOverridden: !!own,
      locked: own?.locked ?? false,
      resolvedValue: shown(def, r.value),
      resolvedFrom: r.resolvedFrom,
      version: own?.version ?? 0,
      requiresRestart: def.requiresRestart,
      isSecret: isSecret(def),
      readonly: def.readonly,
    };
  });
  return { settings, total: matching.length };
}

export async function getSetting(app: App, principal: Principal, key: string, input: ContextInput) {
  const def = await getDefinition(app, key);
  const ctx = await resolveContext(app, principal, input);
  const { resolution: r, own } = await resolveOne(app, def, ctx);
  return {
    setting: publicDefinition(def),
    scope: ctx.path[0].scopeId,
    value: own ? shown(def, own.value) : null,
    locked: own?.locked ?? false,
    resolvedValue: shown(def, r.value),
    resolvedFrom: r.resolvedFrom,
    resolvedScopeId: r.resolvedScopeId,
    version: own?.version ?? 0,
  };
}

/** Whoever may write the key somewhere (their own preference, or a scope in their reach) may check a value for it. */
async function mayWriteSomewhere(app: App, principal: Principal, def: TDefinition): Promise<boolean> {
  if (def.allowedLevels.includes('user') && can(principal, 'settings.write', { userId: principal.userId })) return true;
  const where = await scopesWhere(app, principal, 'settings.write');
  return where === null || where.length > 0;
}

export async function validateSetting(app: App, principal: Principal, input: { key: string; value: unknown }) {
  const def = await getDefinition(app, input.key);
  if (!(await mayWriteSomewhere(app, principal, def))) fail('INSUFFICIENT_PERMISSIONS', `You may not change "${def.key}" anywhere`);
  const v = validateValue(def, input.value);
  if (v.ok) return { valid: true, parsedValue: shown(def, v.value) };
  return { valid: false, errors: v.issues.map((i) => ({ ...i, path: i.path ? `${def.key}.${i.path}` : def.key })), validationRule: v.issues[0].rule };
}
