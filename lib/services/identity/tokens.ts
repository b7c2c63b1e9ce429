import 'server-only';
import { can, type Principal } from '@/lib/auth/policy';
import type { Executor } from '@/lib/db/client';
import type { TIssuedToken, TTokenInfo } from '@/lib/schemas/identity';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { newId } from '../kernel/ids';
import { inTransaction } from '../kernel/transaction';
import { authSettings, DAY } from './sessions';
import { hashToken, newTokenSecret } from './token-secret';
import { insertTokenRow, selectToken, selectTokens, selectUser, updateTokenRow, type TokenRow } from './store';

/** Creates a token row; the plain token is returned once and only its hash is stored. */
export async function insertToken(tx: Executor, userId: string, name: string, expiresAt: Date | null): Promise<TIssuedToken> {
  const token = newTokenSecret();
  const id = newId('tok');
  const prefix = token.slice(0, 10);
  await insertTokenRow(tx, { id, userId, name, prefix, tokenHash: hashToken(token), expiresAt });
  return { id, name, token, prefix, expiresAt: expiresAt?.toISOString() ?? null };
}

/** Everyone manages their own tokens; another user's need the policy's `tokens.issue_for_others`. */
const mayManageTokensOf = (principal: Principal, userId: string) => userId === principal.userId || can(principal, 'tokens.issue_for_others');

/**
 * The latest a new or renewed token may expire: `auth.tokenMaxLifetimeDays` from now and, for a request
 * made with a token, never after that token (a token cannot mint or stretch its way past its own end).
 */
async function latestExpiry(app: App, principal: Principal): Promise<{ at: Date; why: string }> {
  const { tokenMaxLifetimeDays } = await authSettings(app);
  const max = { at: new Date(Date.now() + tokenMaxLifetimeDays * DAY), why: `${tokenMaxLifetimeDays} days from now (auth.tokenMaxLifetimeDays)` };
  if (principal.via !== 'token' || !principal.tokenId) return max;
  const own = (await selectToken(app.db, principal.tokenId))?.expiresAt;
  return own && own < max.at ? { at: own, why: `${own.toISOString()}, when the token making this request expires` } : max;
}

export async function issueToken(
  app: App,
  principal: Principal,
  input: { name: string; expiresAt?: Date; userId?: string },
  ctx: ChangeContext,
): Promise<TIssuedToken> {
  const userId = input.userId ?? principal.userId;
  if (!mayManageTokensOf(principal, userId)) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins may issue tokens acting as another user');
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) fail('INVALID_REQUEST', 'expiresAt must be in the future', 'expiresAt');
  const latest = await latestExpiry(app, principal);
  if (input.expiresAt && input.expiresAt > latest.at) fail('INVALID_REQUEST', `expiresAt may be at most ${latest.why}`, 'expiresAt');
  return inTransaction(app, async (tx) => {
    if (!(await selectUser(tx, userId))) fail('NOT_FOUND', `No user ${userId}`, 'userId');
    const issued = await insertToken(tx, userId, input.name, input.expiresAt ?? latest.at);
    await appendAudit(tx, ctx, [
      { action: 'token.create', details: { tokenId: issued.id, name: issued.name, userId, prefix: issued.prefix, expiresAt: issued.expiresAt } },
    ]);
    return issued;
  });
}

/**
 * Renewing a token moves its expiry to the latest allowed (see latestExpiry): from a browser session,
 * `auth.tokenMaxLifetimeDays` ahead; from a token, no later than that token. Revoked or expired tokens
 * stay dead. Audited.
 */
export async function renewToken(app: App, principal: Principal, id: string, ctx: ChangeContext): Promise<TTokenInfo> {
  const latest = await latestExpiry(app, principal);
  return inTransaction(app, async (tx, changed) => {
    const row = await selectToken(tx, id);
    if (!row || !mayManageTokensOf(principal, row.userId)) fail('NOT_FOUND', `No token ${id}`);
    if (row.revokedAt || (row.expiresAt && row.expiresAt <= new Date())) fail('CONFLICT', 'This token is revoked or expired; issue a new one');
    if (row.expiresAt && row.expiresAt >= latest.at) return toInfo(row);
    const updated = await updateTokenRow(tx, id, { expiresAt: latest.at });
    await appendAudit(tx, ctx, [{ action: 'token.renew', details: { tokenId: id, name: row.name, userId: row.userId, from: row.expiresAt?.toISOString() ?? null, to: latest.at.toISOString() } }]);
    changed({ type: 'principals' });
    return toInfo(updated);
  });
}

const toInfo = (r: TokenRow): TTokenInfo => ({
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
): Promise<{ tokens: TTokenInfo[]; total: number }> {
  const owner = q.userId ?? principal.userId;
  if (!mayManageTokensOf(principal, owner)) fail('INSUFFICIENT_PERMISSIONS', 'You may list only your own tokens');
  const { rows, total } = await selectTokens(app.db, owner, q.limit, q.offset);
  return { tokens: rows.map(toInfo), total };
}

export async function revokeToken(app: App, principal: Principal, id: string, ctx: ChangeContext): Promise<TTokenInfo> {
  return inTransaction(app, async (tx, changed) => {
    const row = await selectToken(tx, id);
    // someone else's token is "not found" to a caller who may not manage it
    if (!row || !mayManageTokensOf(principal, row.userId)) fail('NOT_FOUND', `No token ${id}`);
    if (row.revokedAt) return toInfo(row);
    const updated = await updateTokenRow(tx, id, { revokedAt: new Date() });
    await appendAudit(tx, ctx, [{ action: 'token.revoke', details: { tokenId: id, name: row.name, userId: row.userId } }]);
    changed({ type: 'principals' });
    return toInfo(updated);
  });
}
