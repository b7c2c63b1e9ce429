import 'server-only';
import { sql } from 'drizzle-orm';
import { CHANGES_CHANNEL, type Executor } from '@/lib/db/client';
import type { App } from './app';
import type { Change } from './cache';

/**
 * Runs `work` in one transaction; the changes it reports are NOTIFYed inside it (delivered to other
 * instances on commit) and forgotten by this instance's caches right after commit.
 */
export async function inTransaction<T>(app: App, work: (tx: Executor, changed: (c: Change) => void) => Promise<T>): Promise<T> {
  const changes: Change[] = [];
  const result = await app.db.transaction(async (tx) => {
    const out = await work(tx, (c) => changes.push(c));
    for (const c of dedupe(changes)) await tx.execute(sql`select pg_notify(${CHANGES_CHANNEL}, ${JSON.stringify(c)})`);
    return out;
  });
  for (const c of dedupe(changes)) app.caches.invalidate(c);
  return result;
}

function dedupe(changes: Change[]): Change[] {
  const seen = new Set<string>();
  return changes.filter((c) => {
    const k = c.type === 'value' ? `v:${c.key}:${c.scopeId}` : c.type === 'flag' ? `f:${c.key}` : c.type;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
