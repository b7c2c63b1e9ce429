import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { TVersion, TVersionDetail } from '@/lib/schemas/versions';
import type { App } from '../kernel/app';
import { readableScopeIds } from '../scopes/context';
import { fail } from '../kernel/errors';
import { scopesWhere } from '../scopes/read';
import { changeSetEntries, changeSetHeads, listChangeSets, type AuditRow } from './store';

/** Whose change sets a caller sees: everything for platform admins, else entries in the scopes they may read. */
export async function visibleScopes(app: App, principal: Principal): Promise<string[] | null> {
  const readable = await readableScopeIds(app, principal);
  if (readable === null) return null;
  if ((await scopesWhere(app, principal, 'audit.read'))?.length === 0) fail('INSUFFICIENT_PERMISSIONS', 'You may not read the configuration history');
  return readable;
}

const kindOf = (action: string) => (action.startsWith('flag.') ? 'flag' : action.startsWith('definition.') ? 'definition' : 'setting');

function header(id: string, first: AuditRow) {
  return {
    id,
    at: first.at.toISOString(),
    actor: { id: first.actorId, name: first.actorName, role: first.actorRole },
    reason: first.reason,
    source: first.source,
  };
}

/** `GET /versions`: change sets newest first. */
export async function listVersions(app: App, principal: Principal, q: { limit: number; offset: number }): Promise<{ versions: TVersion[]; total: number }> {
  const scopeIn = await visibleScopes(app, principal);
  const { rows, total } = await listChangeSets(app.db, scopeIn, q.limit, q.offset);
  const heads = await changeSetHeads(app.db, rows.map((r) => r.id), scopeIn);
  const versions = rows.map((r) => {
    const entries = heads.filter((h) => h.changeSetId === r.id);
    return { ...header(r.id, entries[0]), changes: r.count, keys: [...new Set(entries.map((e) => e.key).filter((k): k is string => !!k))].slice(0, 5) };
  });
  return { versions, total };
}

/** `GET /versions/:id`: one change set with every change it made. */
export async function getVersion(app: App, principal: Principal, id: string): Promise<TVersionDetail> {
  const entries = await changeSetEntries(app.db, id, await visibleScopes(app, principal));
  if (entries.length === 0) fail('NOT_FOUND', `No change set "${id}"`, 'id');
  return {
    ...header(id, entries[0]),
    changes: entries.map((e) => ({ auditId: e.id, action: e.action, kind: kindOf(e.action), key: e.key, scope: e.scopeId, oldValue: e.oldValue, newValue: e.newValue, version: e.version })),
  };
}
