import { randomUUID } from 'node:crypto';
import { EventSource } from 'eventsource';
import { encode } from 'next-auth/jwt';
import { OpenFeature as WebOpenFeature } from '@openfeature/web-sdk';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '@/lib/auth/headers';
import { sessionSecret } from '@/lib/auth/session';
import { signOutSession } from '@/lib/services/identity/sessions';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { dataOf, openSse, type SseClient } from './sse';
import { expectStatus, person, refused } from './support';

/**
 * OFREP live updates (open-feature/protocol ADR-0008) with the official web provider, polling off: the bulk
 * answer's `eventStreams` endpoint tells the provider to re-fetch, so a flag toggled through the API changes
 * what an already-initialised client returns within a second, both ways.
 */
// node has no EventSource: the provider uses the global one a browser has
(globalThis as { EventSource?: unknown }).EventSource ??= EventSource;

let s: TestServer;
let admin: string;
const open: SseClient[] = [];

const toggle = async (enabled: boolean) => expectStatus(await s.api('PUT', '/api/v1/flags/feature.kioskMode', { token: admin, body: { enabled, reason: 'live test' } }), 200);
const bulk = (token: string, query = '') => s.api('POST', `/ofrep/v1/evaluate/flags${query}`, { token, body: { context: { targetingKey: 'alice' } } });

async function within(ms: number, check: () => boolean): Promise<number> {
  const t0 = performance.now();
  while (!check()) {
    if (performance.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return performance.now() - t0;
}

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s, 'accreditation');
}, 120_000);
afterAll(async () => {
  for (const c of open) c.close();
  await WebOpenFeature.close();
  await s?.close();
});

describe('OFREP live updates', () => {
  it('advertises an SSE endpoint whose URL carries a ticket, never the API token', async () => {
    const res = expectStatus(await bulk(admin), 200);
    expect(res.eventStreams).toEqual([{ type: 'sse', endpoint: { requestUri: expect.stringMatching(/^\/ofrep\/v1\/events\?ticket=[\w-]+$/) } }]);
    expect(JSON.stringify(res.eventStreams)).not.toContain(admin);
  });

  it('the official web provider (changeDetection sse, no polling) follows a toggle within 1 s, both ways', async () => {
    await toggle(true);
    const provider = new OFREPWebProvider({ baseUrl: s.url, headers: [['Authorization', `Bearer ${admin}`]], cacheMode: 'disabled', changeDetection: 'sse', pollInterval: 0 });
    await WebOpenFeature.setProviderAndWait('live', provider, { targetingKey: 'alice' });
    const client = WebOpenFeature.getClient('live');
    expect(client.getBooleanValue('feature.kioskMode', false)).toBe(true);
    await new Promise((r) => setTimeout(r, 300)); // the provider connects its EventSource after the first answer
    await toggle(false);
    const off = await within(1000, () => client.getBooleanValue('feature.kioskMode', true) === false);
    await toggle(true);
    const on = await within(1000, () => client.getBooleanValue('feature.kioskMode', false) === true);
    console.log(`[ofrep-live] toggle seen by the web provider after ${off.toFixed(0)} ms (off) and ${on.toFixed(0)} ms (on)`);
  });

  it('sends plain `message` events with { type: refetchEvaluation, etag, lastModified }', async () => {
    const url = expectStatus(await bulk(admin), 200).eventStreams[0].endpoint.requestUri;
    const c = await openSse(s.url + url);
    open.push(c);
    expect(c.status).toBe(200);
    await toggle(false);
    const e = await c.next((e) => e.event === 'message');
    expect(e.id).toBeTruthy();
    expect(dataOf(e)).toEqual({ type: 'refetchEvaluation', etag: expect.any(String), lastModified: expect.any(Number) });
    // the bulk endpoint takes back what the event said
    expectStatus(await bulk(admin, `?flagConfigEtag=${encodeURIComponent(dataOf(e).etag as string)}&flagConfigLastModified=${dataOf(e).lastModified}`), 200);
    await refused(s, () => bulk(admin, '?flagConfigLastModified=yesterday'), 400, 'INVALID_REQUEST');
    await toggle(true);
  });

  it("ends the stream and refuses its ticket once the token it was issued for is revoked; a forged ticket is refused", async () => {
    const p = await person(s, admin, 'Browser App', [{ role: 'member', scopeId: 'global' }]);
    const url = expectStatus(await bulk(p.token), 200).eventStreams[0].endpoint.requestUri;
    const c = await openSse(s.url + url);
    open.push(c);
    expect(c.status).toBe(200);
    const tokens = expectStatus(await s.api('GET', `/api/v1/tokens?userId=${p.id}`, { token: admin }), 200);
    const id = tokens.tokens.find((t: { name: string }) => t.name === 'Browser App token').id;
    expectStatus(await s.api('DELETE', `/api/v1/tokens/${id}`, { token: admin }), 200);
    await c.ended;
    await refused(s, () => s.api('GET', url), 401, 'UNAUTHENTICATED');
    await refused(s, () => s.api('GET', '/ofrep/v1/events?ticket=AAAAbogus'), 401, 'UNAUTHENTICATED');
    await refused(s, () => s.api('GET', '/ofrep/v1/events'), 400, 'INVALID_REQUEST');
  });

  it('ties a browser session\'s ticket to that session: signing it out ends the stream and refuses the ticket, other sessions keep theirs', async () => {
    const p = await person(s, admin, 'Session User', [{ role: 'member', scopeId: 'global' }]);
    const session = () => ({ sub: p.id, signedInAt: Date.now(), lastActivity: Date.now(), epoch: 0, sid: randomUUID() });
    const ticketOf = async (claims: Record<string, unknown>) => {
      const headers = { cookie: `next-auth.session-token=${await encode({ token: claims, secret: sessionSecret(s.app) })}`, [CSRF_HEADER]: '1' };
      const res = await s.api('POST', '/ofrep/v1/evaluate/flags', { headers, body: { context: { targetingKey: 'alice' } } });
      return expectStatus(res, 200).eventStreams[0].endpoint.requestUri as string;
    };
    const [mine, other] = [session(), session()];
    const [url, otherUrl] = [await ticketOf(mine), await ticketOf(other)];
    const c = await openSse(s.url + url);
    open.push(c);
    expect(c.status).toBe(200);
    expect((await signOutSession(s.app, mine, { ip: null })).ended).toBe(true);
    await c.ended;
    await refused(s, () => s.api('GET', url), 401, 'UNAUTHENTICATED');
    const still = await openSse(s.url + otherUrl);
    open.push(still);
    expect(still.status).toBe(200);
    // signing out everywhere (the session epoch moves on) ends the other one too
    expectStatus(await s.api('DELETE', '/api/v1/me/sessions', { token: p.token }), 200);
    await still.ended;
    await refused(s, () => s.api('GET', otherUrl), 401, 'UNAUTHENTICATED');
  });
});
