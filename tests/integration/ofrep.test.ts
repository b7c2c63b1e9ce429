import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenFeature, type Client } from '@openfeature/server-sdk';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature as WebOpenFeature } from '@openfeature/web-sdk';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { SwitchboardProvider } from '@/lib/sdk/openfeature';
import { featureGate, withFeatureGate } from '@/lib/sdk/feature-gate';
import { bootstrapped, startTestServer, type ApiResponse, type TestServer } from './harness';
import { createScopes, expectStatus, person, tableCounts, WORLD, type Person } from './support';

/**
 * OFREP as the official OpenFeature packages speak it: raw requests for the protocol's shapes and error
 * codes, then the stock server and web providers, then Switchboard's own provider and feature gates.
 */

let s: TestServer;
let admin: string;
let member: Person;

const USERS = Array.from({ length: 30 }, (_, i) => `user-${i}`);
const sha = (text: string) => createHash('sha256').update(text).digest();
/** API.md's rollout rule and the variant rule (bytes 2–3), computed here independently of the server. */
const inRollout = (key: string, user: string, pct: number) => sha(`${key}:${user}`).readUInt16BE(0) % 100 < pct;
const layoutOf = (user: string) => (sha(`feature.layout:${user}`).readUInt16BE(2) % 100 < 50 ? 'classic' : 'compact');

const ofrep = (path: string, body: unknown, opts: { token?: string | null; headers?: Record<string, string> } = {}) =>
  s.api('POST', `/ofrep/v1/evaluate/flags${path}`, {
    token: opts.token === null ? undefined : (opts.token ?? admin),
    ...(typeof body === 'string' ? { raw: body, headers: { 'content-type': 'application/json', ...opts.headers } } : { body, headers: opts.headers }),
  });

/** An OFREP failure: the status, exactly { key?, errorCode, errorDetails }, and nothing written. */
async function failsWith(request: () => Promise<ApiResponse>, status: number, errorCode: string, key?: string) {
  const before = await tableCounts(s);
  const res = await request();
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toEqual({ ...(key && { key }), errorCode, errorDetails: expect.any(String) });
  expect(await tableCounts(s)).toEqual(before);
}

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s, 'accreditation');
  await createScopes(s, admin, WORLD);
  member = await person(s, admin, 'Member', [{ role: 'member', scopeId: 'tenant-a' }]);
  const variants = (values: unknown[]) => values.map((value, i) => ({ key: `v${i}`, value, weight: 100 / values.length }));
  for (const body of [
    { key: 'feature.rollout', enabled: true, flagType: 'percentage', rolloutPercentage: 30 },
    { key: 'feature.layout', enabled: true, variants: [{ key: 'classic', value: 'classic', weight: 50 }, { key: 'compact', value: 'compact', weight: 50 }] },
    { key: 'feature.pageSize', enabled: true, variants: variants([25]) },
    { key: 'feature.theme', enabled: true, variants: variants([{ accent: 'teal' }]) },
    { key: 'feature.dormant', enabled: false, variants: variants(['a', 'b']) },
    { key: 'feature.bilateralScheduler', scope: 'tenant-a', enabled: true, flagType: 'tenant_targeted' },
  ]) {
    expectStatus(await s.api(body.scope ? 'PUT' : 'POST', `/api/v1/flags${body.scope ? `/${body.key}` : ''}`, { token: admin, body: body.scope ? { scope: body.scope, enabled: true } : body }), body.scope ? 200 : 201);
  }
});
afterAll(async () => {
  await OpenFeature.close();
  await WebOpenFeature.close();
  await s?.close();
});

