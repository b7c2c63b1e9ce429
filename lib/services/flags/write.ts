import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import type { Executor } from '@/lib/db/client';
import { effectiveRule } from '@/lib/engine/flags';
import type { TCreateFlag, TFlag, TUpdateFlag } from '@/lib/schemas/flags';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import type { App } from '../kernel/app';
import type { Change } from '../kernel/cache';
import { fail } from '../kernel/errors';
import { inTransaction } from '../kernel/transaction';
import { pathIds, scopePath } from '../scopes/path';
import { auditedFlag, checkRule, checkVersion, RULE_DEFAULTS, ruleChanges, ruleOf, toFlag, type RuleFields } from './rules';
import { deleteFlagRow, insertFlag, loadTable, lockFlagWrites, updateFlagRow, type FlagTable } from './store';

/** The scope path of a write, after the policy said the caller may change flags there. */
async function writablePath(app: App, principal: Principal, scope: string) {
  const path = await scopePath(app, scope);
  if (!can(principal, 'flags.write', { scopePath: pathIds(path) })) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins change feature flags (seed 003 §10.4)');
  return path;
}

/** Runs a flag write in one transaction with the flag table loaded under the write lock. */
function flagWrite<T>(app: App, work: (tx: Executor, table: FlagTable, changed: (c: Change) => void) => Promise<T>): Promise<T> {
  return inTransaction(app, async (tx, changed) => {
    await lockFlagWrites(tx);
    return work(tx, await loadTable(tx), changed);
  });
}

export async function createFlag(app: App, principal: Principal, input: TCreateFlag, ctx: ChangeContext): Promise<TFlag> {
  const path = await writablePath(app, principal, input.scope);
  const rule: RuleFields = { ...RULE_DEFAULTS, ...ruleChanges(input) };
  return flagWrite(app, async (tx, table, changed) => {
    if (table.get(input.key)?.has(input.scope)) fail('CONFLICT', `Flag "${input.key}" already exists at "${input.scope}"; change it with PUT /flags/${input.key}`, 'key');
    checkRule(input.key, rule, table);
    const row = await insertFlag(tx, { key: input.key, scopeId: input.scope, ...rule, updatedBy: principal.userId });
    await appendAudit(tx, ctx, [{ action: 'flag.create', key: input.key, scopeId: input.scope, level: path[0].level, newValue: auditedFlag(row), reason: input.reason ?? null, version: 1 }]);
    changed({ type: 'flag', key: input.key, scopeId: input.scope, version: 1, by: ctx.actor.name ?? undefined });
    return toFlag(row);
  });
}

/** Changes the row at `scope`; where there is none yet, creates an override starting from the inherited flag. */
export async function updateFlag(app: App, principal: Principal, key: string, input: TUpdateFlag & { ifMatch?: number }, ctx: ChangeContext): Promise<TFlag> {
  const path = await writablePath(app, principal, input.scope);
  return flagWrite(app, async (tx, table, changed) => {
    const rows = table.get(key);
    const own = rows?.get(input.scope);
    const base = own ?? effectiveRule(rows, pathIds(path));
    if (!base) fail('FLAG_NOT_FOUND', `No flag "${key}" at or above scope "${input.scope}"`, 'key');
    checkVersion(key, input.scope, own?.version ?? 0, input.ifMatch);
    const rule: RuleFields = { ...ruleOf(base), ...ruleChanges(input) };
    checkRule(key, rule, table);
    const version = (own?.version ?? 0) + 1;
    const values = { ...rule, version, updatedAt: new Date(), updatedBy: principal.userId };
    const row = own ? await updateFlagRow(tx, key, input.scope, values) : await insertFlag(tx, { key, scopeId: input.scope, ...values });
    await appendAudit(tx, ctx, [
      {
        action: own ? 'flag.update' : 'flag.create',
        key,
        scopeId: input.scope,
        level: path[0].level,
        oldValue: own ? auditedFlag(own) : null,
        newValue: auditedFlag(row),
        reason: input.reason ?? null,
        version,
        details: own ? null : { overrideOf: base.scopeId },
      },
    ]);
    changed({ type: 'flag', key, scopeId: input.scope, version, by: ctx.actor.name ?? undefined });
    return toFlag(row);
  });
}

/** Flags (key@scope) that depend on `key`. */
const dependantsOf = (table: FlagTable, key: string) =>
  [...table.values()].flatMap((byScope) => [...byScope.values()].filter((r) => r.dependsOnFlag === key).map((r) => `${r.key}@${r.scopeId}`));

/** Deletes the row at `scope`, only once it is disabled (seed 003 §4.2), and not while others depend on the key. */
export async function deleteFlag(app: App, principal: Principal, key: string, input: { scope: string; reason?: string; ifMatch?: number }, ctx: ChangeContext) {
  const path = await writablePath(app, principal, input.scope);
  return flagWrite(app, async (tx, table, changed) => {
    const rows = table.get(key);
    const own = rows?.get(input.scope);
    if (!rows || !own) fail('FLAG_NOT_FOUND', `No flag "${key}" at scope "${input.scope}"`, 'key');
    checkVersion(key, input.scope, own.version, input.ifMatch);
    if (own.enabled) fail('FLAG_ENABLED', `Flag "${key}" at "${input.scope}" is enabled; disable it before deleting it`, 'enabled');
    const dependants = rows.size === 1 ? dependantsOf(table, key) : [];
    if (dependants.length) fail('CONFLICT', `Flags depend on "${key}": ${dependants.join(', ')}`, 'key', { dependants });
    await deleteFlagRow(tx, key, input.scope);
    await appendAudit(tx, ctx, [{ action: 'flag.delete', key, scopeId: input.scope, level: path[0].level, oldValue: auditedFlag(own), reason: input.reason ?? null, version: own.version + 1 }]);
    changed({ type: 'flag', key, scopeId: input.scope, version: own.version + 1, by: ctx.actor.name ?? undefined });
    return { deleted: true as const, key, scope: input.scope };
  });
}
