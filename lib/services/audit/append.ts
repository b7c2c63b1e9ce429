import 'server-only';
import type { Executor } from '@/lib/db/client';
import { bodyHash } from './chain';
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
  const rows = entries.map((e) => {
    const row: AuditBody = {
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
    };
    // prev_hash and hash are set by the trigger
    return { ...row, bodyHash: bodyHash(row), prevHash: '', hash: '' };
  });
  return insertAuditRows(tx, rows);
}
