import { expect, test } from '@playwright/test';
import { ADMIN, screenshots, signIn } from './support';

test.describe.configure({ mode: 'serial' });

test('before setup every page leads to /setup', async ({ page, request }) => {
  expect((await (await request.get('/api/v1/setup/status')).json()).setupComplete).toBe(false);
  for (const path of ['/', '/settings', '/docs', '/signin']) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/setup$/);
  }
  await expect(page.getByRole('heading', { name: 'Set up Switchboard' })).toBeVisible();
  await screenshots(page, 'setup');
});

test('first run: the setup form refuses bad input, creates the admin, shows a working token, then signs the admin in', async ({ page, request }) => {
  await page.goto('/setup');

  // client-side validation with the server's own schema: nothing is sent
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByLabel('Name').fill(ADMIN.name);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Set up Switchboard' }).click();
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
  expect((await (await request.get('/api/v1/setup/status')).json()).setupComplete).toBe(false);

  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByLabel('Example catalog (optional)').selectOption('accreditation');
  await page.getByRole('button', { name: 'Set up Switchboard' }).click();
  await expect(page.getByRole('heading', { name: 'Switchboard is set up' })).toBeVisible({ timeout: 30_000 }); // loads the catalog: seconds on a busy machine
  const token = await page.getByLabel('API token').inputValue();
  expect(token).toMatch(/^sb_/);
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
  await screenshots(page, 'setup-token');

  // the token acts as the new platform admin, and the catalog was loaded
  const me = await request.get('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).roles).toEqual([{ role: 'platform_admin', scopeId: 'global' }]);
  const resolved = await request.get('/api/v1/settings/catering.bufferPercentage/resolve?scope=global', { headers: { authorization: `Bearer ${token}` } });
  expect(await resolved.json()).toMatchObject({ value: 10, resolvedFrom: 'default' });

  // Continue signs in with the password just chosen and lands on the dashboard
  await page.getByRole('button', { name: 'I have saved the token: continue' }).click();
  await page.waitForURL('/');
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: `Account: ${ADMIN.name}` })).toBeVisible();

  // setup happens once: the page is gone, the endpoint refuses
  await page.goto('/setup');
  await expect(page).toHaveURL(/\/$/);
  const again = await request.post('/api/v1/setup/bootstrap', { data: { admin: ADMIN } });
  expect(again.status()).toBe(409);
  expect((await again.json()).error.code).toBe('ALREADY_SETUP');
});

test('the dashboard shows counts, recent changes and where the API is', async ({ page }) => {
  await signIn(page);
  const counts = page.getByRole('region', { name: 'Counts' });
  await expect(counts.getByText('Settings defined')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Recent changes' }).getByRole('listitem').first()).toBeVisible();
  await expect(page.getByText('/api/v1', { exact: false }).first()).toBeVisible();
  // the server's daily drift check ran at start: its report is the drift card's
  const drift = page.getByRole('region', { name: 'Configuration drift' });
  await expect(drift.getByText(/Last check .*\(daily check\)/)).toBeVisible();
  await expect(drift.getByLabel('Drift by severity').getByText('0 critical')).toBeVisible();
  for (const name of ['Dashboard', 'Settings', 'Preferences', 'Flags', 'Audit', 'Users', 'Tokens', 'API docs']) {
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true })).toBeVisible();
  }
  await screenshots(page, 'dashboard');
});

test('the API docs render every group from the OpenAPI document', async ({ page, request }) => {
  const doc = await (await request.get('/api/v1/openapi.json')).json();
  expect(doc.openapi).toBe('3.1.0');
  await page.goto('/docs');
  await signIn(page, ADMIN.email, ADMIN.password, /\/docs$/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  for (const tag of ['Settings', 'Setup']) await expect(page.getByRole('heading', { name: tag, exact: true }).first()).toBeVisible();
  await expect(page.getByText('/api/v1/settings/{key}/resolve').first()).toBeVisible();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: 'test-results/screenshots/docs-1280.png' });
});
