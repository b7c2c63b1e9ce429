import 'server-only';
import type { Executor } from '@/lib/db/client';
import type { TDefinition } from '@/lib/schemas/definition';
import type { App } from '../kernel/app';
import type { Registry } from '../kernel/cache';
import { fail } from '../kernel/errors';
import { publicDefinition } from '../kernel/secrecy';
import { rowToDefinition } from './rows';
import { selectRegistryRows } from './store';

/**
 * The registry, cached until a definition or category changes. A caller inside a transaction passes it as
 * `db`: on the embedded database a read through `app.db` would wait for that transaction to end (one
 * connection) and never return. What a transaction reads is not cached (it may see its own uncommitted rows).
 */
export async function getRegistry(app: App, db: Executor = app.db): Promise<Registry> {
  if (app.caches.registry) return app.caches.registry;
  const { cats, defs } = await selectRegistryRows(db);
  const categories = cats.map((c) => ({ key: c.key, label: c.label, description: c.description, security: c.security, position: c.position }));
  const categoryByKey = new Map(categories.map((c) => [c.key, c]));
  const catPos = (k: string) => categoryByKey.get(k)?.position ?? Number.MAX_SAFE_INTEGER;
  defs.sort((a, b) => catPos(a.category) - catPos(b.category) || a.position - b.position || a.key.localeCompare(b.key));
  const definitions = defs.map(rowToDefinition);
  const registry: Registry = { definitions, byKey: new Map(definitions.map((d) => [d.key, d])), categories, categoryByKey };
  if (db === app.db) app.caches.registry = registry;
  return registry;
}

export async function getDefinition(app: App, key: string): Promise<TDefinition> {
  const def = (await getRegistry(app)).byKey.get(key);
  if (!def) fail('SETTING_NOT_FOUND', `No setting "${key}"`, 'key');
  return def;
}

/** The registry as the API shows it: secrets' defaults masked. Every signed-in caller may read it (API.md). */
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
