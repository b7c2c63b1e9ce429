import 'server-only';
import { decode } from 'next-auth/jwt';
import { readEnv } from '@/lib/env';
import type { App } from '@/lib/services/kernel/app';
import { sessionPrincipal } from '@/lib/services/identity/sessions';
import type { Principal } from './policy';

/** next-auth's session cookie; the `__Secure-` variant is used when NEXTAUTH_URL is https. */
export const SESSION_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token'] as const;

const secrets = new WeakMap<App, string>();

/** NEXTAUTH_SECRET, or a key derived from the encryption key so every instance agrees without configuration. */
export function sessionSecret(app: App): string {
  let secret = secrets.get(app);
  if (!secret) {
    secret = readEnv().sessionSecret ?? app.secrets.derive('next-auth sessions').toString('base64url');
    secrets.set(app, secret);
  }
  return secret;
}

export function parseCookieHeader(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    try {
      out.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      // a malformed cookie is not ours
    }
  }
  return out;
}

/** The session token, reassembling next-auth's chunks (`name.0`, `name.1`, …) of large tokens. */
export function sessionToken(cookies: ReadonlyMap<string, string>): string | null {
  for (const name of SESSION_COOKIES) {
    const whole = cookies.get(name);
    if (whole) return whole;
    const chunks: string[] = [];
    for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`)!);
    if (chunks.length) return chunks.join('');
  }
  return null;
}

/** The principal of the session in these cookies, or null when there is none or it is no longer valid. */
export async function principalFromCookies(app: App, cookies: ReadonlyMap<string, string>): Promise<Principal | null> {
  const token = sessionToken(cookies);
  if (!token) return null;
  const claims = await decode({ token, secret: sessionSecret(app) }).catch(() => null);
  return claims ? sessionPrincipal(app, claims) : null;
}
