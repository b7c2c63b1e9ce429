import 'server-only';
import { hash } from 'node:crypto';
import type { FlagTable } from './store';

/**
 * What a loaded flag table contributes to every evaluation's outcome, computed once per table (tables are
 * replaced, never changed): a version of its rows, its expiry times, and the sorted keys seen from each
 * scope path.
 */
export interface TableFacts {
  version: string;
  /** The newest row change, in Unix seconds (OFREP's `lastModified`; 0 for an empty table). */
  lastModified: number;
  /** Distinct expiry times, ascending. */
  expiries: number[];
  keysByPath: Map<string, readonly string[]>;
}

const tableFacts = new WeakMap<FlagTable, TableFacts>();

export function factsOf(table: FlagTable): TableFacts {
  let facts = tableFacts.get(table);
  if (!facts) {
    const parts: string[] = [];
    const expiries = new Set<number>();
    let newest = 0;
    for (const byScope of table.values()) {
      for (const r of byScope.values()) {
        newest = Math.max(newest, r.updatedAt.getTime());
        parts.push(`${r.key}\u0000${r.scopeId}\u0000${r.version}\u0000${r.updatedAt.getTime()}`);
        if (r.expiresAt) expiries.add(r.expiresAt.getTime());
      }
    }
    const version = hash('sha1', parts.sort().join('\u0001'), 'base64url');
    tableFacts.set(table, (facts = { version, lastModified: Math.floor(newest / 1000), expiries: [...expiries].sort((a, b) => a - b), keysByPath: new Map() }));
  }
  return facts;
}

/** How many of the table's expiry times have passed at `now`: evaluations change with time only when this does. */
export function expiredCount(expiries: readonly number[], now: number): number {
  let n = 0;
  while (n < expiries.length && expiries[n] < now) n++;
  return n;
}

/** The keys with a row on a scope path, sorted, remembered per path (bounded: scopes may number many thousands). */
export function keysOnPath(table: FlagTable, facts: TableFacts, pathKey: string, has: (key: string) => boolean): readonly string[] {
  let keys = facts.keysByPath.get(pathKey);
  if (!keys) {
    keys = [...table.keys()].filter(has).sort();
    if (facts.keysByPath.size >= 10_000) facts.keysByPath.clear();
    facts.keysByPath.set(pathKey, keys);
  }
  return keys;
}
