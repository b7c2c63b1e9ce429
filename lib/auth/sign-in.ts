// Sign-in helpers shared by the server and the sign-in form: no server imports here.

const LOCKED = 'AccountLocked:';

export const lockedError = (minutes: number) => `${LOCKED}${minutes}`;

/**
 * What the sign-in form says for each `error` next-auth reports. A wrong e-mail and a wrong password
 * read the same, so the form does not tell which accounts exist.
 */
export function signInErrorMessage(error: string): string {
  if (error.startsWith(LOCKED)) {
    const minutes = Number(error.slice(LOCKED.length)) || 1;
    return `This account is locked after too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
  }
  switch (error) {
    case 'CredentialsSignin':
      return 'Wrong email or password.';
    case 'OidcNoAccount':
      return 'Your identity provider signed you in, but no Switchboard user has that verified email. Ask an admin to add you.';
    case 'SessionRequired':
      return 'Please sign in to continue.';
    default:
      return 'Sign-in failed. Try again, or ask an admin if it keeps happening.';
  }
}

/**
 * Where to go after signing in: always a path on this site (never another origin), never back to
 * /signin itself. Accepts the absolute URLs next-auth puts in `callbackUrl` by keeping only their path.
 */
export function safeCallbackPath(raw: unknown): string {
  if (typeof raw !== 'string' || !raw) return '/';
  let url: URL;
  try {
    url = new URL(raw, 'http://switchboard.invalid');
  } catch {
    return '/';
  }
  if (!url.pathname.startsWith('/') || url.pathname.startsWith('/signin') || url.pathname.startsWith('/api/')) return '/';
  return url.pathname + url.search;
}
