import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import { isSecret, REDACTED } from '@/lib/engine/secrecy';
import type { TDefinition, TDefinitionInput } from '@/lib/schemas/definition';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { inTransaction } from '../kernel/transaction';
import { checkDefinition, parseDefinition } from './check';
import {
  countValuesOf,
  deleteDefinitionRow,
  insertDefinition,
  nextPosition,
  selectDefinitionKeys,
  selectDefinitionRow,
  updateDefinitionRow,
  upsertCategory,
} from './store';
import { definitionToRow, rowToDefinition } from './rows';

/** A definition as its audit entry records it: a secret's default (only older rows can have one) redacted. */
const audited = (def: TDefinition) => (isSecret(def) && def.defaultValue !== '' && def.defaultValue != null ? { ...def, defaultValue: REDACTED } : def);

function requireRegistryWriter(principal: Principal) {
  if (!can(principal, 'definitions.write')) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins change the registry');
}

export async function createDefinition(app: App, principal: Principal, input: TDefinitionInput, ctx: ChangeContext): Promise<TDefinition> {
  requireRegistryWriter(principal);
  const def = parseDefinition({ ...input, source: 'ui' });
  return inTransaction(app, async (tx, changed) => {
    const keys = await selectDefinitionKeys(tx);
    if (keys.has(def.key)) fail('CONFLICT', `Setting "${def.key}" already exists`, 'key');
    keys.add(def.key);
    await checkDefinition(tx, def, keys);
    await upsertCategory(tx, def.category);
    await insertDefinition(tx, definitionToRow(def, await nextPosition(tx, def.category)));
    await appendAudit(tx, ctx, [{ action: 'definition.create', key: def.key, newValue: audited(def) }]);
    changed({ type: 'definitions' });
    return def;
  });
}

export async function updateDefinition(app: App, principal: Principal, key: string, input: TDefinitionInput, ctx: ChangeContext): Promise<TDefinition> {
  requireRegistryWriter(principal);
  if (input.key !== undefined && input.key !== key) fail('INVALID_REQUEST', 'The key of a definition cannot change', 'key');
  return inTransaction(app, async (tx, changed) => {
    const row = await selectDefinitionRow(tx, key);
    if (!row) fail('SETTING_NOT_FOUND', `No setting "${key}"`, 'key');
    const before = rowToDefinition(row);
    if (before.source === 'code') fail('SETTING_READONLY', `"${key}" is defined in code and cannot be edited here`);
    const def = parseDefinition({ ...input, key, source: before.source });
    if (def.type !== before.type) {
      const n = await countValuesOf(tx, key);
      if (n > 0) fail('CONFLICT', `"${key}" has ${n} stored value(s); its type cannot change`, 'type');
    }
    if (isSecret(def) !== before.isSecret) fail('CONFLICT', 'isSecret cannot change on an existing setting', 'isSecret');
    await checkDefinition(tx, def, await selectDefinitionKeys(tx));
    await upsertCategory(tx, def.category);
    const position = def.category === before.category ? row.position : await nextPosition(tx, def.category);
    await updateDefinitionRow(tx, key, definitionToRow(def, position), row.version + 1);
    await appendAudit(tx, ctx, [{ action: 'definition.update', key, oldValue: audited(before), newValue: audited(def), version: row.version + 1 }]);
    changed({ type: 'definitions' });
    return def;
  });
}

export async function deleteDefinition(app: App, principal: Principal, key: string, ctx: ChangeContext): Promise<{ deleted: true }> {
  requireRegistryWriter(principal);
  return inTransaction(app, async (tx, changed) => {
    const row = await selectDefinitionRow(tx, key);
    if (!row) fail('SETTING_NOT_FOUND', `No setting "${key}"`, 'key');
    if (row.source === 'code') fail('SETTING_READONLY', `"${key}" is defined in code and cannot be deleted`);
    const n = await countValuesOf(tx, key);
    if (n > 0) fail('CONFLICT', `"${key}" still has ${n} stored value(s); revert them first`);
    await deleteDefinitionRow(tx, key);
    await appendAudit(tx, ctx, [{ action: 'definition.delete', key, oldValue: audited(rowToDefinition(row)) }]);
    changed({ type: 'definitions' });
    return { deleted: true as const };
  });
}
