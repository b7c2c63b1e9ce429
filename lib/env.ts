import 'server-only';
import path from 'node:path';

/**
 * The one reader of process.env. Everything configurable about a running Switchboard is named here.
 */
export interface Env {
  /** postgres://… → real PostgreSQL; unset → embedded PGlite under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  /** 32-byte AES key as 64 hex chars or base64; required with DATABASE_URL, generated in dataDir otherwise. */
  encryptionKey: string | undefined;
  production: boolean;
  /** NEXTAUTH_SECRET signs browser sessions; unset → derived from the encryption key (HKDF). */
  sessionSecret: string | undefined;
  /** NEXTAUTH_URL, the public URL: required for OIDC redirects; https → Secure cookies. Password sign-in works without it. */
  publicUrl: string | undefined;
  /** Optional OpenID Connect provider: all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET, or none. */
  oidc: OidcEnv | undefined;
}

export interface OidcEnv {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Shown on the sign-in button. */
  name: string;
}

function readOidc(source: NodeJS.ProcessEnv): OidcEnv | undefined {
  const { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret, OIDC_NAME: name } = source;
  if (!issuer && !clientId && !clientSecret) return undefined;
  if (!issuer || !clientId || !clientSecret) throw new Error('OIDC needs all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET');
  if (!URL.canParse(issuer)) throw new Error(`OIDC_ISSUER must be a URL, got ${issuer}`);
  // the IdP redirects back to NEXTAUTH_URL/api/auth/callback/oidc; without it next-auth would guess localhost:3000
  if (!source.NEXTAUTH_URL) throw new Error('OIDC needs NEXTAUTH_URL, the public URL registered with the identity provider');
  return { issuer: issuer.replace(/\/+$/, ''), clientId, clientSecret, name: name || 'single sign-on' };
}

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const port = Number(source.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`PORT must be a port number, got ${source.PORT}`);
  return {
    databaseUrl: source.DATABASE_URL || undefined,
    dataDir: path.resolve(/*turbopackIgnore: true*/ source.SWITCHBOARD_DATA_DIR || '.data'),
    port,
    encryptionKey: source.ENCRYPTION_KEY || undefined,
    production: source.NODE_ENV === 'production',
    sessionSecret: source.NEXTAUTH_SECRET || undefined,
    publicUrl: source.NEXTAUTH_URL || undefined,
    oidc: readOidc(source),
  };
}

/** Request budgets (per minute, per process; 0 turns one off). See README "Sign-in and sessions". */
export interface RateLimits {
  /** API requests per token (or per signed-in user for cookie requests). */
  apiPerToken: number;
  /** API requests per client address, before authentication. */
  apiPerIp: number;
  /** Failed password sign-ins per client address, refilled at a tenth of this a minute. */
  signInFailuresPerIp: number;
}

export const RATE_LIMIT_DEFAULTS: RateLimits = { apiPerToken: 6000, apiPerIp: 12000, signInFailuresPerIp: 30 };

export function readRateLimits(source: NodeJS.ProcessEnv = process.env): RateLimits {
  const read = (name: string, fallback: number) => {
    const raw = source[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number of requests per minute (0 = no limit), got ${raw}`);
    return n;
  };
  return {
    apiPerToken: read('RATE_LIMIT_API_PER_TOKEN', RATE_LIMIT_DEFAULTS.apiPerToken),
    apiPerIp: read('RATE_LIMIT_API_PER_IP', RATE_LIMIT_DEFAULTS.apiPerIp),
    signInFailuresPerIp: read('RATE_LIMIT_SIGNIN_FAILURES_PER_IP', RATE_LIMIT_DEFAULTS.signInFailuresPerIp),
  };
}
