import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, sql } from 'drizzle-orm';
import { rowsOf } from '@/lib/db/client';
import { auditLog } from '@/lib/db/schema';
import { bodyHash } from '@/lib/services/audit/chain';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { createScopes, expectStatus, WORLD } from './support';

/**
 * Someone with full control of the database (here: the test's superuser connection) edits an entry and
 * recomputes the chain with SHA-256, as they could when links were plain hashes. The links are HMACs with a
 * key the database never sees, so /audit/verify still finds the edit.
 */
let s: TestServer;
let admin: string;

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s);
  await createScopes(s, admin, WORLD);
}, 240_000);
afterAll(async () => {
  await s?.close();
});

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const verify = async () => expectStatus(await s.api('GET', '/api/v1/audit/verify', { token: admin }), 200);

/** Rewrites rows from `fromId` on, with whatever `edit` does, then relinks every later row with SHA-256. */
async function rewriteHistory(fromId: number, edit: (row: typeof auditLog.$inferSelect) => Partial<typeof auditLog.$inferSelect>) {
  const rows = await s.app.db.select().from(auditLog).orderBy(asc(auditLog.id));
  await s.app.db.execute(sql`alter table audit_log disable trigger audit_log_no_update`);
  try {
    let prev = rows.find((r) => r.id === fromId - 1)?.hash ?? '0'.repeat(64);
    for (const row of rows.filter((r) => r.id >= fromId)) {
      const changed = { ...row, ...edit(row) };
      const body = bodyHash(changed);
      const hash = sha(`${prev}\n${body}`);
      await s.app.db.execute(
        sql`update audit_log set reason = ${changed.reason}, chain_key_id = ${changed.chainKeyId}, body_hash = ${body}, prev_hash = ${prev}, hash = ${hash} where id = ${row.id}`,
      );
      prev = hash;
    }
  } finally {
    await s.app.db.execute(sql`alter table audit_log enable trigger audit_log_no_update`);
  }
}

describe('the keyed audit chain', () => {
  it('links every entry with the key named in the row, never storing the key', async () => {
    const rows = await s.app.db.select().from(auditLog);
    expect(rows.length).toBeGreaterThan(4);
    for (const r of rows) {
      expect(r.chainKeyId).toBe(s.app.secrets.keyId);
      expect(r.macKey).toBeNull();
    }
    expect(await verify()).toEqual({ valid: true, checked: rows.length });
  });

  it('refuses an INSERT without the key once the chain is keyed', async () => {
    const [last] = rowsOf<{ id: number }>(await s.app.db.execute(sql`select max(id) as id from audit_log`));
    await expect(
      s.app.db.execute(sql`insert into audit_log (at, action, source, prev_hash, hash, body_hash) values (now(), 'forged', 'api', '', '', 'x')`),
    ).rejects.toThrow();
    const [after] = rowsOf<{ id: number }>(await s.app.db.execute(sql`select max(id) as id from audit_log`));
    expect(after.id).toBe(last.id);
  });

  it('catches an edited entry even when the SHA-256 chain after it is recomputed', async () => {
    const [victim] = await s.app.db.select().from(auditLog).orderBy(asc(auditLog.id)).offset(3).limit(1);
    await rewriteHistory(victim.id, (r) => (r.id === victim.id ? { reason: 'nothing happened here' } : {}));
    expect(await verify()).toMatchObject({ valid: false, brokenAt: victim.id });
    // nor does passing the edited rows off as pre-keying (unkeyed) SHA-256 rows help
    await rewriteHistory(victim.id, () => ({ chainKeyId: null }));
    expect(await verify()).toMatchObject({ valid: false, brokenAt: victim.id });
  });
});

describe('an installation chained before keyed links', () => {
  let old: TestServer;
  afterAll(async () => {
    await old?.close();
  });

  it('still verifies its SHA-256 rows, and chains keyed rows onto them', async () => {
    old = await startTestServer();
    // entries as the trigger of migration 0003 wrote them: no key, a SHA-256 link
    for (const action of ['legacy.one', 'legacy.two']) {
      const row = { at: new Date(), actorId: null, actorName: 'old', actorRole: null, action, key: null, scopeId: null, level: null, oldValue: null, newValue: null, newCiphertext: null, reason: null, source: 'api', ip: null, version: null, details: null, changeSetId: null };
      await old.app.db.insert(auditLog).values({ ...row, bodyHash: bodyHash(row), prevHash: '', hash: '' });
    }
    const token = await bootstrapped(old);
    const rows = await old.app.db.select().from(auditLog).orderBy(asc(auditLog.id));
    expect(rows.map((r) => r.chainKeyId === null)).toEqual([true, true, ...rows.slice(2).map(() => false)]);
    expect(expectStatus(await old.api('GET', '/api/v1/audit/verify', { token }), 200)).toEqual({ valid: true, checked: rows.length, unkeyed: 2 });
  }, 240_000);
});
