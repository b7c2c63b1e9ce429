import 'server-only';
import { isIP } from 'node:net';
import path from 'node:path';

/**
 * The one reader of process.env. Everything configurable about a running Switchboard is named here.
 */
export interface Env {
  /** postgres://… → real PostgreSQL; unset → embedded PGlite under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  /**
   * The encryption key ring, newest first: ENCRYPTION_KEYS (comma-separated) or the one-key shorthand
   * ENCRYPTION_KEY, each 32 bytes as 64 hex chars or base64. Required with DATABASE_URL; in embedded
   * mode one is generated in dataDir when neither is set.
   */
  encryptionKeys: Buffer[] | undefined;
  /** A separate owner URL for migrations, so DATABASE_URL can be a role without DDL rights (README "Security"). */
  migrationDatabaseUrl: string | undefined;
  /** TRUSTED_PROXIES: IPs / CIDRs whose X-Forwarded-For / X-Real-IP are believed (lib/trusted-proxies.ts). */
  trustedProxies: string[];
  production: boolean;
  /** NEXTAUTH_SECRET signs browser sessions; unset → derived from the encryption key (HKDF). */
  sessionSecret: string | undefined;
  /** NEXTAUTH_URL, the public URL: required for OIDC redirects; https → Secure cookies. Password sign-in works without it. */
  publicUrl: string | undefined;
  /** Optional OpenID Connect provider: all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET, or none. */
  oidc: OidcEnv | undefined;
  /** SETTINGS_MIGRATIONS_DIR: the deploying project's settings migrations (default ./migrations/settings). */
  settingsMigrationsDir: string;
  /** RESOLVE_CACHE_ENTRIES: resolutions one process keeps in memory (least recently used dropped past it); unset → the cache's default. */
  resolveCacheEntries: number | undefined;
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
  if (!issuer || !clientId || !clientSecret) throw new ConfigError('OIDC needs all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET');
  if (!URL.canParse(issuer)) throw new ConfigError(`OIDC_ISSUER must be a URL, got ${issuer}`);
  // the IdP redirects back to NEXTAUTH_URL/api/auth/callback/oidc; without it next-auth would guess localhost:3000
  if (!source.NEXTAUTH_URL) throw new ConfigError('OIDC needs NEXTAUTH_URL, the public URL registered with the identity provider');
  return { issuer: issuer.replace(/\/+$/, ''), clientId, clientSecret, name: name || 'single sign-on' };
}

/** A configuration mistake: start-up stops with this message (see exitOnConfigError). */
export class ConfigError extends Error {}

export function parseEncryptionKey(raw: string, name = 'ENCRYPTION_KEY'): Buffer {
  const trimmed = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) throw new ConfigError(`${name} must be 32 bytes: 64 hex characters or base64 (openssl rand -hex 32)`);
  return key;
}

function readKeys(source: NodeJS.ProcessEnv): Buffer[] | undefined {
  const { ENCRYPTION_KEYS: ring, ENCRYPTION_KEY: one } = source;
  if (ring && one) throw new ConfigError('Set ENCRYPTION_KEYS (the key ring, newest first) or ENCRYPTION_KEY (one key), not both');
  if (one) return [parseEncryptionKey(one)];
  if (!ring) return undefined;
  const parts = ring.split(/[\s,]+/).filter(Boolean);
  if (!parts.length) throw new ConfigError('ENCRYPTION_KEYS is empty');
  const keys = parts.map((k, i) => parseEncryptionKey(k, `ENCRYPTION_KEYS entry ${i + 1}`));
  if (new Set(keys.map((k) => k.toString('hex'))).size !== keys.length) throw new ConfigError('ENCRYPTION_KEYS lists the same key twice');
  return keys;
}

function readDatabaseUrl(name: string, raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a postgres://user:password@host:5432/database URL`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new ConfigError(`${name} must start with postgres:// (got ${url.protocol}//)`);
  return raw;
}

function readProxies(raw: string | undefined): string[] {
  const entries = (raw ?? '').split(/[\s,]+/).filter(Boolean);
  for (const e of entries) {
    const [address, prefix, extra] = e.split('/');
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const ok = family !== 0 && extra === undefined && (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= max));
    if (!ok) throw new ConfigError(`TRUSTED_PROXIES: "${e}" is not an IP address or CIDR range (e.g. 10.0.0.0/8, ::1)`);
  }
  return entries;
}

/** Reads and checks the whole configuration; every mistake is a ConfigError naming the variable. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const port = Number(source.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(`PORT must be a port number, got ${source.PORT}`);
  const databaseUrl = readDatabaseUrl('DATABASE_URL', source.DATABASE_URL);
  const migrationDatabaseUrl = readDatabaseUrl('MIGRATION_DATABASE_URL', source.MIGRATION_DATABASE_URL);
  if (migrationDatabaseUrl && !databaseUrl) throw new ConfigError('MIGRATION_DATABASE_URL needs DATABASE_URL (the embedded database has no roles)');
  const encryptionKeys = readKeys(source);
  if (databaseUrl && !encryptionKeys) {
    throw new ConfigError('ENCRYPTION_KEY (or ENCRYPTION_KEYS) is required when DATABASE_URL is set: 64 hex characters, e.g. `openssl rand -hex 32`');
  }
  const publicUrl = source.NEXTAUTH_URL || undefined;
  if (publicUrl && !/^https?:\/\//.test(publicUrl)) throw new ConfigError(`NEXTAUTH_URL must be an http(s):// URL, got ${publicUrl}`);
  return {
    databaseUrl,
    migrationDatabaseUrl,
    dataDir: path.resolve(/*turbopackIgnore: true*/ source.SWITCHBOARD_DATA_DIR || '.data'),
    port,
    encryptionKeys,
    trustedProxies: readProxies(source.TRUSTED_PROXIES),
    production: source.NODE_ENV === 'production',
    sessionSecret: source.NEXTAUTH_SECRET || undefined,
    publicUrl,
    oidc: readOidc(source),
    settingsMigrationsDir: path.resolve(/*turbopackIgnore: true*/ source.SETTINGS_MIGRATIONS_DIR || 'migrations/settings'),
    resolveCacheEntries: readCount('RESOLVE_CACHE_ENTRIES', source.RESOLVE_CACHE_ENTRIES),
  };
}

function readCount(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${name} must be a whole number of entries (1 or more), got ${raw}`);
  return n;
}

/**
 * Start-up's check: a configuration error stops the process with the reason on stderr and exit code 78
 * (EX_CONFIG) instead of a server that answers 503 to everything.
 */
export function readEnvOrExit(source: NodeJS.ProcessEnv = process.env): Env {
  try {
    return readEnv(source);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`[switchboard] configuration error: ${err.message}`);
    process.exit(78);
  }
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
