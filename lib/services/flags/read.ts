import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import { effectiveRule } from '@/lib/engine/flags';
import type { TFlagMatrix } from '@/lib/schemas/flags';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { resolveContext, type ContextInput } from '../scopes/context';
import { pathIds, scopePath } from '../scopes/path';
import { listTenants, scopesWhere } from '../scopes/read';
import { toFlag } from './rules';
import { countFlagKeys, loadTable, selectFlagRows, type FlagRow } from './store';

/** The flag effective at a scope for every key (its own row or the nearest ancestor's), paged. */
export async function listFlags(app: App, principal: Principal, q: ContextInput & { limit: number; offset: number }) {
  const { path } = await resolveContext(app, principal, q, { action: 'flags.read' });
  const ids = pathIds(path);
  const table = await loadTable(app.db);
  const effective = [...table.keys()].sort().flatMap((key) => {
    const row = effectiveRule(table.get(key), ids);
    return row ? [{ ...toFlag(row), inherited: row.scopeId !== ids[0] }] : [];
  });
  return { flags: effective.slice(q.offset, q.offset + q.limit), total: effective.length };
}

export async function getFlag(app: App, principal: Principal, key: string, q: ContextInput) {
  const { path } = await resolveContext(app, principal, q, { action: 'flags.read' });
  const ids = pathIds(path);
  const rows = await selectFlagRows(app.db, key);
  const row = effectiveRule(new Map(rows.map((r) => [r.scopeId, r])), ids);
  if (!row) fail('FLAG_NOT_FOUND', `No flag "${key}" at or above scope "${ids[0]}"`, 'key');
  return { ...toFlag(row), inherited: row.scopeId !== ids[0] };
}

/** One matrix row: the flag's effective state in every column, described by its global row (or the first visible one). */
function matrixRow(key: string, rows: Map<string, FlagRow>, columns: { id: string }[], paths: string[][], seen: (scopeId: string) => boolean) {
  const cells: Record<string, { enabled: boolean; inherited: boolean }> = {};
  columns.forEach((c, i) => {
    const row = effectiveRule(rows, paths[i]);
    cells[c.id] = { enabled: row?.enabled ?? false, inherited: row?.scopeId !== c.id };
  });
  const visible = [...rows.values()].filter((r) => seen(r.scopeId));
  const main = rows.get('global') ?? visible[0];
  const evaluated = visible.flatMap((r) => (r.lastEvaluatedAt ? [r.lastEvaluatedAt.getTime()] : []));
  return {
    key,
    description: main.description,
    flagType: main.flagType,
    expiresAt: main.expiresAt?.toISOString() ?? null,
    createdAt: main.createdAt.toISOString(),
    lastEvaluatedAt: evaluated.length ? new Date(Math.max(...evaluated)).toISOString() : null,
    cells,
  };
}

/** Global and every tenant the caller may read, with each flag's effective state there (seed 003 §6.5). */
export async function flagMatrix(app: App, principal: Principal): Promise<TFlagMatrix> {
  if (!can(principal, 'flags.read', { scopePath: ['global'] })) fail('INSUFFICIENT_PERMISSIONS', 'Only platform and tenant admins read feature flags');
  const visible = await scopesWhere(app, principal, 'flags.read');
  const tenants = (await listTenants(app)).filter((s) => visible === null || visible.includes(s.id));
  const columns = [{ id: 'global', name: 'Global' }, ...tenants];
  const paths = await Promise.all(columns.map(async (c) => pathIds(await scopePath(app, c.id))));
  const table = await loadTable(app.db);
  // a flag whose rows all sit in tenants the caller cannot read stays unknown to them
  const seen = (scopeId: string) => visible === null || scopeId === 'global' || visible.includes(scopeId);
  const flags = [...table.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .filter(([, rows]) => [...rows.keys()].some(seen))
    .map(([key, rows]) => matrixRow(key, rows, columns, paths, seen));
  return { scopes: columns, flags };
}

/** How many flag keys exist (dashboard stats; the caller authorizes). */
export const flagKeyCount = (app: App) => countFlagKeys(app.db);
