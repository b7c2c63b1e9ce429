import 'server-only';
import type { SQL } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { newId } from '../kernel/ids';
import { bodyHash } from './chain';
import { boundChainKey } from '../kernel/chain-key';
import { auditInsertStatement, runAuditInsert, type AuditBody, type AuditLink, type AuditRow } from './store';
import type { AuditInput, ChangeContext } from './types';

/** Rows per INSERT: the 10,000 entries of an import chain in one statement, a 100,000-value restore in five. */
const BATCH = 20_000;

/**
 * Appends entries to the chain. Call inside the transaction of the change they record. The database
 * assigns ids and links each row to its predecessor (migration 0014: the chain lock and head once per
 * transaction), in this same round trip. With `finish` (inTransaction's), the last INSERT is the
 * transaction's last statement, the COMMIT right behind it: nothing may run in the transaction after.
 */
export async function appendAudit(tx: Executor, ctx: ChangeContext, entries: AuditInput[], finish?: <R>(query: SQL) => Promise<R[]>): Promise<AuditRow[]> {
  if (entries.length === 0) return [];
  const at = ctx.at ?? new Date();
  const changeSetId = ctx.changeSetId ?? newId('cs');
  const chain = boundChainKey(tx);
  const rows = entries.map((e) => {
    const row = auditBody(ctx, e, at, changeSetId);
    return { ...row, bodyHash: bodyHash(row) };
  });
  const out: AuditRow[] = [];
  for (let i = 0; i < rows.length; i += BATCH) {
    const part = rows.slice(i, i + BATCH);
    const statement = auditInsertStatement(part, chain);
    const links = finish && i + BATCH >= rows.length ? await finish<AuditLink>(statement) : await runAuditInsert(tx, statement);
    // ids follow the order the rows were sent in (the trigger assigns them under the chain lock)
    links.sort((a, b) => Number(a.id) - Number(b.id));
    part.forEach((r, j) => out.push({ ...r, id: Number(links[j].id), prevHash: links[j].prev_hash, hash: links[j].hash, chainKeyId: chain.id, macKey: null }));
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
