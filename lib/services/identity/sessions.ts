import 'server-only';
import { primaryRole, type Principal, type SessionRef } from '@/lib/auth/policy';
import type { Executor } from '@/lib/db/client';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import type { App } from '../kernel/app';
import { inTransaction } from '../kernel/transaction';
import { getRegistry } from '../registry/read';
import { scopePath } from '../scopes/path';
import { resolveInternal } from '../settings/resolve';
import { loadPrincipal } from './principal';
import { bumpSessionEpoch, insertRevokedSession, selectSessionState, updateUserRow } from './store';

/**
 * Browser sessions and Switchboard's own security settings, which come from its own registry, resolved
 * at global; a key the registry does not define falls back to these defaults.
 */
export const AUTH_DEFAULTS = {
  maxLoginAttempts: 5,
  lockoutDurationMinutes: 30,
  autoResetAfterMinutes: 60,
  maxLockCount: 3,
  sessionExpirationDays: 30,
  inactivityTimeoutMinutes: 60,
  tokenMaxLifetimeDays: 90,
};
export type AuthSettings = typeof AUTH_DEFAULTS;

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

export async function authSettings(app: App): Promise<AuthSettings> {
  const registry = await getRegistry(app);
  const path = await scopePath(app, 'global');
  const out = { ...AUTH_DEFAULTS };
  for (const name of Object.keys(out) as (keyof AuthSettings)[]) {
    const def = registry.byKey.get(`auth.${name}`);
    if (!def) continue;
    const { value } = await resolveInternal(app, def, { path });
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) out[name] = value;
  }
  return out;
}

/** What Switchboard keeps in a session token (besides next-auth's own `sub`, `iat`, `exp`). */
export interface SessionClaims {
  sub?: unknown;
  /** ms since epoch: when the user signed in (absolute expiry). */
  signedInAt?: unknown;
  /** ms since epoch: the last time the session was seen in use (inactivity timeout). */
  lastActivity?: unknown;
  /** The user's session epoch at sign-in; a session from an older epoch has been ended. */
  epoch?: unknown;
  /** This session's id, given at sign-in: signing out records it as revoked, so a copy of the cookie dies too. */
  sid?: unknown;
  /** next-auth's expiry of the token (seconds since epoch): a revocation need not outlive it. */
  exp?: unknown;
}

/**
 * The principal of a live session, or null: expired by `auth.sessionExpirationDays` since sign-in, idle
 * longer than `auth.inactivityTimeoutMinutes`, ended (its epoch is not the user's current one, or it was
 * signed out), or its user gone or disabled. The answer is cached briefly per session; every sign-out and
 * epoch bump reports `principals` changed, which drops the cache here and, by NOTIFY, on every instance.
 */
export async function sessionPrincipal(app: App, claims: SessionClaims, now = Date.now()): Promise<Principal | null> {
  const { sub, signedInAt, lastActivity, epoch, sid } = claims;
  if (typeof sub !== 'string' || typeof signedInAt !== 'number' || typeof lastActivity !== 'number' || typeof epoch !== 'number') return null;
  // a session without an id could not be signed out on its own: not accepted (its user signs in again)
  if (typeof sid !== 'string' || !sid) return null;
  const settings = await authSettings(app);
  if (now - signedInAt > settings.sessionExpirationDays * DAY) return null;
  if (now - lastActivity > settings.inactivityTimeoutMinutes * MINUTE) return null;
  const cacheKey = `session:${sub}:${epoch}:${sid}`;
  const cached = app.caches.getPrincipal(cacheKey);
  if (cached) return cached;
  const state = await selectSessionState(app.db, sub, sid);
  if (!state || state.revoked || state.epoch !== epoch) return null;
  const loaded = await loadPrincipal(app.db, sub, 'session');
  const principal = loaded && { ...loaded, session: { id: sid, epoch, signedInAt } };
  if (principal) app.caches.setPrincipal(cacheKey, principal);
  return principal;
}

/**
 * The principal of a session named by a credential derived from it (an OFREP stream ticket), or null once
 * that session was signed out, ended everywhere (epoch), past `auth.sessionExpirationDays`, or its user
 * disabled. Inactivity is the cookie's business: the credential has its own, shorter life.
 */
export async function principalOfSession(app: App, userId: string, session: SessionRef, now = Date.now()): Promise<Principal | null> {
  const settings = await authSettings(app);
  if (now - session.signedInAt > settings.sessionExpirationDays * DAY) return null;
  const state = await selectSessionState(app.db, userId, session.id);
  if (!state || state.revoked || state.epoch !== session.epoch) return null;
  const loaded = await loadPrincipal(app.db, userId, 'session');
  return loaded && { ...loaded, session };
}

/** Ends every browser session of a user at once (sign out everywhere, password, role or disabled change); the caller reports `principals` changed. */
export async function endSessions(tx: Executor, userId: string) {
  await bumpSessionEpoch(tx, userId);
}

/** Clears lockouts and failure counts: an admin set a new password, or the user signed in through single sign-on. */
export async function clearLockout(tx: Executor, userId: string) {
  await updateUserRow(tx, userId, { failedLoginAttempts: 0, lockedUntil: null, lockCount: 0, lastFailedLoginAt: null });
}

/** Sign out everywhere: every browser session of the caller ends now, on every instance. Audited. */
export async function signOutEverywhere(app: App, principal: Principal, ctx: ChangeContext): Promise<{ ended: true }> {
  return inTransaction(app, async (tx, changed) => {
    await endSessions(tx, principal.userId);
    await appendAudit(tx, ctx, [{ action: 'auth.signout_everywhere', details: { userId: principal.userId } }]);
    changed({ type: 'principals' });
    return { ended: true };
  });
}

/**
 * Sign out: ends the session these claims belong to (and any copy of its cookie), on every instance, until
 * the token would have expired anyway; other sessions of the user stay. Called by next-auth's sign-out with
 * the decoded token, which is the proof: nobody else holds it. A session already over is left alone. Audited.
 */
export async function signOutSession(app: App, claims: SessionClaims, meta: { ip: string | null }): Promise<{ ended: boolean }> {
  const principal = await sessionPrincipal(app, claims);
  if (!principal || typeof claims.sid !== 'string') return { ended: false };
  const sid = claims.sid;
  const settings = await authSettings(app);
  const expiresAt = new Date(typeof claims.exp === 'number' ? claims.exp * 1000 : (claims.signedInAt as number) + settings.sessionExpirationDays * DAY);
  const ctx: ChangeContext = { actor: { id: principal.userId, name: principal.name, role: primaryRole(principal) }, source: 'manual', ip: meta.ip };
  return inTransaction(app, async (tx, changed) => {
    await insertRevokedSession(tx, { id: sid, userId: principal.userId, expiresAt });
    await appendAudit(tx, ctx, [{ action: 'auth.signout', details: { userId: principal.userId } }]);
    changed({ type: 'principals' });
    return { ended: true };
  });
}
