import 'server-only';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseEncryptionKey } from '@/lib/env';
import { ciphertextKeyId, decryptWith, deriveKey, encryptWith, keyRing } from './keyring';

/** AES-256-GCM for secret setting values, over the key ring (kernel/keyring.ts has the format). */
export interface SecretBox {
  /** Ciphertext format version stored beside values (2: tagged with the key id). */
  keyVersion: number;
  /** Id of the key new ciphertexts are written with (the ring's first). */
  keyId: string;
  /** Every key id of the ring, newest first. */
  keyIds: string[];
  /** The first key's id: to tell a wrong ENCRYPTION_KEY from a right one without decrypting anything. */
  fingerprint: string;
  encrypt(value: unknown): string;
  decrypt(ciphertext: string): unknown;
  /** True when a ciphertext was not written with the first key (secrets:rotate re-encrypts it). */
  isStale(ciphertext: string): boolean;
  /** A 32-byte key for another purpose (e.g. signing sessions), derived from the first key with HKDF-SHA256. */
  derive(purpose: string): Buffer;
  /** The same, from the ring key with this id (e.g. to verify audit rows chained under an older key). */
  deriveFrom(keyId: string, purpose: string): Buffer | null;
}

/** One key, or the ring newest first. */
export function createSecretBox(keys: Buffer | Buffer[]): SecretBox {
  const ring = keyRing(Array.isArray(keys) ? keys : [keys]);
  const first = ring[0];
  return {
    keyVersion: 2,
    keyId: first.id,
    keyIds: ring.map((k) => k.id),
    fingerprint: first.id,
    encrypt: (value) => encryptWith(first, value),
    decrypt: (ciphertext) => decryptWith(ring, ciphertext),
    isStale: (ciphertext) => ciphertextKeyId(ciphertext) !== first.id,
    derive: (purpose) => deriveKey(first.key, purpose),
    deriveFrom(keyId, purpose) {
      const k = ring.find((r) => r.id === keyId);
      return k ? deriveKey(k.key, purpose) : null;
    },
  };
}

/**
 * The key for embedded mode: ENCRYPTION_KEY if given, else one generated once and kept in the data dir
 * (with a warning: whoever has the data dir has the secrets).
 */
export function loadOrCreateEmbeddedKey(dataDir: string, log: (msg: string) => void = console.warn): Buffer {
  const file = path.join(dataDir, 'encryption.key');
  if (existsSync(file)) return parseEncryptionKey(readFileSync(file, 'utf8'));
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  log(
    `[switchboard] ENCRYPTION_KEY is not set: generated one in ${file}. ` +
      'Secrets are encrypted with it; back it up, and set ENCRYPTION_KEY in production.',
  );
  return key;
}