describe('single evaluation', () => {
  it('answers a boolean flag with value true|false and both reasons', async () => {
    const res = await ofrep('/feature.cateringModule', { context: { targetingKey: 'u-1' } });
    expect(expectStatus(res, 200)).toEqual({ key: 'feature.cateringModule', value: true, reason: 'STATIC', metadata: { reason: 'ENABLED', scope: 'global' } });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(expectStatus(await ofrep('/feature.carbonTracking', { context: {} }), 200)).toMatchObject({ value: false, reason: 'DISABLED', metadata: { reason: 'DISABLED' } });
  });

  it('selects the scope by context.tenantId / eventId', async () => {
    const tenant = (context: object) => ofrep('/feature.bilateralScheduler', { context });
    expect(expectStatus(await tenant({ tenantId: 'tenant-a' }), 200)).toMatchObject({ value: true, metadata: { scope: 'tenant-a' } });
    expect(expectStatus(await tenant({ tenantId: 'tenant-a', eventId: 'event-a1' }), 200)).toMatchObject({ value: true });
    expect(expectStatus(await tenant({ tenantId: 'tenant-b' }), 200)).toMatchObject({ value: false, metadata: { scope: 'global' } });
  });

  it('maps rollouts to SPLIT and targeting to TARGETING_MATCH', async () => {
    const included = USERS.find((u) => inRollout('feature.rollout', u, 30))!;
    const excluded = USERS.find((u) => !inRollout('feature.rollout', u, 30))!;
    expect(expectStatus(await ofrep('/feature.rollout', { context: { targetingKey: included } }), 200)).toMatchObject({ value: true, reason: 'SPLIT', metadata: { reason: 'ROLLOUT_INCLUDED' } });
    expect(expectStatus(await ofrep('/feature.rollout', { context: { targetingKey: excluded } }), 200)).toMatchObject({ value: false, reason: 'SPLIT', metadata: { reason: 'ROLLOUT_EXCLUDED' } });
  });

  it('answers a variant flag with the variant key and its value, and no value while it is off', async () => {
    expect(expectStatus(await ofrep('/feature.layout', { context: { targetingKey: 'alice' } }), 200)).toEqual({
      key: 'feature.layout',
      value: layoutOf('alice'),
      variant: layoutOf('alice'),
      reason: 'STATIC',
      metadata: { reason: 'ENABLED', scope: 'global' },
    });
    expect(expectStatus(await ofrep('/feature.dormant', { context: { targetingKey: 'alice' } }), 200)).toEqual({ key: 'feature.dormant', reason: 'DISABLED', metadata: { reason: 'DISABLED', scope: 'global' } });
  });

  it('accepts the token as X-API-Key too', async () => {
    expectStatus(await ofrep('/feature.cateringModule', { context: {} }, { token: null, headers: { 'x-api-key': admin } }), 200);
  });
});

describe('single evaluation errors', () => {
  it('FLAG_NOT_FOUND (404), TARGETING_KEY_MISSING (400)', async () => {
    await failsWith(() => ofrep('/feature.nope', { context: { targetingKey: 'u' } }), 404, 'FLAG_NOT_FOUND', 'feature.nope');
    await failsWith(() => ofrep('/feature.rollout', { context: {} }), 400, 'TARGETING_KEY_MISSING', 'feature.rollout');
    await failsWith(() => ofrep('/feature.layout', { context: { tenantId: 'tenant-a' } }), 400, 'TARGETING_KEY_MISSING', 'feature.layout');
  });

  it('PARSE_ERROR for malformed JSON, INVALID_CONTEXT for a missing or malformed context (400)', async () => {
    await failsWith(() => ofrep('/feature.cateringModule', '{"context": {'), 400, 'PARSE_ERROR', 'feature.cateringModule');
    for (const body of [{}, { context: 'u-1' }, { context: null }, { context: [] }, [], 'null', '', { context: { targetingKey: 42 } }, { context: { targetingKey: { id: 1 } } }, { context: { tenantId: 7 } }, { context: { role: ['a'] } }]) {
      await failsWith(() => ofrep('/feature.cateringModule', body), 400, 'INVALID_CONTEXT', 'feature.cateringModule');
    }
    // a scope that does not exist, or ids that do not lie on one path
    await failsWith(() => ofrep('/feature.cateringModule', { context: { tenantId: 'no-such-tenant' } }), 400, 'INVALID_CONTEXT', 'feature.cateringModule');
    await failsWith(() => ofrep('/feature.cateringModule', { context: { tenantId: 'Bad Id!' } }), 400, 'INVALID_CONTEXT', 'feature.cateringModule');
    await failsWith(() => ofrep('/feature.cateringModule', { context: { tenantId: 'tenant-a', eventId: 'event-b1' } }), 400, 'INVALID_CONTEXT', 'feature.cateringModule');
  });

  it('401 without or with a bad token, 403 outside the caller’s scopes', async () => {
    expect((await ofrep('/feature.cateringModule', { context: {} }, { token: null })).status).toBe(401);
    expect((await ofrep('/feature.cateringModule', { context: {} }, { token: 'sb_not_a_token' })).status).toBe(401);
    expectStatus(await ofrep('/feature.cateringModule', { context: { tenantId: 'tenant-a' } }, { token: member.token }), 200);
    // another tenant reads as an unknown one (issue 8 item 9)
    expect((await ofrep('/feature.cateringModule', { context: { tenantId: 'tenant-b' } }, { token: member.token })).status).toBe(400);
  });
});

