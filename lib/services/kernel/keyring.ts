import 'server-only';
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The encryption key ring behind secret values (ENCRYPTION_KEYS, newest first). Encrypts with the first
 * key, decrypts with whichever key a ciphertext names. Format: `k<keyId>:<iv>:<tag>:<data>` (base64url
 * parts, AES-256-GCM, 12-byte IV, 16-byte tag). Ciphertexts written before key rotation existed look like
 * `v1:<iv>:<tag>:<data>` and name no key: every key of the ring is tried on them (GCM's tag tells a wrong
 * key from the right one).
 */
export interface RingKey {
  /** 16 hex chars of sha256(key): names the key in ciphertexts and audit rows without revealing it. */
  id: string;
  key: Buffer;
}

const TAG_BYTES = 16;
const IV_BYTES = 12;

export const keyIdOf = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 16);

export function keyRing(keys: Buffer[]): RingKey[] {
  if (!keys.length) throw new Error('the key ring is empty');
  return keys.map((key) => ({ id: keyIdOf(key), key }));
}

export function encryptWith(k: RingKey, value: unknown): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', k.key, iv, { authTagLength: TAG_BYTES });
  const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return `k${k.id}:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${data.toString('base64url')}`;
}

/** Which key a ciphertext names; null for the untagged format (any key may have written it). */
export function ciphertextKeyId(ciphertext: string): string | null {
  const m = /^k([0-9a-f]{16}):/.exec(ciphertext);
  return m ? m[1] : null;
}

function open(key: Buffer, iv: Buffer, tag: Buffer, data: Buffer): unknown {
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  return JSON.parse(Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8'));
}

export function decryptWith(ring: RingKey[], ciphertext: string): unknown {
  const [prefix, iv, tag, data, extra] = ciphertext.split(':');
  if (!iv || !tag || data === undefined || extra !== undefined) throw new Error('malformed ciphertext');
  const ivBytes = Buffer.from(iv, 'base64url');
  const tagBytes = Buffer.from(tag, 'base64url');
  // a shortened tag would be accepted by GCM and weaken it to a few bits: only the full 16 bytes count
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new Error('malformed ciphertext');
  const dataBytes = Buffer.from(data, 'base64url');
  const id = ciphertextKeyId(ciphertext);
  if (id) {
    const k = ring.find((r) => r.id === id);
    if (!k) throw new Error(`ciphertext was written with key ${id}, which is not in ENCRYPTION_KEYS`);
    return open(k.key, ivBytes, tagBytes, dataBytes);
  }
  if (prefix !== 'v1') throw new Error('malformed ciphertext');
  for (const k of ring) {
    try {
      return open(k.key, ivBytes, tagBytes, dataBytes);
    } catch {
      // not this key
    }
  }
  throw new Error('no key in ENCRYPTION_KEYS decrypts this ciphertext');
}

/** A 32-byte key for another purpose, derived from a ring key with HKDF-SHA256. */
export const deriveKey = (key: Buffer, purpose: string) => Buffer.from(hkdfSync('sha256', key, '', `switchboard ${purpose}`, 32));
