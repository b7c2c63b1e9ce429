import 'server-only';
import { asc, count, eq, max } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { hierarchyLevels, settingCategories, settingDefinitions, settingValues } from '@/lib/db/schema';
import { can, type Principal } from '@/lib/auth/policy';
import { CATALOGS, getCatalog, catalogNames } from '@/lib/catalogs';
import { checkDefinitionRules } from '@/lib/engine/value-schema';
import { unknownRuleNames } from '@/lib/engine/cross-field';
import { conflictingKey } from '@/lib/engine/document';
import { ZCategory, ZDefinition, type TCategory, type TDefinition, type TDefinitionInput } from '@/lib/schemas/definition';
import type { App } from './app';
import { appendAudit, type ChangeContext } from './audit';
import type { Change, Registry } from './cache';
import { inTransaction } from './changes';
import { fail } from './errors';
import { loadCatalogFlags } from './flags';
import { insertLevel } from './scopes';
import { publicDefinition } from './values';

type DefinitionRow = typeof settingDefinitions.$inferSelect;

export function rowToDefinition(r: DefinitionRow): TDefinition {
  const def: TDefinition = {
    key: r.key,
    label: r.label,
    description: r.description,
    category: r.category,
    type: r.type as TDefinition['type'],
    defaultValue: r.defaultValue,
    allowedLevels: r.allowedLevels,
    isSecret: r.isSecret,
    requiresRestart: r.requiresRestart,
    readonly: r.readonly,
    overrideBehavior: r.overrideBehavior as TDefinition['overrideBehavior'],
    source: r.source as TDefinition['source'],
  };
  if (r.group) def.group = r.group;
  if (r.validation) def.validation = r.validation as TDefinition['validation'];
  if (r.ui) def.ui = r.ui as TDefinition['ui'];
  if (r.dependsOn) def.dependsOn = r.dependsOn;
  return def;
}

function definitionToRow(def: TDefinition, position: number) {
  return {
    key: def.key,
    label: def.label,
    description: def.description,
    category: def.category,
    group: def.group ?? null,
    type: def.type,
    defaultValue: def.defaultValue ?? null,
    validation: def.validation ?? null,
    ui: def.ui ?? null,
    allowedLevels: def.allowedLevels,
    isSecret: def.isSecret || def.type === 'secret',
    requiresRestart: def.requiresRestart,
    readonly: def.readonly,
    overrideBehavior: def.overrideBehavior,
    dependsOn: def.dependsOn ?? null,
    source: def.source,
    position,
  };
}

/** The registry, cached until a definition or category changes. */
export async function getRegistry(app: App): Promise<Registry> {
  if (app.caches.registry) return app.caches.registry;
  const [cats, defs] = await Promise.all([
    app.db.select().from(settingCategories).orderBy(asc(settingCategories.position), asc(settingCategories.key)),
    app.db.select().from(settingDefinitions),
  ]);
  const categories = cats.map((c) => ({ key: c.key, label: c.label, description: c.description, security: c.security, position: c.position }));
  const categoryByKey = new Map(categories.map((c) => [c.key, c]));
  const catPos = (k: string) => categoryByKey.get(k)?.position ?? Number.MAX_SAFE_INTEGER;
  defs.sort((a, b) => catPos(a.category) - catPos(b.category) || a.position - b.position || a.key.localeCompare(b.key));
  const definitions = defs.map(rowToDefinition);
  const registry: Registry = { definitions, byKey: new Map(definitions.map((d) => [d.key, d])), categories, categoryByKey };
  app.caches.registry = registry;
  return registry;
}

/** The registry as the API shows it: secrets' defaults masked. */
export async function listDefinitions(app: App, q: { category?: string; limit: number; offset: number }) {
  const all = (await getRegistry(app)).definitions.filter((d) => !q.category || d.category === q.category);
  return { definitions: all.slice(q.offset, q.offset + q.limit).map(publicDefinition), total: all.length };
}

export async function listCategories(app: App) {
  const registry = await getRegistry(app);
  const counts = new Map<string, number>();
  for (const d of registry.definitions) counts.set(d.category, (counts.get(d.category) ?? 0) + 1);
  return {
    categories: registry.categories.map((c) => ({ key: c.key, label: c.label, description: c.description, security: c.security, count: counts.get(c.key) ?? 0 })),
  };
}

export async function getDefinition(app: App, key: string): Promise<TDefinition> {
  const def = (await getRegistry(app)).byKey.get(key);
  if (!def) fail('SETTING_NOT_FOUND', `No setting "${key}"`, 'key');
  return def!;
}

