import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import type { TAuditFilters } from '@/lib/schemas/audit';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { parseUserScope } from '@/lib/engine/hierarchy';
import type { TAuditEntry } from '@/lib/schemas/api';
import { pathIds, refuseAt, scopePath } from '../scopes/path';
import { scopesWhere } from '../scopes/read';
import { queryAudit, verifyAuditChain } from './query';
import type { AuditQuery } from './store';

/**
 * Reading the audit log, with authorization: platform admins see everything; others the entries filed
 * under the scopes where they hold `audit.read` (and their own preferences). Naming a scope they may
 * not read the log of is 403 (404 SCOPE_NOT_FOUND when they may not know the scope at all).
 */
export async function authorizedQuery(app: App, principal: Principal, f: TAuditFilters): Promise<Omit<AuditQuery, 'limit' | 'offset'>> {
  const query = { ...f, from: f.from ? new Date(f.from) : undefined, to: f.to ? new Date(f.to) : undefined };
  const reach = await scopesWhere(app, principal, 'audit.read');
  if (reach === null) return query;
  const own = `user:${principal.userId}`;
  if (f.scope && f.scope !== own) {
    const forbidden = `You may not read the audit log of scope "${f.scope}"`;
    if (parseUserScope(f.scope) !== null) fail('INSUFFICIENT_PERMISSIONS', forbidden, 'scope');
    const path = pathIds(await scopePath(app, f.scope));
    if (!can(principal, 'audit.read', { scopePath: path })) refuseAt(principal, path, forbidden);
  }
  if (reach.length === 0) fail('INSUFFICIENT_PERMISSIONS', 'You may not read the audit log');
  return { ...query, scopeIn: [...reach, own] };
}

/**
 * What a reader may see of entries: role lists inside user.create / user.update entries keep only the
 * bindings at scopes the reader may read the log of (a tenant admin does not learn another tenant's roles).
 */
export async function visibleEntries(app: App, principal: Principal, entries: TAuditEntry[]): Promise<TAuditEntry[]> {
  const reach = await scopesWhere(app, principal, 'audit.read');
  if (reach === null) return entries;
  const inReach = new Set(reach);
  const trim = (v: unknown) => {
    if (!v || typeof v !== 'object' || !Array.isArray((v as { roles?: unknown }).roles)) return v;
    return { ...v, roles: (v as { roles: { scopeId?: unknown }[] }).roles.filter((r) => typeof r.scopeId === 'string' && inReach.has(r.scopeId)) };
  };
  return entries.map((e) => (e.action === 'user.create' || e.action === 'user.update' ? { ...e, oldValue: trim(e.oldValue), newValue: trim(e.newValue), details: trim(e.details) as TAuditEntry['details'] } : e));
}

export async function listAudit(app: App, principal: Principal, q: TAuditFilters & { limit: number; offset: number }) {
  const { limit, offset, ...filters } = q;
  const page = await queryAudit(app.db, { ...(await authorizedQuery(app, principal, filters)), limit, offset });
  return { ...page, entries: await visibleEntries(app, principal, page.entries) };
}

export async function verifyAudit(app: App, principal: Principal) {
  if (!can(principal, 'audit.verify')) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins verify the audit chain');
  return verifyAuditChain(app.db, app.secrets);
}
