import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import type { TAuditFilters } from '@/lib/schemas/audit';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { readableScopeIds } from '../scopes/context';
import { scopesWhere } from '../scopes/read';
import { queryAudit, verifyAuditChain } from './query';
import type { AuditQuery } from './store';

/** Reading the audit log, with authorization: platform admins see everything, others the scopes they can read. */
export async function authorizedQuery(app: App, principal: Principal, f: TAuditFilters): Promise<Omit<AuditQuery, 'limit' | 'offset'>> {
  const query = { ...f, from: f.from ? new Date(f.from) : undefined, to: f.to ? new Date(f.to) : undefined };
  const readable = await readableScopeIds(app, principal);
  if (readable === null) return query;
  if ((await scopesWhere(app, principal, 'audit.read'))?.length === 0) fail('INSUFFICIENT_PERMISSIONS', 'You may not read the audit log');
  if (f.scope && !readable.includes(f.scope)) fail('INSUFFICIENT_PERMISSIONS', `You may not read the audit log of scope "${f.scope}"`, 'scope');
  return { ...query, scopeIn: readable };
}

export async function listAudit(app: App, principal: Principal, q: TAuditFilters & { limit: number; offset: number }) {
  const { limit, offset, ...filters } = q;
  return queryAudit(app.db, { ...(await authorizedQuery(app, principal, filters)), limit, offset });
}

export async function verifyAudit(app: App, principal: Principal) {
  if (!can(principal, 'audit.verify')) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins verify the audit chain');
  return verifyAuditChain(app.db);
}