/** Checks a definition against the registry around it: rules, levels, category, references. */
async function checkDefinition(tx: Executor, def: TDefinition, knownKeys: Set<string>) {
  const issues = [...checkDefinitionRules(def), ...unknownRuleNames(def).map((n) => ({ rule: 'rules', message: `Unknown cross-field rule "${n}"`, path: 'validation.rules' }))];
  if (issues.length) fail('INVALID_REQUEST', `Definition ${def.key}: ${issues[0].message}`, issues[0].path ?? 'defaultValue', { issues });
  const levelRows = await tx.select({ key: hierarchyLevels.key }).from(hierarchyLevels);
  const levels = new Set([...levelRows.map((l) => l.key), 'user']);
  const badLevel = def.allowedLevels.find((l) => !levels.has(l));
  if (badLevel) fail('INVALID_REQUEST', `Definition ${def.key}: no hierarchy level "${badLevel}"`, 'allowedLevels');
  // nested documents need every key to be a leaf: "a.b" and "a.b.c" cannot both exist
  const clash = conflictingKey(def.key, [...knownKeys].filter((k) => k !== def.key));
  if (clash) fail('CONFLICT', `Setting "${def.key}" clashes with "${clash}" (one is a prefix of the other)`, 'key');
  const showWhen = def.ui?.showWhen?.settingKey;
  for (const ref of [...(def.dependsOn ?? []), ...(showWhen ? [showWhen] : [])]) {
    if (!knownKeys.has(ref)) fail('INVALID_REQUEST', `Definition ${def.key} refers to unknown setting "${ref}"`, 'dependsOn');
  }
}

async function ensureCategory(tx: Executor, key: string, input?: Partial<TCategory>) {
  const [existing] = await tx.select().from(settingCategories).where(eq(settingCategories.key, key));
  if (existing) {
    if (input) await tx.update(settingCategories).set({ label: input.label ?? existing.label, description: input.description ?? existing.description, security: input.security ?? existing.security }).where(eq(settingCategories.key, key));
    return;
  }
  const [{ top }] = await tx.select({ top: max(settingCategories.position) }).from(settingCategories);
  const label = input?.label ?? key.charAt(0).toUpperCase() + key.slice(1);
  await tx.insert(settingCategories).values({ key, label, description: input?.description ?? '', security: input?.security ?? false, position: (top ?? -1) + 1 });
}

async function nextPosition(tx: Executor, category: string) {
  const [{ top }] = await tx.select({ top: max(settingDefinitions.position) }).from(settingDefinitions).where(eq(settingDefinitions.category, category));
  return (top ?? -1) + 1;
}

function parseDefinition(input: unknown): TDefinition {
  const r = ZDefinition.safeParse(input);
  if (!r.success) {
    const i = r.error.issues[0];
    fail('INVALID_REQUEST', `${i.path.join('.') || 'definition'}: ${i.message}`, i.path.join('.') || undefined);
  }
  // a secret-typed setting is secret whatever the flag says; answer what is stored
  return { ...r.data!, isSecret: r.data!.isSecret || r.data!.type === 'secret' };
}

export async function createDefinition(app: App, principal: Principal, input: TDefinitionInput, ctx: ChangeContext): Promise<TDefinition> {
  if (!can(principal, 'definitions.write')) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins change the registry');
  const def = parseDefinition({ ...input, source: 'ui' });
  return inTransaction(app, async (tx, changed) => {
    const keys = new Set((await tx.select({ key: settingDefinitions.key }).from(settingDefinitions)).map((r) => r.key));
    if (keys.has(def.key)) fail('CONFLICT', `Setting "${def.key}" already exists`, 'key');
    keys.add(def.key);
    await checkDefinition(tx, def, keys);
    await ensureCategory(tx, def.category);
    await tx.insert(settingDefinitions).values(definitionToRow(def, await nextPosition(tx, def.category)));
    await appendAudit(tx, ctx, [{ action: 'definition.create', key: def.key, newValue: def }]);
    changed({ type: 'definitions' });
    return def;
  });
}

export async function updateDefinition(app: App, principal: Principal, key: string, input: TDefinitionInput, ctx: ChangeContext): Promise<TDefinition> {
  if (!can(principal, 'definitions.write')) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins change the registry');
  if (input.key !== undefined && input.key !== key) fail('INVALID_REQUEST', 'The key of a definition cannot change', 'key');
  return inTransaction(app, async (tx, changed) => {
    const [row] = await tx.select().from(settingDefinitions).where(eq(settingDefinitions.key, key));
    if (!row) fail('SETTING_NOT_FOUND', `No setting "${key}"`, 'key');
    const before = rowToDefinition(row);
    if (before.source === 'code') fail('SETTING_READONLY', `"${key}" is defined in code and cannot be edited here`);
    const def = parseDefinition({ ...input, key, source: before.source });
    if (def.type !== before.type) {
      const [{ n }] = await tx.select({ n: count() }).from(settingValues).where(eq(settingValues.key, key));
      if (Number(n) > 0) fail('CONFLICT', `"${key}" has ${n} stored value(s); its type cannot change`, 'type');
    }
    if ((def.isSecret || def.type === 'secret') !== before.isSecret) fail('CONFLICT', 'isSecret cannot change on an existing setting', 'isSecret');
    const keys = new Set((await tx.select({ key: settingDefinitions.key }).from(settingDefinitions)).map((r) => r.key));
    await checkDefinition(tx, def, keys);
    await ensureCategory(tx, def.category);
    const position = def.category === before.category ? row.position : await nextPosition(tx, def.category);
    await tx.update(settingDefinitions).set({ ...definitionToRow(def, position), version: row.version + 1, updatedAt: new Date() }).where(eq(settingDefinitions.key, key));
    await appendAudit(tx, ctx, [{ action: 'definition.update', key, oldValue: before, newValue: def, version: row.version + 1 }]);
    changed({ type: 'definitions' });
    return def;
  });
}

