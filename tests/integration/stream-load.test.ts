import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubOf } from '@/lib/services/stream/hub';
import { subscribe, type Subscriber } from '../../scripts/bench/fanout';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { expectStatus } from './support';

/**
 * 1,000 idle streams on one instance (issue 11): what they cost in memory, and how long one change takes to
 * reach the last of them. Client and server share this process, so the memory figure covers both ends.
 */
const STREAMS = 1000;
const PER_TOKEN = 20; // the hub's default cap per token

let s: TestServer;
let admin: string;
const sockets: http.ClientRequest[] = [];

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s, 'accreditation');
}, 120_000);
afterAll(async () => {
  for (const r of sockets) r.destroy();
  await s?.close();
});

async function openRaw(token: string): Promise<Subscriber> {
  const sub = await subscribe(s.url, token, 'catering.bufferPercentage');
  sockets.push(sub.req);
  return sub;
}

describe('1,000 open streams on one instance', () => {
  it('stay within a bounded memory and all receive one change quickly', async () => {
    const tokens: string[] = [];
    for (let i = 0; i < STREAMS / PER_TOKEN; i++) tokens.push(expectStatus(await s.api('POST', '/api/v1/tokens', { token: admin, body: { name: `load ${i}` } }), 201).token);
    const before = process.memoryUsage();
    const listeners: Subscriber[] = [];
    for (let i = 0; i < STREAMS; i += 50) {
      const batch = Array.from({ length: 50 }, (_, j) => openRaw(tokens[Math.floor((i + j) / PER_TOKEN)]));
      listeners.push(...(await Promise.all(batch)));
    }
    expect(hubOf(s.app).subscribers.size).toBe(STREAMS);
    await new Promise((r) => setTimeout(r, 500));
    const after = process.memoryUsage();
    const rssMb = (after.rss - before.rss) / 2 ** 20;
    const heapMb = (after.heapUsed - before.heapUsed) / 2 ** 20;
    console.log(`[stream-load] ${STREAMS} idle streams: +${rssMb.toFixed(1)} MB RSS, +${heapMb.toFixed(1)} MB heap (client and server in this process)`);
    expect(rssMb).toBeLessThan(150);

    const arrivals = listeners.map((l) => l.got('"value":42'));
    const t0 = performance.now();
    expectStatus(await s.api('PUT', '/api/v1/settings/catering.bufferPercentage', { token: admin, body: { value: 42, scope: 'global', reason: 'fan-out' } }), 200);
    const times = await Promise.all(arrivals);
    const last = Math.max(...times) - t0;
    console.log(`[stream-load] fan-out: the last of ${STREAMS} subscribers had the change ${last.toFixed(1)} ms after the PUT was sent`);
    expect(last).toBeLessThan(5000);
  }, 180_000);
});
