import 'server-only';
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes: scrypt from Node itself (memory-hard, no native add-on). Stored as
 * `scrypt$N$r$p$salt$hash` (base64url), so a hash made with older parameters still verifies and is
 * replaced on the next successful sign-in (`needsRehash`).
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** OWASP's scrypt guidance: N=2^17, r=8, p=1 → 128 MiB and ~0.2-0.5 s per check on one core. */
export const PRODUCTION_PARAMS: ScryptParams = { N: 1 << 17, r: 8, p: 1 };
/** Only under vitest: the same algorithm at a cost that keeps hundreds of test sign-ins quick. */
const TEST_PARAMS: ScryptParams = { N: 1 << 10, r: 8, p: 1 };
const KEYLEN = 32;
/** The most any stored hash may make us allocate (a crafted N must not exhaust memory). */
const MAX_MEMORY = 256 * 1024 * 1024;

/** The parameters new hashes get: production's, unless this process is a vitest worker. */
export function currentParams(env: NodeJS.ProcessEnv = process.env): ScryptParams {
  return env.VITEST && env.NODE_ENV !== 'production' ? TEST_PARAMS : PRODUCTION_PARAMS;
}

// 128·N·r bytes for the work area, plus slack: Node refuses when N·r·128 reaches maxmem exactly
const maxmem = ({ N, r }: ScryptParams) => Math.min(MAX_MEMORY, 128 * N * r * 2);

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFKC'), salt, KEYLEN, { ...params, maxmem: maxmem(params) }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string, params: ScryptParams = currentParams()): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

function parse(stored: string): (ScryptParams & { salt: Buffer; hash: Buffer }) | null {
  const [kind, n, r, p, salt, hash, ...rest] = stored.split('$');
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (kind !== 'scrypt' || !salt || !hash || rest.length) return null;
  if (![params.N, params.r, params.p].every(Number.isSafeInteger) || 128 * params.N * params.r > MAX_MEMORY) return null;
  return { ...params, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const actual = await scrypt(password, parsed.salt, parsed).catch(() => null);
  return !!actual && actual.length === parsed.hash.length && timingSafeEqual(actual, parsed.hash);
}

/** True when a stored hash was made with other parameters than new hashes get: rehash it after a good sign-in. */
export function needsRehash(stored: string, params: ScryptParams = currentParams()): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.N !== params.N || parsed.r !== params.r || parsed.p !== params.p;
}
