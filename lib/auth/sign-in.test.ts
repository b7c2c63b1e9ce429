import { describe, expect, it } from 'vitest';
import { safeCallbackPath, signInErrorMessage, throttledError } from './sign-in';

describe('safeCallbackPath', () => {
  it('keeps paths on this site', () => {
    expect(safeCallbackPath('/settings?category=auth')).toBe('/settings?category=auth');
    expect(safeCallbackPath('http://localhost:3000/docs?a=1', 'localhost:3000')).toBe('/docs?a=1');
    expect(safeCallbackPath('/a/b/../c')).toBe('/a/c');
  });

  it.each([
    '/.//evil.example/x',
    '/./../\\/evil.example',
    '//evil.example/x',
    '///evil.example/x',
    '/\\evil.example/x',
    '\\\\evil.example',
    '/%2F%2Fevil.example/x',
    '/%2f/evil.example',
    '/%5Cevil.example',
    '/x/..//evil.example',
    '/\t/evil.example',
    ' //evil.example',
    'https://evil.example/steal',
    'http://localhost:3000.evil.example/x',
    'https://localhost:3000@evil.example/x',
    'evil.example',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '/%73ignin',
  ])('refuses %j, which would leave the site (or loop)', (raw) => {
    expect(safeCallbackPath(raw, 'localhost:3000')).toBe('/');
  });

  it('refuses an absolute URL to this host when the host is not known', () => {
    expect(safeCallbackPath('http://localhost:3000/docs')).toBe('/');
  });

  it('never leaves the site, never loops back to sign-in', () => {
    expect(safeCallbackPath('javascript:alert(1)')).toBe('/');
    expect(safeCallbackPath('/signin?callbackUrl=/x')).toBe('/');
    expect(safeCallbackPath('/api/v1/me')).toBe('/');
    expect(safeCallbackPath(undefined)).toBe('/');
    expect(safeCallbackPath(['/a', '/b'])).toBe('/');
  });
});

describe('signInErrorMessage', () => {
  it('says how long a throttled sign-in must wait', () => {
    expect(signInErrorMessage(throttledError(720))).toBe('Too many failed sign-ins. Try again in 12 minutes.');
    expect(signInErrorMessage(throttledError(1))).toMatch(/in 1 second\.$/);
    expect(signInErrorMessage(throttledError(45))).toMatch(/in 45 seconds\.$/);
  });

  it('does not tell a wrong email from a wrong password or a locked account', () => {
    expect(signInErrorMessage('CredentialsSignin')).toMatch(/^Wrong email or password, or the account is locked/);
    expect(signInErrorMessage('OidcDisabled')).toMatch(/account is disabled/);
    expect(signInErrorMessage('OAuthCallback')).toMatch(/Sign-in failed/);
  });
});
