import 'server-only';

/**
 * What Switchboard needs from an OpenID provider: the subject and a verified e-mail. Some certified
 * providers put e-mail claims only in the userinfo response (not in the ID token) by default; then
 * the userinfo endpoint is asked too, and its answer counts only for the same subject (OIDC Core 5.3.2).
 */
export interface OidcClaims {
  sub?: unknown;
  email?: unknown;
  email_verified?: unknown;
  name?: unknown;
  preferred_username?: unknown;
}

export interface OidcIdentity {
  sub: string | null;
  /** Lower-cased, or null when no claim has one. */
  email: string | null;
  emailVerified: boolean;
  /** Where the e-mail came from, for the audit log. */
  from: 'id_token' | 'userinfo' | null;
}

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
// some providers send "true" as a string
const verified = (v: unknown) => v === true || v === 'true';

/**
 * The identity in an ID token, completed from userinfo when the token lacks the e-mail or its
 * verification. `fetchUserinfo` is called at most once; when it fails the ID token's claims stand.
 */
export async function oidcIdentity(idToken: OidcClaims, fetchUserinfo: () => Promise<OidcClaims | null>): Promise<OidcIdentity> {
  const sub = str(idToken.sub);
  const fromToken = { email: str(idToken.email), emailVerified: verified(idToken.email_verified) };
  if (fromToken.email && fromToken.emailVerified) return { sub, ...lower(fromToken), from: 'id_token' };
  const info = await fetchUserinfo().catch(() => null);
  if (info && sub && str(info.sub) === sub) {
    const email = str(info.email) ?? fromToken.email;
    // a verification flag describes the address it came with
    const emailVerified = str(info.email) ? verified(info.email_verified) : fromToken.emailVerified || verified(info.email_verified);
    if (email) return { sub, ...lower({ email, emailVerified }), from: str(info.email) ? 'userinfo' : 'id_token' };
  }
  return { sub, ...lower(fromToken), from: fromToken.email ? 'id_token' : null };
}

const lower = (x: { email: string | null; emailVerified: boolean }) => ({ email: x.email?.toLowerCase() ?? null, emailVerified: x.emailVerified });

const endpoints = new Map<string, Promise<string | null>>();

/** The provider's userinfo endpoint, from its discovery document (once per process). */
function userinfoEndpoint(issuer: string): Promise<string | null> {
  let p = endpoints.get(issuer);
  if (!p) {
    p = fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) })
      .then((r) => (r.ok ? (r.json() as Promise<{ userinfo_endpoint?: unknown }>) : null))
      .then((d) => (typeof d?.userinfo_endpoint === 'string' ? d.userinfo_endpoint : null));
    p.catch(() => endpoints.delete(issuer));
    endpoints.set(issuer, p);
  }
  return p;
}

/** Asks the provider's userinfo endpoint with the access token of this sign-in. */
export async function fetchUserinfo(issuer: string, accessToken: string | undefined): Promise<OidcClaims | null> {
  const url = accessToken ? await userinfoEndpoint(issuer) : null;
  if (!url) return null;
  const res = await fetch(url, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' }, signal: AbortSignal.timeout(5000) });
  if (!res.ok || !/json/.test(res.headers.get('content-type') ?? '')) return null;
  return (await res.json()) as OidcClaims;
}
