import 'server-only';
import { createHmac } from 'node:crypto';
import type { SecretBox } from './secrets';

/**
 * The key the audit chain is linked with (migration 0006): HKDF-derived from the encryption key ring's first
 * key, so the database never holds it. Rows name the key (chain_key_id); verification derives the same key
 * from whichever ring key that is, so rotating keys keeps old rows verifiable while the old key stays in
 * ENCRYPTION_KEYS.
 */
export interface ChainKey {
  id: string;
  /** HMAC-SHA256's inner and outer pad keys, hex, as the trigger takes them (it has sha256 but no hmac). */
  pads: string;
}

const PURPOSE = 'audit chain';
const byBox = new WeakMap<SecretBox, ChainKey>();

function padsOf(key: Buffer): string {
  const block = Buffer.alloc(64);
  key.copy(block);
  const inner = Buffer.from(block.map((b) => b ^ 0x36));
  const outer = Buffer.from(block.map((b) => b ^ 0x5c));
  return Buffer.concat([inner, outer]).toString('hex');
}

export function chainKeyOf(secrets: SecretBox): ChainKey {
  let k = byBox.get(secrets);
  if (!k) byBox.set(secrets, (k = { id: secrets.keyId, pads: padsOf(secrets.derive(PURPOSE)) }));
  return k;
}

/** Verification: the link a keyed row must carry, or null when the ring lacks the key it names. */
export function keyedLink(secrets: SecretBox, keyId: string, prevHash: string, bodyHash: string): string | null {
  const key = secrets.deriveFrom(keyId, PURPOSE);
  return key ? createHmac('sha256', key).update(`${prevHash}\n${bodyHash}`).digest('hex') : null;
}

// Transactions carry their app's chain key to appendAudit (which gets only the transaction): bound by
// inTransaction, so every audited write is keyed without each caller passing it.
const byExecutor = new WeakMap<object, ChainKey>();

export const bindChainKey = (executor: object, secrets: SecretBox) => void byExecutor.set(executor, chainKeyOf(secrets));

export function boundChainKey(executor: object): ChainKey {
  const k = byExecutor.get(executor);
  if (!k) throw new Error('appendAudit needs a transaction opened by inTransaction (it carries the audit chain key)');
  return k;
}
