import { expect as baseExpect, test, type APIRequestContext } from '@playwright/test';
import { adminApi, createScope } from './admin-api';
import { ensureSetUp, screenshots, signIn } from './support';

test.describe.configure({ mode: 'serial' });
// writes go through the audit chain's lock: on a busy CI machine a save can take seconds
const expect = baseExpect.configure({ timeout: 20_000 });
test.setTimeout(180_000);

const TENANT = { id: 'models-tenant', level: 'tenant', parentId: 'global', name: 'Models Tenant' };
const TENANT_ADMIN = { email: 'models-tenant-admin@example.com', name: 'Mo Tenant', password: 'yet another long passphrase' };

let api: APIRequestContext;

test.beforeAll(async ({ browser, playwright, baseURL, request }) => {
  await ensureSetUp(request);
  api = await adminApi(browser, playwright, baseURL);
  await createScope(api, TENANT);
  const ok = async (res: Awaited<ReturnType<APIRequestContext['put']>>) => expect(res.status(), await res.text()).toBeLessThan(300);
  await ok(await api.put('/api/v1/models/openai', { data: { scope: 'global', model: 'gpt-4o', status: 'active', apiKey: 'sk-e2e', parameters: { temperature: 0.2, max_tokens: 2000 } } }));
  await ok(await api.put('/api/v1/models/anthropic', { data: { scope: 'global', status: 'active' } }));
  await ok(await api.put('/api/v1/models/openai', { data: { scope: TENANT.id, quota: { timeZone: 'Europe/Berlin', daily: { tokens: { soft: 800, hard: 1000 }, requests: { hard: 100 } }, monthly: { cost: { hard: 50 } } } } }));
  const preset = await api.post('/api/v1/models/templates', { data: { id: 'e2e-precise', name: 'Precise', provider: 'openai', description: 'Low temperature, narrow sampling', parameters: { temperature: 0.1, top_p: 0.5 } } });
  expect([201, 409]).toContain(preset.status());
  const user = await api.post('/api/v1/users', { data: { ...TENANT_ADMIN, roles: [{ role: 'tenant_admin', scopeId: TENANT.id }] } });
  expect([201, 409]).toContain(user.status());
  // some usage, so the bars and the sparkline have something to show
  for (const tokens of [300, 250, 300]) await ok(await api.post('/api/v1/models/openai/usage', { data: { scope: TENANT.id, tokens, cost: 0.75 } }));
});

test.afterAll(async () => {
  await api?.dispose();
});

test('a platform admin sees where each value comes from, overrides model and temperature for a tenant, and sees its quota', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Models' }).first().click();
  await expect(page.getByRole('heading', { name: 'AI models', level: 1 })).toBeVisible();
  await page.getByLabel('Scope').selectOption(TENANT.id);
  await expect(page).toHaveURL(/scope=models-tenant/);

  const openai = page.getByTestId('provider-openai');
  await expect(openai.getByText('active', { exact: true })).toBeVisible();
  await expect(openai.getByRole('row', { name: /temperature/ })).toContainText('0.2');
  await expect(openai.getByRole('row', { name: /temperature/ })).toContainText('from global');

  await openai.getByRole('button', { name: 'Edit' }).click();
  const dialog = page.getByRole('dialog', { name: 'OpenAI-compatible at models-tenant' });
  await dialog.getByLabel('Model').selectOption('gpt-4.1');
  // out of OpenAI's range: refused in the browser with the server's own message, nothing sent
  await dialog.getByLabel('Temperature (temperature)').fill('3');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText('temperature must be between 0 and 2')).toBeVisible();
  await dialog.getByLabel('Temperature (temperature)').fill('0.7');
  await dialog.getByLabel('Preset').selectOption('e2e-precise');
  await screenshots(page, 'models-edit');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();

  await expect(openai).toContainText('GPT-4.1');
  await expect(openai.getByRole('row', { name: /temperature/ })).toContainText('0.7');
  await expect(openai.getByRole('row', { name: /temperature/ })).toContainText('set here');
  await expect(openai.getByRole('row', { name: /top_p/ })).toContainText('preset');
  await expect(openai.getByRole('row', { name: /max_tokens/ })).toContainText('from global');
  const check = await (await api.post('/api/v1/models/openai/check', { data: { scope: TENANT.id } })).json();
  expect(check).toMatchObject({ model: 'gpt-4.1', parameters: { temperature: 0.7, top_p: 0.5, max_tokens: 2000 } });
  await screenshots(page, 'models-providers');

  await page.getByRole('tab', { name: /Quotas/ }).click();
  const quota = page.getByTestId(`quota-openai-${TENANT.id}`);
  await expect(quota.getByRole('meter', { name: 'tokens used' })).toHaveAttribute('aria-valuenow', '850');
  await expect(quota).toContainText('850 / 1,000 (soft 800)');
  await expect(quota.getByRole('img', { name: /Tokens per day at models-tenant/ })).toBeVisible();
  await screenshots(page, 'models-quotas');

  await page.getByRole('tab', { name: /Presets/ }).click();
  await expect(page.getByRole('cell', { name: /^Precise/ })).toBeVisible();
  await screenshots(page, 'models-presets');
});

test('a tenant admin edits their tenant but not its quota, and keeps no presets', async ({ page }) => {
  await signIn(page, TENANT_ADMIN.email, TENANT_ADMIN.password);
  await page.goto('/models');
  await expect(page.getByLabel('Scope')).toHaveValue(TENANT.id);
  const openai = page.getByTestId('provider-openai');
  await openai.getByRole('button', { name: 'Edit' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByText('This scope’s quota is set from the scope above')).toBeVisible();
  await expect(dialog.getByLabel('tokens hard')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('tab', { name: /Presets/ }).click();
  await expect(page.getByRole('button', { name: 'New preset' })).toHaveCount(0);
  // global is readable, not editable, for a tenant admin
  await page.getByLabel('Scope').selectOption('global');
  await expect(page.getByTestId('provider-openai').getByRole('button', { name: 'Edit' })).toHaveCount(0);
});

test('a platform admin creates a preset with the provider’s schema', async ({ page }) => {
  await signIn(page);
  await page.goto('/models?scope=global');
  await page.getByRole('tab', { name: /Presets/ }).click();
  await page.getByRole('button', { name: 'New preset' }).click();
  const dialog = page.getByRole('dialog', { name: 'New parameter preset' });
  await dialog.getByLabel('Name').fill(`Creative ${Date.now()}`);
  await dialog.getByLabel('Provider').selectOption('anthropic');
  await dialog.getByLabel('Temperature (temperature)').fill('1.5');
  await dialog.getByRole('button', { name: 'Create preset' }).click();
  await expect(dialog.getByText('temperature must be between 0 and 1')).toBeVisible();
  await dialog.getByLabel('Temperature (temperature)').fill('1');
  await dialog.getByLabel('Top k (top_k)').fill('250');
  await dialog.getByRole('button', { name: 'Create preset' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('row', { name: /Creative/ }).first()).toContainText('top_k 250');
});
