import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import type { Executor } from '@/lib/db/client';
import { isValidScopeId, validateNewLevel, validateScopePlacement } from '@/lib/engine/hierarchy';
import type { TLevel, TScope } from '@/lib/schemas/registry';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { newId } from '../kernel/ids';
import { inTransaction } from '../kernel/transaction';
import { getLevels, pathIds, refuseAt, scopePath } from './path';
import { toScope } from './read';
import { deleteScopeRow, deleteUsageCounters, insertLevelRow, insertScope, scopeDependants, selectLevels, selectScope } from './store';

export async function createScope(
  app: App,
  principal: Principal,
  input: { id?: string; level: string; parentId: string; name: string },
  ctx: ChangeContext,
): Promise<TScope> {
  const levels = await getLevels(app);
  const level = levels.find((l) => l.key === input.level);
  if (!level) fail('INVALID_REQUEST', `No hierarchy level "${input.level}"`, 'level');
  const parentPath = await scopePath(app, input.parentId).catch((e) => {
    if (e?.code === 'SCOPE_NOT_FOUND') fail('SCOPE_NOT_FOUND', `No parent scope "${input.parentId}"`, 'parentId');
    throw e;
  });
  if (!can(principal, 'scopes.write', { scopePath: pathIds(parentPath) })) {
    refuseAt(principal, pathIds(parentPath), `You may not create scopes under "${input.parentId}"`, { message: `No parent scope "${input.parentId}"`, field: 'parentId' });
  }
  const placement = validateScopePlacement(levels, input.level, parentPath[0].level);
  if (placement.length) fail('INVALID_REQUEST', placement[0].message, 'parentId');
  const id = input.id ?? newId(input.level.slice(0, 3));
  if (id === 'global' || !isValidScopeId(id)) fail('INVALID_REQUEST', `Scope id "${id}" does not match ^[a-z0-9][a-z0-9_-]{0,62}$`, 'id');
  return inTransaction(app, async (tx) => {
    if (await selectScope(tx, id)) fail('CONFLICT', `Scope "${id}" already exists`, 'id');
    const row = await insertScope(tx, { id, level: input.level, parentId: input.parentId, name: input.name });
    await appendAudit(tx, ctx, [{ action: 'scope.create', scopeId: id, level: input.level, newValue: { name: input.name, parentId: input.parentId } }]);
    return toScope(row);
  });
}

export async function deleteScope(app: App, principal: Principal, id: string, ctx: ChangeContext): Promise<{ deleted: true }> {
  if (id === 'global') fail('CONFLICT', 'The global scope cannot be deleted');
  const path = await scopePath(app, id);
  if (!can(principal, 'scopes.write', { scopePath: pathIds(path).slice(1) })) refuseAt(principal, pathIds(path), `You may not delete scope "${id}"`);
  return inTransaction(app, async (tx, changed) => {
    const { children, values, flags, roles, models, modelRestrictions } = await scopeDependants(tx, id);
    if (children > 0) fail('CONFLICT', `Scope "${id}" has ${children} child scope(s); delete them first`);
    if (values > 0) fail('CONFLICT', `Scope "${id}" holds ${values} value(s); revert them first`);
    if (flags > 0) fail('CONFLICT', `Scope "${id}" holds ${flags} feature flag(s); delete them first`);
    // a role bound to a vanished scope would silently grant nothing; make the admin remove it first
    if (roles > 0) fail('CONFLICT', `Scope "${id}" has ${roles} role assignment(s); remove them first`);
    if (models > 0) fail('CONFLICT', `Scope "${id}" overrides ${models} AI model provider(s); revert them first`);
    if (modelRestrictions > 0) fail('CONFLICT', `Scope "${id}" restricts which AI model providers it may use; lift it first (PUT /api/v1/models/access with allowedProviders: null)`);
    const usageCounters = await deleteUsageCounters(tx, id);
    const row = await deleteScopeRow(tx, id);
    const details = usageCounters > 0 ? { usageCountersDeleted: usageCounters } : undefined;
    await appendAudit(tx, ctx, [{ action: 'scope.delete', scopeId: id, level: row.level, oldValue: { name: row.name, parentId: row.parentId }, details }]);
    changed({ type: 'scopes' });
    return { deleted: true as const };
  });
}

export async function registerLevel(
  app: App,
  principal: Principal,
  input: { key: string; label: string; parentKey: string },
  ctx: ChangeContext,
): Promise<TLevel> {
  if (!can(principal, 'hierarchy.write')) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins register hierarchy levels');
  await inTransaction(app, (tx, changed) => insertLevel(tx, input, ctx, changed));
  // answer with the position GET /hierarchy shows (depth below global), not the stored sort key
  const level = (await getLevels(app)).find((l) => l.key === input.key);
  if (!level) fail('INTERNAL', `Level "${input.key}" was registered but cannot be read back`);
  return level;
}

/** Adds a level (used by the API and by catalogs that need one, e.g. `project`). */
export async function insertLevel(
  tx: Executor,
  input: { key: string; label: string; parentKey: string },
  ctx: ChangeContext,
  changed: (c: { type: 'scopes' }) => void,
): Promise<TLevel> {
  const levels = await selectLevels(tx);
  const issues = validateNewLevel(levels, input);
  if (issues.length) fail(issues[0].message.includes('exists') ? 'CONFLICT' : 'INVALID_REQUEST', issues[0].message, issues[0].path ?? 'key');
  // the stored position only orders siblings: a new level comes after the existing ones (built-ins first)
  const position = Math.max(...levels.map((l) => l.position)) + 10;
  await insertLevelRow(tx, { key: input.key, label: input.label, parentKey: input.parentKey, position });
  await appendAudit(tx, ctx, [{ action: 'hierarchy.register', level: input.key, newValue: input }]);
  changed({ type: 'scopes' });
  return { ...input, position };
}
