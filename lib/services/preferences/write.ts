import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { ChangeContext } from '../audit/types';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { shown } from '../kernel/secrecy';
import { applyWrites } from '../settings/write';
import { ownScope, preference } from './keys';

/** The caller's own values only; the settings write path asks the policy (own preferences rule). */
export async function setPreference(app: App, principal: Principal, key: string, value: unknown, ctx: ChangeContext, ifMatch?: number) {
  const def = await preference(app, key);
  if (value === undefined) fail('INVALID_REQUEST', 'value is required', 'value');
  const outcome = await applyWrites(app, principal, [{ kind: 'set', key, scope: ownScope(principal), value, ifMatch }], {}, ctx);
  const r = outcome.results[0];
  return { key, value: shown(def, r.value), version: r.version };
}

export async function setPreferences(app: App, principal: Principal, values: Record<string, unknown>, ctx: ChangeContext) {
  const keys = Object.keys(values);
  if (keys.length === 0) fail('INVALID_REQUEST', 'preferences must name at least one key', 'preferences');
  for (const key of keys) await preference(app, key);
  const outcome = await applyWrites(app, principal, keys.map((key) => ({ kind: 'set' as const, key, scope: ownScope(principal), value: values[key] })), {}, ctx);
  return { updated: outcome.results.length, versions: Object.fromEntries(outcome.results.map((r) => [r.key, r.version])) };
}

export async function resetPreference(app: App, principal: Principal, key: string, ctx: ChangeContext) {
  const def = await preference(app, key);
  await applyWrites(app, principal, [{ kind: 'revert', key, scope: ownScope(principal) }], {}, ctx);
  return { reverted: true as const, key, defaultValue: shown(def, def.defaultValue) };
}
