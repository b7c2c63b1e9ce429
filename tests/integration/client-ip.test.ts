import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { desc } from 'drizzle-orm';
import { auditLog } from '@/lib/db/schema';
import { PEER_HEADER } from '@/lib/security/client-ip';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { expectStatus } from './support';

// The test server listens on 127.0.0.1: that is the TCP peer of every request below.
let s: TestServer;
let admin: string;

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s);
});
afterAll(async () => {
  await s?.close();
});
afterEach(() => {
  delete process.env.TRUSTED_PROXIES;
});

/** Creates a scope with these request headers and returns the ip its audit row recorded. */
async function auditedIp(id: string, headers: Record<string, string>) {
  expectStatus(await s.api('POST', '/api/v1/scopes', { token: admin, headers, body: { id, level: 'tenant', parentId: 'global', name: id } }), 201);
  const [row] = await s.app.db.select({ ip: auditLog.ip, scopeId: auditLog.scopeId }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  expect(row.scopeId).toBe(id);
  return row.ip;
}

describe('client IP in the audit log', () => {
  it('ignores X-Forwarded-For and X-Real-IP from a peer that is not a trusted proxy', async () => {
    expect(await auditedIp('tenant-plain', {})).toBe('127.0.0.1');
    expect(await auditedIp('tenant-spoof-xff', { 'x-forwarded-for': '198.51.100.66' })).toBe('127.0.0.1');
    expect(await auditedIp('tenant-spoof-real', { 'x-real-ip': '198.51.100.67' })).toBe('127.0.0.1');
    process.env.TRUSTED_PROXIES = '10.0.0.0/8, 192.168.1.1';
    expect(await auditedIp('tenant-spoof-other', { 'x-forwarded-for': '198.51.100.68' })).toBe('127.0.0.1');
  });

  it('believes a trusted proxy, walking X-Forwarded-For past our own proxies', async () => {
    process.env.TRUSTED_PROXIES = '127.0.0.0/8,10.0.0.0/8';
    expect(await auditedIp('tenant-proxied', { 'x-forwarded-for': '203.0.113.5' })).toBe('203.0.113.5');
    // the client wrote the left-most entry itself; the right-most untrusted hop is who reached our proxy
    expect(await auditedIp('tenant-chain', { 'x-forwarded-for': '6.6.6.6, 203.0.113.9, 10.1.2.3' })).toBe('203.0.113.9');
    expect(await auditedIp('tenant-real', { 'x-real-ip': '203.0.113.10' })).toBe('203.0.113.10');
    expect(await auditedIp('tenant-garbage', { 'x-forwarded-for': 'not-an-ip' })).toBe('127.0.0.1');
  });

  it('cannot be faked by sending the internal peer header', async () => {
    process.env.TRUSTED_PROXIES = '10.0.0.0/8';
    expect(await auditedIp('tenant-peer-spoof', { [PEER_HEADER]: 'anything 10.0.0.1', 'x-forwarded-for': '198.51.100.70' })).toBe('127.0.0.1');
  });
});
