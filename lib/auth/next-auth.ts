import 'server-only';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { readEnv, type OidcEnv } from '@/lib/env';
import type { App } from '@/lib/services/kernel/app';
import { authSettings, sessionPrincipal, signInWithOidc, signInWithPassword } from '@/lib/services/identity/sessions';
import { lockedError } from './sign-in';
import { sessionSecret } from './session';

/** Thrown by the jwt callback for a session that is over; next-auth then clears the cookie. */
class SessionEnded extends Error {}

const ipOf = (headers: Record<string, unknown> | undefined) => {
  const fwd = headers?.['x-forwarded-for'];
  return typeof fwd === 'string' ? fwd.split(',')[0].trim() : null;
};

interface OidcProfile {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  preferred_username?: string;
}

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
export async function authOptions(app: App): Promise<NextAuthOptions> {
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
        async authorize(credentials, req) {
          if (!credentials?.email || !credentials.password) return null;
          const result = await signInWithPassword(app, credentials, { ip: ipOf(req.headers) });
          if (result.ok) return result.user;
          // the message reaches the sign-in form as `error`
          if (result.reason === 'locked') throw new Error(lockedError(result.retryAfterMinutes));
          return null;
        },
      }),
      ...(env.oidc ? [oidcProvider(env.oidc)] : []),
    ],
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== 'oidc') return true;
        const ours = await signInWithOidc(app, (profile ?? {}) as OidcProfile, { ip: null, issuer: env.oidc!.issuer });
        if (!ours) return '/signin?error=OidcNoAccount';
        // without an adapter next-auth hands this same object to the jwt callback: from here on it is our user
        Object.assign(user, ours);
        return true;
      },
      async jwt({ token, user }) {
        const now = Date.now();
        if (user) return { sub: user.id, name: user.name, email: user.email, signedInAt: now, lastActivity: now };
        if (!(await sessionPrincipal(app, token, now))) throw new SessionEnded('session expired or user disabled');
        return { ...token, lastActivity: now };
      },
      session({ session, token }) {
        return { ...session, user: { id: token.sub, name: token.name, email: token.email } };
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
