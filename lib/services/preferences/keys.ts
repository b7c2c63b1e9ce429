import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { TDefinition } from '@/lib/schemas/definition';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { getRegistry } from '../registry/read';
import { resolveContext, type ContextInput, type ResolvedContext } from '../scopes/context';

/** A preference is any setting whose allowedLevels include `user` (API.md "Preferences"). */
export async function preferenceDefs(app: App): Promise<TDefinition[]> {
  return (await getRegistry(app)).definitions.filter((d) => d.allowedLevels.includes('user'));
}

export async function preference(app: App, key: string): Promise<TDefinition> {
  const def = (await getRegistry(app)).byKey.get(key);
  if (!def) fail('SETTING_NOT_FOUND', `No setting "${key}"`, 'key');
  if (!def.allowedLevels.includes('user')) fail('SCOPE_NOT_ALLOWED', `"${key}" is not a user preference`, 'key');
  return def;
}

export const ownScope = (p: Principal) => `user:${p.userId}`;

/** The chain a caller's own preferences resolve along (resolveContext's ownPreferences asks the policy). */
export async function preferenceContext(app: App, principal: Principal, context: ContextInput): Promise<ResolvedContext> {
  const { path } = await resolveContext(app, principal, { ...context, userId: undefined }, { ownPreferences: true });
  return { path, userId: principal.userId };
}
