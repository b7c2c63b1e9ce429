import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import type { Executor } from '@/lib/db/client';
import { checkCrossFieldRules } from '@/lib/engine/cross-field';
import { parseUserScope } from '@/lib/engine/hierarchy';
import { resolveSetting } from '@/lib/engine/resolve';
import type { ScopeRef, StoredValue } from '@/lib/engine/types';
import { validateValue } from '@/lib/engine/value-schema';
import type { TDefinition } from '@/lib/schemas/definition';
import type { App } from '../kernel/app';
import type { Registry } from '../kernel/cache';
import { fail } from '../kernel/errors';
import { pathIds, scopePath } from '../scopes/path';
import { GLOBAL_PATH } from './resolve';
import { lastAuditedVersion, loadStoredForWrite, loadStoredMany } from './store';
import type { WriteOp, WriteOptions } from './types';

/** Where a write lands: a scope's path, or a user scope (path = global, for locks above it). */
export interface Target {
  path: ScopeRef[];
  level: string;
  userId?: string;
}

/** One write that passed its own checks, waiting for the batch's cross-field rules. */
export interface Accepted {
  op: WriteOp;
  def: TDefinition;
  target: Target;
  current?: StoredValue;
  lastVersion: number;
  value?: unknown;
}

export const targetScopeId = (t: Target) => (t.userId ? `user:${t.userId}` : t.path[0].scopeId);

export async function writeTarget(app: App, scope: string, tx: Executor): Promise<Target> {
  const userId = parseUserScope(scope);
  if (userId !== null) return { path: GLOBAL_PATH, level: 'user', userId };
  const path = await scopePath(app, scope, tx);
  return { path, level: path[0].level };
}

/** The policy's word on one write: the key must exist, the caller must hold `settings.write` there. */
export async function authorizeWrite(app: App, tx: Executor, principal: Principal, registry: Registry, op: WriteOp) {
  const def = registry.byKey.get(op.key);
  if (!def) fail('SETTING_NOT_FOUND', `No setting "${op.key}"`, 'key');
  const target = await writeTarget(app, op.scope, tx);
  const category = registry.categoryByKey.get(def.category);
  if (!can(principal, 'settings.write', { scopePath: target.userId ? undefined : pathIds(target.path), userId: target.userId, securityCategory: category?.security })) {
    fail('INSUFFICIENT_PERMISSIONS', target.userId ? 'You may change only your own preferences' : `You may not change "${op.key}" at scope "${op.scope}"`);
  }
  return { def, target };
}

/** Every rule a single write must pass before anything is stored. Returns the current row and the parsed value. */
export async function checkWrite(app: App, tx: Executor, def: TDefinition, op: WriteOp, target: Target, opts: WriteOptions) {
  if (def.readonly) fail('SETTING_READONLY', `"${def.key}" is read-only`, 'key');
  if (!def.allowedLevels.includes(target.level)) {
    fail('SCOPE_NOT_ALLOWED', `"${def.key}" cannot be set at the ${target.level} level (allowed: ${def.allowedLevels.join(', ')})`, 'scope');
  }
  if (target.level === 'global' && !opts.reason?.trim()) fail('REASON_REQUIRED', 'Changes at the global scope need a reason', 'reason');
  const scopeId = targetScopeId(target);
  const others = target.userId ? pathIds(target.path) : pathIds(target.path).slice(1);
  const stored = await loadStoredForWrite(app, tx, def.key, scopeId, others);
  const current = stored.get(scopeId);
  // versions go on after a revert removed the row, so a version names one state of (key, scope) forever
  const lastVersion = current?.version ?? (await lastAuditedVersion(tx, def.key, scopeId));
  if (op.ifMatch !== undefined && op.ifMatch !== (current?.version ?? 0)) {
    fail('VERSION_CONFLICT', `"${def.key}" at "${scopeId}" is at version ${current?.version ?? 0}, not ${op.ifMatch}`, 'version', { currentVersion: current?.version ?? 0 });
  }
  // a lock at an ancestor (for a user value: anywhere on its context path) refuses the write
  const ancestors = target.userId ? target.path : target.path.slice(1);
  const lock = [...ancestors].reverse().find((p) => stored.get(p.scopeId)?.locked);
  if (lock) fail('SETTING_LOCKED', `"${def.key}" is locked at scope "${lock.scopeId}"`, 'scope', { lockedBy: lock.scopeId });
  if (op.kind === 'revert') {
    if (!current) fail('NOT_FOUND', `Nothing is stored for "${def.key}" at "${scopeId}"`, 'scope');
    return { current, lastVersion };
  }
  if (op.skipTo) {
    if (def.overrideBehavior !== 'allowSkipLevel') fail('INVALID_REQUEST', `"${def.key}" does not allow skipping levels`, 'skipTo');
    if (!target.path.slice(1).some((p) => p.level === op.skipTo)) fail('INVALID_REQUEST', `"${op.skipTo}" is not a level above "${scopeId}"`, 'skipTo');
    return { current, lastVersion, value: null };
  }
  const v = validateValue(def, op.value);
  if (!v.ok) {
    const first = v.issues[0];
    fail('INVALID_SETTING_VALUE', `${def.key}: ${first.message}`, first.path ? `${def.key}${first.path.startsWith('[') ? '' : '.'}${first.path}` : def.key, { issues: v.issues, validationRule: first.rule });
  }
  return { current, lastVersion, value: v.value };
}

/** Keys whose cross-field rules a change of `changedKeys` can break (both sides of each comparison). */
function involvedKeys(withRules: TDefinition[], changedKeys: string[]): Set<string> {
  const involved = new Set<string>();
  for (const d of withRules) {
    for (const rule of d.validation?.rules ?? []) {
      const other = rule.includes(':') ? rule.slice(rule.indexOf(':') + 1) : undefined;
      if (changedKeys.includes(d.key) || (other && changedKeys.includes(other))) {
        involved.add(d.key);
        if (other) involved.add(other);
      }
    }
  }
  return involved;
}

/** Cross-field rules, checked at each written scope with the batch's new values in place. */
export async function checkCrossField(app: App, tx: Executor, defs: TDefinition[], accepted: Accepted[]) {
  const withRules = defs.filter((d) => d.validation?.rules?.length);
  if (withRules.length === 0) return;
  const byScope = new Map<string, Accepted[]>();
  for (const a of accepted) byScope.set(targetScopeId(a.target), [...(byScope.get(targetScopeId(a.target)) ?? []), a]);
  for (const [scopeId, items] of byScope) {
    const changedKeys = items.map((i) => i.def.key);
    const { target } = items[0];
    const involved = involvedKeys(withRules, changedKeys);
    if (involved.size === 0) continue;
    const ids = [...pathIds(target.path), ...(target.userId ? [scopeId] : [])];
    const stored = await loadStoredMany(app, tx, ids, [...involved]);
    const proposed = new Map(items.map((i) => [i.def.key, i]));
    const get = (key: string) => {
      const p = proposed.get(key);
      if (p && p.op.kind === 'set' && !p.op.skipTo) return p.value;
      const def = defs.find((d) => d.key === key);
      if (!def) return undefined;
      const m = new Map(stored.get(key));
      if (p) m.delete(scopeId); // reverted or skipping in this batch
      return resolveSetting(def, target.path, (id) => m.get(id), target.userId ? { userId: target.userId, value: m.get(scopeId) } : undefined).value;
    };
    const issues = checkCrossFieldRules(defs, changedKeys, get);
    if (issues.length) fail('INVALID_SETTING_VALUE', issues[0].message, issues[0].path, { issues, validationRule: issues[0].rule });
  }
}
