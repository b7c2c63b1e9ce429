import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { openDatabase } from '@/lib/db/client';
import { bootstrapped, startTestServer, type TestServer } from '../integration/harness';
import { createScopes, expectStatus, WORLD } from '../integration/support';

/**
 * Switchboard running as a role that may only INSERT and SELECT the audit log, with migrations applied by the
 * schema's owner through MIGRATION_DATABASE_URL (README "Security").
 */
const base = new URL(process.env.TEST_DATABASE_URL!);
const suffix = randomBytes(5).toString('hex');
const dbName = `sb_lp_${suffix}`;
const role = `sb_app_${suffix}`;
const urlAs = (user: string) => {
  const u = new URL(base);
  u.username = user;
  u.password = '';
  u.pathname = `/${dbName}`;
  return u.toString();
};

let s: TestServer;
let admin: string;
const root = postgres(base.toString(), { max: 1, onnotice: () => {} });
let asApp: postgres.Sql;

beforeAll(async () => {
  await root.unsafe(`create database ${dbName}`);
  await root.unsafe(`create role ${role} login`);
  s = await startTestServer({
    open: async () => ({
      database: await openDatabase({ url: urlAs(role), migrationUrl: urlAs(base.username || 'postgres') }),
      drop: async () => {
        await root.unsafe(`drop database if exists ${dbName} with (force)`);
        await root.unsafe(`drop owned by ${role} cascade`).catch(() => {});
        await root.unsafe(`drop role if exists ${role}`);
      },
    }),
  });
  admin = await bootstrapped(s, 'accreditation');
  await createScopes(s, admin, WORLD);
  asApp = postgres(urlAs(role), { max: 1, onnotice: () => {} });
}, 240_000);
afterAll(async () => {
  await asApp?.end();
  await s?.close();
  await root.end();
});

describe('the app as a least-privileged role', () => {
  it('works: writes, audit entries, verification', async () => {
    expectStatus(await s.api('PUT', '/api/v1/settings/catering.bufferPercentage', { token: admin, body: { value: 12, scope: 'tenant-a' } }), 200);
    expectStatus(await s.api('PUT', '/api/v1/settings/sms.providerApiKey', { token: admin, body: { value: 'sk-1', scope: 'global', reason: 'init' } }), 200);
    const [{ n }] = await asApp`select count(*)::int as n from audit_log`;
    expect(n).toBeGreaterThan(5);
    expect(expectStatus(await s.api('GET', '/api/v1/audit/verify', { token: admin }), 200)).toEqual({ valid: true, checked: n });
  });

  it('cannot change the audit log: no UPDATE, DELETE, TRUNCATE, nor switching its triggers off', async () => {
    await expect(asApp`update audit_log set reason = 'rewritten'`).rejects.toMatchObject({ code: '42501' });
    await expect(asApp`delete from audit_log`).rejects.toMatchObject({ code: '42501' });
    await expect(asApp`truncate audit_log`).rejects.toMatchObject({ code: '42501' });
    await expect(asApp`alter table audit_log disable trigger audit_log_no_update`).rejects.toMatchObject({ code: '42501' });
    await expect(asApp`drop table audit_log`).rejects.toMatchObject({ code: '42501' });
    // nor forge an entry: the chain is keyed and the database has no key
    await expect(asApp`insert into audit_log (at, action, source, prev_hash, hash, body_hash) values (now(), 'forged', 'api', '', '', 'x')`).rejects.toMatchObject({
      code: '42501',
    });
  });

  it('leaves the owner able to edit rows, and verification catches it (tests/integration/audit-keyed.test.ts: even with the chain recomputed)', async () => {
    const owner = postgres(urlAs(base.username || 'postgres'), { max: 1, onnotice: () => {} });
    try {
      const [row] = await owner`select id from audit_log order by id offset 2 limit 1`;
      await owner`alter table audit_log disable trigger audit_log_no_update`;
      await owner`update audit_log set reason = 'edited by the owner' where id = ${row.id}`;
      await owner`alter table audit_log enable trigger audit_log_no_update`;
      expect(expectStatus(await s.api('GET', '/api/v1/audit/verify', { token: admin }), 200)).toMatchObject({ valid: false, brokenAt: Number(row.id) });
    } finally {
      await owner.end();
    }
  });
});
