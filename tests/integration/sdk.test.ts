import { mkdtempSync, rmSync } from 'node:fs';
import net, { type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSwitchboard, type Switchboard } from '@/lib/sdk/client';
import { SwitchboardError } from '@/lib/sdk/types';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { createScopes, expectStatus, person, refused, WORLD, type Person } from './support';

/** The SDK against a real server: the snapshot endpoint, local evaluation agreeing with the server, offline reads. */
let s: TestServer;
let admin: string;
let member: Person;
let other: Person;
const dir = mkdtempSync(path.join(tmpdir(), 'sb-sdk-'));
const clients: Switchboard[] = [];
const open = async (...args: Parameters<typeof createSwitchboard>) => {
  const sb = await createSwitchboard(...args);
  clients.push(sb);
  return sb;
};

/** A URL on which nothing listens. */
async function deadUrl(): Promise<string> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}`;
}

/** A TCP proxy in front of the test server, to cut: `close()` refuses new connections and drops open ones. */
async function proxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const { port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), '127.0.0.1');
    for (const sock of [client, upstream]) {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
      sock.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      const closed = new Promise((r) => server.close(r));
      for (const sock of sockets) sock.destroy();
      await closed;
    },
  };
}

const FLAGS = ['feature.rollout', 'feature.layout', 'feature.staffOnly', 'feature.vip', 'feature.child', 'feature.tenantRollout', 'feature.gone'];

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s, 'accreditation');
  await createScopes(s, admin, WORLD);
  member = await person(s, admin, 'Member', [{ role: 'member', scopeId: 'tenant-a' }]);
  other = await person(s, admin, 'Other', [{ role: 'member', scopeId: 'tenant-a' }]);
  for (const body of [
    { key: 'feature.rollout', enabled: true, flagType: 'percentage', rolloutPercentage: 30 },
    { key: 'feature.layout', enabled: true, flagType: 'percentage', rolloutPercentage: 60, variants: [{ key: 'classic', value: 'classic', weight: 30 }, { key: 'compact', value: 'compact', weight: 70 }] },
    { key: 'feature.staffOnly', enabled: true, flagType: 'role_targeted', enabledForRoles: ['staff'] },
    { key: 'feature.vip', enabled: true, flagType: 'user_targeted', enabledForUsers: ['u-3', 'u-7'] },
    { key: 'feature.child', enabled: true, flagType: 'boolean', dependsOnFlag: 'feature.rollout' },
    { key: 'feature.tenantRollout', enabled: true, flagType: 'percentage', rolloutPercentage: 10 },
    { key: 'feature.gone', enabled: true, expiresAt: '2020-01-01T00:00:00Z' },
  ])
    expectStatus(await s.api('POST', '/api/v1/flags', { token: admin, body }), 201);
  // tenant-a's own row overrides the global one: the SDK must pick it, as the server does
  expectStatus(await s.api('PUT', '/api/v1/flags/feature.tenantRollout', { token: admin, body: { scope: 'tenant-a', rolloutPercentage: 80 } }), 200);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /sdk/snapshot', () => {
  it('answers resolved settings without secrets, the flag rows on the scope path and the types, with an ETag', async () => {
    const res = await s.api('GET', '/api/v1/sdk/snapshot?scope=event-a1', { token: member.token });
    const snap = expectStatus(res, 200);
    expect(snap.scopePath).toEqual(['event-a1', 'tenant-a', 'global']);
    expect(typeof snap.settings['catering.bufferPercentage'].value).toBe('number');
    expect(snap.types['catering.bufferPercentage']).toBe('number');
    expect(snap.types['sms.providerApiKey']).toBe('secret');
    expect(snap.settings['sms.providerApiKey']).toBeUndefined();
    expect(Object.keys(snap.settings).some((k) => snap.types[k] === 'secret')).toBe(false);
    const tenantRows = snap.flags.filter((f: { key: string }) => f.key === 'feature.tenantRollout').map((f: { scopeId: string }) => f.scopeId).sort();
    expect(tenantRows).toEqual(['global', 'tenant-a']);
    expect(res.headers.get('etag')).toBe(`"${snap.version}"`);
    const again = await s.api('GET', '/api/v1/sdk/snapshot?scope=event-a1', { token: member.token, headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('a write changes the snapshot (the per-context cache is dropped) and its ETag', async () => {
    const first = await s.api('GET', '/api/v1/sdk/snapshot?scope=tenant-a', { token: member.token });
    expectStatus(await s.api('PUT', '/api/v1/settings/catering.bufferPercentage', { token: admin, body: { scope: 'tenant-a', value: 17 } }), 200);
    const after = await s.api('GET', '/api/v1/sdk/snapshot?scope=tenant-a', { token: member.token, headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(expectStatus(after, 200).settings['catering.bufferPercentage']).toMatchObject({ value: 17, resolvedScopeId: 'tenant-a' });
    expect(after.headers.get('etag')).not.toBe(first.headers.get('etag'));
  });

  it('refuses bad input and callers without rights, writing nothing', async () => {
    await refused(s, () => s.api('GET', '/api/v1/sdk/snapshot?scope=tenant-a'), 401, 'UNAUTHENTICATED');
    await refused(s, () => s.api('GET', '/api/v1/sdk/snapshot?scope=tenant-b', { token: member.token }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => s.api('GET', '/api/v1/sdk/snapshot?scope=no-such-scope', { token: admin }), 404, 'SCOPE_NOT_FOUND');
    await refused(s, () => s.api('GET', '/api/v1/sdk/snapshot?scope=Not%20A%20Scope', { token: admin }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('GET', '/api/v1/sdk/snapshot?scope=tenant-a&color=red', { token: member.token }), 400, 'INVALID_REQUEST');
    await refused(s, () => s.api('GET', '/api/v1/sdk/snapshot', { token: member.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    await refused(s, () => s.api('GET', `/api/v1/sdk/snapshot?scope=tenant-a&userId=${other.id}`, { token: member.token }), 403, 'INSUFFICIENT_PERMISSIONS');
  });
});

describe('createSwitchboard', () => {
  it('evaluates every flag locally exactly as GET /flags/:key/evaluate does, for the same users and roles', async () => {
    const sb = await open({ url: s.url, token: member.token, context: { scope: 'event-a1' } });
    let compared = 0;
    for (let i = 0; i < 60; i++) {
      const userId = `u-${i}`;
      const role = i % 3 === 0 ? 'staff' : 'guest';
      for (const key of FLAGS) {
        const server = expectStatus(await s.api('GET', `/api/v1/flags/${key}/evaluate?scope=event-a1&userId=${userId}&role=${role}`, { token: member.token }), 200);
        const local = sb.evaluate(key, { userId, role });
        expect({ key, enabled: local.enabled, reason: local.reason, variant: local.variant, value: local.value }, `${key} for ${userId}`).toEqual({ variant: undefined, value: undefined, ...server });
        compared++;
      }
    }
    expect(compared).toBe(60 * FLAGS.length);
    // the rule really splits: not everyone in, not everyone out
    const ins = Array.from({ length: 200 }, (_, i) => sb.isEnabled('feature.rollout', { userId: `x-${i}` })).filter(Boolean).length;
    expect(ins).toBeGreaterThan(30);
    expect(ins).toBeLessThan(90);
    expect(sb.isEnabled('feature.tenantRollout', { userId: 'u-1' })).toBe(sb.evaluate('feature.tenantRollout', { userId: 'u-1' }).enabled);
    expect(sb.evaluate('feature.nope').reason).toBe('NOT_FOUND');
  });

  it('get, getMany and variant answer from the snapshot; a secret or unknown key throws a clear error', async () => {
    const sb = await open({ url: s.url, token: member.token, context: { scope: 'tenant-a' } });
    expect(sb.get('catering.bufferPercentage')).toBe(17);
    expect(sb.getMany(['catering.bufferPercentage'])).toEqual({ 'catering.bufferPercentage': 17 });
    expect(() => sb.get('sms.providerApiKey')).toThrow(/secret/);
    expect(() => sb.get('no.such.key')).toThrow(SwitchboardError);
    const users = Array.from({ length: 100 }, (_, i) => `v-${i}`);
    const variants = new Set(users.map((userId) => sb.variant('feature.layout', { userId })?.key));
    expect(variants).toEqual(new Set(['classic', 'compact', undefined]));
  });

  it('a wrong token or a scope out of reach fails start-up with the server’s reason, even with a snapshot on disk', async () => {
    const snapshotPath = path.join(dir, 'refused.json');
    await open({ url: s.url, token: member.token, context: { scope: 'tenant-a' }, snapshotPath });
    await expect(createSwitchboard({ url: s.url, token: 'sb_not_a_token', context: { scope: 'tenant-a' }, snapshotPath })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(createSwitchboard({ url: s.url, token: member.token, context: { scope: 'tenant-b' } })).rejects.toMatchObject({ code: 'SCOPE_NOT_FOUND', status: 404 });
  });
});

describe('offline', () => {
  it('answers from the last-known snapshot on disk when the server is unreachable at start-up, and says stale since when', async () => {
    const snapshotPath = path.join(dir, 'last.json');
    const online = await open({ url: s.url, token: member.token, context: { scope: 'tenant-a' }, snapshotPath });
    const expected = online.get('catering.bufferPercentage');
    const onlineAnswer = online.evaluate('feature.rollout', { userId: 'u-5' });
    online.close();
    const before = Date.now();
    const offline = await open({ url: await deadUrl(), token: member.token, context: { scope: 'tenant-a' }, snapshotPath, reconnect: { minMs: 50, maxMs: 200 } });
    expect(offline.get('catering.bufferPercentage')).toBe(expected);
    expect(offline.evaluate('feature.rollout', { userId: 'u-5' })).toEqual(onlineAnswer);
    const status = offline.status();
    expect(status.state).toBe('stale');
    if (status.state === 'stale') expect(status.since.getTime()).toBeLessThanOrEqual(before);
  });

  it('start-up with no server and no snapshot fails clearly', async () => {
    const url = await deadUrl();
    await expect(createSwitchboard({ url, token: member.token, context: { scope: 'tenant-a' }, snapshotPath: path.join(dir, 'none.json') })).rejects.toThrow(
      /cannot be reached .* no last-known snapshot at .*none\.json/,
    );
    await expect(createSwitchboard({ url, token: member.token })).rejects.toMatchObject({ code: 'UNREACHABLE' });
  });

  it('a server that goes away leaves reads answering from memory, status stale', async () => {
    const cut = await proxy(s.url);
    const sb = await open({ url: cut.url, token: member.token, context: { scope: 'tenant-a' }, reconnect: { minMs: 50, maxMs: 200 } });
    const value = sb.get('catering.bufferPercentage');
    await cut.close();
    await expect.poll(() => sb.status().state, { timeout: 5000 }).toBe('stale');
    await expect(sb.refresh()).rejects.toMatchObject({ code: 'UNREACHABLE' });
    expect(sb.get('catering.bufferPercentage')).toBe(value);
  });
});

describe('live, from the change stream', () => {
  it('follows the stream: a write on the server reaches watch() callbacks, and a flag change re-evaluates', async () => {
    const sb = await open({ url: s.url, token: member.token, context: { scope: 'event-a1' } });
    await expect.poll(() => sb.status().state, { timeout: 5000 }).toBe('live');
    const seen: unknown[] = [];
    const stop = sb.watch('catering.bufferPercentage', (c) => seen.push(c.value));
    const started = Date.now();
    expectStatus(await s.api('PUT', '/api/v1/settings/catering.bufferPercentage', { token: admin, body: { scope: 'tenant-a', value: 23 } }), 200);
    await expect.poll(() => seen, { timeout: 3000, interval: 5 }).toEqual([23]);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(sb.get('catering.bufferPercentage')).toBe(23);

    const flagChanges: string[] = [];
    sb.watch('feature.rollout', (c) => flagChanges.push(`${c.kind}:${c.key}`));
    expectStatus(await s.api('PUT', '/api/v1/flags/feature.rollout', { token: admin, body: { rolloutPercentage: 100 } }), 200);
    await expect.poll(() => flagChanges, { timeout: 3000, interval: 5 }).toEqual(['flag:feature.rollout']);
    expect(Array.from({ length: 50 }, (_, i) => sb.isEnabled('feature.rollout', { userId: `late-${i}` })).every(Boolean)).toBe(true);
    // and the server agrees
    expect(expectStatus(await s.api('GET', '/api/v1/flags/feature.rollout/evaluate?scope=event-a1&userId=late-1', { token: member.token }), 200).enabled).toBe(true);

    stop();
    expectStatus(await s.api('PUT', '/api/v1/settings/catering.bufferPercentage', { token: admin, body: { scope: 'tenant-a', value: 24 } }), 200);
    await expect.poll(() => sb.get('catering.bufferPercentage'), { timeout: 3000 }).toBe(24);
    expect(seen).toEqual([23]); // unsubscribed
    expectStatus(await s.api('PUT', '/api/v1/flags/feature.rollout', { token: admin, body: { rolloutPercentage: 30 } }), 200);
  });

  it('the OpenFeature local provider answers like the server and emits ConfigurationChanged on a flag change', async () => {
    const { OpenFeature, ProviderEvents } = await import('@openfeature/server-sdk');
    const { SwitchboardLocalProvider } = await import('@/lib/sdk/openfeature-local');
    const sb = await open({ url: s.url, token: member.token, context: { scope: 'tenant-a' } });
    await expect.poll(() => sb.status().state, { timeout: 5000 }).toBe('live');
    const domain = 'sdk-local-test';
    await OpenFeature.setProviderAndWait(domain, new SwitchboardLocalProvider(sb));
    const client = OpenFeature.getClient(domain);
    for (let i = 0; i < 20; i++) {
      const server = expectStatus(await s.api('GET', `/api/v1/flags/feature.layout/evaluate?scope=tenant-a&userId=of-${i}`, { token: member.token }), 200);
      const details = await client.getStringDetails('feature.layout', 'none', { targetingKey: `of-${i}` });
      expect(details.value).toBe(server.enabled ? server.value : 'none');
      expect(details.flagMetadata.reason).toBe(server.reason);
    }
    expect((await client.getBooleanDetails('feature.nope', false, { targetingKey: 'x' })).errorCode).toBe('FLAG_NOT_FOUND');
    expect((await client.getBooleanDetails('feature.rollout', false, {})).errorCode).toBe('TARGETING_KEY_MISSING');
    const changed: string[][] = [];
    client.addHandler(ProviderEvents.ConfigurationChanged, (e) => changed.push(e?.flagsChanged ?? []));
    expectStatus(await s.api('PUT', '/api/v1/flags/feature.staffOnly', { token: admin, body: { enabledForRoles: ['staff', 'crew'] } }), 200);
    await expect.poll(() => changed, { timeout: 3000, interval: 5 }).toEqual([['feature.staffOnly']]);
    expect(await client.getBooleanValue('feature.staffOnly', false, { targetingKey: 'c', role: 'crew' })).toBe(true);
    await OpenFeature.clearProviders();
  });
});
