import { expect, test } from '@playwright/test';
import { ADMIN, asBrowser, ensureSetUp, signIn } from './support';

test.describe.configure({ mode: 'serial' });

/**
 * Issue 11: a second browser sees what the first one changed, without reloading — a flag switched on the
 * matrix, and the maintenance banner (read-only for a non-admin) within a second.
 */
const WATCHER = { email: 'live-watcher@example.com', name: 'Lia Watcher', password: 'a watcher passphrase' };
const FLAG = 'feature.kioskMode';
const TENANT = { id: 'live-tenant', level: 'tenant', parentId: 'global', name: 'Live Tenant' };

test.beforeAll(async ({ request }) => ensureSetUp(request));

test('a second browser context sees a flag change and the maintenance banner without reloading', async ({ browser }) => {
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin);
  // a tenant admin: may not work through maintenance
  expect([201, 409]).toContain((await admin.request.post('/api/v1/scopes', { data: TENANT, headers: asBrowser })).status());
  const created = await admin.request.post('/api/v1/users', { data: { ...WATCHER, roles: [{ role: 'tenant_admin', scopeId: TENANT.id }] }, headers: asBrowser });
  expect([201, 409]).toContain(created.status());
  const setFlag = async (enabled: boolean) => expect((await admin.request.put(`/api/v1/flags/${FLAG}`, { data: { enabled, reason: 'live e2e' }, headers: asBrowser })).status()).toBe(200);
  const setMaintenance = async (value: boolean) =>
    expect((await admin.request.put('/api/v1/settings/maintenance.enabled', { data: { value, scope: 'global', reason: 'live e2e' }, headers: asBrowser })).status()).toBe(200);
  await setFlag(true);

  const watcherContext = await browser.newContext();
  const watcher = await watcherContext.newPage();
  await signIn(watcher, ADMIN.email, ADMIN.password);
  await watcher.goto('/flags');
  const global = watcher.getByRole('switch', { name: `${FLAG} for Global`, exact: true });
  await expect(global).toHaveAttribute('aria-checked', 'true');
  let reloaded = false;
  watcher.on('load', () => (reloaded = true));
  const readerContext = await browser.newContext();
  const reader = await readerContext.newPage();
  await signIn(reader, WATCHER.email, WATCHER.password);

  await setFlag(false);
  await expect(global).toHaveAttribute('aria-checked', 'false', { timeout: 2000 });

  await setMaintenance(true);
  try {
    await expect(watcher.getByTestId('maintenance-banner')).toBeVisible({ timeout: 1000 });
    await expect(reader.getByTestId('maintenance-banner')).toBeVisible({ timeout: 1000 });
    await expect(reader.getByTestId('maintenance-banner')).toContainText('read-only');
    await expect(admin.getByTestId('maintenance-banner')).toBeVisible({ timeout: 1000 });
    await expect(admin.getByTestId('maintenance-banner')).toContainText('platform admin');
    expect(reloaded).toBe(false);
  } finally {
    await setMaintenance(false);
    await setFlag(true);
  }
  await expect(watcher.getByTestId('maintenance-banner')).toBeHidden({ timeout: 2000 });
  await adminContext.close();
  await watcherContext.close();
  await readerContext.close();
});
