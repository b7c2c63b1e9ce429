import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { adminApi, createScope } from './admin-api';
import { asBrowser, ensureSetUp, screenshots, signIn } from './support';

test.describe.configure({ mode: 'serial' });

const ALPHA = { id: 'tenant_e2e_alpha', level: 'tenant', parentId: 'global', name: 'Alpha Commission' };
const BETA = { id: 'tenant_e2e_beta', level: 'tenant', parentId: 'global', name: 'Beta Federation' };
const SUMMIT = { id: 'event_e2e_alpha_summit', level: 'event', parentId: ALPHA.id, name: 'Alpha Summit' };
const TARA = { email: 'tara.tenant@example.com', name: 'Tara Tenant', password: 'tara has a long password' };

let api: APIRequestContext;
test.beforeAll(async ({ request, browser, playwright, baseURL }) => {
  await ensureSetUp(request);
  api = await adminApi(browser, playwright, baseURL);
  for (const scope of [ALPHA, BETA, SUMMIT]) await createScope(api, scope);
  const user = await api.post('/api/v1/users', { data: { ...TARA, roles: [{ role: 'tenant_admin', scopeId: ALPHA.id }] } });
  expect([201, 409], await user.text()).toContain(user.status());
});
test.afterAll(() => api.dispose());

const setting = (page: Page, label: string) => page.getByRole('group', { name: label, exact: true });
const navigator = (page: Page) => page.getByRole('navigation', { name: 'Scopes' });
const resolve = async (key: string, scope: string) => (await (await api.get(`/api/v1/settings/${key}/resolve?scope=${scope}`)).json()).value;

/** The chain as its rows read: "Default 48 hours in effect", "Tenant · Alpha Commission 24 hours …". */
async function chainOf(page: Page, label: string) {
  const card = setting(page, label);
  const details = card.locator('details');
  if ((await details.getAttribute('open')) === null) await card.getByText('Inheritance chain').click();
  return card.getByRole('list', { name: `Inheritance chain of ${label}` }).getByRole('listitem');
}

test('tenant override and revert, with the whole chain shown at tenant and event', async ({ page }) => {
  await signIn(page);
  await page.goto('/settings?category=waitlist');
  await navigator(page).getByRole('link', { name: new RegExp(ALPHA.name) }).click();
  await expect(page).toHaveURL(new RegExp(`scope=${ALPHA.id}&category=waitlist`));
  await expect(page.getByRole('heading', { name: ALPHA.name, level: 2 })).toBeVisible();

  const deadline = setting(page, 'Promotion Deadline (hours)');
  await page.getByRole('spinbutton', { name: 'Promotion Deadline (hours)' }).fill('24');
  await deadline.getByRole('button', { name: 'Save' }).click();
  // no reason needed below global
  await expect(page.getByText('Promotion Deadline (hours) saved')).toBeVisible();
  await expect(deadline.getByText('set here')).toBeVisible();
  await expect(await chainOf(page, 'Promotion Deadline (hours)')).toHaveText([
    'Default48 hours',
    'Globalnot set',
    `Tenant · ${ALPHA.name}24 hoursin effect(this scope)`,
  ]);
  expect(await resolve('waitlist.promotionDeadlineHours', ALPHA.id)).toBe(24);

  // the event below inherits it, and says from where
  await navigator(page).getByRole('link', { name: new RegExp(SUMMIT.name) }).click();
  await expect(page.getByRole('heading', { name: SUMMIT.name, level: 2 })).toBeVisible();
  await expect(setting(page, 'Promotion Deadline (hours)').getByText(`from ${ALPHA.name}`)).toBeVisible();
  await expect(await chainOf(page, 'Promotion Deadline (hours)')).toHaveText([
    'Default48 hours',
    'Globalnot set',
    `Tenant · ${ALPHA.name}24 hoursin effect`,
    `Event · ${SUMMIT.name}not set(this scope)`,
  ]);
  await screenshots(page, 'settings-event');

  // back at the tenant: use the parent value again
  await page.getByRole('navigation', { name: 'Scope path' }).getByRole('link', { name: ALPHA.name }).click();
  await expect(page.getByRole('heading', { name: ALPHA.name, level: 2 })).toBeVisible();
  await setting(page, 'Promotion Deadline (hours)').getByRole('button', { name: 'Use parent value' }).click();
  await expect(page.getByText('Promotion Deadline (hours) now uses the value from above')).toBeVisible();
  await expect(setting(page, 'Promotion Deadline (hours)').getByText('default', { exact: true })).toBeVisible();
  await expect(await chainOf(page, 'Promotion Deadline (hours)')).toHaveText(['Default48 hoursin effect', 'Globalnot set', `Tenant · ${ALPHA.name}not set(this scope)`]);
  expect(await resolve('waitlist.promotionDeadlineHours', SUMMIT.id)).toBe(48);
});

