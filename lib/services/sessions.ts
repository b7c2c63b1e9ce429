import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import type { OidcIdentity } from '@/lib/auth/oidc';
import { hashPassword, needsRehash, verifyPassword } from '@/lib/auth/passwords';
import { isPlatformAdmin, primaryRole, type Principal } from '@/lib/auth/policy';
import { MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH } from '@/lib/schemas/identity';
import type { App } from './app';
import { appendAudit, type ChangeContext } from './audit';
import { inTransaction } from './changes';
import { getRegistry } from './definitions';
import { scopePath } from './scopes';
import { resolveInternal } from './settings';
import { throttles } from './throttle';
import { loadPrincipal } from './tokens';

/**
 * Browser sign-in and sessions: password checks with throttling and lockout, and whether a session is
 * still alive. Switchboard's own security settings come from its own registry, resolved at global; a
 * key the registry does not define falls back to these defaults.
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

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** A platform admin's lockouts double from `auth.lockoutDurationMinutes` up to this, instead of becoming permanent. */
const MAX_ADMIN_LOCKOUT_MINUTES = 24 * 60;

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

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  /** The user's session epoch when this session began (see endSessions). */
  sessionEpoch: number;
}

export type SignInResult =
  | { ok: true; user: SignedInUser }
  /** Wrong e-mail, wrong password, disabled or locked account: one answer, so none of them reveals an account. */
  | { ok: false; reason: 'invalid' }
  /** Too many failures from this address or for this e-mail (any e-mail, existing or not). Nothing was checked or stored. */
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

// Unknown e-mails still pay for one hash check, so response times do not tell which accounts exist.
let dummyHash: Promise<string> | undefined;
const burnHashCheck = (password: string) => (dummyHash ??= hashPassword('switchboard timing decoy')).then((h) => verifyPassword(password, h));

async function actorOf(tx: Executor, userId: string) {
  const p = await loadPrincipal(tx, userId, 'session');
  return { actor: { id: userId, name: p?.name ?? null, role: p ? primaryRole(p) : null }, platformAdmin: !!p && isPlatformAdmin(p) };
}

type UserRow = typeof users.$inferSelect;

/**
 * Whether password sign-in is closed for this user: a timed lockout, or (after `auth.maxLockCount`
 * lockouts without a successful sign-in) for good until an admin resets the password or the user signs
 * in through single sign-on. Platform admins are never locked for good: nobody from outside may lock
 * the last door; their lockouts grow instead (see lockoutMinutes).
 */
export function isLocked(user: Pick<UserRow, 'lockedUntil' | 'lockCount'>, settings: AuthSettings, platformAdmin: boolean, now: Date): boolean {
  if (user.lockedUntil && user.lockedUntil > now) return true;
  return !platformAdmin && user.lockCount >= settings.maxLockCount;
}

const lockoutMinutes = (lockCount: number, settings: AuthSettings, platformAdmin: boolean) =>
  platformAdmin ? Math.min(MAX_ADMIN_LOCKOUT_MINUTES, settings.lockoutDurationMinutes * 2 ** Math.max(0, lockCount - 1)) : settings.lockoutDurationMinutes;

/** Refused unless both the address and the e-mail still have budget; a refusal checks and stores nothing. */
function throttled(app: App, email: string, ip: string | null): SignInResult | null {
  const t = throttles(app);
  const checks = [t.signInByEmail.check(email), ip ? t.signInByIp.peek(ip) : ({ ok: true } as const)];
  const wait = Math.max(0, ...checks.map((c) => (c.ok ? 0 : c.retryAfterSeconds)));
  return wait > 0 ? { ok: false, reason: 'throttled', retryAfterSeconds: wait } : null;
}

function countFailure(app: App, email: string, ip: string | null, settings: AuthSettings) {
  const t = throttles(app);
  // the first maxLoginAttempts - 1 failures are free; from the one that locks an account on, waits double
  t.signInByEmail.fail(email, Date.now(), { resetAfterMs: settings.autoResetAfterMinutes * MINUTE, free: settings.maxLoginAttempts - 1 });
  if (ip) t.signInByIp.take(ip);
}

/**
 * Email + password → the user, or why not. Over-long input is refused before anything is hashed or
 * stored; throttled attempts are refused before anything is checked. Failed attempts count up on the
 * user (restarting after `auth.autoResetAfterMinutes` without one); reaching `auth.maxLoginAttempts`
 * locks the account for `auth.lockoutDurationMinutes`, and `auth.maxLockCount` such lockouts lock it
 * for good (isLocked). A locked account answers exactly like a wrong password. Every checked attempt is
 * audited in the transaction that updates the counters; a hash made with older parameters is replaced.
 */
