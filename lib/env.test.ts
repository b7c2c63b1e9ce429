import { describe, expect, it } from 'vitest';
import { readEnv as readProcessEnv } from './env';

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
