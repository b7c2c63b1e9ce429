import { createHash } from 'node:crypto';
import type { TAuditEntry } from '@/lib/schemas/api';
import type { AuditBody, AuditRow } from './store';

export const GENESIS = '0'.repeat(64);

/**
 * Stable JSON: keys sorted at every depth, so a row read back from jsonb hashes the same. Built with one
 * string and no intermediate arrays: it runs for every audit row and every item of a bulk diff.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (out.length > 1 ? ',' : '') + JSON.stringify(k) + ':' + canonicalJson(v);
  }
  return out + '}';
}

/** What an entry says, as the API shows it (without its id). The ciphertext and hashes stay inside. */
function entryFields(row: AuditBody): Omit<TAuditEntry, 'id'> {
  return {
    at: row.at.toISOString(),
    actorId: row.actorId,
    actorName: row.actorName,
    actorRole: row.actorRole,
    action: row.action,
    key: row.key,
    scopeId: row.scopeId,
    level: row.level,
    oldValue: row.oldValue,
    newValue: row.newValue,
    reason: row.reason,
    source: row.source,
    ip: row.ip,
    version: row.version,
    details: row.details,
    // only when set, so entries written before change sets existed hash as they did
    ...(row.changeSetId ? { changeSetId: row.changeSetId } : {}),
  };
}

/** sha256 of the entry's canonical JSON (ciphertext included): what the database chains (see the audit_log_chain trigger). */
export function bodyHash(row: AuditBody): string {
  return createHash('sha256')
    .update(canonicalJson({ ...entryFields(row), newCiphertext: row.newCiphertext }))
    .digest('hex');
}

/** The chain link, as the trigger computes it. */
export const chainHash = (prevHash: string, body: string) => createHash('sha256').update(`${prevHash}\n${body}`).digest('hex');

/** What the API shows of an entry (API.md "Audit"). */
export function toAuditEntry(row: AuditRow): TAuditEntry {
  return { id: row.id, ...entryFields(row) };
}
