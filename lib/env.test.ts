import { describe, expect, it } from 'vitest';
import { ConfigError, readEnv as readProcessEnv } from './env';

const readEnv = (vars: Record<string, string>) => readProcessEnv({ NODE_ENV: 'test', ...vars });

describe('readEnv: sessions and OIDC', () => {
  it('has no OIDC provider and no session secret by default', () => {
    expect(readEnv({})).toMatchObject({ oidc: undefined, sessionSecret: undefined, publicUrl: undefined });
  });

  it('reads a complete OIDC configuration', () => {
    const env = readEnv({
      OIDC_ISSUER: 'https://id.example.com/realms/main/',
      OIDC_CLIENT_ID: 'switchboard',
      OIDC_CLIENT_SECRET: 's3cret',
      OIDC_NAME: 'Example SSO',
      NEXTAUTH_URL: 'https://switchboard.example.com',
      NEXTAUTH_SECRET: 'x'.repeat(32),
    });
    expect(env.oidc).toEqual({ issuer: 'https://id.example.com/realms/main', clientId: 'switchboard', clientSecret: 's3cret', name: 'Example SSO' });
    expect(env).toMatchObject({ publicUrl: 'https://switchboard.example.com', sessionSecret: 'x'.repeat(32) });
  });

  it('names the provider generically when OIDC_NAME is unset', () => {
    const env = readEnv({ OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b', NEXTAUTH_URL: 'http://localhost:3000' });
    expect(env.oidc?.name).toBe('single sign-on');
  });

  it('refuses a partial or unusable OIDC configuration', () => {
    expect(() => readEnv({ OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'a', NEXTAUTH_URL: 'http://x' })).toThrow(/OIDC_CLIENT_SECRET/);
    expect(() => readEnv({ OIDC_ISSUER: 'not a url', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b', NEXTAUTH_URL: 'http://x' })).toThrow(/must be a URL/);
    expect(() => readEnv({ OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b' })).toThrow(/NEXTAUTH_URL/);
  });
});

describe('readEnv: configuration errors name the variable', () => {
  const KEY = 'ab'.repeat(32);
  it.each([
    [{ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' }, /ENCRYPTION_KEY \(or ENCRYPTION_KEYS\) is required when DATABASE_URL is set/],
    [{ ENCRYPTION_KEY: 'too-short' }, /ENCRYPTION_KEY must be 32 bytes/],
    [{ ENCRYPTION_KEY: 'é'.repeat(64) }, /ENCRYPTION_KEY must be 32 bytes/],
    [{ ENCRYPTION_KEYS: `${KEY},nope` }, /ENCRYPTION_KEYS entry 2 must be 32 bytes/],
    [{ ENCRYPTION_KEYS: `${KEY},${KEY}` }, /same key twice/],
    [{ ENCRYPTION_KEYS: KEY, ENCRYPTION_KEY: KEY }, /not both/],
    [{ DATABASE_URL: 'mysql://db/x', ENCRYPTION_KEY: KEY }, /DATABASE_URL must start with postgres:\/\//],
    [{ DATABASE_URL: 'not a url', ENCRYPTION_KEY: KEY }, /DATABASE_URL must be a postgres:\/\/user/],
    [{ MIGRATION_DATABASE_URL: 'postgres://owner@db/x' }, /MIGRATION_DATABASE_URL needs DATABASE_URL/],
    [{ TRUSTED_PROXIES: '10.0.0.0/8,proxy.internal' }, /TRUSTED_PROXIES: "proxy.internal" is not an IP address/],
    [{ TRUSTED_PROXIES: '10.0.0.0/33' }, /TRUSTED_PROXIES: "10.0.0.0\/33"/],
    [{ PORT: 'eighty' }, /PORT must be a port number/],
    [{ NEXTAUTH_URL: 'switchboard.example.com' }, /NEXTAUTH_URL must be an http\(s\):\/\/ URL/],
    [{ RESOLVE_CACHE_ENTRIES: '0' }, /RESOLVE_CACHE_ENTRIES must be a whole number of entries/],
    [{ RESOLVE_CACHE_ENTRIES: '20k' }, /RESOLVE_CACHE_ENTRIES must be a whole number of entries/],
  ])('%j is refused', (vars, message) => {
    expect(() => readEnv(vars)).toThrow(ConfigError);
    expect(() => readEnv(vars)).toThrow(message);
  });

  it('reads the key ring newest first, one key as the shorthand, proxies as a list', () => {
    const other = 'cd'.repeat(32);
    const env = readEnv({ ENCRYPTION_KEYS: `${KEY}, ${Buffer.from(other, 'hex').toString('base64')}`, TRUSTED_PROXIES: '10.0.0.0/8 ::1', DATABASE_URL: 'postgresql://a@b/c' });
    expect(env.encryptionKeys?.map((k) => k.toString('hex'))).toEqual([KEY, other]);
    expect(env.trustedProxies).toEqual(['10.0.0.0/8', '::1']);
    expect(readEnv({ ENCRYPTION_KEY: KEY }).encryptionKeys).toHaveLength(1);
    expect(readEnv({}).encryptionKeys).toBeUndefined();
    expect(readEnv({ RESOLVE_CACHE_ENTRIES: '5000' }).resolveCacheEntries).toBe(5000);
    expect(readEnv({}).resolveCacheEntries).toBeUndefined();
  });
});
