import 'server-only';
import type { Executor } from '@/lib/db/client';
import { newId } from '../kernel/ids';
import { bodyHash } from './chain';
import { boundChainKey } from '../kernel/chain-key';
import { insertAuditRows, type AuditBody, type AuditRow } from './store';
import type { AuditInput, ChangeContext } from './types';

/**
 * Appends entries to the chain. Call inside the transaction of the change they record. The database
 * assigns ids and links each row to its predecessor under one lock (migration 0003), in this same
 * round trip.
 */
export async function appendAudit(tx: Executor, ctx: ChangeContext, entries: AuditInput[]): Promise<AuditRow[]> {
  if (entries.length === 0) return [];
  const at = ctx.at ?? new Date();
  const changeSetId = ctx.changeSetId ?? newId('cs');
  const chain = boundChainKey(tx);
  const rows = entries.map((e) => {
    const row = auditBody(ctx, e, at, changeSetId);
    // prev_hash and hash are set by the trigger, keyed with mac_key (which it clears)
    return { ...row, bodyHash: bodyHash(row), prevHash: '', hash: '', chainKeyId: chain.id, macKey: chain.pads };
  });
  return insertAuditRows(tx, rows);
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
