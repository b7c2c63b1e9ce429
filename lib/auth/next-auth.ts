import 'server-only';
import { randomUUID } from 'node:crypto';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { readEnv, type OidcEnv } from '@/lib/env';
import type { App } from '@/lib/services/kernel/app';
import { signInWithOidc } from '@/lib/services/identity/oidc';
import { authSettings, sessionPrincipal, signOutSession } from '@/lib/services/identity/sessions';
import { signInWithPassword, type SignedInUser } from '@/lib/services/identity/sign-in';
import { fetchUserinfo, oidcIdentity, type OidcClaims } from './oidc';
import { throttledError } from './sign-in';
import { sessionSecret } from './session';

/** Thrown by the jwt callback for a session that is over; next-auth then clears the cookie. */
class SessionEnded extends Error {}

interface OidcProfile extends OidcClaims {
  sub: string;
  email?: string;
  name?: string;
  preferred_username?: string;
}

const OIDC_ERRORS = { no_email: 'OidcNoAccount', unknown_email: 'OidcNoAccount', unverified_email: 'OidcUnverified', disabled: 'OidcDisabled' } as const;

function oidcProvider(oidc: OidcEnv): OAuthConfig<OidcProfile> {
  return {
    id: 'oidc',
    name: oidc.name,
    type: 'oauth',
    wellKnown: `${oidc.issuer}/.well-known/openid-configuration`,
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret,
    authorization: { params: { scope: 'openid email profile' } },
    idToken: true,
    checks: ['pkce', 'state'],
    profile: (p) => ({ id: p.sub, email: p.email ?? null, name: p.name ?? p.preferred_username ?? null }),
  };
}

/**
 * next-auth's configuration, built per request: the session lifetime is a setting that can change while
 * the server runs. Sessions are JWTs in a cookie carrying the user id, the sign-in time and the last
 * activity; every check (here and in the API) re-reads the user and applies the current limits.
 */
export async function authOptions(app: App, request: { ip: string | null }): Promise<NextAuthOptions> {
  const env = readEnv();
  const { sessionExpirationDays } = await authSettings(app);
  return {
    secret: sessionSecret(app),
    session: { strategy: 'jwt', maxAge: sessionExpirationDays * 24 * 3600 },
    pages: { signIn: '/signin', error: '/signin' },
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'Email and password',
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials) {
          if (!credentials?.email || !credentials.password) return null;
          const result = await signInWithPassword(app, credentials, { ip: request.ip });
          if (result.ok) return result.user;
          // the message reaches the sign-in form as `error`
          if (result.reason === 'throttled') throw new Error(throttledError(result.retryAfterSeconds));
          return null;
        },
      }),
      ...(env.oidc ? [oidcProvider(env.oidc)] : []),
    ],
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== 'oidc') return true;
        const issuer = env.oidc!.issuer;
        const identity = await oidcIdentity((profile ?? {}) as OidcProfile, () => fetchUserinfo(issuer, account.access_token));
        const ours = await signInWithOidc(app, identity, { ip: request.ip, issuer });
        if (!ours.ok) return `/signin?error=${OIDC_ERRORS[ours.reason]}`;
        // without an adapter next-auth hands this same object to the jwt callback: from here on it is our user
        Object.assign(user, ours.user);
        return true;
      },
      async jwt({ token, user }) {
        const now = Date.now();
        if (user) {
          const { id, name, email, sessionEpoch } = user as typeof user & SignedInUser;
          return { sub: id, name, email, signedInAt: now, lastActivity: now, epoch: sessionEpoch, sid: randomUUID() };
        }
        if (!(await sessionPrincipal(app, token, now))) throw new SessionEnded('session expired or user disabled');
        return { ...token, lastActivity: now };
      },
      session({ session, token }) {
        return { ...session, user: { id: token.sub, name: token.name, email: token.email } };
      },
    },
    events: {
      // "Sign out" ends this session server-side too: a copy of the cookie stops working everywhere
      async signOut({ token }) {
        if (token) await signOutSession(app, token, { ip: request.ip });
      },
    },
    logger: {
      error(code, metadata) {
        const err = metadata instanceof Error ? metadata : metadata?.error;
        if (err instanceof SessionEnded) return;
        console.error(`[switchboard] next-auth ${code}`, err ?? metadata);
      },
      warn: () => {},
      debug: () => {},
    },
  };
}
