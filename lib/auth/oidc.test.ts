import { describe, expect, it, vi } from 'vitest';
import { oidcIdentity } from './oidc';

describe('oidcIdentity', () => {
  it('takes a verified e-mail from the ID token without asking userinfo', async () => {
    const userinfo = vi.fn();
    expect(await oidcIdentity({ sub: 's1', email: 'Ada@Example.com', email_verified: true }, userinfo)).toEqual({
      sub: 's1',
      email: 'ada@example.com',
      emailVerified: true,
      from: 'id_token',
    });
    expect(userinfo).not.toHaveBeenCalled();
  });

  it('reads the e-mail claims from userinfo when the ID token has none (strict providers)', async () => {
    const userinfo = vi.fn(async () => ({ sub: 's1', email: 'ada@example.com', email_verified: true }));
    expect(await oidcIdentity({ sub: 's1' }, userinfo)).toEqual({ sub: 's1', email: 'ada@example.com', emailVerified: true, from: 'userinfo' });
    expect(userinfo).toHaveBeenCalledTimes(1);
  });

  it('completes a missing verification flag from userinfo, and accepts "true" as a string', async () => {
    expect(await oidcIdentity({ sub: 's1', email: 'ada@example.com' }, async () => ({ sub: 's1', email_verified: 'true' }))).toMatchObject({
      email: 'ada@example.com',
      emailVerified: true,
    });
  });

  it('ignores a userinfo answer about another subject (OIDC Core 5.3.2)', async () => {
    expect(await oidcIdentity({ sub: 's1' }, async () => ({ sub: 'someone-else', email: 'mallory@example.com', email_verified: true }))).toEqual({
      sub: 's1',
      email: null,
      emailVerified: false,
      from: null,
    });
  });

  it('keeps the ID token claims when userinfo fails or says nothing new', async () => {
    const failing = async () => {
      throw new Error('connection refused');
    };
    expect(await oidcIdentity({ sub: 's1', email: 'ada@example.com', email_verified: false }, failing)).toEqual({
      sub: 's1',
      email: 'ada@example.com',
      emailVerified: false,
      from: 'id_token',
    });
    expect(await oidcIdentity({ sub: 's1' }, async () => null)).toMatchObject({ email: null, emailVerified: false });
  });

  it('pairs a verification flag with the address it came with', async () => {
    // the token's address is unverified; userinfo vouches for a different one
    expect(await oidcIdentity({ sub: 's1', email: 'old@example.com', email_verified: false }, async () => ({ sub: 's1', email: 'new@example.com', email_verified: true }))).toEqual({
      sub: 's1',
      email: 'new@example.com',
      emailVerified: true,
      from: 'userinfo',
    });
  });
});
