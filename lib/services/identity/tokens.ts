import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { can, type Principal } from '@/lib/auth/policy';
import type { Executor } from '@/lib/db/client';
import type { TIssuedToken, TTokenInfo } from '@/lib/schemas/identity';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import type { App } from '../kernel/app';
import { fail } from '../kernel/errors';
import { newId } from '../kernel/ids';
import { inTransaction } from '../kernel/transaction';
import { insertTokenRow, selectToken, selectTokens, selectUser, updateTokenRow, type TokenRow } from './store';

export const TOKEN_PREFIX = 'sb_';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Creates a token row; the plain token is returned once and only its hash is stored. */
export async function insertToken(tx: Executor, userId: string, name: string, expiresAt: Date | null): Promise<TIssuedToken> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const id = newId('tok');
  const prefix = token.slice(0, 10);
  await insertTokenRow(tx, { id, userId, name, prefix, tokenHash: hashToken(token), expiresAt });
  return { id, name, token, prefix, expiresAt: expiresAt?.toISOString() ?? null };
}

/** Everyone manages their own tokens; another user's need the policy's `tokens.issue_for_others`. */
const mayManageTokensOf = (principal: Principal, userId: string) => userId === principal.userId || can(principal, 'tokens.issue_for_others');

export async function issueToken(
  app: App,
  principal: Principal,
  input: { name: string; expiresAt?: Date; userId?: string },
  ctx: ChangeContext,
): Promise<TIssuedToken> {
  const userId = input.userId ?? principal.userId;
  if (!mayManageTokensOf(principal, userId)) fail('INSUFFICIENT_PERMISSIONS', 'Only platform admins may issue tokens acting as another user');
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) fail('INVALID_REQUEST', 'expiresAt must be in the future', 'expiresAt');
  return inTransaction(app, async (tx) => {
    if (!(await selectUser(tx, userId))) fail('NOT_FOUND', `No user ${userId}`, 'userId');
    const issued = await insertToken(tx, userId, input.name, input.expiresAt ?? null);
    await appendAudit(tx, ctx, [
      { action: 'token.create', details: { tokenId: issued.id, name: issued.name, userId, prefix: issued.prefix, expiresAt: issued.expiresAt } },
    ]);
    return issued;
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
