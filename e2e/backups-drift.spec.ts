import { expect as baseExpect, test, type APIRequestContext, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { adminApi, createScope } from './admin-api';
import { ensureSetUp, signIn } from './support';

test.describe.configure({ mode: 'serial' });
// a backup and a restore go through the audit chain's lock: on a busy CI machine they can take seconds
const expect = baseExpect.configure({ timeout: 20_000 });
test.setTimeout(180_000);

const T = { id: 'backups-t', level: 'tenant', parentId: 'global', name: 'Backups T' };
const KEY = 'waitlist.maxPositionNotifications'; // integer 0..100, default 5, allowed at global and tenant
const NOTE = `e2e before the change ${Date.now()}`;

let api: APIRequestContext;
const resolve = async (scope: string) => (await (await api.get(`/api/v1/settings/${KEY}/resolve?scope=${scope}`)).json()).value;
const put = async (scope: string, value: number) => {
  const res = await api.put(`/api/v1/settings/${KEY}`, { data: { value, scope, reason: 'e2e backups' } });
  expect(res.status(), await res.text()).toBe(200);
};

/** Both pages at desktop and phone widths, into /tmp/shots2. */
async function shots(page: Page, name: string) {
  mkdirSync('/tmp/shots2', { recursive: true });
  const original = page.viewportSize();
  for (const [width, height] of [
    [1280, 800],
    [390, 844],
  ]) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: `/tmp/shots2/${name}-${width}.png`, fullPage: true });
  }
  if (original) await page.setViewportSize(original);
}

test.beforeAll(async ({ browser, playwright, baseURL, request }) => {
  await ensureSetUp(request);
  api = await adminApi(browser, playwright, baseURL);
  await createScope(api, T);
  await put(T.id, 7);
});

test.afterAll(async () => {
  await api?.dispose();
});

test('take a backup, change a value, restore: the preview shows the diff, the confirm needs a reason and brings the value back', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Backups', exact: true }).first().click();
  await expect(page.getByRole('heading', { name: 'Backups', level: 1 })).toBeVisible();

  await page.getByLabel('Type', { exact: true }).selectOption('system');
  await page.getByLabel('Note (optional)').fill(NOTE);
  await page.getByRole('button', { name: 'Take backup' }).click();
  const list = page.getByRole('list', { name: 'Backups' });
  const mine = list.getByRole('listitem').filter({ hasText: NOTE });
  await expect(mine).toBeVisible();
  await expect(mine).toContainText('system');
  await expect(mine).toContainText('manual');
  await expect(mine).toContainText(/sha256 [0-9a-f]{12}…/);

  // its download is the backup file, and the header names its checksum
  const [download] = await Promise.all([page.waitForEvent('download'), mine.getByRole('link', { name: 'Download' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^switchboard-backup-system-.*\.json$/);

  await put(T.id, 13);
  await mine.getByRole('button', { name: 'Restore…' }).click();
  const diff = page.getByRole('region', { name: /^Restoring backup .* \(system\)/ });
  await expect(diff.getByRole('row', { name: new RegExp(`${KEY}.*${T.id}`) })).toContainText('13 → 7');
  await shots(page, 'backups');

  await diff.getByRole('button', { name: /^Restore \d+ changes?…/ }).click();
  const dialog = page.getByRole('dialog', { name: /^Restore \d+ changes?\?/ });
  await dialog.getByRole('button', { name: 'Confirm restore' }).click();
  await expect(dialog.getByText('Say why: the reason is recorded with every change.')).toBeVisible();
  expect(await resolve(T.id)).toBe(13);
  await dialog.getByLabel('Reason').fill('e2e restore the backup');
  await dialog.getByRole('button', { name: 'Confirm restore' }).click();
  await expect(dialog).toBeHidden();
  expect(await resolve(T.id)).toBe(7);
  // the restore took a backup of the state before it, listed at the top
  const pre = list.getByRole('listitem').first();
  await expect(pre).toContainText('pre-restore');

  // delete that one, after confirming
  const before = await list.getByRole('listitem').count();
  await pre.getByRole('button', { name: 'Delete…' }).click();
  const del = page.getByRole('dialog', { name: /^Delete backup / });
  await del.getByRole('button', { name: 'Delete backup' }).click();
  await expect(del).toBeHidden();
  await expect(list.getByRole('listitem')).toHaveCount(before - 1);
  await expect(mine).toBeVisible();
});

test('the drift page shows a report after "Run now"', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Drift', exact: true }).first().click();
  await expect(page.getByRole('heading', { name: 'Drift', level: 1 })).toBeVisible();
  await page.getByLabel('Scope', { exact: true }).selectOption(T.id);
  await page.getByRole('button', { name: 'Run now' }).click();
  const report = page.getByRole('region', { name: `Drift at ${T.id}` });
  await expect(report).toContainText(/stored values? compared/);
  // every value at the tenant was written through the API, so nothing there drifted
  await expect(report).toContainText('No drift');
  await page.getByLabel('Scope', { exact: true }).selectOption('global');
  await page.getByRole('button', { name: 'Run now' }).click();
  await expect(page.getByRole('region', { name: 'Drift at global' })).toContainText(/stored values? compared/);
  await shots(page, 'drift');
});

test('backups are for platform admins, drift for admins; a member gets 404 for both', async ({ page }) => {
  const admin = { email: 'backups-tenant-admin@example.com', name: 'Tia Admin', password: 'a tenant admin passphrase' };
  const member = { email: 'backups-member@example.com', name: 'Bo Member', password: 'a member passphrase, long' };
  for (const [u, role] of [
    [admin, 'tenant_admin'],
    [member, 'member'],
  ] as const) {
    const res = await api.post('/api/v1/users', { data: { ...u, roles: [{ role, scopeId: T.id }] } });
    expect([201, 409]).toContain(res.status());
  }

  // a tenant admin checks drift in their tenant, without the remediate button or the backups page
  await signIn(page, admin.email, admin.password);
  await expect(page.getByRole('link', { name: 'Drift', exact: true })).toHaveCount(1);
  await expect(page.getByRole('link', { name: 'Backups', exact: true })).toHaveCount(0);
  expect((await page.goto('/backups'))?.status()).toBe(404);
  await page.goto('/drift');
  await page.getByRole('button', { name: 'Run now' }).click();
  await expect(page.getByRole('region', { name: `Drift at ${T.id}` })).toContainText(/stored values? compared/);
  await expect(page.getByRole('button', { name: /^Remediate/ })).toHaveCount(0);

  await page.context().clearCookies();
  await signIn(page, member.email, member.password);
  await expect(page.getByRole('link', { name: 'Settings' }).first()).toBeVisible();
  for (const name of ['Backups', 'Drift']) await expect(page.getByRole('link', { name, exact: true })).toHaveCount(0);
  for (const path of ['/backups', '/drift']) expect((await page.goto(path))?.status()).toBe(404);
});