export async function signInWithPassword(app: App, input: { email: string; password: string }, meta: { ip: string | null }): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH || input.password.length > MAX_PASSWORD_LENGTH) {
    if (meta.ip) throttles(app).signInByIp.take(meta.ip);
    return { ok: false, reason: 'invalid' };
  }
  const refused = throttled(app, email, meta.ip);
  if (refused) return refused;
  const settings = await authSettings(app);
  const result = await checkPassword(app, email, input.password, meta, settings);
  if (result.ok) throttles(app).signInByEmail.succeed(email);
  else countFailure(app, email, meta.ip, settings);
  return result;
}

async function checkPassword(app: App, email: string, password: string, meta: { ip: string | null }, settings: AuthSettings): Promise<SignInResult> {
  const ctx = (actor: ChangeContext['actor']): ChangeContext => ({ actor, source: 'manual', ip: meta.ip });
  const [row] = await app.db.select().from(users).where(eq(sql`lower(${users.email})`, email));
  if (!row || row.disabled) {
    await burnHashCheck(password);
    await inTransaction(app, (tx) =>
      appendAudit(tx, ctx({ id: row?.id ?? null, name: row?.name ?? null, role: null }), [
        { action: 'auth.signin', details: { outcome: 'failure', method: 'password', email, reason: row ? 'disabled' : 'unknown_email' } },
      ]),
    );
    return { ok: false, reason: 'invalid' };
  }
  const { actor, platformAdmin } = await actorOf(app.db, row.id);
  const locked = isLocked(row, settings, platformAdmin, new Date());
  // a locked account still checks the password (and ignores the answer): it takes as long as a wrong one
  const passwordOk = (await verifyPassword(password, row.passwordHash)) && !locked;
  const result = await inTransaction(app, async (tx) => {
    // re-read under a row lock: concurrent attempts must each count
    const [user] = await tx.select().from(users).where(eq(users.id, row.id)).for('update');
    const now = new Date();
    if (isLocked(user, settings, platformAdmin, now)) {
      const until = user.lockCount >= settings.maxLockCount && !platformAdmin ? 'until unlocked' : user.lockedUntil!.toISOString();
      await appendAudit(tx, ctx(actor), [{ action: 'auth.signin', details: { outcome: 'locked', method: 'password', email, lockedUntil: until } }]);
      return { ok: false, reason: 'invalid' } as const;
    }
    if (passwordOk) {
      await tx.update(users).set({ failedLoginAttempts: 0, lockedUntil: null, lockCount: 0, lastFailedLoginAt: null }).where(eq(users.id, user.id));
      await appendAudit(tx, ctx(actor), [{ action: 'auth.signin', details: { outcome: 'success', method: 'password', email } }]);
      return { ok: true, user: { id: user.id, email: user.email, name: user.name, sessionEpoch: user.sessionEpoch } } as const;
    }
    const stale = !user.lastFailedLoginAt || now.getTime() - user.lastFailedLoginAt.getTime() > settings.autoResetAfterMinutes * MINUTE;
    const attempts = (stale ? 0 : user.failedLoginAttempts) + 1;
    const entries = [{ action: 'auth.signin', details: { outcome: 'failure', method: 'password', email, attempts } }];
    if (attempts < settings.maxLoginAttempts) {
      await tx.update(users).set({ failedLoginAttempts: attempts, lastFailedLoginAt: now }).where(eq(users.id, user.id));
      await appendAudit(tx, ctx(actor), entries);
      return { ok: false, reason: 'invalid' } as const;
    }
    const lockCount = user.lockCount + 1;
    const lockedUntil = new Date(now.getTime() + lockoutMinutes(lockCount, settings, platformAdmin) * MINUTE);
    const permanent = !platformAdmin && lockCount >= settings.maxLockCount;
    await tx.update(users).set({ failedLoginAttempts: 0, lastFailedLoginAt: now, lockedUntil, lockCount }).where(eq(users.id, user.id));
    await appendAudit(tx, ctx(actor), [
      ...entries,
      { action: 'auth.lockout', details: { userId: user.id, email, attempts, lockCount, lockedUntil: permanent ? 'until unlocked' : lockedUntil.toISOString() } },
    ]);
    return { ok: false, reason: 'invalid' } as const;
  });
  if (result.ok && needsRehash(row.passwordHash)) await rehash(app, row, password);
  return result;
}

