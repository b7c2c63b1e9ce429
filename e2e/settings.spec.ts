import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { adminApi } from './admin-api';
import { ADMIN, asBrowser, ensureSetUp, screenshots, signIn } from './support';

test.describe.configure({ mode: 'serial' });

let api: APIRequestContext;
test.beforeAll(async ({ request, browser, playwright, baseURL }) => {
  await ensureSetUp(request);
  api = await adminApi(browser, playwright, baseURL);
});
test.afterAll(() => api.dispose());

/** One setting's card: a group named by the setting's label. */
const setting = (page: Page, label: string) => page.getByRole('group', { name: label, exact: true });
const resolve = async (key: string, scope = 'global') => (await (await api.get(`/api/v1/settings/${key}/resolve?scope=${scope}`)).json()).value;
const auditOf = async (key: string) => (await (await api.get(`/api/v1/audit?key=${key}&limit=5`)).json()).entries;

test('a global change asks for a reason and shows in the history dialog and the audit log; reset goes back to the default', async ({ page }) => {
  await signIn(page);
  await page.goto('/settings?category=transport');
  await expect(page.getByRole('heading', { name: 'Global', level: 2 })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Transport', selected: true })).toBeVisible();

  const pickup = setting(page, 'Pickup Buffer (minutes)');
  await expect(pickup.getByText('default', { exact: true })).toBeVisible();
  await page.getByRole('spinbutton', { name: 'Pickup Buffer (minutes)' }).fill('30');
  await pickup.getByRole('button', { name: 'Save' }).click();
  const ask = page.getByRole('dialog', { name: 'Change Pickup Buffer (minutes)' });
  // no reason, no change
  await ask.getByRole('button', { name: 'Confirm change' }).click();
  await expect(ask.getByLabel('Reason')).toHaveAttribute('aria-invalid', 'true');
  await ask.getByLabel('Reason').fill('Flights land closer together this season');
  await ask.getByRole('button', { name: 'Confirm change' }).click();
  await expect(page.getByText('Pickup Buffer (minutes) saved')).toBeVisible();
  await expect(pickup.getByText('set here')).toBeVisible();
  await expect(pickup.locator('dd code').first()).toHaveText('30 minutes');

  await pickup.getByRole('button', { name: 'History' }).click();
  const history = page.getByRole('dialog', { name: 'History of Pickup Buffer (minutes)' });
  const latest = history.getByRole('listitem').first();
  await expect(latest).toContainText(ADMIN.name);
  await expect(latest).toContainText('not set → 30 minutes');
  await expect(latest).toContainText('Reason: Flights land closer together this season');
  await expect(latest).toContainText('manual');
  await screenshots(page, 'settings-history');
  await page.keyboard.press('Escape');
  await expect(history).toBeHidden();

  // the same change in the audit log (its page is someone else's: the API says it)
  expect((await auditOf('transport.pickupBufferMinutes'))[0]).toMatchObject({
    action: 'setting.set',
    scopeId: 'global',
    newValue: 30,
    reason: 'Flights land closer together this season',
    source: 'manual',
    actorName: ADMIN.name,
  });

  await pickup.getByRole('button', { name: 'Reset to default' }).click();
  await page.getByRole('dialog', { name: 'Reset Pickup Buffer (minutes) to its default' }).getByLabel('Reason').fill('Back to the default');
  await page.getByRole('button', { name: 'Confirm change' }).click();
  await expect(page.getByText('Pickup Buffer (minutes) is back to its default')).toBeVisible();
  await expect(pickup.locator('dd code').first()).toHaveText('45 minutes');
  await expect(pickup.getByRole('button', { name: 'Reset to default' })).toBeDisabled();
  expect(await resolve('transport.pickupBufferMinutes')).toBe(45);
  expect((await auditOf('transport.pickupBufferMinutes'))[0]).toMatchObject({ action: 'setting.revert', reason: 'Back to the default' });
});

test('a value its rules refuse is explained beside the field, and nothing is saved', async ({ page }) => {
  await signIn(page);
  await page.goto('/settings?category=auth');
  const before = (await auditOf('auth.maxLoginAttempts')).length;

  const attempts = page.getByRole('spinbutton', { name: 'Maximum Login Attempts' });
  await attempts.fill('1000');
  await setting(page, 'Maximum Login Attempts').getByRole('button', { name: 'Save' }).click();
  await expect(attempts).toHaveAttribute('aria-invalid', 'true');
  const error = page.locator(`[id="auth.maxLoginAttempts-error"]`);
  await expect(error).toHaveText('Must be at most 100.');
  await expect(attempts).toHaveAttribute('aria-describedby', /auth\.maxLoginAttempts-error/);
  // refused in the browser with the server's own schema: no reason asked, nothing sent
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await screenshots(page, 'settings-invalid');

  // a JSON editor: broken JSON, then an item of the wrong type
  await page.getByRole('tab', { name: 'File Uploads & Storage' }).click();
  await expect(page).toHaveURL(/category=upload/);
  const images = page.getByRole('textbox', { name: 'Allowed Image Types' });
  await images.fill('["png", ');
  await setting(page, 'Allowed Image Types').getByRole('button', { name: 'Save' }).click();
  await expect(page.locator(`[id="upload.allowedImageTypes-error"]`)).toHaveText(/^Not valid JSON: /);
  await images.fill('["png", 7]');
  await setting(page, 'Allowed Image Types').getByRole('button', { name: 'Save' }).click();
  await expect(page.locator(`[id="upload.allowedImageTypes-error"]`)).toHaveText('[1] must be text.');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  expect(await resolve('auth.maxLoginAttempts')).toBe(5);
  expect(await resolve('upload.allowedImageTypes')).toEqual(['jpeg', 'jpg', 'png', 'webp']);
  expect(await auditOf('auth.maxLoginAttempts')).toHaveLength(before);
});

test('a change someone else made meanwhile is not overwritten: the page says what it is now', async ({ page }) => {
  await signIn(page);
  await page.goto('/settings?category=transport');
  await page.getByRole('spinbutton', { name: 'Shuttle Minimum Frequency' }).fill('20');
  // another admin saves first
  expect((await api.put('/api/v1/settings/transport.shuttleMinFrequency', { data: { value: 25, scope: 'global', reason: 'peak hours' } })).status()).toBe(200);

  const shuttle = setting(page, 'Shuttle Minimum Frequency');
  await shuttle.getByRole('button', { name: 'Save' }).click();
  await page.getByLabel('Reason').fill('More shuttles');
  await page.getByRole('button', { name: 'Confirm change' }).click();
  await expect(shuttle.getByRole('status')).toContainText('Someone else changed Shuttle Minimum Frequency since this page loaded: it is now 25 minutes.');
  expect(await resolve('transport.shuttleMinFrequency')).toBe(25);
  await shuttle.getByRole('button', { name: 'Reload' }).click();
  await expect(shuttle.locator('dd code').first()).toHaveText('25 minutes');
  await expect(page.getByRole('spinbutton', { name: 'Shuttle Minimum Frequency' })).toHaveValue('25');
});

test('a secret is masked; Reveal asks for the password again', async ({ page }) => {
  expect((await api.put('/api/v1/settings/sms.providerApiKey', { data: { value: 'sk-e2e-123456', scope: 'global', reason: 'new provider' } })).status()).toBe(200);
  await signIn(page);
  await page.goto('/settings?category=email');
  const key = setting(page, 'SMS Provider API Key');
  await expect(key.locator('dd code').first()).toHaveText('********');
  await expect(key).not.toContainText('sk-e2e-123456');
  const input = page.locator('[id="sms.providerApiKey-value"]');
  await expect(input).toHaveAccessibleName('SMS Provider API Key');
  await expect(input).toHaveValue('');

  await key.getByRole('button', { name: 'Reveal' }).click();
  const dialog = page.getByRole('dialog', { name: 'Reveal SMS Provider API Key' });
  await dialog.getByLabel('Your password').fill('not my password');
  await dialog.getByRole('button', { name: 'Reveal' }).click();
  await expect(dialog.getByLabel('Your password')).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog).toContainText('That is not your password.');
  await dialog.getByLabel('Your password').fill(ADMIN.password);
  await dialog.getByRole('button', { name: 'Reveal' }).click();
  await expect(dialog.getByLabel('SMS Provider API Key value')).toHaveText('sk-e2e-123456');
  await dialog.getByRole('button', { name: 'Done' }).click();
  expect((await auditOf('sms.providerApiKey'))[0]).toMatchObject({ action: 'setting.reveal', actorName: ADMIN.name });
});