describe('bulk evaluation', () => {
  it('answers every flag on the context’s scope path, per-flag errors included, with an ETag', async () => {
    const res = await ofrep('', { context: { targetingKey: 'alice', tenantId: 'tenant-a' } });
    const body = expectStatus(res, 200);
    expect(Object.keys(body)).toEqual(['flags', 'eventStreams']); // eventStreams: tests/integration/ofrep-live.test.ts
    const byKey = Object.fromEntries(body.flags.map((f: { key: string }) => [f.key, f]));
    expect(body.flags.length).toBe(16 + 5);
    expect(byKey['feature.cateringModule']).toEqual({ key: 'feature.cateringModule', value: true, reason: 'STATIC', metadata: { reason: 'ENABLED', scope: 'global' } });
    expect(byKey['feature.bilateralScheduler']).toMatchObject({ value: true, metadata: { scope: 'tenant-a' } });
    expect(byKey['feature.layout']).toMatchObject({ value: layoutOf('alice'), variant: layoutOf('alice') });
    expect(res.headers.get('etag')).toMatch(/^"[\w-]+"$/);

    const anonymous = expectStatus(await ofrep('', { context: {} }), 200);
    expect(anonymous.flags.find((f: { key: string }) => f.key === 'feature.rollout')).toEqual({ key: 'feature.rollout', errorCode: 'TARGETING_KEY_MISSING', errorDetails: expect.any(String) });
  });

  it('answers 304 to If-None-Match until an evaluation in it changes', async () => {
    const context = { context: { targetingKey: 'alice', tenantId: 'tenant-a' } };
    const first = await ofrep('', context);
    const etag = first.headers.get('etag')!;
    const again = await ofrep('', context, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.body).toBeNull();
    // the web provider adds flagConfigEtag= when it follows event streams; unknown parameters are ignored
    expect((await s.api('POST', '/ofrep/v1/evaluate/flags?flagConfigEtag=x', { token: admin, body: context, headers: { 'if-none-match': `W/"nope", ${etag}` } })).status).toBe(304);
    expect((await ofrep('', { context: { targetingKey: 'bob', tenantId: 'tenant-a' } }, { headers: { 'if-none-match': etag } })).status).toBe(200);

    expectStatus(await s.api('PUT', '/api/v1/flags/feature.kioskMode', { token: admin, body: { enabled: false } }), 200);
    const changed = await ofrep('', context, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expectStatus(await s.api('PUT', '/api/v1/flags/feature.kioskMode', { token: admin, body: { enabled: true } }), 200);
  });

  it('bulk errors: { errorCode, errorDetails } (400), 401, 403', async () => {
    await failsWith(() => ofrep('', 'not json'), 400, 'PARSE_ERROR');
    await failsWith(() => ofrep('', { flags: [] }), 400, 'INVALID_CONTEXT');
    await failsWith(() => ofrep('', { context: { targetingKey: false } }), 400, 'INVALID_CONTEXT');
    await failsWith(() => ofrep('', { context: { eventId: 'no-such-event' } }), 400, 'INVALID_CONTEXT');
    expect((await ofrep('', { context: {} }, { token: null })).status).toBe(401);
    expect((await ofrep('', { context: { tenantId: 'tenant-b' } }, { token: member.token })).status).toBe(400);
  });
});

describe('the official OpenFeature server SDK with @openfeature/ofrep-provider', () => {
  let client: Client;
  beforeAll(async () => {
    await OpenFeature.setProviderAndWait('ofrep', new OFREPProvider({ baseUrl: s.url, headers: [['Authorization', `Bearer ${admin}`]] }));
    client = OpenFeature.getClient('ofrep');
  });

  it('evaluates a boolean flag', async () => {
    const details = await client.getBooleanDetails('feature.cateringModule', false, { targetingKey: 'u-1' });
    expect(details).toMatchObject({ value: true, reason: 'STATIC', flagMetadata: { reason: 'ENABLED', scope: 'global' } });
    expect(await client.getBooleanValue('feature.bilateralScheduler', false, { targetingKey: 'u-1', tenantId: 'tenant-a' })).toBe(true);
    expect(await client.getBooleanValue('feature.bilateralScheduler', true, { targetingKey: 'u-1', tenantId: 'tenant-b' })).toBe(false);
  });

  it('evaluates a percentage flag: the same users in and out as the SHA-256 rule says', async () => {
    const answers = await Promise.all(USERS.map((u) => client.getBooleanValue('feature.rollout', false, { targetingKey: u })));
    expect(answers).toEqual(USERS.map((u) => inRollout('feature.rollout', u, 30)));
    expect(new Set(answers)).toEqual(new Set([true, false]));
  });

  it('evaluates a variant flag', async () => {
    for (const u of ['alice', 'bob', 'carol']) {
      expect(await client.getStringDetails('feature.layout', 'none', { targetingKey: u })).toMatchObject({ value: layoutOf(u), variant: layoutOf(u), reason: 'STATIC' });
    }
    expect(await client.getNumberValue('feature.pageSize', 0, { targetingKey: 'alice' })).toBe(25);
    expect(await client.getObjectValue('feature.theme', {}, { targetingKey: 'alice' })).toEqual({ accent: 'teal' });
  });

  it('falls back to the default with the error code', async () => {
    expect(await client.getBooleanDetails('feature.nope', true, { targetingKey: 'u' })).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    expect(await client.getBooleanDetails('feature.rollout', true, {})).toMatchObject({ value: true, errorCode: 'TARGETING_KEY_MISSING' });
    expect(await client.getBooleanDetails('feature.cateringModule', false, { tenantId: 'nowhere' })).toMatchObject({ value: false, errorCode: 'INVALID_CONTEXT' });
  });
});

describe('the official OpenFeature web SDK with @openfeature/ofrep-web-provider (bulk, in node)', () => {
  // no localStorage in node: the provider's persistent cache is switched off; no polling, no event stream
  const webProvider = () => new OFREPWebProvider({ baseUrl: s.url, headers: [['Authorization', `Bearer ${admin}`]], cacheMode: 'disabled', changeDetection: 'none' });

  it('evaluates a boolean, a percentage and a variant flag for the context, and re-evaluates on a new one', async () => {
    await WebOpenFeature.setProviderAndWait('web', webProvider(), { targetingKey: 'alice', tenantId: 'tenant-a' });
    const client = WebOpenFeature.getClient('web');
    expect(client.getBooleanDetails('feature.cateringModule', false)).toMatchObject({ value: true, reason: 'STATIC' });
    expect(client.getBooleanValue('feature.bilateralScheduler', false)).toBe(true);
    expect(client.getBooleanValue('feature.rollout', false)).toBe(inRollout('feature.rollout', 'alice', 30));
    expect(client.getStringDetails('feature.layout', 'none')).toMatchObject({ value: layoutOf('alice'), variant: layoutOf('alice') });
    // off with variants: the code default, as a successful DISABLED evaluation
    expect(client.getStringDetails('feature.dormant', 'code default')).toMatchObject({ value: 'code default', reason: 'DISABLED' });

    for (const u of USERS.slice(0, 8)) {
      await WebOpenFeature.setContext('web', { targetingKey: u, tenantId: 'tenant-b' });
      expect(client.getBooleanValue('feature.rollout', false)).toBe(inRollout('feature.rollout', u, 30));
      expect(client.getBooleanValue('feature.bilateralScheduler', true)).toBe(false);
    }
  });

  it('reports an unknown flag as FLAG_NOT_FOUND', async () => {
    const client = WebOpenFeature.getClient('web');
    expect(client.getBooleanDetails('feature.nope', true)).toMatchObject({ value: true, errorCode: 'FLAG_NOT_FOUND' });
  });
});

describe('SwitchboardProvider (lib/sdk) on the server SDK', () => {
  let client: Client;
  beforeAll(async () => {
    await OpenFeature.setProviderAndWait('switchboard', new SwitchboardProvider({ baseUrl: s.url, token: admin }));
    client = OpenFeature.getClient('switchboard');
  });

  it('resolves boolean, string, number and object flags with standard reasons and the native one in metadata', async () => {
    const included = USERS.find((u) => inRollout('feature.rollout', u, 30))!;
    expect(await client.getBooleanDetails('feature.rollout', false, { targetingKey: included })).toMatchObject({ value: true, reason: 'SPLIT', flagMetadata: { reason: 'ROLLOUT_INCLUDED' } });
    expect(await client.getStringDetails('feature.layout', 'none', { targetingKey: 'bob' })).toMatchObject({ value: layoutOf('bob'), variant: layoutOf('bob'), reason: 'STATIC' });
    expect(await client.getNumberValue('feature.pageSize', 0, { targetingKey: 'bob' })).toBe(25);
    expect(await client.getObjectValue('feature.theme', {}, { targetingKey: 'bob' })).toEqual({ accent: 'teal' });
    expect(await client.getStringDetails('feature.dormant', 'code default', { targetingKey: 'bob' })).toMatchObject({ value: 'code default', reason: 'DISABLED', flagMetadata: { reason: 'DISABLED' } });
  });

  it('turns protocol errors into OpenFeature error codes and the default value', async () => {
    expect(await client.getBooleanDetails('feature.nope', true, {})).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    expect(await client.getBooleanDetails('feature.rollout', true, {})).toMatchObject({ value: true, errorCode: 'TARGETING_KEY_MISSING' });
    expect(await client.getBooleanDetails('feature.cateringModule', false, { tenantId: 'nowhere' })).toMatchObject({ value: false, errorCode: 'INVALID_CONTEXT' });
    expect(await client.getNumberDetails('feature.layout', 7, { targetingKey: 'bob' })).toMatchObject({ value: 7, errorCode: 'TYPE_MISMATCH' });
    await OpenFeature.setProviderAndWait('bad-token', new SwitchboardProvider({ baseUrl: s.url, token: 'sb_wrong' }));
    expect(await OpenFeature.getClient('bad-token').getBooleanDetails('feature.cateringModule', false, {})).toMatchObject({ value: false, errorCode: 'GENERAL' });
  });

  it('never caches: a change applies at the next evaluation', async () => {
    expect(await client.getBooleanValue('feature.kioskMode', false, {})).toBe(true);
    expectStatus(await s.api('PUT', '/api/v1/flags/feature.kioskMode', { token: admin, body: { enabled: false } }), 200);
    expect(await client.getBooleanValue('feature.kioskMode', true, {})).toBe(false);
    expectStatus(await s.api('PUT', '/api/v1/flags/feature.kioskMode', { token: admin, body: { enabled: true } }), 200);
  });
});

describe('feature gates with a real provider (seed 003 §7.3)', () => {
  const client = () => OpenFeature.getClient('switchboard');

  it('a Next.js route handler answers 404 while the flag is off for the caller', async () => {
    const GET = withFeatureGate('feature.bilateralScheduler', async () => Response.json({ meetings: [] }), {
      client: client(),
      contextFrom: (req) => ({ tenantId: new URL(req.url).searchParams.get('tenant') ?? '' }),
    });
    const on = await GET(new Request('http://app.test/api/bilateral-meetings?tenant=tenant-a'));
    expect([on.status, await on.json()]).toEqual([200, { meetings: [] }]);
    const off = await GET(new Request('http://app.test/api/bilateral-meetings?tenant=tenant-b'));
    expect([off.status, await off.json()]).toEqual([404, { error: { code: 'NOT_FOUND', message: 'No such endpoint: GET /api/bilateral-meetings' } }]);
  });

  it('a plain Node http server behind featureGate answers 404 while the flag is off', async () => {
    const gate = featureGate('feature.bilateralScheduler', { client: client(), contextFrom: (req) => ({ tenantId: String(req.headers['x-tenant']) }) });
    const server = http.createServer((req, res) => gate(req, res, () => res.end('meetings')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/bilateral-meetings`;
    try {
      const on = await fetch(url, { headers: { 'x-tenant': 'tenant-a' } });
      expect([on.status, await on.text()]).toEqual([200, 'meetings']);
      const off = await fetch(url, { headers: { 'x-tenant': 'tenant-b' } });
      expect(off.status).toBe(404);
      expect((await off.json()).error.code).toBe('NOT_FOUND');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
