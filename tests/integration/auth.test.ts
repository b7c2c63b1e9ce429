import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '@/lib/db/schema';
import { CSRF_HEADER } from '@/lib/auth/headers';
import { hashPassword, verifyPassword } from '@/lib/auth/passwords';
import { sessionSecret } from '@/lib/auth/session';
import { signInWithPassword } from '@/lib/services/identity/sign-in';
import { ADMIN, bootstrapped, startTestServer, type TestServer } from './harness';
import { expectStatus, person, refused, type Person } from './support';

let s: TestServer;
let admin: string;
let adminId: string;
let plain: Person;
const PASSWORD = 'a long enough password'; // what support.person() gives everyone
const meta = { ip: '203.0.113.7' };

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s); // no catalog: the built-in defaults apply
  adminId = expectStatus(await s.api('GET', '/api/v1/me', { token: admin }), 200).user.id;
  plain = await person(s, admin, 'Plain User', []);
});
afterAll(async () => {
  await s?.close();
});

const MINUTE = 60_000;
const userRow = async (email: string) => (await s.app.db.select().from(users).where(eq(users.email, email)))[0];
const auditOf = async (action: string) => expectStatus(await s.api('GET', `/api/v1/audit?action=${action}&limit=500`, { token: admin }), 200).entries;

