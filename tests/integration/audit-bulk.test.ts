import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, desc, eq, gte, lt, lte, sql } from 'drizzle-orm';
import { auditLog } from '@/lib/db/schema';
import { appendAudit } from '@/lib/services/audit/append';
import type { ChangeContext } from '@/lib/services/audit/types';
import { inTransaction } from '@/lib/services/kernel/transaction';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { createScopes, expectStatus, WORLD } from './support';

/**
 * The audit chain under bulk and concurrent writes (migration 0013: the chain lock and head are taken once
 * per transaction; a writer's audit insert is its last statement, the COMMIT right behind it). A bulk's
 * entries chain one onto the next in one statement, concurrent writers interleave whole transactions, and
 * the chain verifies; an edit of one entry inside a bulk is found.
 */
let s: TestServer;
let admin: string;
const KEYS = Array.from({ length: 12 }, (_, i) => `bulk.k${String(i).padStart(2, '0')}`);
/** Written by PUTs only, so a concurrent import's diff (If-Match) does not change under it. */
const PUT_KEYS = ['bulk.p0', 'bulk.p1', 'bulk.p2', 'bulk.p3'];
const SCOPES = ['global', ...WORLD.map((w) => w.id)];
const CTX: ChangeContext = { actor: { id: null, name: 'audit test', role: null }, source: 'api', ip: null };

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s);
  await createScopes(s, admin, WORLD);
  for (const key of [...KEYS, ...PUT_KEYS]) {
    const body = { key, label: key, category: 'general', type: 'number', defaultValue: 0, allowedLevels: ['global', 'tenant', 'event'] };
    expectStatus(await s.api('POST', '/api/v1/definitions', { token: admin, body }), 201);
  }
}, 240_000);
afterAll(async () => {
  await s?.close();
});

const verify = async () => expectStatus(await s.api('GET', '/api/v1/audit/verify', { token: admin }), 200);

async function importAll(offset: number) {
  const doc = { version: '1.0', settings: SCOPES.flatMap((scope) => KEYS.map((key, i) => ({ key, scope, value: offset + i }))), flags: [] };
  const preview = expectStatus(await s.api('POST', '/api/v1/settings/import?preview=true', { token: admin, body: doc }), 200);
  return expectStatus(await s.api('POST', '/api/v1/settings/import?confirm=true', { token: admin, body: { ...doc, reason: 'bulk' }, headers: { 'if-match': preview.etag } }), 200);
}

const chainOf = (changeSetId: string) => s.app.db.select().from(auditLog).where(eq(auditLog.changeSetId, changeSetId)).orderBy(asc(auditLog.id));

