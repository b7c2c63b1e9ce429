import 'server-only';
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '@/lib/db/client';
import { featureFlags, hierarchyLevels, roleAssignments, scopes, settingValues } from '@/lib/db/schema';
import { can, type Action, type Principal } from '@/lib/auth/policy';
import { isValidScopeId, orderLevels, validateNewLevel, validateScopePlacement } from '@/lib/engine/hierarchy';
import type { ScopeRef, StoredValue } from '@/lib/engine/types';
import type { App } from './app';
import { appendAudit, type ChangeContext } from './audit';
import type { Level } from './cache';
import { inTransaction } from './changes';
import { fail } from './errors';
import { newId } from './ids';

export interface Scope {
  id: string;
  level: string;
  parentId: string | null;
  name: string;
  createdAt: string;
}

const toScope = (r: typeof scopes.$inferSelect): Scope => ({ id: r.id, level: r.level, parentId: r.parentId, name: r.name, createdAt: r.createdAt.toISOString() });

export async function getLevels(app: App): Promise<Level[]> {
  if (app.caches.levels) return app.caches.levels;
  const rows = await app.db.select().from(hierarchyLevels).orderBy(asc(hierarchyLevels.position));
  const levels = orderLevels(rows.map((r) => ({ key: r.key, label: r.label, parentKey: r.parentKey, position: r.position })));
  app.caches.levels = levels;
  return levels;
}

/** The scope and its ancestors up to global, most specific first (cached; scopes never move). */
export async function scopePath(app: App, scopeId: string, db: Executor = app.db): Promise<ScopeRef[]> {
  const cached = app.caches.path(scopeId);
  if (cached) return cached;
  if (!isValidScopeId(scopeId)) fail('INVALID_REQUEST', `Scope id "${scopeId}" does not match ^[a-z0-9][a-z0-9_-]{0,62}$`, 'scope');
  const list = rowsOf<{ id: string; level: string }>(await db.execute(sql`
    with recursive up(id, level, parent_id, depth) as (
      select id, level, parent_id, 0 from scopes where id = ${scopeId}
      union all
      select s.id, s.level, s.parent_id, up.depth + 1 from scopes s join up on s.id = up.parent_id where up.depth < 64
    )
    select id, level from up order by depth`));
  if (list.length === 0) fail('SCOPE_NOT_FOUND', `No scope "${scopeId}"`, 'scope');
  const path = list.map((r) => ({ scopeId: r.id, level: r.level }));
  app.caches.setPath(scopeId, path);
  return path;
}

/**
 * A scope's path (cached, as scopePath) together with the values one key has along it (and at a user
 * scope), in one query. Undefined when the scope does not exist: the caller's scopePath says so properly.
 */
export async function loadPathWithValues(app: App, key: string, scopeId: string, userScope?: string) {
  const rows = rowsOf<{ id: string; level: string; depth: number; value: unknown; ciphertext: string | null; locked: boolean | null; version: number | null; skip_to: string | null }>(
    await app.db.execute(sql`
      with recursive up(id, level, parent_id, depth) as (
        select id, level, parent_id, 0 from scopes where id = ${scopeId}
        union all
        select s.id, s.level, s.parent_id, up.depth + 1 from scopes s join up on s.id = up.parent_id where up.depth < 64
      )
      select up.id, up.level, up.depth, v.value, v.ciphertext, v.locked, v.version, v.skip_to
      from up left join setting_values v on v.key = ${key} and v.scope_id = up.id
      union all
      select v.scope_id, 'user', -1, v.value, v.ciphertext, v.locked, v.version, v.skip_to
      from setting_values v where v.key = ${key} and v.scope_id = ${userScope ?? null}
      order by 3`),
  );
  const path = rows.filter((r) => r.depth >= 0).map((r) => ({ scopeId: r.id, level: r.level }));
  if (path.length === 0) return undefined;
  app.caches.setPath(scopeId, path);
  const stored = new Map<string, StoredValue>();
  for (const r of rows) {
    if (r.version === null) continue;
    stored.set(r.id, { value: r.ciphertext ? app.secrets.decrypt(r.ciphertext) : r.value, locked: r.locked === true, version: r.version, skipTo: r.skip_to });
  }
  return { path, stored };
}

