import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapped, startTestServer, testAdapter, type TestServer } from './harness';
import { expectStatus, tableCounts } from './support';

/**
 * The HTTP plumbing under the router, over raw sockets (so nothing between the test and the server
 * smooths anything over): keep-alive, pipelining, one Content-Length body per answer, and the body limit
 * decided by the route before a byte is read. Runs through both adapters (see harness.ts).
 */

let s: TestServer;
let admin: string;
const LIMIT = 1024 * 1024;
const SETTING = '/api/v1/settings/catering.bufferPercentage';

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s, 'accreditation');
  for (const body of [
    { key: 'feature.alpha', enabled: true },
    { key: 'feature.beta', enabled: true, flagType: 'percentage', rolloutPercentage: 50 },
  ]) {
    expectStatus(await s.api('POST', '/api/v1/flags', { token: admin, body }), 201);
  }
}, 180_000);
afterAll(async () => {
  await s?.close();
});

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A client on one socket: writes what it is given, parses every response that arrives, notices the close. */
class RawClient {
  private socket: net.Socket;
  private buffer = Buffer.alloc(0);
  readonly responses: RawResponse[] = [];
  closed = false;
  private waiters: (() => void)[] = [];

  constructor(url: string) {
    const { hostname, port } = new URL(url);
    this.socket = net.connect(Number(port), hostname);
    this.socket.on('data', (d) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.parse();
      this.wake();
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    this.socket.on('error', () => {}); // a reset after the server closed: 'close' follows
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.write(data, () => resolve());
    });
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  private parse() {
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const status = Number(statusLine.split(' ')[1]);
      const length = status === 304 ? 0 : Number(headers['content-length']);
      if (!Number.isFinite(length)) throw new Error(`no Content-Length in ${statusLine}: ${JSON.stringify(headers)}`);
      if (this.buffer.length < end + 4 + length) return;
      this.responses.push({ status, headers, body: this.buffer.subarray(end + 4, end + 4 + length).toString('utf8') });
      this.buffer = this.buffer.subarray(end + 4 + length);
    }
  }

  /** Waits until `n` responses arrived (or the socket closed, or the time ran out). */
  async responsesAfter(n: number, timeoutMs = 10_000): Promise<RawResponse[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.responses.length < n && !this.closed && Date.now() < deadline) {
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
    return this.responses;
  }

  async closedWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  destroy() {
    this.socket.destroy();
  }
}

