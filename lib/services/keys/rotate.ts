import 'server-only';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import type { App } from '../kernel/app';
import { inTransaction } from '../kernel/transaction';
import { auditCiphertextsByKey, lockStaleSecrets, setEncryptionKeyCheck, writeCiphertext } from './store';

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
  const keyId = app.secrets.keyId;
  let rotated = 0;
  let batches = 0;
  let after = { key: '', scopeId: '' };
  for (;;) {
    const n = await inTransaction(app, async (tx) => {
      const rows = await lockStaleSecrets(tx, keyId, after, opts.batch ?? BATCH);
      if (!rows.length) return 0;
      const fromKeys = new Set<string>();
      for (const r of rows) {
        fromKeys.add(/^k([0-9a-f]{16}):/.exec(r.ciphertext)?.[1] ?? 'untagged');
        await writeCiphertext(tx, r, app.secrets.encrypt(app.secrets.decrypt(r.ciphertext)), app.secrets.keyVersion);
      }
      const values = rows.map((r) => ({ key: r.key, scopeId: r.scopeId }));
      await appendAudit(tx, ctx, [{ action: 'secrets.rotate', details: { keyId, fromKeys: [...fromKeys].sort(), count: rows.length, values } }]);
      after = values[values.length - 1];
      return rows.length;
    });
    if (!n) break;
    rotated += n;
    batches++;
    opts.onBatch?.(n);
  }
  // from now on start-up insists on this key being in the ring
  await setEncryptionKeyCheck(app.db, keyId);
  return { keyId, rotated, batches, auditCiphertexts: await auditCiphertextsByKey(app.db) };
}
