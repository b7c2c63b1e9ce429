import { describe, expect, it } from 'vitest';
import { lockedError, safeCallbackPath, signInErrorMessage } from './sign-in';

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
  it('says how long a locked account stays locked', () => {
    expect(signInErrorMessage(lockedError(12))).toBe('This account is locked after too many failed sign-ins. Try again in 12 minutes.');
    expect(signInErrorMessage(lockedError(1))).toMatch(/in 1 minute\.$/);
  });

  it('does not tell a wrong email from a wrong password', () => {
    expect(signInErrorMessage('CredentialsSignin')).toBe('Wrong email or password.');
    expect(signInErrorMessage('OAuthCallback')).toMatch(/Sign-in failed/);
  });
});
