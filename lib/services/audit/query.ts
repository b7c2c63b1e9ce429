import 'server-only';
import type { Executor } from '@/lib/db/client';
import type { TAuditEntry } from '@/lib/schemas/api';
import { bodyHash, chainHash, GENESIS, toAuditEntry } from './chain';
import { auditRowsAfter, selectAudit, type AuditQuery } from './store';

/** Entries as the API shows them; authorization is the caller's job (read.ts, settings history). */
export async function queryAudit(db: Executor, q: AuditQuery): Promise<{ entries: TAuditEntry[]; total: number }> {
  const { rows, total } = await selectAudit(db, q);
  return { entries: rows.map(toAuditEntry), total };
}

/** Walks the whole chain in id order and recomputes every hash. */
export async function verifyAuditChain(db: Executor): Promise<{ valid: boolean; checked: number; brokenAt?: number }> {
  let prevHash = GENESIS;
  let checked = 0;
  let afterId = 0;
  const page = 2000;
  for (;;) {
    const rows = await auditRowsAfter(db, afterId, page);
    for (const row of rows) {
      if (row.prevHash !== prevHash || chainHash(prevHash, bodyHash(row)) !== row.hash) return { valid: false, checked, brokenAt: row.id };
      prevHash = row.hash;
      checked++;
    }
    if (rows.length < page) return { valid: true, checked };
    afterId = rows[rows.length - 1].id;
  }
}
