import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapped, startTestServer, type TestServer } from './harness';
import { dataOf, openSse } from './sse';
import { createScopes, expectStatus, person, refused, WORLD, type Person } from './support';

let s: TestServer;
let admin: string;
let tenantAdmin: Person;

const maintenance = (enabled: boolean, token = admin) => s.api('PUT', '/api/v1/settings/maintenance.enabled', { token, body: { value: enabled, scope: 'global', reason: 'maintenance test' } });

beforeAll(async () => {
  s = await startTestServer();
  admin = await bootstrapped(s); // no catalog: the maintenance settings are built in
  await createScopes(s, admin, WORLD);
  tenantAdmin = await person(s, admin, 'Tenant Admin', [{ role: 'tenant_admin', scopeId: 'tenant-a' }]);
  expectStatus(await s.api('POST', '/api/v1/definitions', { token: admin, body: { key: 'app.limit', label: 'Limit', category: 'app', type: 'number', defaultValue: 1, allowedLevels: ['global', 'tenant'] } }), 201);
});
afterAll(async () => {
  await s?.close();
});

describe('maintenance mode', () => {
  it('is built in without a catalog: maintenance.enabled (false) and maintenance.message', async () => {
    expect(expectStatus(await s.api('GET', '/api/v1/settings/maintenance.enabled/resolve', { token: admin }), 200)).toMatchObject({ value: false, resolvedFrom: 'default' });
    expect(typeof expectStatus(await s.api('GET', '/api/v1/settings/maintenance.message/resolve', { token: admin }), 200).value).toBe('string');
  });

  it('broadcasts `maintenance`, refuses writes of non-platform-admins with 503 and the message, lets platform admins work', async () => {
    const watcher = await openSse(`${s.url}/api/v1/stream?keys=app.limit`, { authorization: `Bearer ${tenantAdmin.token}` });
    try {
      expectStatus(await s.api('PUT', '/api/v1/settings/maintenance.message', { token: admin, body: { value: 'Back at noon', scope: 'global', reason: 'maintenance test' } }), 200);
      expectStatus(await maintenance(true), 200);
      const e = await watcher.next((e) => e.event === 'maintenance' && dataOf(e).enabled === true);
      expect(dataOf(e)).toMatchObject({ key: 'maintenance.enabled', scopeId: 'global', enabled: true, message: 'Back at noon' });
      expect(e.id).toBeTruthy();

      const err = await refused(s, () => s.api('PUT', '/api/v1/settings/app.limit', { token: tenantAdmin.token, body: { value: 5, scope: 'tenant-a' } }), 503, 'UNAVAILABLE');
      expect(err.message).toBe('Back at noon');
      // reads and evaluations go on
      expectStatus(await s.api('GET', '/api/v1/settings/app.limit/resolve?scope=tenant-a', { token: tenantAdmin.token }), 200);
      expectStatus(await s.api('POST', '/api/v1/settings/validate', { token: tenantAdmin.token, body: { key: 'app.limit', value: 3 } }), 200);
      // a platform admin keeps working
      expectStatus(await s.api('PUT', '/api/v1/settings/app.limit', { token: admin, body: { value: 6, scope: 'tenant-a' } }), 200);

      // a stream opened now hears that maintenance is on at once
      const late = await openSse(`${s.url}/api/v1/stream`, { authorization: `Bearer ${tenantAdmin.token}` });
      expect(dataOf(await late.next((e) => e.event === 'maintenance'))).toMatchObject({ enabled: true, message: 'Back at noon' });
      late.close();

      expectStatus(await maintenance(false), 200);
      expect(dataOf(await watcher.next((e) => e.event === 'maintenance' && dataOf(e).enabled === false))).toMatchObject({ enabled: false });
      expectStatus(await s.api('PUT', '/api/v1/settings/app.limit', { token: tenantAdmin.token, body: { value: 5, scope: 'tenant-a' } }), 200);
    } finally {
      watcher.close();
      await maintenance(false);
    }
  });

  it('cannot be switched by anyone but a platform admin', async () => {
    await refused(s, () => maintenance(true, tenantAdmin.token), 403, 'INSUFFICIENT_PERMISSIONS');
  });
});
