import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import { parseUserScope } from '@/lib/engine/hierarchy';
import { queryAudit } from '../audit/query';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { getDefinition } from '../registry/read';
import { readableScopeIds } from '../scopes/context';
import { pathIds, scopePath } from '../scopes/path';

/** Which scopes' history the caller may see: the one asked for (checked), else every readable one. */
async function historyScopeFilter(app: App, principal: Principal, scope: string | undefined): Promise<{ scope?: string; scopeIn?: string[] }> {
  if (scope) {
    const userId = parseUserScope(scope);
    if (userId !== null) {
      if (!can(principal, 'settings.read', { userId })) fail('INSUFFICIENT_PERMISSIONS', 'You may read only your own preferences');
    } else if (!can(principal, 'settings.read', { scopePath: pathIds(await scopePath(app, scope)) })) {
      fail('INSUFFICIENT_PERMISSIONS', `You may not read settings at scope "${scope}"`);
    }
    return { scope };
  }
  const readable = await readableScopeIds(app, principal);
  return readable === null ? {} : { scopeIn: readable };
}

export async function history(app: App, principal: Principal, key: string, q: { scope?: string; limit: number; offset: number }) {
  await getDefinition(app, key);
  const filter = await historyScopeFilter(app, principal, q.scope);
  const { entries, total } = await queryAudit(app.db, { key, ...filter, limit: q.limit, offset: q.offset });
  return { history: entries.filter((e) => e.action.startsWith('setting.') || e.action.startsWith('definition.')), total };
}
