import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { and, count, desc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { apiTokens, roleAssignments, users } from '@/lib/db/schema';
import { can, type Principal, type Role } from '@/lib/auth/policy';
import type { App } from './app';
import { appendAudit, type ChangeContext } from './audit';
import { inTransaction } from './changes';
import { fail } from './errors';
import { newId } from './ids';

const TOKEN_PREFIX = 'sb_';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface IssuedToken {
  id: string;
  name: string;
  token: string;
  prefix: string;
  expiresAt: string | null;
}

export interface TokenInfo {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

/** Creates a token row; the plain token is returned once and only its hash is stored. */
export async function insertToken(tx: Executor, userId: string, name: string, expiresAt: Date | null): Promise<IssuedToken> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const id = newId('tok');
  const prefix = token.slice(0, 10);
  await tx.insert(apiTokens).values({ id, userId, name, prefix, tokenHash: hashToken(token), expiresAt });
  return { id, name, token, prefix, expiresAt: expiresAt?.toISOString() ?? null };
}

export async function issueToken(
  app: App,
  principal: Principal,
  input: { name: string; expiresAt?: Date; userId?: string },
  ctx: ChangeContext,
): Promise<IssuedToken> {
  const userId = input.userId ?? principal.userId;
  if (userId !== principal.userId && !can(principal, 'tokens.issue_for_others')) {
    fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins may issue tokens acting as another user');
  }
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) fail('INVALID_REQUEST', 'expiresAt must be in the future', 'expiresAt');
  return inTransaction(app, async (tx) => {
    const [owner] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId));
    if (!owner) fail('NOT_FOUND', `No user ${userId}`, 'userId');
    const issued = await insertToken(tx, userId, input.name, input.expiresAt ?? null);
    await appendAudit(tx, ctx, [
      { action: 'token.create', details: { tokenId: issued.id, name: issued.name, userId, prefix: issued.prefix, expiresAt: issued.expiresAt } },
    ]);
    return issued;
  });
}

const toInfo = (r: typeof apiTokens.$inferSelect): TokenInfo => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  userId: r.userId,
  expiresAt: r.expiresAt?.toISOString() ?? null,
  revokedAt: r.revokedAt?.toISOString() ?? null,
  lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
});

/** The caller's own tokens (platform admins may ask for another user's), newest first. */
export async function listTokens(
  app: App,
  principal: Principal,
  q: { userId?: string; limit: number; offset: number },
): Promise<{ tokens: TokenInfo[]; total: number }> {
  const owner = q.userId ?? principal.userId;
  if (owner !== principal.userId && !can(principal, 'tokens.issue_for_others')) fail('INSUFFICIENT_PERMISSIONS', 'You may list only your own tokens');
  const [rows, [{ n }]] = await Promise.all([
    app.db.select().from(apiTokens).where(eq(apiTokens.userId, owner)).orderBy(desc(apiTokens.createdAt), desc(apiTokens.id)).limit(q.limit).offset(q.offset),
    app.db.select({ n: count() }).from(apiTokens).where(eq(apiTokens.userId, owner)),
  ]);
  return { tokens: rows.map(toInfo), total: Number(n) };
}

export async function revokeToken(app: App, principal: Principal, id: string, ctx: ChangeContext): Promise<TokenInfo> {
  return inTransaction(app, async (tx, changed) => {
    const [row] = await tx.select().from(apiTokens).where(eq(apiTokens.id, id));
    // someone else's token is "not found" to a caller who may not manage it
    if (!row || (row.userId !== principal.userId && !can(principal, 'tokens.issue_for_others'))) return fail('NOT_FOUND', `No token ${id}`);
    if (row.revokedAt) return toInfo(row);
    const [updated] = await tx.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, id)).returning();
    await appendAudit(tx, ctx, [{ action: 'token.revoke', details: { tokenId: id, name: row.name, userId: row.userId } }]);
    changed({ type: 'principals' });
    return toInfo(updated);
  });
}

/** Loads a user's principal (roles included). */
export async function loadPrincipal(db: Executor, userId: string, via: Principal['via'], tokenId?: string): Promise<Principal | null> {
  const [user] = await db.select().from(users).where(and(eq(users.id, userId), eq(users.disabled, false)));
  if (!user) return null;
  const roles = await db.select({ role: roleAssignments.role, scopeId: roleAssignments.scopeId }).from(roleAssignments).where(eq(roleAssignments.userId, userId));
  return { userId, email: user.email, name: user.name, roles: roles.map((r) => ({ role: r.role as Role, scopeId: r.scopeId })), via, tokenId };
}

/** Bearer token → principal, or null when the token is unknown, revoked, expired or its user disabled. */
export async function authenticateToken(app: App, token: string): Promise<Principal | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const tokenHash = hashToken(token);
  // while storage is down, the last known principal keeps cached reads working (nothing can change it meanwhile)
  const cached = app.caches.getPrincipal(tokenHash, app.storage.down);
  if (cached) return cached;
  const [row] = await app.db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)));
  if (!row) return null;
  const now = new Date();
  if (row.expiresAt && row.expiresAt <= now) return null;
  const principal = await loadPrincipal(app.db, row.userId, 'token', row.id);
  if (!principal) return null;
  // last-used is informational: write it at most once a minute per token, never on the hot path twice
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await app.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id));
  }
  // an expiring token must not outlive its expiry in the cache
  const ttl = row.expiresAt ? Math.min(10_000, row.expiresAt.getTime() - now.getTime()) : 10_000;
  app.caches.setPrincipal(tokenHash, principal, ttl);
  return principal;
}
