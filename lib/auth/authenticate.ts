import 'server-only';
import type { App } from '@/lib/services/app';
import { authenticateToken } from '@/lib/services/tokens';
import type { Principal } from './policy';

/** Who is calling: an API token (`Authorization: Bearer …` or `X-API-Key`). Null when nobody valid. */
export async function authenticate(app: App, req: Request): Promise<Principal | null> {
  const header = req.headers.get('authorization');
  let token: string | null = null;
  if (header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return null;
    token = m[1];
  } else token = req.headers.get('x-api-key');
  if (!token) return null;
  return authenticateToken(app, token);
}