export const pathIds = (path: ScopeRef[]) => path.map((p) => p.scopeId);

export async function getScope(app: App, principal: Principal, id: string): Promise<Scope> {
  const path = await scopePath(app, id);
  if (!can(principal, 'scopes.read', { scopePath: pathIds(path) })) fail('INSUFFICIENT_PERMISSIONS', `You may not see scope "${id}"`);
  const [row] = await app.db.select().from(scopes).where(eq(scopes.id, id));
  return toScope(row);
}

export async function listScopes(
  app: App,
  principal: Principal,
  q: { level?: string; parentId?: string; limit: number; offset: number },
): Promise<{ scopes: Scope[]; total: number }> {
  // others see the scopes at or below where they hold a role (and nothing of other tenants)
  const visible = await scopesWhere(app, principal, 'scopes.read');
  const where = and(
    q.level ? eq(scopes.level, q.level) : undefined,
    q.parentId ? eq(scopes.parentId, q.parentId) : undefined,
    visible === null ? undefined : inArray(scopes.id, visible),
  );
  const [rows, [{ n }]] = await Promise.all([
    app.db.select().from(scopes).where(where).orderBy(asc(scopes.level), asc(scopes.name), asc(scopes.id)).limit(q.limit).offset(q.offset),
    app.db.select({ n: count() }).from(scopes).where(where),
  ]);
  return { scopes: rows.map(toScope), total: Number(n) };
}

