import { expect, test } from '@playwright/test';
import { ADMIN, ensureScope, ensureSetUp, screenshots, signIn } from './support';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ request }) => ensureSetUp(request));

const TENANT = { id: 'tenant_e2e_users', level: 'tenant', parentId: 'global', name: 'E2E Users Tenant' };
const TINA = { email: 'tina.tenant@example.com', name: 'Tina Tenant', password: 'tina has a long password' };

test('a platform admin creates a tenant admin with a role in a tenant; server errors show beside the field', async ({ page }) => {
  await signIn(page);
  await ensureScope(page, TENANT);
  await page.goto('/users');
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();

  await page.getByRole('button', { name: 'New user' }).click();
  const dialog = page.getByRole('dialog', { name: 'New user' });
  // checked in the browser with the server's schema first
  await dialog.getByLabel('Email').fill(ADMIN.email);
  await dialog.getByLabel('Name').fill(TINA.name);
  await dialog.getByLabel('Password').fill('short');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(dialog.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');

  await dialog.getByLabel('Password').fill(TINA.password);
  await dialog.getByLabel('Role 1').selectOption('tenant_admin');
  await dialog.getByLabel('Scope 1').selectOption(TENANT.id);
  await dialog.getByRole('button', { name: 'Create user' }).click();
  // the email is taken: the server says so, beside the email field
  await expect(dialog.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog).toContainText(`A user with email ${ADMIN.email} already exists`);
  await screenshots(page, 'users-new');

  await dialog.getByLabel('Email').fill(TINA.email);
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(`${TINA.name} can now sign in`)).toBeVisible();
  // other specs add users too, so the list may have more than one page: find her by email
  const search = page.getByRole('searchbox', { name: 'Search users' });
  await search.fill(TINA.email);
  await search.press('Enter');
  await expect(page).toHaveURL(/\/users\?q=tina/);
  const row = page.getByRole('row').filter({ hasText: TINA.email });
  await expect(row.getByRole('list', { name: `Roles of ${TINA.name}` })).toHaveText(`tenant admin · ${TENANT.id}`);
  await screenshots(page, 'users');

  // edit: rename and disable, then enable again
  await row.getByRole('button', { name: `Edit ${TINA.name}` }).click();
  const edit = page.getByRole('dialog', { name: `Edit ${TINA.name}` });
  await expect(edit.getByLabel('Scope 1')).toHaveValue(TENANT.id);
  await edit.getByLabel('Name').fill('Tina T. Tenant');
  await edit.getByRole('switch', { name: 'Account disabled' }).click();
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();
  await expect(row).toContainText('Tina T. Tenant');
  await expect(row).toContainText('Disabled');
  await row.getByRole('button', { name: 'Edit Tina T. Tenant' }).click();
  await page.getByRole('switch', { name: 'Account disabled' }).click();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(row).toContainText('Active');
});

test('the tenant admin sees only the users of their tenant, and manages their own API tokens', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  const page = await context.newPage();
  await signIn(page, TINA.email, TINA.password);
  await page.goto('/users');
  const users = page.getByRole('table', { name: /^Users/ });
  await expect(users).toContainText(TINA.email);
  await expect(users).not.toContainText(ADMIN.email);
  await screenshots(page, 'users-tenant-admin');

  await page.goto('/tokens');
  await expect(page.getByText('No tokens yet')).toBeVisible();
  await page.getByRole('button', { name: 'New token' }).click();
  const dialog = page.getByRole('dialog', { name: 'New API token' });
  await dialog.getByLabel('Name').fill('e2e script');
  await dialog.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByRole('dialog', { name: 'Token “e2e script” created' });
  await expect(shown.getByRole('status')).toContainText('shown only once');
  await shown.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(shown.getByRole('button', { name: 'Copied', exact: true })).toBeVisible();
  const token = await page.evaluate(() => navigator.clipboard.readText());
  expect(token).toMatch(/^sb_/);
  await expect(shown.getByLabel('API token')).toHaveValue(token);
  await screenshots(page, 'tokens-created');
  await shown.getByRole('button', { name: 'I have copied the token' }).click();

  // the token acts as Tina
  const me = await page.request.get('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ user: { email: TINA.email }, roles: [{ role: 'tenant_admin', scopeId: TENANT.id }] });

  await page.reload();
  const row = page.getByRole('row').filter({ hasText: 'e2e script' });
  await expect(row).toContainText(token.slice(0, 10));
  await expect(row).toContainText('Active');
  // the call above is its last use (the fourth column: name, token, created, last used)
  await expect(row.getByRole('cell').nth(3)).not.toHaveText('Never');
  await screenshots(page, 'tokens');

  await row.getByRole('button', { name: 'Revoke e2e script' }).click();
  await page.getByRole('dialog', { name: 'Revoke “e2e script”?' }).getByRole('button', { name: 'Revoke token' }).click();
  await expect(page.getByText('Token “e2e script” revoked')).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'e2e script' })).toContainText('Revoked');
  const after = await page.request.get('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);
  await context.close();
});

test('a platform admin issues a service token acting as another user', async ({ page }) => {
  await signIn(page);
  await page.goto('/tokens');
  await page.getByLabel('Tokens of').selectOption({ label: `Tina T. Tenant (${TINA.email})` });
  await expect(page).toHaveURL(/\/tokens\?userId=usr_/);
  await expect(page.getByRole('row').filter({ hasText: 'e2e script' })).toContainText('Revoked');
  await page.getByRole('button', { name: 'New token' }).click();
  const dialog = page.getByRole('dialog', { name: 'New API token' });
  await expect(dialog).toContainText('A service token acting as Tina T. Tenant');
  await dialog.getByLabel('Name').fill('catering service');
  // within auth.tokenMaxLifetimeDays (90 by default): no token lives longer
  const inAMonth = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  await dialog.getByLabel('Expires on (optional)').fill(inAMonth);
  await dialog.getByRole('button', { name: 'Create token' }).click();
  const token = await page.getByRole('dialog').getByLabel('API token').inputValue();
  const me = await page.request.get('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
  expect((await me.json()).user.email).toBe(TINA.email);
});