/** Stores a hash with today's parameters, unless the password changed meanwhile. */
async function rehash(app: App, row: UserRow, password: string) {
  const passwordHash = await hashPassword(password);
  await app.db.update(users).set({ passwordHash }).where(and(eq(users.id, row.id), eq(users.passwordHash, row.passwordHash)));
}

/** Ends every browser session of a user at once (sign out everywhere, password, role or disabled change). */
export async function endSessions(tx: Executor, userId: string) {
  await tx.update(users).set({ sessionEpoch: sql`${users.sessionEpoch} + 1` }).where(eq(users.id, userId));
}

/** Clears lockouts and failure counts: an admin set a new password, or the user signed in through single sign-on. */
export async function clearLockout(tx: Executor, userId: string) {
  await tx.update(users).set({ failedLoginAttempts: 0, lockedUntil: null, lockCount: 0, lastFailedLoginAt: null }).where(eq(users.id, userId));
}

export type OidcSignIn =
  | { ok: true; user: SignedInUser }
  | { ok: false; reason: 'no_email' | 'unverified_email' | 'unknown_email' | 'disabled' };

/**
 * OIDC sign-in: the identity provider's verified e-mail must belong to an existing, enabled user (no
 * accounts are created on the fly). A success also lifts a password lockout: the provider vouched for
 * the person. Audited like password sign-ins, failures with their reason and, when the e-mail names a
 * user, that user as the actor.
 */
export async function signInWithOidc(app: App, identity: OidcIdentity, meta: { ip: string | null; issuer: string }): Promise<OidcSignIn> {
  const { email } = identity;
  const [row] = email ? await app.db.select().from(users).where(eq(sql`lower(${users.email})`, email)) : [];
  const reason = !email ? 'no_email' : !identity.emailVerified ? 'unverified_email' : !row ? 'unknown_email' : row.disabled ? 'disabled' : null;
  // an unverified address proves nothing about who is signing in: no actor then
  const known = row && identity.emailVerified ? row : undefined;
  await inTransaction(app, async (tx, changed) => {
    const actor = known ? (await actorOf(tx, known.id)).actor : { id: null, name: null, role: null };
    if (known && known.disabled) Object.assign(actor, { name: known.name });
    const details = { outcome: reason ? 'failure' : 'success', method: 'oidc', issuer: meta.issuer, email, ...(reason ? { reason } : { emailFrom: identity.from }) };
    await appendAudit(tx, { actor, source: 'manual', ip: meta.ip }, [{ action: 'auth.signin', details }]);
    if (!reason && known) {
      await clearLockout(tx, known.id);
      changed({ type: 'principals' });
    }
  });
  if (reason || !known) return { ok: false, reason: reason ?? 'unknown_email' };
  return { ok: true, user: { id: known.id, email: known.email, name: known.name, sessionEpoch: known.sessionEpoch } };
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
}

/**
 * The principal of a live session, or null: expired by `auth.sessionExpirationDays` since sign-in, idle
 * longer than `auth.inactivityTimeoutMinutes`, ended (its epoch is not the user's current one), or its
 * user gone or disabled. Roles are re-read, cached briefly (the cache is dropped on every epoch bump).
 */
export async function sessionPrincipal(app: App, claims: SessionClaims, now = Date.now()): Promise<Principal | null> {
  const { sub, signedInAt, lastActivity, epoch } = claims;
  if (typeof sub !== 'string' || typeof signedInAt !== 'number' || typeof lastActivity !== 'number' || typeof epoch !== 'number') return null;
  const settings = await authSettings(app);
  if (now - signedInAt > settings.sessionExpirationDays * DAY) return null;
  if (now - lastActivity > settings.inactivityTimeoutMinutes * MINUTE) return null;
  const cacheKey = `session:${sub}:${epoch}`;
  const cached = app.caches.getPrincipal(cacheKey);
  if (cached) return cached;
  const [user] = await app.db.select({ epoch: users.sessionEpoch }).from(users).where(eq(users.id, sub));
  if (!user || user.epoch !== epoch) return null;
  const principal = await loadPrincipal(app.db, sub, 'session');
  if (principal) app.caches.setPrincipal(cacheKey, principal);
  return principal;
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
