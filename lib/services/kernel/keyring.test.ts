import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from './secrets';
import { keyIdOf } from './keyring';

/** A ciphertext exactly as Switchboard wrote them before the key ring (no key id, `v1:` prefix). */
function legacyCiphertext(key: Buffer, value: unknown, tagBytes = 16) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return `v1:${iv.toString('base64url')}:${cipher.getAuthTag().subarray(0, tagBytes).toString('base64url')}:${data.toString('base64url')}`;
}

describe('the encryption key ring', () => {
  const [oldKey, newKey, otherKey] = [randomBytes(32), randomBytes(32), randomBytes(32)];

  it('encrypts with the first key and names it; decrypts with whichever key a ciphertext names', () => {
    const before = createSecretBox(oldKey);
    const written = before.encrypt({ token: 'sk-1' });
    expect(written).toMatch(new RegExp(`^k${keyIdOf(oldKey)}:`));
    const ring = createSecretBox([newKey, oldKey]);
    expect(ring.decrypt(written)).toEqual({ token: 'sk-1' });
    const rewritten = ring.encrypt('sk-2');
    expect(rewritten.startsWith(`k${keyIdOf(newKey)}:`)).toBe(true);
    expect(ring.isStale(written)).toBe(true);
    expect(ring.isStale(rewritten)).toBe(false);
    expect(() => createSecretBox(oldKey).decrypt(rewritten)).toThrow(/not in ENCRYPTION_KEYS/);
  });

  it('still reads ciphertexts written before key ids, with the old key anywhere in the ring', () => {
    const legacy = legacyCiphertext(oldKey, 'sk-live-123456');
    expect(createSecretBox(oldKey).decrypt(legacy)).toBe('sk-live-123456');
    expect(createSecretBox([newKey, otherKey, oldKey]).decrypt(legacy)).toBe('sk-live-123456');
    expect(createSecretBox([newKey, otherKey]).isStale(legacy)).toBe(true);
    expect(() => createSecretBox([newKey, otherKey]).decrypt(legacy)).toThrow(/no key in ENCRYPTION_KEYS decrypts/);
  });

  it('accepts only the full 16-byte GCM tag (a truncated tag would weaken authentication)', () => {
    for (const tagBytes of [4, 8, 12, 15]) {
      const short = legacyCiphertext(oldKey, 'x', tagBytes);
      expect(() => createSecretBox(oldKey).decrypt(short), `${tagBytes}-byte tag`).toThrow(/malformed ciphertext/);
    }
    const tagged = createSecretBox(oldKey).encrypt('x').split(':');
    tagged[2] = Buffer.from(tagged[2], 'base64url').subarray(0, 12).toString('base64url');
    expect(() => createSecretBox(oldKey).decrypt(tagged.join(':'))).toThrow(/malformed ciphertext/);
  });

  it('refuses tampered ciphertexts', () => {
    const box = createSecretBox(oldKey);
    const parts = box.encrypt('value').split(':');
    const data = Buffer.from(parts[3], 'base64url');
    data[0] ^= 1;
    parts[3] = data.toString('base64url');
    expect(() => box.decrypt(parts.join(':'))).toThrow();
  });

  it('derives purpose keys from the first key, and from any named key', () => {
    const ring = createSecretBox([newKey, oldKey]);
    expect(ring.derive('x').equals(createSecretBox(newKey).derive('x'))).toBe(true);
    expect(ring.deriveFrom(keyIdOf(oldKey), 'x')?.equals(createSecretBox(oldKey).derive('x'))).toBe(true);
    expect(ring.deriveFrom('0'.repeat(16), 'x')).toBeNull();
  });
});
