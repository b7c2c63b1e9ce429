import 'server-only';
import type { Principal } from '@/lib/auth/policy';
import type { Executor } from '@/lib/db/client';
import type { App } from '../kernel/app';
import { selectEnabledUser, selectLiveTokenByHash, selectRoleBindings, selectToken, updateTokenRow } from './store';
import { hashToken, TOKEN_PREFIX } from './token-secret';

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
  return authenticateTokenHash(app, hashToken(token));
}

/** The principal of a live API token by its id (a credential derived from a token names it): null once revoked or expired. */
export async function principalOfTokenId(app: App, tokenId: string): Promise<Principal | null> {
  const row = await selectToken(app.db, tokenId);
  if (!row || row.revokedAt) return null;
  return authenticateTokenHash(app, row.tokenHash);
}

/** The same from the token's hash (a credential derived from the token, e.g. an OFREP stream ticket, carries it). */
export async function authenticateTokenHash(app: App, tokenHash: string): Promise<Principal | null> {
  // while storage is down, the last known principal keeps cached reads working (nothing can change it meanwhile)
  const cached = app.caches.getPrincipal(tokenHash, app.storage.down);
  if (cached) return cached;
  // one lookup per token at a time: when the cached principal expires under load, every request in flight
  // with that token would otherwise query (and stamp last-used) at once
  let lookups = pendingLookups.get(app);
  if (!lookups) pendingLookups.set(app, (lookups = new Map()));
  let pending = lookups.get(tokenHash);
  if (!pending) {
    const all = lookups;
    pending = lookUpToken(app, tokenHash).finally(() => all.delete(tokenHash));
    lookups.set(tokenHash, pending);
  }
  return pending;
}

const pendingLookups = new WeakMap<App, Map<string, Promise<Principal | null>>>();

async function lookUpToken(app: App, tokenHash: string): Promise<Principal | null> {
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
