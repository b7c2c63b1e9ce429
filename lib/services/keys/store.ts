import 'server-only';
import { and, asc, eq, gt, isNotNull, like, not, or, sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '@/lib/db/client';
import { auditLog, installationState, settingValues } from '@/lib/db/schema';

export interface SecretRow {
  key: string;
  scopeId: string;
  ciphertext: string;
}

/** The next secret values (after `after`, in key order) not yet written with `keyId`, locked for this transaction. */
export async function lockStaleSecrets(tx: Executor, keyId: string, after: { key: string; scopeId: string }, limit: number): Promise<SecretRow[]> {
  const rows = await tx
    .select({ key: settingValues.key, scopeId: settingValues.scopeId, ciphertext: settingValues.ciphertext })
    .from(settingValues)
    .where(
      and(
        isNotNull(settingValues.ciphertext),
        not(like(settingValues.ciphertext, `k${keyId}:%`)),
        or(gt(settingValues.key, after.key), and(eq(settingValues.key, after.key), gt(settingValues.scopeId, after.scopeId))),
      ),
    )
    .orderBy(asc(settingValues.key), asc(settingValues.scopeId))
    .limit(limit)
    .for('update');
  return rows as SecretRow[];
}

/** Replaces a value's ciphertext; the value, its version and its history stay as they are. */
export async function writeCiphertext(tx: Executor, row: { key: string; scopeId: string }, ciphertext: string, keyVersion: number) {
  await tx
    .update(settingValues)
    .set({ ciphertext, keyVersion })
    .where(and(eq(settingValues.key, row.key), eq(settingValues.scopeId, row.scopeId)));
}

/** The key start-up insists on (kernel/app.ts checkEncryptionKey). */
export async function setEncryptionKeyCheck(db: Executor, keyId: string) {
  await db.update(installationState).set({ encryptionKeyCheck: keyId }).where(eq(installationState.id, 1));
}

/** Ciphertexts held in audit rows for rollback, counted by the key that wrote them ('untagged': before key ids). */
export async function auditCiphertextsByKey(db: Executor): Promise<Record<string, number>> {
  const rows = rowsOf<{ k: string | null; n: string | number }>(
    await db.execute(
      sql`select substring(${auditLog.newCiphertext} from '^k([0-9a-f]{16}):') as k, count(*) as n from ${auditLog} where ${auditLog.newCiphertext} is not null group by 1`,
    ),
  );
  return Object.fromEntries(rows.map((r) => [r.k ?? 'untagged', Number(r.n)]));
}
