import { expect, test, type Page } from '@playwright/test';
import { asBrowser, ensureSetUp, screenshots, signIn } from './support';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ request }) => ensureSetUp(request));

const html = (page: Page) => page.locator('html');
/** A preference's row: the controls are named by the setting's label. */
const control = (page: Page, label: string) => page.getByRole('main').getByLabel(label, { exact: true });

test.beforeEach(async ({ page }) => {
  await signIn(page);
  await page.goto('/preferences');
  await expect(page.getByRole('heading', { name: 'Preferences', level: 1 })).toBeVisible();
});

test('the preferences of seed 003 §6.4, grouped, each saying where its value comes from', async ({ page }) => {
  for (const section of ['Appearance', 'Notifications', 'Workflow & Approval']) await expect(page.getByRole('region', { name: section, exact: true })).toBeVisible();
  await expect(control(page, 'Language')).toBeVisible();
  await expect(control(page, 'Digest Mode')).toHaveValue('immediate');
  await expect(control(page, 'SMS Notifications')).toHaveAttribute('aria-checked', 'false');
  await screenshots(page, 'preferences');
});

test('switching the theme to dark applies at once and persists across reloads', async ({ page }) => {
  await control(page, 'Theme').selectOption('dark');
  await expect(html(page)).toHaveClass(/dark/);
  await expect(page.getByText('Theme saved: dark')).toBeVisible();
  // one source of truth: the header's theme menu follows
  await expect(page.getByRole('button', { name: 'Theme: Dark' })).toBeVisible();

  const response = await page.reload();
  expect(await response!.text()).toMatch(/<html[^>]*class="dark"/);
  await expect(html(page)).toHaveClass(/dark/);
  await expect(control(page, 'Theme')).toHaveValue('dark');
  await screenshots(page, 'preferences-dark');

  // and back from the header menu: the page shows the change
  await page.getByRole('button', { name: 'Theme: Dark' }).click();
  await page.getByRole('menuitemradio', { name: 'Light' }).click();
  await expect(html(page)).not.toHaveClass(/dark/);
  await expect(control(page, 'Theme')).toHaveValue('light');
});

test('a notification preference saves with a toast, checked with the server schema first', async ({ page }) => {
  // with the keyboard: Space toggles the switch
  await control(page, 'Email Notifications').focus();
  await page.keyboard.press('Space');
  await expect(page.getByText('Email Notifications saved')).toBeVisible();
  await expect(control(page, 'Email Notifications')).toHaveAttribute('aria-checked', 'false');

  const quiet = control(page, 'Quiet Start');
  await quiet.fill('25:00');
  await quiet.press('Enter');
  await expect(quiet).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Quiet Start must look like 22:00')).toBeVisible();
  await quiet.fill('22:00');
  await page.getByRole('button', { name: 'Save Quiet Start' }).click();
  await expect(page.getByText('Quiet Start saved')).toBeVisible();
  await expect(quiet).not.toHaveAttribute('aria-invalid');

  await page.reload();
  await expect(control(page, 'Email Notifications')).toHaveAttribute('aria-checked', 'false');
  await expect(control(page, 'Quiet Start')).toHaveValue('22:00');
  const prefs = await (await page.request.get('/api/v1/users/me/preferences')).json();
  expect(prefs).toMatchObject({
    preferences: { 'notifications.emailEnabled': false, 'notifications.quietHoursStart': '22:00' },
    resolvedFrom: { 'notifications.emailEnabled': 'user', 'notifications.smsEnabled': 'default' },
  });
});

test('Reset to defaults forgets every value of your own after confirming', async ({ page }) => {
  expect((await page.request.put('/api/v1/users/me/preferences/ui.theme', { data: { value: 'dark' }, headers: asBrowser })).status()).toBe(200);
  await page.reload();
  await expect(html(page)).toHaveClass(/dark/);

  await page.getByRole('button', { name: 'Reset to defaults' }).click();
  const dialog = page.getByRole('dialog', { name: 'Reset to defaults?' });
  await expect(dialog.getByRole('listitem')).toContainText(['Theme', 'Email Notifications', 'Quiet Start']);
  await dialog.getByRole('button', { name: /^Reset \d+ preferences$/ }).click();
  await expect(page.getByText('Preferences reset to defaults')).toBeVisible();

  // the default theme is "system" (light here), applied at once
  await expect(html(page)).not.toHaveClass(/dark/);
  await expect(control(page, 'Theme')).toHaveValue('system');
  await expect(control(page, 'Email Notifications')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByRole('button', { name: 'Reset to defaults' })).toBeDisabled();
  const prefs = await (await page.request.get('/api/v1/users/me/preferences')).json();
  expect(Object.values(prefs.resolvedFrom)).not.toContain('user');
});
