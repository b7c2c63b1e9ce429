import { expect, test, type Page } from '@playwright/test';
import { ADMIN, asBrowser, ensureSetUp, screenshots, signIn } from './support';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ request }) => ensureSetUp(request));

const html = (page: Page) => page.locator('html');
// the page's own alert, not Next's (empty) route announcer
const formAlert = (page: Page) => page.getByRole('main').getByRole('alert');

test('protected pages send you to sign in and back to where you were going', async ({ page, baseURL }) => {
  // a cookie that is no session (forged, or idle too long) gets past the proxy; the page itself refuses it
  await page.context().addCookies([{ name: 'next-auth.session-token', value: 'not-a-session', url: baseURL }]);
  await page.goto('/docs?tag=settings');
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fdocs%3Ftag%3Dsettings$/);
  await page.context().clearCookies();
  await page.goto('/docs');
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fdocs$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await screenshots(page, 'signin');
  await signIn(page, ADMIN.email, ADMIN.password, /\/docs$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('API');
});

test('a wrong password is refused with a message; sign-out ends the session', async ({ page }) => {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  // a wrong password and a locked account read alike (they must not tell which accounts exist)
  await expect(formAlert(page)).toHaveText(/^Wrong email or password, or the account is locked/);
  await expect(page).toHaveURL(/\/signin/);

  await signIn(page);
  expect((await page.request.get('/api/v1/me')).status()).toBe(200);
  // the session cookie authenticates API writes only with the web app's CSRF header
  const forged = await page.request.put('/api/v1/users/me/preferences/ui.language', { data: { value: 'fr' } });
  expect(forged.status()).toBe(403);
  expect((await page.request.put('/api/v1/users/me/preferences/ui.language', { data: { value: 'fr' }, headers: asBrowser })).status()).toBe(200);

  await page.getByRole('button', { name: `Account: ${ADMIN.name}` }).click();
  await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
  await page.waitForURL('/signin');
  expect((await page.request.get('/api/v1/me')).status()).toBe(401);
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin/);
});

test('too many failed sign-ins lock the account, and then even the right password is refused', async ({ page, browser }) => {
  await signIn(page);
  const user = { email: 'lou.locked@example.com', name: 'Lou Locked', password: 'lou has a long password', roles: [] };
  expect((await page.request.post('/api/v1/users', { data: user, headers: asBrowser })).status()).toBe(201);
  const max = (await (await page.request.get('/api/v1/settings/auth.maxLoginAttempts/resolve?scope=global')).json()).value as number;
  expect(max).toBe(5);

  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto('/signin');
  await stranger.getByLabel('Email').fill(user.email);
  for (let i = 1; i <= max; i++) {
    await stranger.getByLabel('Password').fill(`wrong guess ${i}`);
    await stranger.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(stranger.getByRole('button', { name: 'Sign in', exact: true })).toBeEnabled();
    // the lockout itself reads like a wrong password, so the form does not reveal that the account exists
    await expect(formAlert(stranger)).toHaveText(/^Wrong email or password/);
  }
  await stranger.getByLabel('Password').fill(user.password);
  await stranger.getByRole('button', { name: 'Sign in', exact: true }).click();
  // refused: either still backing off after the last failure, or checked and locked
  await expect(formAlert(stranger)).toHaveText(/^(Wrong email or password|Too many failed sign-ins\. Try again in)/);
  await expect(stranger).toHaveURL(/\/signin/);
  await screenshots(stranger, 'signin-locked');

  const audit = await (await page.request.get('/api/v1/audit?action=auth.lockout')).json();
  expect(audit.entries[0]).toMatchObject({ action: 'auth.lockout', actorName: user.name, details: { email: user.email, attempts: max } });
});

test('the theme switch saves the preference and the server renders it after a reload', async ({ page }) => {
  await signIn(page);
  await expect(html(page)).not.toHaveClass(/dark/);
  await page.getByRole('button', { name: /^Theme:/ }).click();
  await page.getByRole('menuitemradio', { name: 'Dark' }).click();
  await expect(html(page)).toHaveClass(/dark/);
  await expect(page.getByText('Theme saved: dark')).toBeVisible();
  expect((await (await page.request.get('/api/v1/users/me/preferences/ui.theme')).json()).value).toBe('dark');

  // no script needed: the class comes with the HTML
  const response = await page.reload();
  expect(await response!.text()).toMatch(/<html[^>]*class="dark"/);
  await expect(html(page)).toHaveClass(/dark/);
  await expect(page.getByRole('button', { name: 'Theme: Dark' })).toBeVisible();
  await screenshots(page, 'dashboard-dark');

  await page.getByRole('button', { name: 'Theme: Dark' }).click();
  await page.getByRole('menuitemradio', { name: 'Light' }).click();
  await expect(html(page)).not.toHaveClass(/dark/);
  await expect(page.getByText('Theme saved: light')).toBeVisible();
  await page.reload();
  await expect(html(page)).not.toHaveClass(/dark/);
});

test('at phone width the sections are in a menu that works with the keyboard', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav).toBeHidden();
  await page.getByRole('button', { name: 'Open menu' }).click();
  const dialog = page.getByRole('dialog', { name: 'Switchboard' });
  await expect(dialog.getByRole('link', { name: 'Dashboard' })).toHaveAttribute('aria-current', 'page');
  await page.screenshot({ path: 'test-results/screenshots/menu-390.png' });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await page.getByRole('button', { name: 'Open menu' }).click();
  await dialog.getByRole('link', { name: 'API docs' }).click();
  await page.waitForURL('/docs');
  await expect(dialog).toBeHidden();
});

test('people see only the sections their roles allow', async ({ page, browser }) => {
  await signIn(page);
  const member = { email: 'mia.member@example.com', name: 'Mia Member', password: 'mia has a long password' };
  expect((await page.request.post('/api/v1/users', { data: { ...member, roles: [] }, headers: asBrowser })).status()).toBe(201);

  const other = await (await browser.newContext()).newPage();
  await signIn(other, member.email, member.password);
  const nav = other.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link')).toHaveText(['Dashboard', 'Preferences', 'Tokens', 'API docs']);
  // no audit log to read: no recent changes card either
  await expect(other.getByRole('list', { name: 'Recent changes' })).toHaveCount(0);
  await screenshots(other, 'dashboard-member');
  // the pages that are not theirs answer a real 404, like pages that do not exist
  for (const path of ['/settings', '/flags', '/audit', '/users']) {
    const res = await other.goto(path);
    expect(res!.status(), path).toBe(404);
    await expect(other.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  }
});
