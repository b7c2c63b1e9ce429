import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { dataOf, openSse, type SseClient } from '../integration/sse';
import { TcpProxy } from './tcp-proxy';

/**
 * Two server processes on one PostgreSQL database (issue 11): a change written on A reaches a stream
 * subscriber of B (NOTIFY → B's change feed → its hub). B reaches the database through a proxy this test
 * cuts, as a database restart would: B's LISTEN connection comes back, its subscribers get a `reset`
 * (notifications may have been lost meanwhile) and then hear changes again.
 */
const base = new URL(process.env.TEST_DATABASE_URL!);
const dbName = `sb_streams_${randomBytes(5).toString('hex')}`;
const root = postgres(base.toString(), { max: 1, onnotice: () => {} });
const proxy = new TcpProxy(base.hostname, Number(base.port || 5432));
const KEY = 'ab'.repeat(32);
const children: ChildProcess[] = [];
const streams: SseClient[] = [];
let a: string;
let b: string;
let token: string;

function startInstance(databaseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/pg/api-server.ts'], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', TSX_TSCONFIG_PATH: 'tsconfig.server.json', DATABASE_URL: databaseUrl, ENCRYPTION_KEY: KEY },
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(`http://127.0.0.1:${m[1]}`);
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`instance exited ${code}: ${err}`)));
  });
}

const dbUrl = (port?: number) => {
  const u = new URL(base);
  if (port) u.host = `127.0.0.1:${port}`;
  u.pathname = `/${dbName}`;
  return u.toString();
};

const put = (server: string, value: number) =>
  fetch(`${server}/api/v1/settings/catering.bufferPercentage`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ value, scope: 'global', reason: 'two instances' }),
  });

beforeAll(async () => {
  await root.unsafe(`create database ${dbName}`);
  const port = await proxy.start();
  a = await startInstance(dbUrl()); // A migrates the database first
  b = await startInstance(dbUrl(port));
  const res = await fetch(`${a}/api/v1/setup/bootstrap`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ admin: { email: 'admin@example.com', name: 'Ada', password: 'correct horse battery' }, catalog: 'accreditation' }),
  });
  expect(res.status).toBe(201);
  token = ((await res.json()) as { apiToken: string }).apiToken;
}, 240_000);

afterAll(async () => {
  for (const s of streams) s.close();
  await proxy.restore();
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  await root.unsafe(`drop database if exists ${dbName} with (force)`);
  await root.end();
});

describe('the change stream across instances', () => {
  it('delivers a change written on A to a subscriber of B', async () => {
    const sub = await openSse(`${b}/api/v1/stream?keys=catering.bufferPercentage`, { authorization: `Bearer ${token}` });
    streams.push(sub);
    expect(sub.status).toBe(200);
    const t0 = performance.now();
    expect((await put(a, 31)).status).toBe(200);
    const e = await sub.next((e) => e.event === 'setting.changed');
    expect(dataOf(e)).toMatchObject({ key: 'catering.bufferPercentage', scopeId: 'global', value: 31 });
    console.log(`[stream-instances] A → B: ${(performance.now() - t0).toFixed(1)} ms from the PUT to the event`);
  });

  it("after B's database connections were cut and came back: a reset, then changes flow again", async () => {
    const sub = await openSse(`${b}/api/v1/stream?keys=catering.bufferPercentage`, { authorization: `Bearer ${token}` });
    streams.push(sub);
    await proxy.cut();
    // written while B cannot hear it: B must not pretend nothing happened
    expect((await put(a, 32)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    await proxy.restore();
    expect(dataOf(await sub.next((e) => e.event === 'reset', 15_000))).toMatchObject({ reason: 'storage-recovered' });
    // LISTEN is back: the next change arrives as an event
    const deadline = Date.now() + 15_000;
    let value = 40;
    for (;;) {
      const from = sub.events.length;
      expect((await put(a, ++value)).status).toBe(200);
      const got = await sub.next((e) => e.event === 'setting.changed' && dataOf(e).value === value, 1000, from).catch(() => null);
      if (got) break;
      if (Date.now() > deadline) throw new Error('B never heard A again after the outage');
    }
  }, 60_000);
});
