import 'server-only';
import type { Executor } from '@/lib/db/client';
import type { ScopeRef, StoredValue } from '@/lib/engine/types';
import type { App } from '../kernel/app';
import { loadAllScopes, type ValueRow } from './store';

export type Paths = Map<string, ScopeRef[]>;

type ScopeRow = { id: string; level: string; parentId: string | null };

/**
 * Scope id → its path up to global, for every scope (one query; scopes number in the thousands at most).
 * `extra`: scopes a restore creates before it writes, counted as if they existed.
 */
export async function allPaths(db: Executor, extra: ScopeRow[] = []): Promise<Paths> {
  const rows = await loadAllScopes(db);
  const byId = new Map<string, ScopeRow>(extra.map((r) => [r.id, r]));
  for (const r of rows) byId.set(r.id, r);
  const paths: Paths = new Map();
  const pathOf = (id: string): ScopeRef[] => {
    const hit = paths.get(id);
    if (hit) return hit;
    const r = byId.get(id)!;
    const up = r.parentId && byId.has(r.parentId) && r.id !== 'global' ? pathOf(r.parentId) : [];
    const p = [{ scopeId: r.id, level: r.level }, ...up];
    paths.set(id, p);
    return p;
  };
  for (const id of byId.keys()) pathOf(id);
  return paths;
}

export function toStored(app: App, r: ValueRow): StoredValue {
  return { value: r.ciphertext ? app.secrets.decrypt(r.ciphertext) : r.value, locked: r.locked, version: r.version, skipTo: r.skipTo };
}

