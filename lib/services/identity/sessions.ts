import 'server-only';
import type { Executor } from '@/lib/db/client';
import { hashPassword, verifyPassword } from '@/lib/auth/passwords';
import { primaryRole, type Principal } from '@/lib/auth/policy';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import type { App } from '../kernel/app';
import { inTransaction } from '../kernel/transaction';
import { getRegistry } from '../registry/read';
import { scopePath } from '../scopes/path';
import { resolveInternal } from '../settings/resolve';
import { loadPrincipal } from './principal';
import { selectUser, selectUserByEmail, updateUserRow, type UserRow } from './store';

/**
 * Browser sign-in and sessions: password checks with lockout, and whether a session is still alive.
 * Switchboard's own security settings come from its own registry, resolved at global; a key the
 * registry does not define falls back to these defaults.
 */
export const AUTH_DEFAULTS = { maxLoginAttempts: 5, lockoutDurationMinutes: 30, sessionExpirationDays: 30, inactivityTimeoutMinutes: 60 };
export type AuthSettings = typeof AUTH_DEFAULTS;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

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

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string } }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterMinutes: number };

// Unknown e-mails still pay for one hash check, so response times do not tell which accounts exist.
let dummyHash: Promise<string> | undefined;
const burnHashCheck = (password: string) => (dummyHash ??= hashPassword('switchboard timing decoy')).then((h) => verifyPassword(password, h));

const minutesLeft = (until: Date, now: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / MINUTE));

async function actorOf(tx: Executor, userId: string) {
  const p = await loadPrincipal(tx, userId, 'session');
  return { id: userId, name: p?.name ?? null, role: p ? primaryRole(p) : null };
}

/**
 * Email + password → the user, or why not. Failed attempts count up on the user; reaching
 * `auth.maxLoginAttempts` locks the account for `auth.lockoutDurationMinutes` (and restarts the count);
 * while locked even the right password is refused. Every outcome is audited in the transaction that
 * updates the counter.
 */
export async function signInWithPassword(app: App, input: { email: string; password: string }, meta: { ip: string | null }): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const ctx = (actor: ChangeContext['actor']): ChangeContext => ({ actor, source: 'manual', ip: meta.ip });
  const row = await selectUserByEmail(app.db, email);

  if (!row || row.disabled) {
    await burnHashCheck(input.password);
    await inTransaction(app, (tx) =>
      appendAudit(tx, ctx({ id: row?.id ?? null, name: row?.name ?? null, role: null }), [
        { action: 'auth.signin', details: { outcome: 'failure', method: 'password', email, reason: row ? 'disabled' : 'unknown_email' } },
      ]),
    );
    return { ok: false, reason: 'invalid' };
  }

  const settings = await authSettings(app);
  const passwordOk = row.lockedUntil && row.lockedUntil > new Date() ? false : await verifyPassword(input.password, row.passwordHash);
  return inTransaction(app, (tx) => recordAttempt(tx, row, passwordOk, settings, email, ctx));
}

/** Counts one password attempt on the user (under a row lock) and audits its outcome. */
async function recordAttempt(
  tx: Executor,
  row: UserRow,
  passwordOk: boolean,
  settings: AuthSettings,
  email: string,
  ctx: (actor: ChangeContext['actor']) => ChangeContext,
): Promise<SignInResult> {
  // re-read under a row lock: concurrent attempts must each count
  const user = (await selectUser(tx, row.id, { forUpdate: true })) ?? row;
  const now = new Date();
  const actor = await actorOf(tx, user.id);
  if (user.lockedUntil && user.lockedUntil > now) {
    await appendAudit(tx, ctx(actor), [{ action: 'auth.signin', details: { outcome: 'locked', method: 'password', email, lockedUntil: user.lockedUntil.toISOString() } }]);
    return { ok: false, reason: 'locked', retryAfterMinutes: minutesLeft(user.lockedUntil, now) };
  }
  if (passwordOk) {
    await updateUserRow(tx, user.id, { failedLoginAttempts: 0, lockedUntil: null });
    await appendAudit(tx, ctx(actor), [{ action: 'auth.signin', details: { outcome: 'success', method: 'password', email } }]);
    return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
  }
  const attempts = user.failedLoginAttempts + 1;
  const entries = [{ action: 'auth.signin', details: { outcome: 'failure', method: 'password', email, attempts } }];
  if (attempts < settings.maxLoginAttempts) {
    await updateUserRow(tx, user.id, { failedLoginAttempts: attempts });
    await appendAudit(tx, ctx(actor), entries);
    return { ok: false, reason: 'invalid' };
  }
  const lockedUntil = new Date(now.getTime() + settings.lockoutDurationMinutes * MINUTE);
  await updateUserRow(tx, user.id, { failedLoginAttempts: 0, lockedUntil });
  await appendAudit(tx, ctx(actor), [
    ...entries,
    { action: 'auth.lockout', details: { userId: user.id, email, attempts, lockedUntil: lockedUntil.toISOString() } },
  ]);
  return { ok: false, reason: 'locked', retryAfterMinutes: minutesLeft(lockedUntil, now) };
}

/**
 * OIDC sign-in: the identity provider's verified e-mail must belong to an existing, enabled user
 * (no accounts are created on the fly). Audited like password sign-ins.
 */
export async function signInWithOidc(app: App, claims: { email?: unknown; email_verified?: unknown }, meta: { ip: string | null; issuer: string }) {
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  const row = email && claims.email_verified === true ? await selectUserByEmail(app.db, email) : undefined;
  const user = row && !row.disabled ? row : undefined;
  await inTransaction(app, async (tx) =>
    appendAudit(tx, { actor: user ? await actorOf(tx, user.id) : { id: null, name: null, role: null }, source: 'manual', ip: meta.ip }, [
      { action: 'auth.signin', details: { outcome: user ? 'success' : 'failure', method: 'oidc', issuer: meta.issuer, email: email || null } },
    ]),
  );
  return user ? { id: user.id, email: user.email, name: user.name } : null;
}

/** What Switchboard keeps in a session token (besides next-auth's own `sub`, `iat`, `exp`). */
export interface SessionClaims {
  sub?: unknown;
  /** ms since epoch: when the user signed in (absolute expiry). */
  signedInAt?: unknown;
  /** ms since epoch: the last time the session was seen in use (inactivity timeout). */
  lastActivity?: unknown;
}

/**
 * The principal of a live session, or null: expired by `auth.sessionExpirationDays` since sign-in, idle
 * longer than `auth.inactivityTimeoutMinutes`, or its user gone or disabled. Roles are re-read, cached briefly.
 */
export async function sessionPrincipal(app: App, claims: SessionClaims, now = Date.now()): Promise<Principal | null> {
  const { sub, signedInAt, lastActivity } = claims;
  if (typeof sub !== 'string' || typeof signedInAt !== 'number' || typeof lastActivity !== 'number') return null;
  const settings = await authSettings(app);
  if (now - signedInAt > settings.sessionExpirationDays * DAY) return null;
  if (now - lastActivity > settings.inactivityTimeoutMinutes * MINUTE) return null;
  const cacheKey = `session:${sub}`;
  const cached = app.caches.getPrincipal(cacheKey);
  if (cached) return cached;
  const principal = await loadPrincipal(app.db, sub, 'session');
  if (principal) app.caches.setPrincipal(cacheKey, principal);
  return principal;
}
