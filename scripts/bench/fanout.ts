/**
 * Issue 11's fan-out row: 1,000 subscribers of `GET /api/v1/stream` on one instance (the bench server, its
 * own process), then one change through the API, timed from sending the PUT until the last subscriber has
 * the event. Streams are capped per token (20), so the subscribers share 50 tokens. Repeated a few times;
 * the row reports the median and the worst "last subscriber" time.
 */
import http from 'node:http';
import type { ApiClient } from './seed';

export const FANOUT_SUBSCRIBERS = 1000;
const PER_TOKEN = 20;
const CHANGES = 5;

export interface Subscriber {
  req: http.ClientRequest;
  /** Resolves with the time the chunk holding `needle` arrived. */
  got(needle: string): Promise<number>;
}

/** One raw SSE subscriber of `key` (shared with tests/integration/stream-load.test.ts). */
export function subscribe(baseUrl: string, token: string, key: string): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${baseUrl}/api/v1/stream?keys=${key}`, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
      let buf = '';
      let waiting: { needle: string; done: (t: number) => void } | null = null;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf = (buf + chunk).slice(-4096);
        if (waiting && buf.includes(waiting.needle)) {
          waiting.done(performance.now());
          waiting = null;
        }
      });
      resolve({ req, got: (needle) => new Promise((done) => (buf.includes(needle) ? done(performance.now()) : (waiting = { needle, done }))) });
    });
    req.on('error', reject);
  });
}

export interface FanoutResult {
  subscribers: number;
  /** ms from sending the PUT until the last subscriber had the event, per change. */
  lastMs: number[];
  p50: number;
  max: number;
}

/** Opens the subscribers, sends CHANGES changes to `key` (an integer setting), closes them. */
export async function benchFanout(api: ApiClient, key: string): Promise<FanoutResult> {
  const tokens: string[] = [];
  for (let i = 0; i < FANOUT_SUBSCRIBERS / PER_TOKEN; i++) tokens.push((await api.call<{ token: string }>('POST', '/api/v1/tokens', { name: `fan-out ${i}` }, 201)).token);
  const subs: Subscriber[] = [];
  try {
    for (let i = 0; i < FANOUT_SUBSCRIBERS; i += 50) {
      subs.push(...(await Promise.all(Array.from({ length: 50 }, (_, j) => subscribe(api.baseUrl, tokens[Math.floor((i + j) / PER_TOKEN)], key)))));
    }
    await new Promise((r) => setTimeout(r, 500)); // every stream registered and idle
    const lastMs: number[] = [];
    for (let c = 0; c < CHANGES; c++) {
      const value = 9000 + c * 7 + (Date.now() % 7);
      const arrivals = subs.map((s) => s.got(`"value":${value}`));
      const t0 = performance.now();
      await api.call('PUT', `/api/v1/settings/${key}`, { scope: 'global', value, reason: 'bench fan-out' });
      lastMs.push(Math.max(...(await Promise.all(arrivals))) - t0);
    }
    const sorted = [...lastMs].sort((a, b) => a - b);
    return { subscribers: subs.length, lastMs, p50: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
  } finally {
    for (const s of subs) s.req.destroy();
  }
}