test('a lock at the tenant stops its events from overriding; a server-side refusal shows beside the field', async ({ page }) => {
  await signIn(page);
  await page.goto(`/settings?scope=${ALPHA.id}&category=transport`);
  const alert = setting(page, 'No-Show Alert (minutes)');
  await page.getByRole('spinbutton', { name: 'No-Show Alert (minutes)' }).fill('30');
  await alert.getByRole('switch', { name: 'Lock for lower scopes' }).click();
  await alert.getByRole('button', { name: 'Save' }).click();
  await expect(alert.getByText('Locked for lower scopes', { exact: true }).first()).toBeVisible();

  await page.goto(`/settings?scope=${SUMMIT.id}&category=transport`);
  const below = setting(page, 'No-Show Alert (minutes)');
  await expect(below.getByText(`Locked at ${ALPHA.name}`, { exact: true })).toBeVisible();
  await expect(below.getByRole('spinbutton')).toHaveCount(0);
  expect((await api.put('/api/v1/settings/transport.noShowAlertMinutes', { data: { value: 10, scope: SUMMIT.id } })).status()).toBe(409);

  // a cross-field rule only the server checks: the warning threshold may not exceed the maximum reprint count
  await page.goto(`/settings?scope=${ALPHA.id}&category=badge`);
  const threshold = page.getByRole('spinbutton', { name: 'Reprint Warning Threshold' });
  await threshold.fill('5');
  await setting(page, 'Reprint Warning Threshold').getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('[id="badge.reprintWarningThreshold-error"]')).toHaveText('Must be ≤ badge.maxReprintCount (3).');
  await expect(threshold).toHaveAttribute('aria-invalid', 'true');
  expect(await resolve('badge.reprintWarningThreshold', ALPHA.id)).toBe(2);
});

test('a tenant admin sees only their own tenant and cannot reach another one', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, TARA.email, TARA.password);
  await page.goto('/settings');
  // their tenant is where they start
  await expect(page.getByRole('heading', { name: ALPHA.name, level: 2 })).toBeVisible();
  const links = navigator(page).getByRole('link');
  await expect(links).toHaveText([`${ALPHA.name}Tenant`, `${SUMMIT.name}Event`]);
  await expect(navigator(page)).not.toContainText(BETA.name);
  await navigator(page).getByRole('searchbox', { name: 'Find a scope' }).fill('summit');
  await expect(links).toHaveText([`${ALPHA.name}Tenant`, `${SUMMIT.name}Event`]);
  await navigator(page).getByRole('searchbox', { name: 'Find a scope' }).fill('beta');
  await expect(navigator(page)).toContainText('No scope matches “beta”.');

  // they change their own tenant's values
  await page.getByRole('tab', { name: 'Waitlist' }).click();
  await page.getByRole('spinbutton', { name: 'Max Position Notifications' }).fill('7');
  await setting(page, 'Max Position Notifications').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Max Position Notifications saved')).toBeVisible();

  // another tenant answers like a page that does not exist, with none of its data (HTTP 200: the scope is
  // a query parameter, decided by the page after its loading state has streamed)
  const res = await page.goto(`/settings?scope=${BETA.id}`);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  const html = await res!.text();
  expect(html).not.toContain('Max Position Notifications');
  expect(html).not.toContain(BETA.name);
  // the API answers as if the other tenant did not exist (404, not a 403 that would confirm its id)
  expect((await page.request.get(`/api/v1/settings/schema?scope=${BETA.id}`)).status()).toBe(404);
  expect((await page.request.put('/api/v1/settings/waitlist.maxPositionNotifications', { data: { value: 9, scope: BETA.id }, headers: asBrowser })).status()).toBe(404);
  await page.context().close();
});

test('screenshots: a tenant scope at 1280 and 390 px, light and dark, and the scope drawer on a phone', async ({ page }) => {
  await signIn(page);
  await page.goto(`/settings?scope=${ALPHA.id}&category=transport`);
  await expect(setting(page, 'No-Show Alert (minutes)')).toBeVisible();
  await screenshots(page, 'settings-tenant');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('button', { name: /^Scope: Alpha Commission/ }).click();
  const drawer = page.getByRole('dialog', { name: 'Choose a scope' });
  await page.screenshot({ path: 'test-results/screenshots/settings-scope-drawer-390.png' });
  await drawer.getByRole('link', { name: new RegExp(SUMMIT.name) }).click();
  await expect(page).toHaveURL(new RegExp(`scope=${SUMMIT.id}`));
  await expect(drawer).toBeHidden();
  await expect(page.getByRole('heading', { name: SUMMIT.name, level: 2 })).toBeVisible();
  await page.setViewportSize({ width: 1280, height: 720 });

  const theme = (await (await page.request.get('/api/v1/users/me/preferences/ui.theme')).json()).value;
  await page.request.put('/api/v1/users/me/preferences/ui.theme', { data: { value: 'dark' }, headers: asBrowser });
  await page.goto(`/settings?scope=${ALPHA.id}&category=transport`);
  await expect(page.locator('html')).toHaveClass(/dark/);
  await screenshots(page, 'settings-tenant-dark');
  await page.request.put('/api/v1/users/me/preferences/ui.theme', { data: { value: theme }, headers: asBrowser });
});
