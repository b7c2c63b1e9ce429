import 'server-only';
import { can, isPlatformAdmin, type Principal } from '@/lib/auth/policy';
import { EXPORT_FORMAT_VERSION, type TExportDocument, type TExportedFlag, type TExportedSetting, type TExportQuery } from '@/lib/schemas/export-import';
import type { App } from '../kernel/app';
import { readableScopeIds } from '../scopes/context';
import { getRegistry } from '../registry/read';
import { fail } from '../kernel/errors';
import { pathIds, scopePath } from '../scopes/path';
import { subtreeIds } from '../scopes/read';
import { isSecret as isSecretDef } from '@/lib/engine/secrecy';
import { ruleOfRow } from './plan-flags';
import { toStored } from './paths';
import { loadAllFlags, loadValuesAt } from './store';

/**
 * `GET /settings/export`: the values and flag rows stored at a scope (and below, when asked), with the
 * custom definitions they need. Secrets only for platform admins who ask, and then encrypted.
 */
export async function exportConfiguration(app: App, principal: Principal, q: TExportQuery): Promise<TExportDocument> {
  const path = await scopePath(app, q.scope);
  if (!can(principal, 'settings.read', { scopePath: pathIds(path) })) fail('INSUFFICIENT_PERMISSIONS', `You may not read settings at scope "${q.scope}"`, 'scope');
  if (q.includeSecrets && !isPlatformAdmin(principal)) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins export secrets', 'includeSecrets');
  const ids = await exportedScopeIds(app, principal, q);
  const registry = await getRegistry(app);
  if (q.category && !registry.categoryByKey.has(q.category)) fail('NOT_FOUND', `No category "${q.category}"`, 'category');
  const settings: TExportedSetting[] = [];
  for (const row of await loadValuesAt(app.db, ids)) {
    const def = registry.byKey.get(row.key);
    if (!def || (q.category && def.category !== q.category)) continue;
    const item: TExportedSetting = { key: row.key, scope: row.scopeId, type: def.type, category: def.category };
    if (row.locked) item.locked = true;
    if (row.skipTo) item.skipTo = row.skipTo;
    if (isSecretDef(def) && !row.skipTo) {
      if (!q.includeSecrets) continue;
      // re-encrypted, so the file is under the current key whatever key version the row was written with
      item.encrypted = app.secrets.encrypt(toStored(app, row).value);
    } else if (!row.skipTo) item.value = row.value;
    settings.push(item);
  }
  const keys = new Set(settings.map((s) => s.key));
  const definitions = registry.definitions.filter((d) => d.source === 'ui' && keys.has(d.key));
  const withFlags = !q.category && can(principal, 'flags.read', { scopePath: pathIds(path) });
  const inScope = new Set(ids);
  const flags: TExportedFlag[] = withFlags ? (await loadAllFlags(app.db)).filter((r) => inScope.has(r.scopeId)).map((r) => ({ key: r.key, scope: r.scopeId, ...ruleOfRow(r) })) : [];
  return {
    version: EXPORT_FORMAT_VERSION,
    exportedAt: new Date().toISOString(),
    exportedBy: principal.email,
    scope: q.scope,
    category: q.category ?? null,
    includeDescendants: q.includeDescendants,
    settings,
    flags,
    definitions,
  };
}

/** The scope, or its subtree narrowed to what the caller may read. */
async function exportedScopeIds(app: App, principal: Principal, q: TExportQuery): Promise<string[]> {
  if (!q.includeDescendants) return [q.scope];
  const all = await subtreeIds(app.db, [q.scope]);
  const readable = await readableScopeIds(app, principal);
  return readable === null ? all : all.filter((id) => id === q.scope || readable.includes(id));
}

export function exportFilename(doc: TExportDocument): string {
  const stamp = doc.exportedAt!.replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `switchboard-${doc.scope}${doc.category ? `-${doc.category}` : ''}-${stamp}.json`;
}
