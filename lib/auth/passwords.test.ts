import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { currentParams, hashPassword, needsRehash, PRODUCTION_PARAMS, verifyPassword } from './passwords';

describe('password hashes', () => {
  it('uses N=2^17, r=8, p=1 outside tests, and such a hash verifies (the one production-cost check)', async () => {
    expect(PRODUCTION_PARAMS).toEqual({ N: 131072, r: 8, p: 1 });
    expect(currentParams({ NODE_ENV: 'production' })).toEqual(PRODUCTION_PARAMS);
    expect(currentParams({ VITEST: 'true', NODE_ENV: 'production' })).toEqual(PRODUCTION_PARAMS);
    const stored = await hashPassword('correct horse battery', PRODUCTION_PARAMS);
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterz', stored)).toBe(false);
    expect(needsRehash(stored, PRODUCTION_PARAMS)).toBe(false);
  }, 20_000);

  it('still verifies a hash made with the old N=2^15 parameters, and asks for a rehash', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const old = ['scrypt', 32768, 8, 1, salt.toString('base64url'), scryptSync('s3cret password', salt, 32, { N: 32768, r: 8, p: 1, maxmem: 64 << 20 }).toString('base64url')].join('$');
    expect(await verifyPassword('s3cret password', old)).toBe(true);
    expect(needsRehash(old, PRODUCTION_PARAMS)).toBe(true);
  });

  it('refuses stored strings that are not ours or would cost unbounded memory', async () => {
    expect(await verifyPassword('x', 'plain')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1073741824$8$1$AAAA$AAAA')).toBe(false);
    expect(needsRehash('garbage')).toBe(true);
  });
});