export async function deleteDefinition(app: App, principal: Principal, key: string, ctx: ChangeContext): Promise<{ deleted: true }> {
  if (!can(principal, 'definitions.write')) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins change the registry');
  return inTransaction(app, async (tx, changed) => {
    const [row] = await tx.select().from(settingDefinitions).where(eq(settingDefinitions.key, key));
    if (!row) fail('SETTING_NOT_FOUND', `No setting "${key}"`, 'key');
    if (row.source === 'code') fail('SETTING_READONLY', `"${key}" is defined in code and cannot be deleted`);
    const [{ n }] = await tx.select({ n: count() }).from(settingValues).where(eq(settingValues.key, key));
    if (Number(n) > 0) fail('CONFLICT', `"${key}" still has ${n} stored value(s); revert them first`);
    await tx.delete(settingDefinitions).where(eq(settingDefinitions.key, key));
    await appendAudit(tx, ctx, [{ action: 'definition.delete', key, oldValue: rowToDefinition(row) }]);
    changed({ type: 'definitions' });
    return { deleted: true as const };
  });
}

export { catalogNames };

export function listCatalogs() {
  return { catalogs: Object.values(CATALOGS).map((c) => ({ name: c.name, title: c.title, description: c.description, definitions: c.definitions.length })) };
}

/** Loads an example catalog: its levels, categories, definitions (source `seed`) and flags, all in the caller's transaction. */
export async function loadCatalogInto(
  app: App,
  tx: Executor,
  name: string,
  ctx: ChangeContext,
  changed: (c: Change) => void,
): Promise<{ catalog: string; created: number; updated: number; flags: number }> {
  const catalog = getCatalog(name);
  if (!catalog) return fail('INVALID_REQUEST', `No catalog "${name}"; known: ${catalogNames().join(', ')}`, 'catalog');
  const levelKeys = new Set((await tx.select({ key: hierarchyLevels.key }).from(hierarchyLevels)).map((l) => l.key));
  for (const level of catalog.levels ?? []) {
    if (!levelKeys.has(level.key)) await insertLevel(app, tx, level, { ...ctx, source: 'catalog' }, changed);
  }
  for (const c of catalog.categories) await ensureCategory(tx, c.key, ZCategory.parse(c));
  const existing = new Map((await tx.select().from(settingDefinitions)).map((r) => [r.key, r]));
  const defs = catalog.definitions.map((d) => parseDefinition({ ...d, source: 'seed' }));
  const keys = new Set([...existing.keys(), ...defs.map((d) => d.key)]);
  let created = 0;
  let updated = 0;
  const audit = [];
  for (const [i, def] of defs.entries()) {
    await checkDefinition(tx, def, keys);
    const before = existing.get(def.key);
    if (before?.source === 'code') continue; // code wins over example data
    const row = definitionToRow(def, i);
    if (before) {
      await tx.update(settingDefinitions).set({ ...row, version: before.version + 1, updatedAt: new Date() }).where(eq(settingDefinitions.key, def.key));
      updated++;
    } else {
      await tx.insert(settingDefinitions).values(row);
      created++;
    }
    audit.push({ action: before ? 'definition.update' : 'definition.create', key: def.key, newValue: def, source: 'catalog' as const, details: { catalog: name } });
  }
  await appendAudit(tx, ctx, audit);
  changed({ type: 'definitions' });
  const flags = await loadCatalogFlags(tx, catalog.flags ?? [], name, ctx, changed);
  return { catalog: name, created, updated, flags };
}

export async function loadCatalog(app: App, principal: Principal | null, name: string, ctx: ChangeContext) {
  if (principal && !can(principal, 'definitions.write')) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins load catalogs');
  if (!getCatalog(name)) fail('NOT_FOUND', `No catalog "${name}"; known: ${catalogNames().join(', ')}`);
  return inTransaction(app, (tx, changed) => loadCatalogInto(app, tx, name, ctx, changed));
}
