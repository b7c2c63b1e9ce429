import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import { flagKeyCount } from '../flags/read';
import type { App } from '../kernel/app';
import { getRegistry } from '../registry/read';
import { readableScopeIds } from '../scopes/context';
import { countOverridesAndChanges } from './store';

/** Dashboard figures, counted over the scopes the caller may read (the policy decides which). */
export async function stats(app: App, principal: Principal) {
  const readable = await readableScopeIds(app, principal);
  const registry = await getRegistry(app);
  const { overrides, recent } = await countOverridesAndChanges(app.db, readable, new Date(Date.now() - 24 * 3600_000));
  return {
    total: registry.definitions.length,
    overrides,
    requiresRestart: registry.definitions.filter((d) => d.requiresRestart).length,
    recentChanges24h: recent,
    flags: await flagKeyCount(app),
    categories: registry.categories.length,
  };
}
