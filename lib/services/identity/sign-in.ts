import 'server-only';
import { hashPassword, needsRehash, verifyPassword } from '@/lib/auth/passwords';
import { isPlatformAdmin, primaryRole } from '@/lib/auth/policy';
import type { Executor } from '@/lib/db/client';
import { MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH } from '@/lib/schemas/identity';
import { appendAudit } from '../audit/append';
import type { ChangeContext } from '../audit/types';
import type { App } from '../kernel/app';
import { inTransaction } from '../kernel/transaction';
import { throttles } from '../throttle';
import { loadPrincipal } from './principal';
import { authSettings, MINUTE, type AuthSettings } from './sessions';
import { replacePasswordHash, selectUser, selectUserByEmail, updateUserRow, type UserRow } from './store';

/** A platform admin's lockouts double from `auth.lockoutDurationMinutes` up to this, instead of becoming permanent. */
const MAX_ADMIN_LOCKOUT_MINUTES = 24 * 60;

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

/** The user as the actor of an audit entry about them, and whether they are a platform admin. */
export async function actorOf(tx: Executor, userId: string) {
  const p = await loadPrincipal(tx, userId, 'session');
  return { actor: { id: userId, name: p?.name ?? null, role: p ? primaryRole(p) : null }, platformAdmin: !!p && isPlatformAdmin(p) };
}

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
  const row = await selectUserByEmail(app.db, email);
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
    const user = (await selectUser(tx, row.id, { forUpdate: true })) ?? row;
    const now = new Date();
    if (isLocked(user, settings, platformAdmin, now)) {
      const until = user.lockCount >= settings.maxLockCount && !platformAdmin ? 'until unlocked' : user.lockedUntil!.toISOString();
      await appendAudit(tx, ctx(actor), [{ action: 'auth.signin', details: { outcome: 'locked', method: 'password', email, lockedUntil: until } }]);
      return { ok: false, reason: 'invalid' } as const;
    }
    if (passwordOk) {
      await updateUserRow(tx, user.id, { failedLoginAttempts: 0, lockedUntil: null, lockCount: 0, lastFailedLoginAt: null });
      await appendAudit(tx, ctx(actor), [{ action: 'auth.signin', details: { outcome: 'success', method: 'password', email } }]);
      return { ok: true, user: { id: user.id, email: user.email, name: user.name, sessionEpoch: user.sessionEpoch } } as const;
    }
    const stale = !user.lastFailedLoginAt || now.getTime() - user.lastFailedLoginAt.getTime() > settings.autoResetAfterMinutes * MINUTE;
    const attempts = (stale ? 0 : user.failedLoginAttempts) + 1;
    const entries = [{ action: 'auth.signin', details: { outcome: 'failure', method: 'password', email, attempts } }];
    if (attempts < settings.maxLoginAttempts) {
      await updateUserRow(tx, user.id, { failedLoginAttempts: attempts, lastFailedLoginAt: now });
      await appendAudit(tx, ctx(actor), entries);
      return { ok: false, reason: 'invalid' } as const;
    }
    const lockCount = user.lockCount + 1;
    const lockedUntil = new Date(now.getTime() + lockoutMinutes(lockCount, settings, platformAdmin) * MINUTE);
    const permanent = !platformAdmin && lockCount >= settings.maxLockCount;
    await updateUserRow(tx, user.id, { failedLoginAttempts: 0, lastFailedLoginAt: now, lockedUntil, lockCount });
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
  await replacePasswordHash(app.db, row.id, row.passwordHash, await hashPassword(password));
}

