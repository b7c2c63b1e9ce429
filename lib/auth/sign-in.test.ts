import { describe, expect, it } from 'vitest';
import { safeCallbackPath, signInErrorMessage, throttledError } from './sign-in';

describe('safeCallbackPath', () => {
  it('keeps paths on this site', () => {
    expect(safeCallbackPath('/settings?category=auth')).toBe('/settings?category=auth');
    expect(safeCallbackPath('http://localhost:3000/docs')).toBe('/docs');
  });

  it('never leaves the site, never loops back to sign-in', () => {
    expect(safeCallbackPath('https://evil.example/steal')).toBe('/steal');
    expect(safeCallbackPath('//evil.example/x')).toBe('/x');
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
