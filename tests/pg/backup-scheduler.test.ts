import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/lib/db/client';
import { backups } from '@/lib/db/schema';
import { runScheduledBackups, startBackupScheduler } from '@/lib/services/backups/schedule';
import { bootstrapped, startTestServer, type TestServer } from '../integration/harness';

/**
 * Automated backups with two app instances on one PostgreSQL database: both tick at the same moment,
 * exactly one backs up (the advisory lock, and the last backup's time read under it).
 */
const base = new URL(process.env.TEST_DATABASE_URL!);
const dbName = `sb_sched_${randomBytes(5).toString('hex')}`;
const root = postgres(base.toString(), { max: 1, onnotice: () => {} });
const url = new URL(base);
url.pathname = `/${dbName}`;
const key = randomBytes(32);
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  await root.unsafe(`create database ${dbName}`);
  a = await startTestServer({ keys: [key], open: async () => ({ database: await openDatabase({ url: url.toString() }), drop: async () => {} }) });
  b = await startTestServer({ keys: [key], open: async () => ({ database: await openDatabase({ url: url.toString() }), drop: async () => {} }) });
  await bootstrapped(a, 'accreditation');
}, 120_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await root.unsafe(`drop database if exists ${dbName} with (force)`);
  await root.end();
});

const quiet = { log: () => {}, error: () => {} };
const scheduled = async () => a.app.db.select({ id: backups.id }).from(backups).where(eq(backups.origin, 'scheduled'));

describe('automated backups on two instances', () => {
  const since = new Date('2027-03-01T00:00:00Z');
  const day = (n: number) => new Date(since.getTime() + n * 86_400_000);

  it('exactly one instance backs up when both are due at once', async () => {
    for (let n = 0; n < 5; n++) {
      const runs = await Promise.all([runScheduledBackups(a.app, day(n), since), runScheduledBackups(b.app, day(n), since)]);
      expect(runs.filter((r) => r.backup !== null), `day ${n}`).toHaveLength(1);
      expect(await scheduled()).toHaveLength(n + 1);
    }
    // a tick of either within the day: nothing due
    expect((await runScheduledBackups(b.app, new Date(day(4).getTime() + 3_600_000), since)).backup).toBeNull();
  }, 60_000);

  it('the timers of both instances, on an injected clock: one backup per due time', async () => {
    let now = day(10);
    const schedulers = [startBackupScheduler(a.app, { now: () => now, everyMs: 3_600_000, log: quiet }), startBackupScheduler(b.app, { now: () => now, everyMs: 3_600_000, log: quiet })];
    try {
      const before = (await scheduled()).length;
      await Promise.all(schedulers.map((s) => s.tick()));
      now = new Date(day(10).getTime() + 3_600_000);
      await Promise.all(schedulers.map((s) => s.tick()));
      now = day(11);
      await Promise.all(schedulers.map((s) => s.tick()));
      expect((await scheduled()).length).toBe(before + 2);
    } finally {
      for (const s of schedulers) s.stop();
    }
  }, 60_000);
});
