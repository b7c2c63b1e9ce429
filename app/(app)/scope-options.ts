import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { ScopeOption } from '@/lib/client/scope-tree';
import type { App } from '@/lib/services/kernel/app';
import { getRegistry } from '@/lib/services/registry/read';
import { listScopes } from '@/lib/services/scopes/read';

/**
 * What the configuration lifecycle pages offer in their pickers: the scopes the caller may see (global
 * first: everyone reads the defaults) and the registry's categories.
 */
export async function pickerOptions(app: App, principal: Principal): Promise<{ scopes: ScopeOption[]; categories: { key: string; label: string }[] }> {
  const [visible, registry] = await Promise.all([listScopes(app, principal, { limit: 500, offset: 0 }), getRegistry(app)]);
  const scopes = [
    ...(visible.scopes.some((s) => s.id === 'global') ? [] : [{ id: 'global', name: 'Global', level: 'global', parentId: null }]),
    ...visible.scopes.map((s) => ({ id: s.id, name: s.name, level: s.level, parentId: s.parentId })),
  ];
  return { scopes, categories: registry.categories.map((c) => ({ key: c.key, label: c.label })) };
}

/** The scope a picker starts at: global for platform admins, else the first scope the caller administers. */
export function homeScope(principal: Principal): string {
  const admin = principal.roles.find((r) => r.role === 'platform_admin' || r.role === 'tenant_admin');
  return admin?.role === 'tenant_admin' ? admin.scopeId : 'global';
}
