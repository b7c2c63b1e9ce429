import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { CHANGES_CHANNEL, rowsOf, type Executor } from '@/lib/db/client';
import type { App } from './app';
import type { Change } from './cache';
import { bindChainKey } from './chain-key';
import { nextTurn } from './turns';

/** What a transaction's work gets besides the transaction itself. */
export interface TxTools {
  /** Reports a change: NOTIFYed inside the transaction, forgotten by this instance's caches after commit. */
  changed: (c: Change) => void;
  /** Sends the changes reported so far, in one statement. */
  notifyNow: () => Promise<void>;
  /**
   * Sends the changes reported so far, then runs `query` as the transaction's last statement and answers
   * its rows; the commit follows as soon as the work returns. A writer ends with its audit insert this way:
   * that insert takes the audit chain's lock (migrations 0003, 0014), held until commit, and every other
   * writer queues on it. Nothing may run in the transaction after it (refused).
   */
  finish: <R>(query: SQL) => Promise<R[]>;
}

/**
 * Runs `work` in one transaction; the changes it reports are NOTIFYed inside it (delivered to other
 * instances on commit) and forgotten by this instance's caches right after commit.
 */
export async function inTransaction<T>(
  app: App,
  work: (tx: Executor, changed: (c: Change) => void, notifyNow: () => Promise<void>, tools: TxTools) => Promise<T>,
): Promise<T> {
  const changes: Change[] = [];
  let finished = false;
  const result = await app.db.transaction(async (tx) => {
    bindChainKey(tx, app.secrets);
    let sent = 0;
    const notifyNow = async () => {
      if (finished) throw new Error('the transaction has committed: nothing may run in it after finish()');
      const fresh = dedupe(changes.slice(sent));
      sent = changes.length;
      // a bulk's payloads are built a slice at a time, yielding between, so that its statements already
      // sent keep their turn (100,000 changes: ~0.3 s of JSON)
      const payloads: string[] = [];
      for (let i = 0; i < fresh.length; i += NOTIFY_SLICE) {
        if (i) await nextTurn();
        payloads.push(...app.caches.notifications(fresh.slice(i, i + NOTIFY_SLICE)));
      }
      await notifyAll(tx, payloads);
    };
    const changed = (c: Change) => void changes.push(c);
    const finish = async <R>(query: SQL) => {
      if (app.database.kind === 'postgres') await tx.execute(ASYNC_COMMIT);
      await notifyNow();
      finished = true;
      return rowsOf<R>(await tx.execute(query));
    };
    const out = await work(tx, changed, notifyNow, { changed, notifyNow, finish });
    if (!finished) await notifyNow();
    return out;
  });
  for (const c of dedupe(changes)) app.caches.invalidate(c);
  // after the caches: a flush that fails (storage gone) must not leave them holding what the commit replaced
  if (finished && app.database.kind === 'postgres') await app.db.execute(FLUSH);
  return result;
}

/**
 * The audit chain's lock is held until COMMIT, and a COMMIT waits for its WAL to reach the disk: with that
 * flush inside the lock, writers queue behind each other's fsyncs (10 writers: p99 ~60 ms). So a writer's
 * COMMIT does not wait for the flush (the lock is released at once) and the caller waits for it afterwards:
 * FLUSH is a transaction of its own that writes a WAL record (an empty logical message: no table, no lock,
 * allowed to every role), so its synchronous commit returns only once the WAL is on disk past its record —
 * past our commit too; concurrent flushes share one fsync. The caller is answered only once its write is
 * durable, as before. The trade: for those milliseconds other sessions can already read the write, and a
 * database crash in that window loses it though someone read it (recovery keeps a consistent prefix of the
 * WAL, so the audit chain stays whole).
 */
const ASYNC_COMMIT = sql`set local synchronous_commit = off`;
const FLUSH = sql`select pg_logical_emit_message(true, 'switchboard', 'flush')`;

/** Changes packed into NOTIFY payloads between two turns of the event loop. */
const NOTIFY_SLICE = 10_000;

/** One statement for any number of NOTIFY payloads (Caches.notifications packs many changes in each). */
export async function notifyAll(tx: Executor, payloads: string[]) {
  if (payloads.length === 0) return;
  const list = sql.join(
    payloads.map((p) => sql`(${p})`),
    sql`, `,
  );
  await tx.execute(sql`select count(pg_notify(${CHANGES_CHANNEL}, v.p)) from (values ${list}) as v(p)`);
}

/** One change per value, flag row or kind: a bulk that reports a value twice notifies it once. */
export function dedupe(changes: Change[]): Change[] {
  const seen = new Set<string>();
  return changes.filter((c) => {
    const k = c.type === 'value' ? `v:${c.key}:${c.scopeId}` : c.type === 'flag' ? `f:${c.key}:${c.scopeId ?? ''}` : c.type;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
