import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import NextAuth from 'next-auth';
import { decode, encode } from 'next-auth/jwt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, revokedSessions, users } from '@/lib/db/schema';
import { authOptions } from '@/lib/auth/next-auth';
import { createApp } from '@/lib/services/kernel/app';
import { sessionPrincipal, signOutSession } from '@/lib/services/identity/sessions';
import { hashPassword } from '@/lib/auth/passwords';
import { sessionSecret } from '@/lib/auth/session';
import { CSRF_HEADER } from '@/lib/auth/headers';
import { signInWithOidc } from '@/lib/services/identity/oidc';
import { signInWithPassword } from '@/lib/services/identity/sign-in';
import { setRateLimits } from '@/lib/services/throttle';
import { ADMIN, bootstrapped, startTestServer, type TestServer } from './harness';
import { expectStatus, refused, tableCounts } from './support';

/** Issue 8 items 1, 2, 7, 8, 9: throttling, lockout rules, revocable sessions, rehashing, single sign-on edges. */
let s: TestServer;
let admin: string;
let adminId: string;
const PASSWORD = 'a long enough password';
let n = 0;
// every test signs in from its own address, so the per-address budget of one test does not spill into the next
let ip = '';
beforeEach(() => {
  ip = `198.51.100.${++n}`;
});

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s);
  adminId = expectStatus(await s.api('GET', '/api/v1/me', { token: admin }), 200).user.id;
});
afterAll(async () => {
  await s?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const userRow = async (email: string) => (await s.app.db.select().from(users).where(eq(users.email, email)))[0];
const auditCount = async () => (await s.app.db.select({ id: auditLog.id }).from(auditLog)).length;
const signIn = (email: string, password: string) => signInWithPassword(s.app, { email, password }, { ip });

async function newUser(name: string, roles: { role: string; scopeId: string }[] = []) {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`;
  const user = expectStatus(await s.api('POST', '/api/v1/users', { token: admin, body: { email, name, password: PASSWORD, roles } }), 201);
  return { email, id: user.id as string };
}

async function setAuthSetting(key: string, value: number) {
  const def = await s.api('GET', `/api/v1/definitions/${key}`, { token: admin });
  if (def.status === 404) {
    const body = { key, label: key, category: 'auth', type: 'number', defaultValue: value, validation: { min: 0 }, allowedLevels: ['global'] };
    expectStatus(await s.api('POST', '/api/v1/definitions', { token: admin, body }), 201);
  }
  expectStatus(await s.api('PUT', `/api/v1/settings/${key}`, { token: admin, body: { value, scope: 'global', reason: 'test' } }), 200);
}
async function clearAuthSettings(...keys: string[]) {
  for (const key of keys) {
    expectStatus(await s.api('DELETE', `/api/v1/settings/${key}?scope=global&reason=test`, { token: admin }), 200);
    expectStatus(await s.api('DELETE', `/api/v1/definitions/${key}`, { token: admin }), 200);
  }
}

describe('sign-in throttling (item 1)', () => {
  it('refuses an over-long e-mail or password before hashing or storing anything', async () => {
    const before = await tableCounts(s);
    expect(await signIn(`${'a'.repeat(250)}@example.com`, PASSWORD)).toEqual({ ok: false, reason: 'invalid' });
    expect(await signIn(ADMIN.email, 'x'.repeat(1025))).toEqual({ ok: false, reason: 'invalid' });
    expect(await tableCounts(s)).toEqual(before);
    // 254 characters is still an e-mail: checked and audited
    expect(await signIn(`${'a'.repeat(242)}@example.com`, PASSWORD)).toEqual({ ok: false, reason: 'invalid' });
    expect(await auditCount()).toBe(before.auditLog + 1);
  });

  it('throttles failed sign-ins per client address, and a throttled attempt checks and stores nothing', async () => {
    setRateLimits(s.app, { signInFailuresPerIp: 3 });
    try {
      for (let i = 0; i < 3; i++) expect(await signIn(`stranger${i}@example.com`, 'wrong password!')).toEqual({ ok: false, reason: 'invalid' });
      const before = await auditCount();
      const refusedAttempt = await signIn(ADMIN.email, ADMIN.password);
      expect(refusedAttempt).toMatchObject({ ok: false, reason: 'throttled' });
      expect(refusedAttempt.ok === false && refusedAttempt.reason === 'throttled' && refusedAttempt.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(await auditCount()).toBe(before);
      // another address is not affected
      ip = '198.51.100.250';
      expect((await signIn(ADMIN.email, ADMIN.password)).ok).toBe(true);
    } finally {
      setRateLimits(s.app, {});
    }
  });

  it('backs off per e-mail with doubling waits, for unknown e-mails and real accounts alike (item 9)', async () => {
    const { email } = await newUser('Backoff Person');
    for (const who of [email, 'nobody-at-all@example.com']) {
      // auth.maxLoginAttempts (5) - 1 free failures, then waits of 1 s, 2 s, …
      for (let i = 0; i < 5; i++) expect(await signIn(who, `wrong password ${i}`)).toEqual({ ok: false, reason: 'invalid' });
      expect(await signIn(who, PASSWORD)).toEqual({ ok: false, reason: 'throttled', retryAfterSeconds: 1 });
      await sleep(1100);
      expect(await signIn(who, 'wrong again!!')).toEqual({ ok: false, reason: 'invalid' });
      expect(await signIn(who, PASSWORD)).toEqual({ ok: false, reason: 'throttled', retryAfterSeconds: 2 });
    }
  });

  it('answers a locked account exactly as a wrong password for an unknown e-mail, also after a restart (item 9)', async () => {
    const { email } = await newUser('Locked Person');
    for (let i = 0; i < 5; i++) await signIn(email, `wrong password ${i}`);
    expect((await userRow(email)).lockedUntil).not.toBeNull();
    setRateLimits(s.app, {}); // a fresh process (or another instance) knows no backoff: only the database lock is left
    const locked = await signIn(email, PASSWORD);
    const unknown = await signIn('never-existed@example.com', PASSWORD);
    expect(locked).toEqual(unknown);
    expect(locked).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('lockout rules (item 1)', () => {
  beforeEach(() => setRateLimits(s.app, {}));

  it('starts the failure count over after auth.autoResetAfterMinutes without a failure', async () => {
    await setAuthSetting('auth.autoResetAfterMinutes', 0.01); // 0.6 s
    try {
      const { email } = await newUser('Reset Person');
      await signIn(email, 'wrong password 1');
      await signIn(email, 'wrong password 2');
      expect((await userRow(email)).failedLoginAttempts).toBe(2);
      await sleep(800);
      await signIn(email, 'wrong password 3');
      expect((await userRow(email)).failedLoginAttempts).toBe(1);
    } finally {
      await clearAuthSettings('auth.autoResetAfterMinutes');
    }
  });

  it('locks for good after auth.maxLockCount lockouts until an admin sets a new password; platform admins only wait longer', async () => {
    await setAuthSetting('auth.maxLoginAttempts', 1);
    await setAuthSetting('auth.lockoutDurationMinutes', 0.005); // 0.3 s
    await setAuthSetting('auth.maxLockCount', 2);
    try {
      const { email, id } = await newUser('Twice Locked Person');
      await signIn(email, 'wrong password 1');
      expect(await userRow(email)).toMatchObject({ lockCount: 1 });
      await sleep(400);
      setRateLimits(s.app, {});
      await signIn(email, 'wrong password 2');
      expect(await userRow(email)).toMatchObject({ lockCount: 2 });
      await sleep(400);
      setRateLimits(s.app, {});
      // the timed lock is over, but this was the second lockout: still locked
      expect(await signIn(email, PASSWORD)).toEqual({ ok: false, reason: 'invalid' });
      const [entry] = expectStatus(await s.api('GET', '/api/v1/audit?action=auth.signin&limit=1', { token: admin }), 200).entries;
      expect(entry).toMatchObject({ actorId: id, details: { outcome: 'locked', lockedUntil: 'until unlocked' } });
      // an admin's new password is the way back
      expectStatus(await s.api('PATCH', `/api/v1/users/${id}`, { token: admin, body: { password: 'a brand new password' } }), 200);
      expect(await userRow(email)).toMatchObject({ lockCount: 0, lockedUntil: null });
      expect((await signIn(email, 'a brand new password')).ok).toBe(true);

      // the platform admin: locked twice, and after the (doubled) wait signs in again
      await signIn(ADMIN.email, 'wrong password 1');
      await sleep(400);
      setRateLimits(s.app, {});
      await signIn(ADMIN.email, 'wrong password 2');
      const row = await userRow(ADMIN.email);
      expect(row.lockCount).toBe(2);
      expect(row.lockedUntil!.getTime() - Date.now()).toBeGreaterThan(350); // 2 × 0.3 s
      await sleep(700);
      setRateLimits(s.app, {});
      expect((await signIn(ADMIN.email, ADMIN.password)).ok).toBe(true);
    } finally {
      await clearAuthSettings('auth.maxLoginAttempts', 'auth.lockoutDurationMinutes', 'auth.maxLockCount');
    }
  });
});

describe('password hashes (item 7)', () => {
  it('replaces a hash made with older parameters at the next successful sign-in', async () => {
    const { email, id } = await newUser('Old Hash Person');
    const old = await hashPassword(PASSWORD, { N: 1 << 11, r: 8, p: 1 });
    await s.app.db.update(users).set({ passwordHash: old }).where(eq(users.id, id));
    expect(await signIn(email, 'wrong password!!')).toEqual({ ok: false, reason: 'invalid' });
    expect((await userRow(email)).passwordHash).toBe(old);
    expect((await signIn(email, PASSWORD)).ok).toBe(true);
    const now = (await userRow(email)).passwordHash;
    expect(now).not.toBe(old);
    expect(now).toMatch(/^scrypt\$1024\$8\$1\$/); // the parameters new hashes get (the test cost under vitest)
    expect((await signIn(email, PASSWORD)).ok).toBe(true);
  });
});

/** next-auth's handler (as mounted at /api/auth/[...nextauth]), called with a request and a response that records what it was told. */
async function nextAuth(action: string, req: { method: string; cookies: Record<string, string>; body?: Record<string, string> }) {
  const headers = new Map<string, string | string[]>();
  const res = {
    statusCode: 200,
    body: undefined as unknown,
    status(code: number) { res.statusCode = code; return res; },
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    setHeader(name: string, value: string | string[]) { headers.set(name.toLowerCase(), value); return res; },
    json(body: unknown) { res.body = body; },
    send(body: unknown) { res.body = body; },
    end() {},
  };
  const request = { ...req, query: { nextauth: [action] }, headers: { host: new URL(s.url).host } };
  await NextAuth(request as never, res as never, await authOptions(s.app, { ip }));
  const setCookie = headers.get('set-cookie') ?? [];
  return { status: res.statusCode, body: res.body, cookies: Array.isArray(setCookie) ? setCookie : [setCookie] };
}

describe('revocable sessions (item 2)', () => {
  const cookie = async (sub: string, epoch: number) => ({
    cookie: `next-auth.session-token=${await encode({ token: { sub, signedInAt: Date.now(), lastActivity: Date.now(), epoch, sid: randomUUID() }, secret: sessionSecret(s.app) })}`,
  });
  const epochOf = async (id: string) => (await s.app.db.select().from(users).where(eq(users.id, id)))[0].sessionEpoch;

  it('signs out everywhere: every session of the caller ends, tokens and other users stay', async () => {
    const other = await newUser('Bystander Person');
    const mine = [await cookie(adminId, await epochOf(adminId)), await cookie(adminId, await epochOf(adminId))];
    const theirs = await cookie(other.id, await epochOf(other.id));
    expectStatus(await s.api('GET', '/api/v1/me', { headers: mine[1] }), 200);
    expect(expectStatus(await s.api('DELETE', '/api/v1/me/sessions', { headers: { ...mine[0], [CSRF_HEADER]: '1' } }), 200)).toEqual({ ended: true });
    for (const headers of mine) await refused(s, () => s.api('GET', '/api/v1/me', { headers }), 401, 'UNAUTHENTICATED');
    expectStatus(await s.api('GET', '/api/v1/me', { headers: theirs }), 200);
    expectStatus(await s.api('GET', '/api/v1/me', { token: admin }), 200);
    const [entry] = expectStatus(await s.api('GET', '/api/v1/audit?action=auth.signout_everywhere&limit=1', { token: admin }), 200).entries;
    expect(entry).toMatchObject({ actorId: adminId, details: { userId: adminId } });
    // a session from before the epoch existed (no epoch claim) is not accepted either
    const legacy = `next-auth.session-token=${await encode({ token: { sub: adminId, signedInAt: Date.now(), lastActivity: Date.now() }, secret: sessionSecret(s.app) })}`;
    await refused(s, () => s.api('GET', '/api/v1/me', { headers: { cookie: legacy } }), 401, 'UNAUTHENTICATED');
  });

  it('signs out one session through next-auth: a copy of its cookie dies on every instance, other sessions stay', async () => {
    const { id } = await newUser('Signing Out Person');
    const epoch = await epochOf(id);
    const [leaving, staying] = [await cookie(id, epoch), await cookie(id, epoch)];
    // a second instance on the same database, which has the leaving session's principal cached
    const other = await createApp(s.app.database, s.app.secrets);
    try {
      const [copied] = leaving.cookie.split(';');
      const claims = await decode({ token: copied.slice(copied.indexOf('=') + 1), secret: sessionSecret(s.app) });
      expect(await sessionPrincipal(other, claims!)).toMatchObject({ userId: id });
      expectStatus(await s.api('GET', '/api/v1/me', { headers: leaving }), 200);
      // next-auth's own sign-out route: its CSRF token, then POST /api/auth/signout with the session cookie
      const csrf = await nextAuth('csrf', { method: 'GET', cookies: {} });
      const csrfCookie = /next-auth\.csrf-token=([^;]+)/.exec(csrf.cookies.join('\n'))![1];
      const cookies = { 'next-auth.csrf-token': decodeURIComponent(csrfCookie), 'next-auth.session-token': copied.slice(copied.indexOf('=') + 1) };
      const out = await nextAuth('signout', { method: 'POST', cookies, body: { csrfToken: (csrf.body as { csrfToken: string }).csrfToken } });
      expect(out.cookies.some((c) => /^next-auth\.session-token=;.*Max-Age=0/i.test(c))).toBe(true);
      // the cookie, copied before signing out, no longer works here ...
      await refused(s, () => s.api('GET', '/api/v1/me', { headers: leaving }), 401, 'UNAUTHENTICATED');
      // ... nor on the other instance, once the change notification arrives (well within a second)
      const deadline = Date.now() + 2000;
      while ((await sessionPrincipal(other, claims!)) && Date.now() < deadline) await sleep(20);
      expect(await sessionPrincipal(other, claims!)).toBeNull();
      expectStatus(await s.api('GET', '/api/v1/me', { headers: staying }), 200);
      const [entry] = expectStatus(await s.api('GET', '/api/v1/audit?action=auth.signout&limit=1', { token: admin }), 200).entries;
      expect(entry).toMatchObject({ actorId: id, details: { userId: id } });
      // kept until the token would have expired on its own, then pruned by the next sign-out
      const [row] = await s.app.db.select().from(revokedSessions).where(eq(revokedSessions.id, claims!.sid as string));
      expect(row.expiresAt.getTime()).toBe((claims!.exp as number) * 1000);
      await s.app.db.update(revokedSessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(revokedSessions.id, row.id));
      const again = await cookie(id, epoch);
      const againClaims = await decode({ token: again.cookie.slice(again.cookie.indexOf('=') + 1), secret: sessionSecret(s.app) });
      expect(await signOutSession(s.app, againClaims!, { ip })).toEqual({ ended: true });
      expect(await s.app.db.select().from(revokedSessions).where(eq(revokedSessions.id, row.id))).toEqual([]);
      // signing out a session that is already over changes nothing
      const count = await auditCount();
      expect(await signOutSession(s.app, againClaims!, { ip })).toEqual({ ended: false });
      expect(await auditCount()).toBe(count);
    } finally {
      other.storage.stop();
    }
  });

  it('ends the sessions of a user whose password an admin changes', async () => {
    const { id } = await newUser('Reset By Admin Person');
    const headers = await cookie(id, await epochOf(id));
    expectStatus(await s.api('GET', '/api/v1/me', { headers }), 200);
    expectStatus(await s.api('PATCH', `/api/v1/users/${id}`, { token: admin, body: { name: 'Renamed Only' } }), 200);
    expectStatus(await s.api('GET', '/api/v1/me', { headers }), 200);
    expectStatus(await s.api('PATCH', `/api/v1/users/${id}`, { token: admin, body: { password: 'another long password' } }), 200);
    await refused(s, () => s.api('GET', '/api/v1/me', { headers }), 401, 'UNAUTHENTICATED');
  });
});

describe('API throttling (item 1)', () => {
  it('answers 429 RATE_LIMITED with Retry-After per token, and per client address before authentication', async () => {
    const other = expectStatus(await s.api('POST', '/api/v1/tokens', { token: admin, body: { name: 'second' } }), 201).token;
    setRateLimits(s.app, { apiPerToken: 3, apiPerIp: 0 });
    try {
      for (let i = 0; i < 3; i++) expectStatus(await s.api('GET', '/api/v1/me', { token: admin }), 200);
      const res = await s.api('GET', '/api/v1/me', { token: admin });
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe('RATE_LIMITED');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expectStatus(await s.api('GET', '/api/v1/me', { token: other }), 200);

      // the test's client stands behind a trusted proxy (loopback) that names the addresses
      process.env.TRUSTED_PROXIES = '127.0.0.1,::1';
      setRateLimits(s.app, { apiPerToken: 0, apiPerIp: 2 });
      const from = (addr: string) => ({ 'x-forwarded-for': addr });
      expectStatus(await s.api('GET', '/api/v1/me', { headers: from('192.0.2.9') }), 401);
      expectStatus(await s.api('GET', '/api/v1/me', { headers: from('192.0.2.9') }), 401);
      await refused(s, () => s.api('GET', '/api/v1/me', { token: admin, headers: from('192.0.2.9') }), 429, 'RATE_LIMITED');
      expectStatus(await s.api('GET', '/api/v1/me', { token: admin, headers: from('192.0.2.10') }), 200);
    } finally {
      delete process.env.TRUSTED_PROXIES;
      setRateLimits(s.app, {});
    }
  });
});

describe('single sign-on (item 8)', () => {
  const oidc = (email: string | null, emailVerified = true) => ({ sub: 'idp-subject', email, emailVerified, from: 'userinfo' as const });
  const meta = { ip: '203.0.113.50', issuer: 'https://idp.example' };
  const lastSignIn = async () => expectStatus(await s.api('GET', '/api/v1/audit?action=auth.signin&limit=1', { token: admin }), 200).entries[0];

  it('tells a disabled account it is disabled, and audits the reason with the user as actor and the client address', async () => {
    const { email, id } = await newUser('Disabled Sso Person');
    expectStatus(await s.api('PATCH', `/api/v1/users/${id}`, { token: admin, body: { disabled: true } }), 200);
    expect(await signInWithOidc(s.app, oidc(email), meta)).toEqual({ ok: false, reason: 'disabled' });
    expect(await lastSignIn()).toMatchObject({ actorId: id, actorName: 'Disabled Sso Person', ip: meta.ip, details: { outcome: 'failure', method: 'oidc', reason: 'disabled', email } });
  });

  it('names the reason for unknown and unverified e-mails, without an actor', async () => {
    const { email } = await newUser('Unverified Sso Person');
    expect(await signInWithOidc(s.app, oidc(email, false), meta)).toEqual({ ok: false, reason: 'unverified_email' });
    expect(await lastSignIn()).toMatchObject({ actorId: null, ip: meta.ip, details: { reason: 'unverified_email' } });
    expect(await signInWithOidc(s.app, oidc('nobody-sso@example.com'), meta)).toEqual({ ok: false, reason: 'unknown_email' });
    expect(await lastSignIn()).toMatchObject({ actorId: null, details: { reason: 'unknown_email' } });
    expect(await signInWithOidc(s.app, oidc(null), meta)).toEqual({ ok: false, reason: 'no_email' });
  });

  it('signs in a known user, records where the e-mail came from, and lifts a password lockout', async () => {
    setRateLimits(s.app, {});
    const { email, id } = await newUser('Sso Person');
    for (let i = 0; i < 5; i++) await signIn(email, `wrong password ${i}`);
    expect((await userRow(email)).lockedUntil).not.toBeNull();
    expect(await signInWithOidc(s.app, oidc(email), meta)).toEqual({ ok: true, user: { id, email, name: 'Sso Person', sessionEpoch: 0 } });
    expect(await lastSignIn()).toMatchObject({ actorId: id, ip: meta.ip, details: { outcome: 'success', emailFrom: 'userinfo' } });
    expect(await userRow(email)).toMatchObject({ lockedUntil: null, failedLoginAttempts: 0, lockCount: 0 });
  });
});

describe('password changes (item 3)', () => {
  beforeEach(() => setRateLimits(s.app, {}));

  it('needs the current password for a self-service change; a wrong one is audited and throttled', async () => {
    const { email, id } = await newUser('Self Change Person');
    const token = expectStatus(await s.api('POST', '/api/v1/tokens', { token: admin, body: { name: 'theirs', userId: id } }), 201).token;
    const change = (body: Record<string, unknown>) => s.api('PATCH', '/api/v1/users/me', { token, body: { password: 'my new long password', ...body } });
    const missing = await refused(s, () => change({}), 400, 'INVALID_REQUEST');
    expect(missing.field).toBe('currentPassword');
    const wrong = await change({ currentPassword: 'not my password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ code: 'UNAUTHENTICATED', field: 'currentPassword' });
    const [entry] = expectStatus(await s.api('GET', '/api/v1/audit?action=auth.password_check&limit=1', { token: admin }), 200).entries;
    expect(entry).toMatchObject({ actorId: id, details: { outcome: 'failure', purpose: 'user.password_change', userId: id } });
    // like failed sign-ins: auth.maxLoginAttempts - 1 free, then a wait
    for (let i = 0; i < 4; i++) expect((await change({ currentPassword: `not it ${i}` })).status).toBe(401);
    await refused(s, () => change({ currentPassword: PASSWORD }), 429, 'RATE_LIMITED');
    await sleep(1100);
    expectStatus(await change({ currentPassword: PASSWORD }), 200);
    expect((await signIn(email, 'my new long password')).ok).toBe(true);
    // the token still works: tokens are revoked only when asked
    expectStatus(await s.api('GET', '/api/v1/me', { token }), 200);
  });

  it('audits an admin reset as such and, when asked, revokes the user\'s tokens', async () => {
    const { id } = await newUser('Token Revoke Person');
    const token = expectStatus(await s.api('POST', '/api/v1/tokens', { token: admin, body: { name: 'theirs', userId: id } }), 201).token;
    await refused(s, () => s.api('PATCH', `/api/v1/users/${id}`, { token: admin, body: { name: 'X', revokeTokens: true } }), 400, 'INVALID_REQUEST');
    expectStatus(await s.api('PATCH', `/api/v1/users/${id}`, { token: admin, body: { password: 'reset by the admin', revokeTokens: true } }), 200);
    const [entry] = expectStatus(await s.api('GET', '/api/v1/audit?action=user.update&limit=1', { token: admin }), 200).entries;
    expect(entry).toMatchObject({ actorId: adminId, details: { userId: id, passwordChanged: true, by: 'admin', tokensRevoked: 1 } });
    await refused(s, () => s.api('GET', '/api/v1/me', { token }), 401, 'UNAUTHENTICATED');
  });
});

describe('token lifetimes (item 6)', () => {
  const DAY = 24 * 3600_000;
  const issue = (token: string, body: Record<string, unknown>) => s.api('POST', '/api/v1/tokens', { token, body: { name: 'lifetime', ...body } });

  it('gives the bootstrap token 24 hours', async () => {
    const { tokens } = expectStatus(await s.api('GET', `/api/v1/tokens?userId=${adminId}&limit=100`, { token: admin }), 200);
    const boot = tokens.find((t: { name: string }) => t.name === 'Bootstrap token');
    const left = new Date(boot.expiresAt).getTime() - Date.now();
    expect(left).toBeGreaterThan(23 * 3600_000);
    expect(left).toBeLessThanOrEqual(DAY);
  });

  it('caps every token at auth.tokenMaxLifetimeDays (default 90) and defaults to that', async () => {
    const session = `next-auth.session-token=${await encode({ token: { sub: adminId, signedInAt: Date.now(), lastActivity: Date.now(), epoch: (await userRow(ADMIN.email)).sessionEpoch, sid: randomUUID() }, secret: sessionSecret(s.app) })}`;
    const headers = { cookie: session, [CSRF_HEADER]: '1' };
    const viaSession = (body: Record<string, unknown>) => s.api('POST', '/api/v1/tokens', { headers, body: { name: 'from a session', ...body } });
    const issued = expectStatus(await viaSession({}), 201);
    expect(Math.abs(new Date(issued.expiresAt).getTime() - (Date.now() + 90 * DAY))).toBeLessThan(60_000);
    const tooLong = await refused(s, () => viaSession({ expiresAt: new Date(Date.now() + 91 * DAY).toISOString() }), 400, 'INVALID_REQUEST');
    expect(tooLong).toMatchObject({ field: 'expiresAt' });
    expect(tooLong.message).toMatch(/90 days/);
    await setAuthSetting('auth.tokenMaxLifetimeDays', 7);
    try {
      await refused(s, () => viaSession({ expiresAt: new Date(Date.now() + 8 * DAY).toISOString() }), 400, 'INVALID_REQUEST');
      expectStatus(await viaSession({ expiresAt: new Date(Date.now() + 6 * DAY).toISOString() }), 201);
    } finally {
      await clearAuthSettings('auth.tokenMaxLifetimeDays');
    }
  });

  it('never lets a token mint or renew a token that outlives itself', async () => {
    // the bootstrap token ends within a day: nothing it makes may last longer
    const refusedLong = await refused(s, () => issue(admin, { expiresAt: new Date(Date.now() + 2 * DAY).toISOString() }), 400, 'INVALID_REQUEST');
    expect(refusedLong.message).toMatch(/when the token making this request expires/);
    const child = expectStatus(await issue(admin, {}), 201);
    const { tokens } = expectStatus(await s.api('GET', `/api/v1/tokens?limit=100`, { token: admin }), 200);
    const boot = tokens.find((t: { name: string }) => t.name === 'Bootstrap token');
    expect(child.expiresAt).toBe(boot.expiresAt);
    // a long-lived token (made from a session) renewed by the short one stays as it is: renewing never shortens
    const renewed = expectStatus(await s.api('POST', `/api/v1/tokens/${child.id}/renew`, { token: admin }), 200);
    expect(renewed.expiresAt).toBe(boot.expiresAt);
    // a platform admin minting for someone else is bound the same way
    const { id } = await newUser('Service Account Person');
    await refused(s, () => issue(admin, { userId: id, expiresAt: new Date(Date.now() + 30 * DAY).toISOString() }), 400, 'INVALID_REQUEST');
  });

  it('renews from a browser session up to the maximum lifetime, audited; a revoked token stays dead', async () => {
    const session = `next-auth.session-token=${await encode({ token: { sub: adminId, signedInAt: Date.now(), lastActivity: Date.now(), epoch: (await userRow(ADMIN.email)).sessionEpoch, sid: randomUUID() }, secret: sessionSecret(s.app) })}`;
    const headers = { cookie: session, [CSRF_HEADER]: '1' };
    const short = expectStatus(await issue(admin, { expiresAt: new Date(Date.now() + 3600_000).toISOString() }), 201);
    const renewed = expectStatus(await s.api('POST', `/api/v1/tokens/${short.id}/renew`, { headers }), 200);
    expect(Math.abs(new Date(renewed.expiresAt).getTime() - (Date.now() + 90 * DAY))).toBeLessThan(60_000);
    const [entry] = expectStatus(await s.api('GET', '/api/v1/audit?action=token.renew&limit=1', { token: admin }), 200).entries;
    expect(entry).toMatchObject({ actorId: adminId, details: { tokenId: short.id } });
    expectStatus(await s.api('DELETE', `/api/v1/tokens/${short.id}`, { token: admin }), 200);
    await refused(s, () => s.api('POST', `/api/v1/tokens/${short.id}/renew`, { headers }), 409, 'CONFLICT');
    await refused(s, () => s.api('POST', '/api/v1/tokens/tok_nothere/renew', { headers }), 404, 'NOT_FOUND');
  });
});

describe('reveal re-authentication (item 4)', () => {
  beforeEach(() => setRateLimits(s.app, {}));

  it('audits every wrong password and throttles guesses like failed sign-ins', async () => {
    const def = { key: 'reveal.secret', label: 'Secret', category: 'secrets', type: 'secret', defaultValue: '', allowedLevels: ['global'] };
    expectStatus(await s.api('POST', '/api/v1/definitions', { token: admin, body: def }), 201);
    expectStatus(await s.api('PUT', '/api/v1/settings/reveal.secret', { token: admin, body: { value: 'hunter2-hunter2', scope: 'global', reason: 'test' } }), 200);
    const reveal = (password: string) => s.api('POST', '/api/v1/settings/reveal.secret/reveal', { token: admin, body: { scope: 'global', password } });
    const audits = async () => expectStatus(await s.api('GET', '/api/v1/audit?action=auth.password_check&limit=100', { token: admin }), 200).entries.length;
    const before = await audits();
    for (let i = 0; i < 5; i++) {
      const res = await reveal(`wrong guess ${i}`);
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'UNAUTHENTICATED', field: 'password' });
    }
    expect(await audits()).toBe(before + 5);
    const [entry] = expectStatus(await s.api('GET', '/api/v1/audit?action=auth.password_check&limit=1', { token: admin }), 200).entries;
    expect(entry).toMatchObject({ actorId: adminId, details: { outcome: 'failure', purpose: 'settings.reveal' } });
    // now even the right password waits: no sixth guess is checked
    await refused(s, () => reveal(ADMIN.password), 429, 'RATE_LIMITED');
    await sleep(1100);
    expect(expectStatus(await reveal(ADMIN.password), 200).value).toBe('hunter2-hunter2');
  });
});
