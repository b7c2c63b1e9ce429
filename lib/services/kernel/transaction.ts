import 'server-only';
import { sql } from 'drizzle-orm';
import { CHANGES_CHANNEL, type Executor } from '@/lib/db/client';
import type { App } from './app';
import type { Change } from './cache';
import { bindChainKey } from './chain-key';

/**
 * Runs `work` in one transaction; the changes it reports are NOTIFYed inside it (delivered to other
 * instances on commit) and forgotten by this instance's caches right after commit. `notifyNow` sends the
 * changes reported so far, in one statement: a writer calls it right before its audit insert, because that
 * insert takes the audit chain's lock (migration 0003), held until commit, and nothing else should wait
 * under it.
 */
export async function inTransaction<T>(
  app: App,
  work: (tx: Executor, changed: (c: Change) => void, notifyNow: () => Promise<void>) => Promise<T>,
): Promise<T> {
  const changes: Change[] = [];
  const result = await app.db.transaction(async (tx) => {
    bindChainKey(tx, app.secrets);
    let sent = 0;
    const notifyNow = async () => {
      const fresh = dedupe(changes.slice(sent));
      sent = changes.length;
      if (fresh.length) await tx.execute(sql`select ${sql.join(fresh.map((c) => sql`pg_notify(${CHANGES_CHANNEL}, ${app.caches.notification(c)})`), sql`, `)}`);
    };
    const out = await work(tx, (c) => changes.push(c), notifyNow);
    await notifyNow();
    return out;
  });
  for (const c of dedupe(changes)) app.caches.invalidate(c);
  return result;
}

function dedupe(changes: Change[]): Change[] {
  const seen = new Set<string>();
  return changes.filter((c) => {
    const k = c.type === 'value' ? `v:${c.key}:${c.scopeId}` : c.type === 'flag' ? `f:${c.key}:${c.scopeId ?? ''}` : c.type;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