describe('a bulk write in the audit chain', () => {
  it('chains every entry of an import onto the one before it, in one change set, and verifies', async () => {
    const applied = await importAll(100);
    expect(applied.created).toBe(SCOPES.length * KEYS.length);
    const rows = await chainOf(applied.changeSetId);
    expect(rows).toHaveLength(SCOPES.length * KEYS.length);
    expect(rows.map((r) => r.id)).toEqual(applied.auditIds);
    // each linked to its predecessor, keyed, the pads never stored
    rows.forEach((r, i) => {
      if (i > 0) expect(r.prevHash).toBe(rows[i - 1].hash);
      expect(r.chainKeyId).toBe(s.app.secrets.keyId);
      expect(r.macKey).toBeNull();
    });
    // the first onto the entry before the import (ids have gaps: the sequence is drawn from twice per row)
    const [before] = await s.app.db.select().from(auditLog).where(lt(auditLog.id, rows[0].id)).orderBy(desc(auditLog.id)).limit(1);
    expect(rows[0].prevHash).toBe(before.hash);
    expect(await verify()).toMatchObject({ valid: true });
  });

  it('keeps the chain whole under concurrent writers and bulks', async () => {
    const puts = SCOPES.flatMap((scope) =>
      PUT_KEYS.map((key, i) => s.api('PUT', `/api/v1/settings/${key}`, { token: admin, body: { value: 500 + i, scope, reason: 'concurrent' } })),
    );
    const [applied, ...answers] = await Promise.all([importAll(200), ...puts]);
    for (const a of answers) expectStatus(a, 200);
    // each PUT's entry is the one its answer names
    for (const a of answers) {
      const [row] = await s.app.db.select().from(auditLog).where(eq(auditLog.id, a.body.audit.id));
      expect(row).toMatchObject({ key: a.body.setting.key, scopeId: a.body.scope, version: a.body.version });
    }
    // the bulk's entries are not interleaved with anyone else's: one transaction, one run of the chain
    const rows = await chainOf(applied.changeSetId);
    const between = await s.app.db.select().from(auditLog).where(and(gte(auditLog.id, rows[0].id), lte(auditLog.id, rows.at(-1)!.id)));
    expect(between).toHaveLength(rows.length);
    expect(await verify()).toMatchObject({ valid: true });
  });

  // last: it tampers with the log (as a superuser who switched the trigger off) and leaves it broken
  it('hashes and inserts a bulk of several INSERTs side by side, chained in the order the entries were given', async () => {
    // 5,000 entries per INSERT: 11,500 make three, the next hashed while the database inserts the one before
    const entries = Array.from({ length: 11_500 }, (_, i) => ({ action: 'setting.set', key: KEYS[i % KEYS.length], scopeId: 'global', newValue: i, reason: 'batches', version: i + 1 }));
    const rows = await inTransaction(s.app, (tx, _changed, _notify, { finish }) => appendAudit(tx, { ...CTX, changeSetId: 'cs_batches' }, entries, finish));
    expect(rows.map((r) => r.newValue)).toEqual(entries.map((e) => e.newValue));
    const stored = await chainOf('cs_batches');
    expect(stored.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    expect(stored.map((r) => r.newValue)).toEqual(entries.map((e) => e.newValue));
    stored.forEach((r, i) => i > 0 && expect(r.prevHash).toBe(stored[i - 1].hash));
    expect(await verify()).toMatchObject({ valid: true });
  }, 120_000);

  it('fails the whole write when a statement sent before the audit entries fails, and writes none of them', async () => {
    const [{ n: before }] = await s.app.db.select({ n: sql<number>`count(*)::int` }).from(auditLog);
    const entries = Array.from({ length: 1_500 }, (_, i) => ({ action: 'setting.set', key: KEYS[0], scopeId: 'global', newValue: i, reason: 'doomed' }));
    const attempt = inTransaction(s.app, (tx, _changed, _notify, { finish }) => {
      // a value write the caller sent and did not await (as a bulk's are): division by zero
      const written = tx.execute(sql`select 1 / 0`);
      return appendAudit(tx, { ...CTX, changeSetId: 'cs_doomed' }, entries, finish, written);
    });
    await expect(attempt).rejects.toThrow(/select 1 \/ 0/);
    const [{ n: after }] = await s.app.db.select({ n: sql<number>`count(*)::int` }).from(auditLog);
    expect(after).toBe(before);
    expect(await chainOf('cs_doomed')).toHaveLength(0);
    expect(await verify()).toMatchObject({ valid: true });
  });

  it('finds an edit of one entry in the middle of a bulk', async () => {
    const applied = await importAll(300);
    const rows = await chainOf(applied.changeSetId);
    const victim = rows[Math.floor(rows.length / 2)];
    expect(await verify()).toMatchObject({ valid: true });
    await s.app.db.execute(sql`alter table audit_log disable trigger audit_log_no_update`);
    try {
      await s.app.db.execute(sql`update audit_log set new_value = '999'::jsonb where id = ${victim.id}`);
    } finally {
      await s.app.db.execute(sql`alter table audit_log enable trigger audit_log_no_update`);
    }
    expect(await verify()).toMatchObject({ valid: false, brokenAt: victim.id });
  });
});