test('the command palette finds a setting by label, key or description and focuses it (Ctrl-K, arrows, Enter)', async ({ page }) => {
  await signIn(page);
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Search settings' });
  const box = palette.getByRole('combobox', { name: 'Search settings' });
  await expect(box).toBeFocused();
  await box.fill('no-show alert');
  await expect(palette.getByRole('option')).toHaveCount(1);
  await expect(palette.getByRole('option', { selected: true })).toContainText('No-Show Alert (minutes)');
  await screenshots(page, 'command-palette');
  await box.press('Enter');
  await expect(page).toHaveURL(/\/settings\?category=transport#transport\.noShowAlertMinutes$/);
  await expect(page.getByRole('spinbutton', { name: 'No-Show Alert (minutes)' })).toBeFocused();

  // on the settings page: by key, another category, arrow keys pick the second match
  await page.getByRole('button', { name: 'Search settings' }).click();
  await box.fill('auth.lockout');
  await expect(palette.getByRole('option')).toHaveCount(1);
  await box.fill('minutes');
  const second = (await palette.getByRole('option').nth(1).locator('.font-mono').textContent())!;
  await box.press('ArrowDown');
  await expect(palette.getByRole('option').nth(1)).toHaveAttribute('aria-selected', 'true');
  await box.press('Enter');
  await expect(palette).toBeHidden();
  await expect(page).toHaveURL(new RegExp(`#${second.replace('.', '\\.')}$`));
  await expect(page.locator(`[id="${second}-value"]`)).toBeFocused();

  // by description
  await page.keyboard.press('Control+k');
  await box.fill('headcount');
  await expect(palette.getByRole('option').first()).toContainText('Catering Buffer %');
  await page.keyboard.press('Escape');
  await expect(palette).toBeHidden();
});

test('tabs follow the keyboard and keep the category in the URL', async ({ page }) => {
  await signIn(page);
  await page.goto('/settings');
  const first = page.getByRole('tab', { name: 'Authentication & Security' });
  await expect(first).toHaveAttribute('aria-selected', 'true');
  await first.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Email & Communication' })).toHaveAttribute('aria-selected', 'true');
  await expect(page).toHaveURL(/category=email/);
  await page.reload();
  await expect(page.getByRole('tab', { name: 'Email & Communication', selected: true })).toBeVisible();
  await expect(page.getByRole('tabpanel', { name: 'Email & Communication' })).toContainText('Sender Email Address');
});

test('screenshots: global settings at 1280 and 390 px, light and dark', async ({ page }) => {
  await signIn(page);
  const started = Date.now();
  await page.goto('/settings?category=auth');
  await expect(page.getByRole('group', { name: 'Maximum Login Attempts' })).toBeVisible();
  console.log(`/settings (global, accreditation) loaded in ${Date.now() - started} ms`);
  await screenshots(page, 'settings-global');

  const theme = (await (await page.request.get('/api/v1/users/me/preferences/ui.theme')).json()).value;
  await page.request.put('/api/v1/users/me/preferences/ui.theme', { data: { value: 'dark' }, headers: asBrowser });
  await page.goto('/settings?category=upload');
  await expect(page.locator('html')).toHaveClass(/dark/);
  await screenshots(page, 'settings-global-dark');
  await page.request.put('/api/v1/users/me/preferences/ui.theme', { data: { value: theme }, headers: asBrowser });
});
