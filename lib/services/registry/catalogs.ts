import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import type { Executor } from '@/lib/db/client';
import { CATALOGS, getCatalog, catalogNames } from '@/lib/catalogs';
import { ZCategory } from '@/lib/schemas/definition';
import { appendAudit } from '../audit/append';
import type { AuditInput, ChangeContext } from '../audit/types';
import { loadCatalogFlags } from '../flags/catalog';
import type { App } from '../kernel/app';
import type { Change } from '../kernel/cache';
import { fail } from '../kernel/errors';
import { inTransaction } from '../kernel/transaction';
import { insertLevel } from '../scopes/write';
import { checkDefinition, parseDefinition } from './check';
import { definitionToRow } from './rows';
import { insertDefinition, selectDefinitionRows, selectLevelKeys, updateDefinitionRow, upsertCategory } from './store';

export function listCatalogs() {
  return { catalogs: Object.values(CATALOGS).map((c) => ({ name: c.name, title: c.title, description: c.description, definitions: c.definitions.length })) };
}

/** The one answer to an unknown catalog name, wherever it is named (path or body). */
function knownCatalog(name: string) {
  const catalog = getCatalog(name);
  if (!catalog) fail('NOT_FOUND', `No catalog "${name}"; known: ${catalogNames().join(', ')}`, 'catalog');
  return catalog;
}

/**
 * Loads an example catalog: its levels, categories, definitions (source `seed`) and flags, all in the
 * caller's transaction. The policy decides who may (`catalogs.load`: platform admins, the operator's CLI).
 */
export async function loadCatalogInto(
  principal: Principal,
  tx: Executor,
  name: string,
  ctx: ChangeContext,
  changed: (c: Change) => void,
): Promise<{ catalog: string; created: number; updated: number; flags: number }> {
  if (!can(principal, 'catalogs.load')) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins load catalogs');
  const catalog = knownCatalog(name);
  const levelKeys = await selectLevelKeys(tx);
  for (const level of catalog.levels ?? []) {
    if (!levelKeys.has(level.key)) await insertLevel(tx, level, { ...ctx, source: 'catalog' }, changed);
  }
  for (const [i, c] of catalog.categories.entries()) await upsertCategory(tx, c.key, ZCategory.parse(c), i);
  const { created, updated } = await loadDefinitions(tx, name, catalog.definitions, ctx);
  changed({ type: 'definitions' });
  const flags = await loadCatalogFlags(tx, catalog.flags ?? [], name, ctx, changed);
  return { catalog: name, created, updated, flags };
}

/** A catalog's definitions: created or updated (never over a `code` one), with one audit entry each. */
async function loadDefinitions(tx: Executor, name: string, input: unknown[], ctx: ChangeContext) {
  const existing = new Map((await selectDefinitionRows(tx)).map((r) => [r.key, r]));
  const defs = input.map((d) => parseDefinition({ ...(d as object), source: 'seed' }));
  const keys = new Set([...existing.keys(), ...defs.map((d) => d.key)]);
  let created = 0;
  let updated = 0;
  const audit: AuditInput[] = [];
  for (const [i, def] of defs.entries()) {
    await checkDefinition(tx, def, keys);
    const before = existing.get(def.key);
    if (before?.source === 'code') continue; // code wins over example data
    const row = definitionToRow(def, i);
    if (before) {
      await updateDefinitionRow(tx, def.key, row, before.version + 1);
      updated++;
    } else {
      await insertDefinition(tx, row);
      created++;
    }
    audit.push({ action: before ? 'definition.update' : 'definition.create', key: def.key, newValue: def, source: 'catalog', details: { catalog: name } });
  }
  await appendAudit(tx, ctx, audit);
  return { created, updated };
}

export async function loadCatalog(app: App, principal: Principal, name: string, ctx: ChangeContext) {
  if (!can(principal, 'catalogs.load')) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins load catalogs');
  knownCatalog(name);
  return inTransaction(app, (tx, changed) => loadCatalogInto(principal, tx, name, ctx, changed));
}
