import 'server-only';
import type { App } from '@/lib/services/kernel/app';
import { fail } from '@/lib/services/kernel/errors';
import { authenticateToken } from '@/lib/services/identity/principal';
import type { Principal } from './policy';
import { CSRF_HEADER } from './headers';
import { parseCookieHeader, principalFromCookies } from './session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Who is calling: an API token (`Authorization: Bearer …` or `X-API-Key`), else the browser session
 * cookie. Null when nobody valid. Works on any standard Request (Next route handlers and plain Node).
 */
export async function authenticate(app: App, req: Request): Promise<Principal | null> {
  const header = req.headers.get('authorization');
  if (header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m ? authenticateToken(app, m[1]) : null;
  }
  const apiKey = req.headers.get('x-api-key');
  if (apiKey) return authenticateToken(app, apiKey);
  const principal = await principalFromCookies(app, parseCookieHeader(req.headers.get('cookie')));
  if (principal && !SAFE_METHODS.has(req.method) && !req.headers.get(CSRF_HEADER)) {
    fail('INSUFFICIENT_PERMISSIONS', `Writes authenticated by the session cookie must send the ${CSRF_HEADER} header (cross-site request protection)`);
  }
  return principal;
}
