import 'server-only';
import { and, asc, eq, isNotNull, not, like, or, gt, sql } from 'drizzle-orm';
import { rowsOf } from '@/lib/db/client';
import { auditLog, installationState, settingValues } from '@/lib/db/schema';
import type { App } from '../app';
import { appendAudit, type ChangeContext } from '../audit';
import { inTransaction } from '../changes';

export interface RotationReport {
  keyId: string;
  /** Secret values re-encrypted by this run. */
  rotated: number;
  /** Batches committed (each audited as `secrets.rotate`). */
  batches: number;
  /** Ciphertexts kept in audit rows for rollback, by the key that wrote them ('untagged': before key ids). */
  auditCiphertexts: Record<string, number>;
}

const BATCH = 200;

/**
 * Re-encrypts every secret value with the ring's first key (`npm run secrets:rotate`). Each batch is its
 * own transaction with its own audit entry, and only values not yet under the first key are picked, so an
 * interrupted run simply resumes where it stopped. The stored value and its version do not change.
 *
 * Audit rows keep the ciphertext of each secret change for rollback. The audit log is append-only and
 * hash-chained, so those are not rewritten: they stay readable while their key stays in ENCRYPTION_KEYS
 * (after the new one). The report counts them per key, to tell when an old key can be dropped (dropping it
 * makes rollback to those versions impossible, nothing else).
 */
export async function rotateSecrets(app: App, ctx: ChangeContext, opts: { batch?: number; onBatch?: (n: number) => void } = {}): Promise<RotationReport> {
  const batch = opts.batch ?? BATCH;
  const keyId = app.secrets.keyId;
  const current = `k${keyId}:%`;
  let rotated = 0;
  let batches = 0;
  let after = { key: '', scopeId: '' };
  for (;;) {
    const n = await inTransaction(app, async (tx) => {
      const rows = await tx
        .select({ key: settingValues.key, scopeId: settingValues.scopeId, ciphertext: settingValues.ciphertext })
        .from(settingValues)
        .where(
          and(
            isNotNull(settingValues.ciphertext),
            not(like(settingValues.ciphertext, current)),
            or(gt(settingValues.key, after.key), and(eq(settingValues.key, after.key), gt(settingValues.scopeId, after.scopeId))),
          ),
        )
        .orderBy(asc(settingValues.key), asc(settingValues.scopeId))
        .limit(batch)
        .for('update');
      if (!rows.length) return 0;
      const fromKeys = new Set<string>();
      for (const r of rows) {
        fromKeys.add(/^k([0-9a-f]{16}):/.exec(r.ciphertext!)?.[1] ?? 'untagged');
        const ciphertext = app.secrets.encrypt(app.secrets.decrypt(r.ciphertext!));
        await tx
          .update(settingValues)
          .set({ ciphertext, keyVersion: app.secrets.keyVersion })
          .where(and(eq(settingValues.key, r.key), eq(settingValues.scopeId, r.scopeId)));
      }
      await appendAudit(tx, ctx, [
        {
          action: 'secrets.rotate',
          details: { keyId, fromKeys: [...fromKeys].sort(), count: rows.length, values: rows.map((r) => ({ key: r.key, scopeId: r.scopeId })) },
        },
      ]);
      after = { key: rows[rows.length - 1].key, scopeId: rows[rows.length - 1].scopeId };
      return rows.length;
    });
    if (!n) break;
    rotated += n;
    batches++;
    opts.onBatch?.(n);
  }
  // from now on start-up insists on this key being in the ring (setup.ts checkEncryptionKey)
  await app.db.update(installationState).set({ encryptionKeyCheck: keyId }).where(eq(installationState.id, 1));
  return { keyId, rotated, batches, auditCiphertexts: await auditCiphertextsByKey(app) };
}

async function auditCiphertextsByKey(app: App): Promise<Record<string, number>> {
  const rows = rowsOf<{ k: string | null; n: string | number }>(
    await app.db.execute(
      sql`select substring(${auditLog.newCiphertext} from '^k([0-9a-f]{16}):') as k, count(*) as n from ${auditLog} where ${auditLog.newCiphertext} is not null group by 1`,
    ),
  );
  return Object.fromEntries(rows.map((r) => [r.k ?? 'untagged', Number(r.n)]));
}