/** The given scopes and everything below them. */
export async function subtreeIds(db: Executor, roots: string[]): Promise<string[]> {
  if (roots.length === 0) return [];
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      with recursive down(id, depth) as (
        select id, 0 from scopes where id in (${sql.join(roots.map((r) => sql`${r}`), sql`, `)})
        union all
        select s.id, down.depth + 1 from scopes s join down on s.parent_id = down.id where down.depth < 64
      ) select id from down`),
  );
  return [...new Set(rows.map((r) => r.id))];
}

/**
 * Scope ids where the caller may do `action` (the subtrees below their role bindings that grant it),
 * or null for everywhere (a binding at global grants it).
 */
export async function scopesWhere(app: App, principal: Principal, action: Action): Promise<string[] | null> {
  const roots: string[] = [];
  for (const r of principal.roles) {
    const path = await scopePath(app, r.scopeId).catch(() => null); // a binding to a deleted scope grants nothing
    if (path && can(principal, action, { scopePath: pathIds(path) })) roots.push(r.scopeId);
  }
  if (roots.includes('global')) return null;
  return subtreeIds(app.db, roots);
}

export async function createScope(
  app: App,
  principal: Principal,
  input: { id?: string; level: string; parentId: string; name: string },
  ctx: ChangeContext,
): Promise<Scope> {
  const levels = await getLevels(app);
  const level = levels.find((l) => l.key === input.level);
  if (!level) fail('INVALID_REQUEST', `No hierarchy level "${input.level}"`, 'level');
  const parentPath = await scopePath(app, input.parentId).catch((e) => {
    if (e?.code === 'SCOPE_NOT_FOUND') fail('SCOPE_NOT_FOUND', `No parent scope "${input.parentId}"`, 'parentId');
    throw e;
  });
  if (!can(principal, 'scopes.write', { scopePath: pathIds(parentPath) })) fail('INSUFFICIENT_PERMISSIONS', `You may not create scopes under "${input.parentId}"`);
  const placement = validateScopePlacement(levels, input.level, parentPath[0].level);
  if (placement.length) fail('INVALID_REQUEST', placement[0].message, 'parentId');
  const id = input.id ?? newId(input.level.slice(0, 3));
  if (id === 'global' || !isValidScopeId(id)) fail('INVALID_REQUEST', `Scope id "${id}" does not match ^[a-z0-9][a-z0-9_-]{0,62}$`, 'id');
  return inTransaction(app, async (tx) => {
    const [existing] = await tx.select({ id: scopes.id }).from(scopes).where(eq(scopes.id, id));
    if (existing) fail('CONFLICT', `Scope "${id}" already exists`, 'id');
    const [row] = await tx.insert(scopes).values({ id, level: input.level, parentId: input.parentId, name: input.name }).returning();
    await appendAudit(tx, ctx, [{ action: 'scope.create', scopeId: id, level: input.level, newValue: { name: input.name, parentId: input.parentId } }]);
    return toScope(row);
  });
}

export async function deleteScope(app: App, principal: Principal, id: string, ctx: ChangeContext): Promise<{ deleted: true }> {
  if (id === 'global') fail('CONFLICT', 'The global scope cannot be deleted');
  const path = await scopePath(app, id);
  if (!can(principal, 'scopes.write', { scopePath: pathIds(path).slice(1) })) fail('INSUFFICIENT_PERMISSIONS', `You may not delete scope "${id}"`);
  return inTransaction(app, async (tx, changed) => {
    const [{ children }] = await tx.select({ children: count() }).from(scopes).where(eq(scopes.parentId, id));
    if (Number(children) > 0) fail('CONFLICT', `Scope "${id}" has ${children} child scope(s); delete them first`);
    const [{ values }] = await tx.select({ values: count() }).from(settingValues).where(eq(settingValues.scopeId, id));
    if (Number(values) > 0) fail('CONFLICT', `Scope "${id}" holds ${values} value(s); revert them first`);
    const [{ flags }] = await tx.select({ flags: count() }).from(featureFlags).where(eq(featureFlags.scopeId, id));
    if (Number(flags) > 0) fail('CONFLICT', `Scope "${id}" holds ${flags} feature flag(s); delete them first`);
    // a role bound to a vanished scope would silently grant nothing; make the admin remove it first
    const [{ roles }] = await tx.select({ roles: count() }).from(roleAssignments).where(eq(roleAssignments.scopeId, id));
    if (Number(roles) > 0) fail('CONFLICT', `Scope "${id}" has ${roles} role assignment(s); remove them first`);
    const [row] = await tx.delete(scopes).where(eq(scopes.id, id)).returning();
    await appendAudit(tx, ctx, [{ action: 'scope.delete', scopeId: id, level: row.level, oldValue: { name: row.name, parentId: row.parentId } }]);
    changed({ type: 'scopes' });
    return { deleted: true as const };
  });
}

export async function registerLevel(
  app: App,
  principal: Principal,
  input: { key: string; label: string; parentKey: string },
  ctx: ChangeContext,
): Promise<Level> {
  if (!can(principal, 'hierarchy.write')) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins register hierarchy levels');
  await inTransaction(app, (tx, changed) => insertLevel(app, tx, input, ctx, changed));
  // answer with the position GET /hierarchy shows (depth below global), not the stored sort key
  return (await getLevels(app)).find((l) => l.key === input.key)!;
}

/** Adds a level (used by the API and by catalogs that need one, e.g. `project`). */
export async function insertLevel(
  app: App,
  tx: Executor,
  input: { key: string; label: string; parentKey: string },
  ctx: ChangeContext,
  changed: (c: { type: 'scopes' }) => void,
): Promise<Level> {
  const rows = await tx.select().from(hierarchyLevels);
  const levels = rows.map((r) => ({ key: r.key, label: r.label, parentKey: r.parentKey, position: r.position }));
  const issues = validateNewLevel(levels, input);
  if (issues.length) fail(issues[0].message.includes('exists') ? 'CONFLICT' : 'INVALID_REQUEST', issues[0].message, issues[0].path ?? 'key');
  // the stored position only orders siblings: a new level comes after the existing ones (built-ins first)
  const position = Math.max(...levels.map((l) => l.position)) + 10;
  await tx.insert(hierarchyLevels).values({ key: input.key, label: input.label, parentKey: input.parentKey, position });
  await appendAudit(tx, ctx, [{ action: 'hierarchy.register', level: input.key, newValue: input }]);
  changed({ type: 'scopes' });
  return { ...input, position };
}
