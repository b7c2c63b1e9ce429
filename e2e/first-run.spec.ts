import { expect, test } from '@playwright/test';

test.describe.configure({ mode: 'serial' });

const admin = { email: 'ada@example.com', name: 'Ada Admin', password: 'a long enough passphrase' };

test('first run: the setup form refuses bad input, then creates the admin and shows a working token', async ({ page, request }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Set up Switchboard' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/setup.png', fullPage: true });

  // client-side validation with the server's own schema: nothing is sent
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByLabel('Name').fill(admin.name);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Set up Switchboard' }).click();
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
  expect((await (await request.get('/api/v1/setup/status')).json()).setupComplete).toBe(false);

  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByLabel('Example catalog (optional)').selectOption('accreditation');
  await page.getByRole('button', { name: 'Set up Switchboard' }).click();
  await expect(page.getByRole('heading', { name: 'Switchboard is set up' })).toBeVisible();
  const token = await page.getByLabel('API token').inputValue();
  expect(token).toMatch(/^sb_/);
  await page.screenshot({ path: 'test-results/screenshots/setup-done.png', fullPage: true });

  // the token acts as the new platform admin, and the catalog was loaded
  const me = await request.get('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).roles).toEqual([{ role: 'platform_admin', scopeId: 'global' }]);
  const resolved = await request.get('/api/v1/settings/catering.bufferPercentage/resolve?scope=global', { headers: { authorization: `Bearer ${token}` } });
  expect(await resolved.json()).toMatchObject({ value: 10, resolvedFrom: 'default' });

  // setup happens once
  const again = await request.post('/api/v1/setup/bootstrap', { data: { admin } });
  expect(again.status()).toBe(409);
  expect((await again.json()).error.code).toBe('ALREADY_SETUP');
});

test('after setup the home page says where the API and docs are', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Switchboard is running' })).toBeVisible();
  await expect(page.getByRole('link', { name: /docs/i }).first()).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/home.png', fullPage: true });
});

test('the API docs render every group from the OpenAPI document', async ({ page, request }) => {
  const doc = await (await request.get('/api/v1/openapi.json')).json();
  expect(doc.openapi).toBe('3.1.0');
  await page.goto('/docs');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  for (const tag of ['Settings', 'Setup']) await expect(page.getByRole('heading', { name: tag, exact: true }).first()).toBeVisible();
  await expect(page.getByText('/api/v1/settings/{key}/resolve').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/docs.png' });
});
