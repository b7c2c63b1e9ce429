import 'server-only';
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** AES-256-GCM for secret setting values. Ciphertext format: `v<keyVersion>:<iv>:<tag>:<data>` (base64url). */
export interface SecretBox {
  keyVersion: number;
  /** sha256 of the key, to tell a wrong ENCRYPTION_KEY from a right one without decrypting anything. */
  fingerprint: string;
  encrypt(value: unknown): string;
  decrypt(ciphertext: string): unknown;
  /** A 32-byte key for another purpose (e.g. signing sessions), derived from this one with HKDF-SHA256. */
  derive(purpose: string): Buffer;
}

export function parseEncryptionKey(raw: string): Buffer {
  const trimmed = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('ENCRYPTION_KEY must be 32 bytes: 64 hex characters or base64');
  return key;
}

export function createSecretBox(key: Buffer, keyVersion = 1): SecretBox {
  return {
    keyVersion,
    fingerprint: createHash('sha256').update(key).digest('hex').slice(0, 16),
    encrypt(value) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return `v${keyVersion}:${iv.toString('base64url')}:${tag.toString('base64url')}:${data.toString('base64url')}`;
    },
    decrypt(ciphertext) {
      const [, iv, tag, data] = ciphertext.split(':');
      if (!iv || !tag || data === undefined) throw new Error('malformed ciphertext');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plain = Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
      return JSON.parse(plain);
    },
    derive(purpose) {
      return Buffer.from(hkdfSync('sha256', key, '', `switchboard ${purpose}`, 32));
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
