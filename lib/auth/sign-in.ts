// Sign-in helpers shared by the server and the sign-in form: no server imports here.

const THROTTLED = 'Throttled:';

/** The `error` a throttled sign-in reports: how many seconds until the next attempt is checked. */
export const throttledError = (seconds: number) => `${THROTTLED}${seconds}`;

const wait = (seconds: number) => (seconds < 90 ? `${seconds} second${seconds === 1 ? '' : 's'}` : `${Math.ceil(seconds / 60)} minutes`);

/**
 * What the sign-in form says for each `error` next-auth reports. A wrong e-mail, a wrong password and a
 * locked account read the same, so the form does not tell which accounts exist.
 */
export function signInErrorMessage(error: string): string {
  if (error.startsWith(THROTTLED)) {
    const seconds = Math.max(1, Number(error.slice(THROTTLED.length)) || 1);
    return `Too many failed sign-ins. Try again in ${wait(seconds)}.`;
  }
  switch (error) {
    case 'CredentialsSignin':
      return 'Wrong email or password, or the account is locked after too many failed sign-ins (an admin can unlock it by setting a new password).';
    case 'OidcNoAccount':
      return 'Your identity provider signed you in, but no Switchboard user has that verified email. Ask an admin to add you.';
    case 'OidcUnverified':
      return 'Your identity provider did not confirm that your email address is verified, so Switchboard cannot match it to a user. Verify it with your provider, then try again.';
    case 'OidcDisabled':
      return 'Your Switchboard account is disabled. Ask an admin to enable it.';
    case 'SessionRequired':
      return 'Please sign in to continue.';
    default:
      return 'Sign-in failed. Try again, or ask an admin if it keeps happening.';
  }
}

/**
 * Where to go after signing in: always a path on this site, never back to /signin itself. Anything a
 * browser could read as another origin is refused: protocol-relative `//x`, `/\x` (browsers treat `\` as
 * `/`), dot segments that normalise to `//x` (`/.//x`), their percent-encoded forms, control characters,
 * and absolute URLs — unless `host` is given and they point at exactly that host (next-auth puts absolute
 * URLs of this site in `callbackUrl`).
 */
export function safeCallbackPath(raw: unknown, host?: string): string {
  if (typeof raw !== 'string' || !raw || raw.length > 2048) return '/';
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return '/';
  const base = 'http://switchboard.invalid';
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return '/';
  }
  const relative = raw.startsWith('/') && !raw.startsWith('//');
  if (!relative && !(host && (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host.toLowerCase())) return '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return '/';
  }
  if (decoded.startsWith('//') || decoded.includes('\\') || /\/\.{1,2}\//.test(decoded)) return '/';
  if (decoded.startsWith('/signin') || decoded.startsWith('/api/')) return '/';
  return url.pathname + url.search;
}