const request = (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
  const all: Record<string, string> = { host: 'localhost', authorization: `Bearer ${admin}`, ...headers };
  if (body !== undefined) Object.assign(all, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  return `${method} ${path} HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body ?? ''}`;
};
const evaluate = (key: string, user: string) => request('POST', `/ofrep/v1/evaluate/flags/${key}`, JSON.stringify({ context: { targetingKey: user } }));

describe(`HTTP plumbing (${testAdapter()} adapter)`, () => {
  it('answers pipelined requests in order on one kept-alive connection, each with Content-Length', async () => {
    const c = new RawClient(s.url);
    try {
      // four requests in one write: the hot reads, all at once
      await c.write(
        evaluate('feature.alpha', 'u1') +
          request('GET', '/api/health') +
          request('POST', '/ofrep/v1/evaluate/flags', JSON.stringify({ context: { targetingKey: 'u2' } })) +
          request('GET', `${SETTING}/resolve?scope=global`) +
          request('GET', '/api/v1/flags/feature.beta/evaluate?userId=u3'),
      );
      const got = await c.responsesAfter(5);
      expect(got.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(JSON.parse(got[0].body)).toMatchObject({ key: 'feature.alpha', value: true, reason: 'STATIC' });
      expect(JSON.parse(got[1].body)).toEqual({ status: 'ok', db: 'ok' });
      expect(JSON.parse(got[2].body).flags.map((f: { key: string }) => f.key)).toEqual(expect.arrayContaining(['feature.alpha', 'feature.beta']));
      expect(JSON.parse(got[3].body)).toMatchObject({ key: 'catering.bufferPercentage' });
      expect(JSON.parse(got[4].body)).toMatchObject({ key: 'feature.beta', reason: expect.stringMatching(/^ROLLOUT_/) });
      for (const r of got) {
        expect(r.headers['transfer-encoding']).toBeUndefined();
        expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(r.body));
        expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(r.headers['cache-control']).toBe('no-store');
      }
      expect(got[2].headers.etag).toMatch(/^"[\w-]+"$/);
      // still open: a sixth request on the same connection, after a pause
      await new Promise((r) => setTimeout(r, 200));
      expect(c.closed).toBe(false);
      await c.write(request('POST', '/ofrep/v1/evaluate/flags', JSON.stringify({ context: { targetingKey: 'u2' } }), { 'if-none-match': got[2].headers.etag }));
      const [, , , , , notModified] = await c.responsesAfter(6);
      expect(notModified.status).toBe(304);
      expect(notModified.headers.etag).toBe(got[2].headers.etag);
      // errors keep the connection too
      await c.write(request('GET', '/api/v1/nowhere') + evaluate('feature.missing', 'u1'));
      const errors = (await c.responsesAfter(8)).slice(6);
      expect(errors.map((r) => [r.status, JSON.parse(r.body).error?.code ?? JSON.parse(r.body).errorCode])).toEqual([
        [404, 'NOT_FOUND'],
        [404, 'FLAG_NOT_FOUND'],
      ]);
      expect(c.closed).toBe(false);
    } finally {
      c.destroy();
    }
  });

  it('refuses a declared Content-Length over the limit with 413 before reading a byte of it, and closes', async () => {
    const before = await tableCounts(s);
    const c = new RawClient(s.url);
    try {
      // the headers only: the server must answer without waiting for the 2 MiB it was promised
      await c.write(`PUT ${SETTING} HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer ${admin}\r\ncontent-type: application/json\r\ncontent-length: ${2 * LIMIT}\r\n\r\n`);
      const [res] = await c.responsesAfter(1);
      expect(res?.status).toBe(413);
      expect(JSON.parse(res.body)).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: `Body is larger than ${LIMIT} bytes` } });
      expect(res.headers.connection).toBe('close');
      expect(await c.closedWithin(5000)).toBe(true);
    } finally {
      c.destroy();
    }
    // the size is judged before the content type, as it always was
    const other = new RawClient(s.url);
    try {
      await other.write(`PUT ${SETTING} HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer ${admin}\r\ncontent-type: text/plain\r\ncontent-length: ${LIMIT + 1}\r\n\r\n`);
      const [res] = await other.responsesAfter(1);
      expect(res?.status).toBe(413);
    } finally {
      other.destroy();
    }
    expect(await tableCounts(s)).toEqual(before);
  });

  for (const [what, path] of [
    ['a settings write', SETTING],
    ['an OFREP evaluation', '/ofrep/v1/evaluate/flags'],
  ] as const) {
    it(`refuses a chunked body (no Content-Length) of ${what} once it passes the limit, without waiting for its end`, async () => {
      const before = await tableCounts(s);
      const c = new RawClient(s.url);
      try {
        const method = path === SETTING ? 'PUT' : 'POST';
        await c.write(`${method} ${path} HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer ${admin}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n`);
        const chunk = Buffer.alloc(64 * 1024, 0x20); // JSON whitespace
        // one chunk past the limit, and the body never ends: only a server that stops reading at the limit answers
        for (let sent = 0; sent <= LIMIT && !c.closed; sent += chunk.length) await c.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
        const [res] = await c.responsesAfter(1);
        expect(res?.status).toBe(413);
        expect(JSON.parse(res.body).error.code).toBe('PAYLOAD_TOO_LARGE');
        expect(await c.closedWithin(5000)).toBe(true);
      } finally {
        c.destroy();
      }
      expect(await tableCounts(s)).toEqual(before);
    });
  }

  it('reads a body of exactly the limit, and refuses one byte more', async () => {
    const value = '{"value": 21, "scope": "global", "reason": "limit test"}';
    const exact = value + ' '.repeat(LIMIT - value.length);
    const ok = await s.api('PUT', SETTING, { token: admin, raw: exact, headers: { 'content-type': 'application/json' } });
    expect(expectStatus(ok, 200)).toMatchObject({ value: 21 });
    const before = await tableCounts(s);
    const over = await s.api('PUT', SETTING, { token: admin, raw: `${exact} `, headers: { 'content-type': 'application/json' } });
    expect(over.status).toBe(413);
    expect(over.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await tableCounts(s)).toEqual(before);
  });

  it('answers an unauthenticated request with a body 401 without reading it, and keeps the connection', async () => {
    const c = new RawClient(s.url);
    try {
      const body = JSON.stringify({ value: 22, scope: 'global' });
      await c.write(request('PUT', SETTING, body, { authorization: 'Bearer sb_nobody' }) + request('GET', '/api/health'));
      const got = await c.responsesAfter(2);
      expect(got.map((r) => r.status)).toEqual([401, 200]);
      expect(JSON.parse(got[0].body).error.code).toBe('UNAUTHENTICATED');
    } finally {
      c.destroy();
    }
  });
});
