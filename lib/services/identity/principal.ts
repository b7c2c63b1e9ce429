import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { Executor } from '@/lib/db/client';
import type { App } from '../kernel/app';
import { selectEnabledUser, selectLiveTokenByHash, selectRoleBindings, updateTokenRow } from './store';
import { hashToken, TOKEN_PREFIX } from './tokens';

/** Loads a user's principal (roles included); null when the user is gone or disabled. */
export async function loadPrincipal(db: Executor, userId: string, via: Principal['via'], tokenId?: string): Promise<Principal | null> {
  const user = await selectEnabledUser(db, userId);
  if (!user) return null;
  const roles = await selectRoleBindings(db, userId);
  return { userId, email: user.email, name: user.name, roles, via, tokenId };
}

/** Bearer token → principal, or null when the token is unknown, revoked, expired or its user disabled. */
export async function authenticateToken(app: App, token: string): Promise<Principal | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const tokenHash = hashToken(token);
  const cached = app.caches.getPrincipal(tokenHash);
  if (cached) return cached;
  const row = await selectLiveTokenByHash(app.db, tokenHash);
  if (!row) return null;
  const now = new Date();
  if (row.expiresAt && row.expiresAt <= now) return null;
  const principal = await loadPrincipal(app.db, row.userId, 'token', row.id);
  if (!principal) return null;
  // last-used is informational: write it at most once a minute per token, never on the hot path twice
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await updateTokenRow(app.db, row.id, { lastUsedAt: now });
  }
  // an expiring token must not outlive its expiry in the cache
  const ttl = row.expiresAt ? Math.min(10_000, row.expiresAt.getTime() - now.getTime()) : 10_000;
  app.caches.setPrincipal(tokenHash, principal, ttl);
  return principal;
}
