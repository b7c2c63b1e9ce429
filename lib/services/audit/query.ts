import 'server-only';
import type { Executor } from '@/lib/db/client';
import type { TAuditEntry } from '@/lib/schemas/api';
import type { TAuditVerify } from '@/lib/schemas/audit';
import type { SecretBox } from '../kernel/secrets';
import { keyedLink } from '../kernel/chain-key';
import { bodyHash, chainHash, GENESIS, toAuditEntry } from './chain';
import { auditRowsAfter, selectAudit, type AuditQuery } from './store';

/** Entries as the API shows them; authorization is the caller's job (read.ts, settings history). */
export async function queryAudit(db: Executor, q: AuditQuery): Promise<{ entries: TAuditEntry[]; total: number }> {
  const { rows, total } = await selectAudit(db, q);
  return { entries: rows.map(toAuditEntry), total };
}

/**
 * Walks the whole chain in id order and recomputes every link: HMAC with the ring key a row names, or
 * SHA-256 for rows from before keyed chaining (counted in `unkeyed`). An unkeyed row after a keyed one
 * is a break: the chain cannot fall back.
 */
export async function verifyAuditChain(db: Executor, secrets: SecretBox): Promise<TAuditVerify> {
  let prevHash = GENESIS;
  let checked = 0;
  let unkeyed = 0;
  let afterId = 0;
  const page = 2000;
  const done = (valid: boolean, brokenAt?: number) => ({ valid, checked, ...(brokenAt ? { brokenAt } : {}), ...(unkeyed ? { unkeyed } : {}) });
  for (;;) {
    const rows = await auditRowsAfter(db, afterId, page);
    for (const row of rows) {
      const body = bodyHash(row);
      const link = row.chainKeyId ? keyedLink(secrets, row.chainKeyId, prevHash, body) : checked === unkeyed ? chainHash(prevHash, body) : null;
      if (row.prevHash !== prevHash || link === null || link !== row.hash) return done(false, row.id);
      if (!row.chainKeyId) unkeyed++;
      prevHash = row.hash;
      checked++;
    }
    if (rows.length < page) return done(true);
    afterId = rows[rows.length - 1].id;
  }
}
