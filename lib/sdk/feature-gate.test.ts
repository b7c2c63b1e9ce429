import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluationContext } from '@openfeature/server-sdk';
import { featureGate, withFeatureGate, type FlagClient } from './feature-gate';

/** A client whose flags are on for the tenants listed; `broken` throws like a failing provider could. */
const seen: (EvaluationContext | undefined)[] = [];
const client: FlagClient = {
  async getBooleanValue(flagKey, _default, context) {
    seen.push(context);
    if (flagKey === 'feature.broken') throw new Error('provider down');
    return flagKey === 'feature.on' || context?.tenantId === 'tenant-a';
  },
};

describe('withFeatureGate (Next.js route handlers)', () => {
  const handler = async (_req: Request, ctx: { params: Promise<{ id: string }> }) => Response.json({ id: (await ctx.params).id });
  const params = { params: Promise.resolve({ id: '7' }) };

  it('calls the handler, with its extra arguments, while the flag is on', async () => {
    const GET = withFeatureGate('feature.on', handler, { client });
    const res = await GET(new Request('http://app.test/api/things/7'), params);
    expect([res.status, await res.json()]).toEqual([200, { id: '7' }]);
  });

  it('answers 404 like a missing route while it is off, or when evaluation fails', async () => {
    for (const flag of ['feature.off', 'feature.broken']) {
      const res = await withFeatureGate(flag, handler, { client })(new Request('http://app.test/api/things/7?x=1', { method: 'DELETE' }), params);
      expect(res.status).toBe(404);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No such endpoint: DELETE /api/things/7' } });
    }
  });

  it('evaluates with the context taken from the request', async () => {
    const GET = withFeatureGate('feature.byTenant', handler, { client, contextFrom: (req) => ({ targetingKey: 'u-1', tenantId: req.headers.get('x-tenant') ?? '' }) });
    expect((await GET(new Request('http://app.test/t', { headers: { 'x-tenant': 'tenant-a' } }), params)).status).toBe(200);
    expect(seen.at(-1)).toEqual({ targetingKey: 'u-1', tenantId: 'tenant-a' });
    expect((await GET(new Request('http://app.test/t', { headers: { 'x-tenant': 'tenant-b' } }), params)).status).toBe(404);
  });
});

describe('featureGate (Express-style middleware, plain Node http)', () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    const gate = featureGate('feature.byTenant', { client, contextFrom: async (req: IncomingMessage) => ({ tenantId: String(req.headers['x-tenant']) }) });
    server = http.createServer((req, res) => {
      // as Express mounts middleware at /api/meetings: req.url loses the prefix, originalUrl keeps it
      Object.assign(req, { originalUrl: req.url, url: req.url!.replace(/^\/api\/meetings/, '') || '/' });
      void gate(req, res, () => res.end('meetings'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('calls next() while the flag is on', async () => {
    const res = await fetch(`${url}/api/meetings/today`, { headers: { 'x-tenant': 'tenant-a' } });
    expect([res.status, await res.text()]).toEqual([200, 'meetings']);
  });

  it('answers 404 with the API error body, naming the full path, while it is off', async () => {
    const res = await fetch(`${url}/api/meetings/today?all=1`, { method: 'POST', headers: { 'x-tenant': 'tenant-b' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No such endpoint: POST /api/meetings/today' } });
  });
});