async function newUser(name: string) {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`;
  expectStatus(await s.api('POST', '/api/v1/users', { token: admin, body: { email, name, password: PASSWORD, roles: [] } }), 201);
  return email;
}

/** Defines one of Switchboard's own auth settings in the registry and sets it at global. */
async function setAuthSetting(key: string, value: number) {
  const def = await s.api('GET', `/api/v1/definitions/${key}`, { token: admin });
  if (def.status === 404) {
    const body = { key, label: key, category: 'auth', type: 'number', defaultValue: value, validation: { min: 0 }, allowedLevels: ['global'] };
    expectStatus(await s.api('POST', '/api/v1/definitions', { token: admin, body }), 201);
  }
  expectStatus(await s.api('PUT', `/api/v1/settings/${key}`, { token: admin, body: { value, scope: 'global', reason: 'test' } }), 200);
}

async function clearAuthSetting(key: string) {
  expectStatus(await s.api('DELETE', `/api/v1/settings/${key}?scope=global&reason=test`, { token: admin }), 200);
  expectStatus(await s.api('DELETE', `/api/v1/definitions/${key}`, { token: admin }), 200);
}

describe('password sign-in', () => {
  it('signs in with the right password, case-insensitively by email, and audits it', async () => {
    const result = await signInWithPassword(s.app, { email: ' Admin@Example.com ', password: ADMIN.password }, meta);
    expect(result).toEqual({ ok: true, user: { id: adminId, email: ADMIN.email, name: ADMIN.name, sessionEpoch: 0 } });
    const [entry] = await auditOf('auth.signin');
    expect(entry).toMatchObject({ actorId: adminId, actorRole: 'platform_admin', source: 'manual', ip: meta.ip, details: { outcome: 'success', method: 'password' } });
  });

  it('answers a wrong password and an unknown email alike, and takes about as long for both', async () => {
    const email = await newUser('Timing Person');
    const time = async (e: string) => {
      const t = performance.now();
      const r = await signInWithPassword(s.app, { email: e, password: 'wrong password!' }, meta);
      return { r, ms: performance.now() - t };
    };
    const fastest = async (e: string) => {
      const runs = [await time(e), await time(e), await time(e)];
      return { r: runs[0].r, ms: Math.min(...runs.map((x) => x.ms)) };
    };
    const known = await fastest(email);
    const unknown = await fastest('nobody@example.com');
    expect(known.r).toEqual({ ok: false, reason: 'invalid' });
    expect(unknown.r).toEqual({ ok: false, reason: 'invalid' });
    // both pay for one scrypt check (which, at production cost, outweighs the database work by far): an
    // unknown email must not answer without one
    const stored = await hashPassword(PASSWORD);
    const checks: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await verifyPassword('wrong password!', stored);
      checks.push(performance.now() - t);
    }
    expect(unknown.ms).toBeGreaterThan(Math.min(...checks) * 0.8);
    expect(known.ms).toBeGreaterThan(Math.min(...checks) * 0.8);
    const [entry] = await auditOf('auth.signin');
    expect(entry).toMatchObject({ actorId: null, details: { outcome: 'failure', reason: 'unknown_email', email: 'nobody@example.com' } });
  });

  it('locks the account after auth.maxLoginAttempts failures (default 5), refusing even the right password', async () => {
    const email = await newUser('Lockout Person');
    for (let i = 1; i <= 4; i++) {
      expect(await signInWithPassword(s.app, { email, password: `wrong ${i} attempt` }, meta)).toEqual({ ok: false, reason: 'invalid' });
      expect((await userRow(email)).failedLoginAttempts).toBe(i);
    }
    // a locked account answers exactly like a wrong password: the answer tells nobody it exists
    const fifth = await signInWithPassword(s.app, { email, password: 'wrong 5 attempt' }, meta);
    expect(fifth).toEqual({ ok: false, reason: 'invalid' });
    const row = await userRow(email);
    expect(row.lockedUntil!.getTime() - Date.now()).toBeGreaterThan(29 * MINUTE);
    expect(row.failedLoginAttempts).toBe(0);

    await new Promise((r) => setTimeout(r, 1100)); // past the e-mail's 1 s backoff
    expect(await signInWithPassword(s.app, { email, password: PASSWORD }, meta)).toEqual({ ok: false, reason: 'invalid' });
    const [lockout] = await auditOf('auth.lockout');
    expect(lockout).toMatchObject({ actorId: row.id, source: 'manual', details: { userId: row.id, email, attempts: 5 } });
    const [refusedWhileLocked] = await auditOf('auth.signin');
    expect(refusedWhileLocked).toMatchObject({ actorId: row.id, details: { outcome: 'locked' } });
  });

  it('resets the failure count on success', async () => {
    const email = await newUser('Forgetful Person');
    await signInWithPassword(s.app, { email, password: 'wrong once!!' }, meta);
    await signInWithPassword(s.app, { email, password: 'wrong twice!' }, meta);
    expect((await userRow(email)).failedLoginAttempts).toBe(2);
    expect((await signInWithPassword(s.app, { email, password: PASSWORD }, meta)).ok).toBe(true);
    expect((await userRow(email)).failedLoginAttempts).toBe(0);
  });

  it('refuses disabled users as if the password were wrong', async () => {
    const email = await newUser('Disabled Person');
    const { id } = await userRow(email);
    expectStatus(await s.api('PATCH', `/api/v1/users/${id}`, { token: admin, body: { disabled: true } }), 200);
    expect(await signInWithPassword(s.app, { email, password: PASSWORD }, meta)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('follows auth.maxLoginAttempts / auth.lockoutDurationMinutes from the registry and unlocks when the time is up', async () => {
    await setAuthSetting('auth.maxLoginAttempts', 2);
    await setAuthSetting('auth.lockoutDurationMinutes', 0.02); // 1.2 s
    try {
      const email = await newUser('Short Lock Person');
      expect(await signInWithPassword(s.app, { email, password: 'wrong one!!!' }, meta)).toEqual({ ok: false, reason: 'invalid' });
      expect(await signInWithPassword(s.app, { email, password: 'wrong two!!!' }, meta)).toEqual({ ok: false, reason: 'invalid' });
      expect(await userRow(email)).toMatchObject({ lockCount: 1 });
      expect((await signInWithPassword(s.app, { email, password: PASSWORD }, meta)).ok).toBe(false);
      await new Promise((r) => setTimeout(r, 2100)); // past the lock and the e-mail's backoff
      expect((await signInWithPassword(s.app, { email, password: PASSWORD }, meta)).ok).toBe(true);
      expect(await userRow(email)).toMatchObject({ failedLoginAttempts: 0, lockedUntil: null, lockCount: 0 });
    } finally {
      await clearAuthSetting('auth.maxLoginAttempts');
      await clearAuthSetting('auth.lockoutDurationMinutes');
    }
  });
});

describe('the browser session cookie authenticates API calls', () => {
  const mint = (claims: Record<string, unknown>, secret = sessionSecret(s.app)) => encode({ token: claims, secret });
  const cookie = async (claims: Record<string, unknown>) => ({ cookie: `next-auth.session-token=${await mint(claims)}` });
  const live = (sub: string, epoch = 0) => ({ sub, signedInAt: Date.now(), lastActivity: Date.now(), epoch, sid: randomUUID() });

  it('reads as the session user, with source manual in the audit log', async () => {
    const headers = await cookie(live(adminId));
    expect(expectStatus(await s.api('GET', '/api/v1/me', { headers }), 200).user.id).toBe(adminId);
    const body = { name: 'Cookie Scope', level: 'tenant', parentId: 'global', id: 'cookie-scope' };
    expectStatus(await s.api('POST', '/api/v1/scopes', { headers: { ...headers, [CSRF_HEADER]: '1' }, body }), 201);
    const [entry] = expectStatus(await s.api('GET', '/api/v1/audit?limit=1', { token: admin }), 200).entries;
    expect(entry).toMatchObject({ action: 'scope.create', actorId: adminId, source: 'manual' });
  });

  it('refuses cookie-authenticated writes without the CSRF header', async () => {
    const headers = await cookie(live(adminId));
    const error = await refused(s, () => s.api('POST', '/api/v1/scopes', { headers, body: { name: 'Forged', level: 'tenant', parentId: 'global' } }), 403, 'INSUFFICIENT_PERMISSIONS');
    expect(error.message).toMatch(CSRF_HEADER);
    // a token needs no such header: it is not sent by browsers on their own
    expectStatus(await s.api('POST', '/api/v1/scopes', { token: admin, body: { id: 'token-scope', name: 'By token', level: 'tenant', parentId: 'global' } }), 201);
  });

  it('ends sessions idle longer than auth.inactivityTimeoutMinutes or older than auth.sessionExpirationDays', async () => {
    await refused(s, async () => s.api('GET', '/api/v1/me', { headers: await cookie({ ...live(adminId), lastActivity: Date.now() - 61 * MINUTE }) }), 401, 'UNAUTHENTICATED');
    await refused(s, async () => s.api('GET', '/api/v1/me', { headers: await cookie({ ...live(adminId), signedInAt: Date.now() - 31 * 24 * 60 * MINUTE }) }), 401, 'UNAUTHENTICATED');
    expectStatus(await s.api('GET', '/api/v1/me', { headers: await cookie({ ...live(adminId), lastActivity: Date.now() - 59 * MINUTE }) }), 200);
    await setAuthSetting('auth.inactivityTimeoutMinutes', 5);
    try {
      await refused(s, async () => s.api('GET', '/api/v1/me', { headers: await cookie({ ...live(adminId), lastActivity: Date.now() - 6 * MINUTE }) }), 401, 'UNAUTHENTICATED');
    } finally {
      await clearAuthSetting('auth.inactivityTimeoutMinutes');
    }
  });

  it('refuses forged, foreign and malformed cookies', async () => {
    const foreign = await mint(live(adminId), 'another installation secret that is long enough');
    await refused(s, () => s.api('GET', '/api/v1/me', { headers: { cookie: `next-auth.session-token=${foreign}` } }), 401, 'UNAUTHENTICATED');
    await refused(s, () => s.api('GET', '/api/v1/me', { headers: { cookie: 'next-auth.session-token=not-a-jwt' } }), 401, 'UNAUTHENTICATED');
    await refused(s, async () => s.api('GET', '/api/v1/me', { headers: await cookie({ sub: adminId }) }), 401, 'UNAUTHENTICATED');
    // a session without an id (minted before sessions could be signed out one by one) is not accepted
    await refused(s, async () => s.api('GET', '/api/v1/me', { headers: await cookie({ ...live(adminId), sid: undefined }) }), 401, 'UNAUTHENTICATED');
    await refused(s, async () => s.api('GET', '/api/v1/me', { headers: await cookie(live('usr_nobody')) }), 401, 'UNAUTHENTICATED');
  });

  it('reassembles a token split into chunked cookies', async () => {
    const token = await mint(live(adminId));
    const cut = Math.floor(token.length / 2);
    const headers = { cookie: `next-auth.session-token.0=${token.slice(0, cut)}; next-auth.session-token.1=${token.slice(cut)}` };
    expectStatus(await s.api('GET', '/api/v1/me', { headers }), 200);
  });

  it('lets a bearer token win over the cookie', async () => {
    const headers = { ...(await cookie(live(adminId))), authorization: `Bearer ${plain.token}` };
    expect(expectStatus(await s.api('GET', '/api/v1/me', { headers }), 200).user.id).toBe(plain.id);
  });

  it('ends every session of a user at a role change and at disabling, not at the next sign-in', async () => {
    const epoch = async () => (await s.app.db.select().from(users).where(eq(users.id, plain.id)))[0].sessionEpoch;
    const first = await cookie(live(plain.id, await epoch()));
    await refused(s, () => s.api('GET', '/api/v1/users', { headers: first }), 403, 'INSUFFICIENT_PERMISSIONS');
    expectStatus(await s.api('PATCH', `/api/v1/users/${plain.id}`, { token: admin, body: { roles: [{ role: 'tenant_admin', scopeId: 'cookie-scope' }] } }), 200);
    await refused(s, () => s.api('GET', '/api/v1/me', { headers: first }), 401, 'UNAUTHENTICATED');
    // a session begun after the change has the new roles
    const second = await cookie(live(plain.id, await epoch()));
    expectStatus(await s.api('GET', '/api/v1/users', { headers: second }), 200);
    // the same roles again change nothing: the session lives on
    expectStatus(await s.api('PATCH', `/api/v1/users/${plain.id}`, { token: admin, body: { roles: [{ role: 'tenant_admin', scopeId: 'cookie-scope' }] } }), 200);
    expectStatus(await s.api('GET', '/api/v1/me', { headers: second }), 200);
    expectStatus(await s.api('PATCH', `/api/v1/users/${plain.id}`, { token: admin, body: { disabled: true } }), 200);
    await refused(s, () => s.api('GET', '/api/v1/me', { headers: second }), 401, 'UNAUTHENTICATED');
  });
});
