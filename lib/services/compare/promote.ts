import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { TPromoteBody } from '@/lib/schemas/compare';
import type { App } from '../kernel/app';
import type { ChangeContext } from '../audit/types';
import { resolveContext } from '../scopes/context';
import { getRegistry } from '../registry/read';
import { fail } from '../kernel/errors';
import { previewOrApply, type BulkAnswer } from '../export-import/apply';
import type { TargetState } from '../export-import/plan';
import { getFlag } from '../flags/read';
import { resolveMany } from '../settings/resolve';

/**
 * `POST /settings/promote`: the values the chosen keys resolve to at `from` become overrides at `to`, and the
 * chosen flags' effective rows at `from` become rows at `to` — the diff / confirm protocol of import.
 */
export async function promote(app: App, principal: Principal, body: TPromoteBody, opts: { confirm: boolean; ifMatch?: string }, change: ChangeContext): Promise<BulkAnswer> {
  if (body.from === body.to) fail('INVALID_REQUEST', '`from` and `to` are the same scope', 'to');
  if (body.keys.length + body.flags.length === 0) fail('INVALID_REQUEST', 'Choose at least one key or flag to promote', 'keys');
  const target = await promotionTarget(app, principal, body);
  return previewOrApply(app, principal, async () => target, { confirm: opts.confirm, ifMatch: opts.ifMatch, reason: body.reason, source: change.source, change });
}

async function promotionTarget(app: App, principal: Principal, body: TPromoteBody): Promise<TargetState> {
  const ctx = await resolveContext(app, principal, { scope: body.from });
  await resolveContext(app, principal, { scope: body.to });
  const registry = await getRegistry(app);
  const unknown = body.keys.find((k) => !registry.byKey.has(k));
  if (unknown) fail('SETTING_NOT_FOUND', `No setting "${unknown}"`, 'keys');
  const defs = body.keys.map((k) => registry.byKey.get(k)!);
  const resolved = await resolveMany(app, defs, ctx);
  const values = defs.map((d) => ({ key: d.key, scope: body.to, value: resolved.get(d.key)!.value, skipTo: null }));
  const flags = [];
  for (const key of body.flags) {
    const f = await getFlag(app, principal, key, { scope: body.from });
    const { enabled, description, flagType, rolloutPercentage, enabledForRoles, enabledForUsers, dependsOnFlag, expiresAt, variants, metadata } = f;
    flags.push({ key, scope: body.to, rule: { enabled, description, flagType, rolloutPercentage, enabledForRoles, enabledForUsers, dependsOnFlag, expiresAt, variants, metadata } });
  }
  return { values, flags, plainSecrets: true };
}
