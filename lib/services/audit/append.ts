import 'server-only';
import type { SQL } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { newId } from '../kernel/ids';
import { bodyHash } from './chain';
import { boundChainKey } from '../kernel/chain-key';
import { auditInsertStatement, runAuditInsert, type AuditBody, type AuditInsertRow, type AuditLink, type AuditRow } from './store';
import type { AuditInput, ChangeContext } from './types';
import { nextTurn } from '../kernel/turns';

/** Rows per INSERT: a 10,000-entry import chains in two statements, a 100,000-value restore in twenty. */
const BATCH = 5_000;
/** Entries hashed between two turns of the event loop, so the statement already sent keeps streaming out. */
const SLICE = 1_000;
const ignore = () => {};

/**
 * Appends entries to the chain. Call inside the transaction of the change they record. The database
 * assigns ids and links each row to its predecessor (migration 0014: the chain lock and head once per
 * transaction), in this same round trip. With `finish` (inTransaction's), the last INSERT is the
 * transaction's last statement, the COMMIT right behind it: nothing may run in the transaction after.
 *
 * A bulk is hashed and inserted side by side: while the database writes the caller's values and inserts
 * one batch, the next is hashed (a 100,000-entry restore, 2 December: ~0.8 s of the server's CPU hashing
 * and building statements while PostgreSQL upserts the values for ~2.3 s, then ~3.6 s of audit inserts). `after`:
 * statements the caller has sent and not awaited (a bulk's value writes), which the first INSERT follows —
 * one statement at a time on the transaction's connection, in this order; a failure of any fails the call.
 */
export async function appendAudit(
  tx: Executor,
  ctx: ChangeContext,
  entries: AuditInput[],
  finish?: <R>(query: SQL) => Promise<R[]>,
  after: Promise<unknown> = Promise.resolve(),
): Promise<AuditRow[]> {
  if (entries.length === 0) {
    await after;
    return [];
  }
  const at = ctx.at ?? new Date();
  const changeSetId = ctx.changeSetId ?? newId('cs');
  const chain = boundChainKey(tx);
  const batches: { part: AuditInsertRow[]; links: Promise<AuditLink[]> }[] = [];
  let previous: Promise<unknown> = after;
  previous.catch(ignore); // awaited below, after every batch is sent
  for (let i = 0; i < entries.length; i += BATCH) {
    const part: AuditInsertRow[] = [];
    const end = Math.min(i + BATCH, entries.length);
    for (let j = i; j < end; j++) {
      if (j > i && (j - i) % SLICE === 0) await nextTurn();
      // completed in place, not copied: a bulk's rows are many
      const row = auditBody(ctx, entries[j], at, changeSetId) as AuditInsertRow;
      row.bodyHash = bodyHash(row);
      part.push(row);
    }
    const statement = auditInsertStatement(part, chain);
    const last = end === entries.length;
    const links = previous.then(() => (last && finish ? finish<AuditLink>(statement) : runAuditInsert(tx, statement)));
    links.catch(ignore);
    batches.push({ part, links });
    previous = links;
  }
  await after;
  const out: AuditRow[] = [];
  for (const { part, links: pending } of batches) {
    const links = await pending;
    // ids follow the order the rows were sent in (the trigger assigns them under the chain lock)
    links.sort((a, b) => Number(a.id) - Number(b.id));
    part.forEach((r, j) => {
      const row = r as AuditRow;
      row.id = Number(links[j].id);
      row.prevHash = links[j].prev_hash;
      row.hash = links[j].hash;
      row.chainKeyId = chain.id;
      row.macKey = null;
      out.push(row);
    });
  }
  return out;
}

/** The row an entry becomes before the database chains it: what its body hash covers (batched writers too). */
export function auditBody(ctx: ChangeContext, e: AuditInput, at: Date, changeSetId: string | null): AuditBody {
  return {
    at,
    actorId: ctx.actor.id,
    actorName: ctx.actor.name,
    actorRole: ctx.actor.role,
    action: e.action,
    key: e.key ?? null,
    scopeId: e.scopeId ?? null,
    level: e.level ?? null,
    oldValue: e.oldValue === undefined ? null : e.oldValue,
    newValue: e.newValue === undefined ? null : e.newValue,
    newCiphertext: e.newCiphertext ?? null,
    reason: e.reason ?? null,
    source: e.source ?? ctx.source,
    ip: ctx.ip ?? null,
    version: e.version ?? null,
    details: e.details ?? null,
    changeSetId,
  };
}
